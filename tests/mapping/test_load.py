from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import MappingError
from generator.mapping.load import load_mapping
from tests.helpers import MAPPINGS, ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_caseload_mapping_loads_with_paths_relative_to_it():
    mapping = load_mapping(MAPPINGS / "caseload.yaml")
    assert mapping.key == "student_id"
    assert mapping.sources["main"].location == ROOT / "samples" / "caseload.xlsx"
    assert mapping.sources["main"].sheet == "Caseload"
    assert mapping.sources["main"].key_column == "Student ID"
    assert mapping.template == ROOT / "templates" / "ot-treatment-plan.docx"
    assert mapping.fields["dob"].type == "date"
    assert mapping.fields["goals"].columns == ["Goal 1", "Goal 2", "Goal 3"]
    assert mapping.fields["goals"].type == "list"
    assert mapping.fields["first_name"].column == "First Name"
    assert mapping.fields["plan_type"].value_map == {"504": "Section 504 Plan", "iep": "IEP"}
    assert mapping.fields["full_name"].is_computed
    assert mapping.review_date == "annual_review"
    assert "school_year" in mapping.provided_names()


MINIMAL = "key: id\nfields:\n  id: Student ID\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "the top level must be a mapping of settings (key: value), not a list."),
        (
            "key: id\nfields:\n  id: [unclosed\n",
            "line 4, column 1: expected ',' or ']', but got '<stream end>'. Fix the YAML syntax there.",
        ),
        (MINIMAL + "templat: x.docx\n", "line 4: unknown setting 'templat' in the mapping. Did you mean 'template'?"),
        (
            "key: id\nfields:\n  id: {colum: Student ID}\n",
            "line 3: unknown setting 'colum' in field 'id'. Did you mean 'column' or 'columns'?",
        ),
        (
            "key: id\nfields:\n  id: {column: ID, type: datetime}\n",
            "line 3: field 'id': type must be one of text, date, integer, number, yesno, list, records, "
            "not 'datetime'. Did you mean 'date'?",
        ),
        (
            "key: student\nfields:\n  student_id: ID\n",
            "line 1: key 'student' is not one of the fields. Did you mean 'student_id'?",
        ),
        ("fields:\n  id: ID\n", "line 1: 'key' is missing"),
        ("key: id\n", "line 1: 'fields' must be a mapping of template field names to columns"),
        ("key: id\nfields:\n  id: ID\n  id: Other\n", "line 4, column 3: duplicate key 'id' (first on line 3)."),
        ("key: id\nfields:\n  first name: First\n  id: ID\n", "line 3: field name 'first name' must be a single word"),
        (
            "key: id\nfields:\n  id: {column: ID, value: x}\n",
            "line 3: field 'id' needs exactly one of 'column', 'columns' or 'value' (found column, value).",
        ),
        (
            "key: id\nfields:\n  id: {column: ID, required: maybe}\n",
            "line 3: field 'id': 'required' must be true or false.",
        ),
        ("key: id\nfields:\n  id: ID\n  today: Today\n", "line 4: field name 'today' is built in"),
        (MINIMAL + "review_date: id\n", "line 4: review_date 'id' must be a field of type date."),
        (
            MINIMAL + "output:\n  folder: '{{ id }'\n",
            "line 5: output folder: unexpected '}'. Check the {{ }} and {% %} tags.",
        ),
        (
            "key: id\nfields:\n  id: ID\n  full: {value: '{% if id %}x'}\n",
            "line 4: field 'full': Unexpected end of template.",
        ),
        (
            "sources: {a: {file: a.csv, key: ID}}\nsource: b.csv\nkey: id\nfields:\n  id: ID\n",
            "line 2: 'source' and 'sources' cannot both be set",
        ),
        (
            "sources: {a: {file: a.csv}}\nkey: id\nfields:\n  id: ID\n",
            "line 1: source 'a' needs 'key:', the column holding the student key",
        ),
        (
            "sources: {svc: {file: a.csv, key: ID}}\nkey: id\nfields:\n  id: ID\n  x: {source: svcs, column: X}\n",
            "line 5: field 'x': source 'svcs' is not one of the sources. Did you mean 'svc'?",
        ),
        (
            "sources: {svc: {file: a.csv, key: ID}}\nroster: services\nkey: id\nfields:\n  id: ID\n",
            "line 2: roster names 'services', which is not one of the sources.",
        ),
        (MINIMAL + "  goals: {type: records}\n", "line 4: field 'goals': type records needs 'item:'"),
        (
            MINIMAL + "  goals: {item: {n: N}, sort_by: number}\n",
            "line 4: field 'goals': sort_by names 'number', which is not an item field.",
        ),
        (
            MINIMAL + "  goals: {column: G, sort_by: n}\n",
            "line 4: field 'goals': 'sort_by' only applies to type: records.",
        ),
        (
            MINIMAL + "  svc: {column: S, where: {column: Code, code: 450, in: [1]}}\n",
            "line 4: field 'svc': a 'where' condition needs 'column' and exactly one of "
            "equals, in, not_in, code, matches (or 'any' with a list of conditions).",
        ),
        (
            MINIMAL + "  svc: {column: S, where: {column: Code, matches: '(unclosed'}}\n",
            "line 4: field 'svc': the pattern '(unclosed' is not a valid regular expression",
        ),
        (MINIMAL + "  code: {column: S, part: number}\n", "line 4: field 'code': part must be 'code' or 'label'"),
        (
            MINIMAL + "rows_per_student: several\n",
            "line 4: rows_per_student must be 'one' (a caseload: one row per student) or 'many'",
        ),
        (
            "sources: {a: {file: a.csv, key: ID}}\nrows_per_student: one\nkey: id\nfields:\n  id: ID\n",
            "line 2: 'rows_per_student' and 'sources' cannot both be set",
        ),
        (MINIMAL + "conflicts: newest\n", "line 4: conflicts must be one of first, last, error, not 'newest'."),
    ],
)
def test_mapping_errors_name_file_line_and_fix(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_missing_mapping_file(tmp_path: Path):
    with pytest.raises(MappingError) as err:
        load_mapping(tmp_path / "nope.yaml")
    assert str(err.value) == f"{tmp_path / 'nope.yaml'}: mapping file not found. Check the --mapping path."


def test_empty_file_asks_for_fields_on_line_1(tmp_path: Path):
    path = write(tmp_path, "# nothing yet\n")
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}, line 1: 'fields' must be a mapping")


def test_the_destination_folder_setting_reads_under_its_old_name_too(tmp_path: Path) -> None:
    base = "key: id\nfields:\n  id: ID\n  link: Folder Link\n"
    path = tmp_path / "m.yaml"
    path.write_text(base + "destination_folder: link\n", encoding="utf-8")
    new = load_mapping(path)
    assert new.destination_folder == "link" and new.deprecations == []
    path.write_text(base + "drive_folder: link\n", encoding="utf-8")
    old = load_mapping(path)
    assert old.destination_folder == "link"
    assert old.deprecations == [
        f"{path}, line 5: 'drive_folder:' is the old name of 'destination_folder:'; it still works, but rename it."
    ]
    path.write_text(base + "drive_folder: lnk\n", encoding="utf-8")
    with pytest.raises(MappingError, match="line 5: drive_folder 'lnk' is not one of the fields. Did you mean 'link'"):
        load_mapping(path)
    path.write_text(base + "drive_folder: link\ndestination_folder: link\n", encoding="utf-8")
    with pytest.raises(MappingError, match="line 5: 'drive_folder' and 'destination_folder' are one setting"):
        load_mapping(path)

"""One field of a mapping read on its own: what each shape of YAML becomes, and the located refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import MappingError
from generator.mapping.fields import Condition, FieldSpec, read_conditions, read_field
from generator.mapping.yamlfile import LineDict, YamlReader, load_yaml_mapping


def fields(tmp_path: Path, text: str) -> tuple[YamlReader, LineDict]:
    path = tmp_path / "fields.yaml"
    path.write_text(text, encoding="utf-8")
    return YamlReader(path), load_yaml_mapping(path)


def read(tmp_path: Path, text: str, name: str | None = None, *, in_item: bool = False) -> FieldSpec:
    reader, data = fields(tmp_path, text)
    name = name or next(iter(data))
    return read_field(reader, name, data[name], data.line_of(name), in_item=in_item)


def refused(tmp_path: Path, text: str, **kwargs) -> str:
    with pytest.raises(MappingError) as caught:
        read(tmp_path, text, **kwargs)
    message = str(caught.value)
    prefix = f"{tmp_path / 'fields.yaml'}, "
    assert message.startswith(prefix)
    return message.removeprefix(prefix)


def test_a_bare_column_name_is_a_text_field(tmp_path: Path) -> None:
    spec = read(tmp_path, "\n\nfirst_name: First Name\n")
    assert (spec.name, spec.line, spec.column, spec.type, spec.required) == (
        "first_name",
        3,
        "First Name",
        "text",
        False,
    )
    assert spec.source_columns() == ["First Name"] and not spec.is_computed
    assert read(tmp_path, "grade: 3\n").column == "3"  # a number typed as a header is that header's text


def test_every_setting_of_a_field(tmp_path: Path) -> None:
    spec = read(
        tmp_path,
        """\
service:
  column: Service
  type: text
  default: none listed
  required: true
  part: label
  pattern: 'OT (\\d+)'
  map: {" 450 ": Occupational therapy, YES: true}
  where: {column: Provider, equals: [" Occupational  Therapist "]}
""",
    )
    assert (spec.column, spec.default, spec.required, spec.part) == ("Service", "none listed", True, "label")
    assert spec.pattern is not None and spec.pattern.search("ot 12").group(1) == "12"  # case-insensitive
    assert spec.value_map == {"450": "Occupational therapy", "yes": True}  # keys compared as cells are
    (condition,) = spec.where
    assert (condition.column, condition.op, condition.values, condition.line) == (
        "Provider",
        "equals",
        ["occupational therapist"],
        9,
    )


def test_columns_make_a_list_and_item_makes_records(tmp_path: Path) -> None:
    goals = read(tmp_path, 'goals: {columns: [Goal 1, Goal 2], separator: "\\n"}\n')
    assert (goals.type, goals.columns, goals.separator) == ("list", ["Goal 1", "Goal 2"], "\n")
    assert goals.source_columns() == ["Goal 1", "Goal 2"]
    records = read(
        tmp_path,
        """\
goals:
  source: goals
  sort_by: [-number, area]
  unique_by: number
  item:
    number: {column: 'Goal #', type: integer}
    area: Area
""",
    )
    assert records.type == "records" and records.source == "goals"
    assert records.sort_by == ["-number", "area"] and records.unique_by == ["number"]
    assert {n: (s.column, s.type, s.line) for n, s in records.item.items()} == {
        "number": ("Goal #", "integer", 6),
        "area": ("Area", "text", 7),
    }
    assert records.item_columns() == ["Goal #", "Area"] and records.source_columns() == []


def test_repeat_turns_item_columns_into_column_groups(tmp_path: Path) -> None:
    spec = read(tmp_path, "goals:\n  repeat: [1, 2]\n  item: {area: 'Goal {n} Area', text: 'Goal {n}'}\n")
    assert spec.repeat == ["1", "2"]
    assert spec.item_columns() == ["Goal 1 Area", "Goal 1", "Goal 2 Area", "Goal 2"]


def test_a_computed_field_and_an_empty_constant(tmp_path: Path) -> None:
    spec = read(tmp_path, "full_name: {value: '{{ first }} {{ last }}'}\n")
    assert spec.is_computed and spec.value == "{{ first }} {{ last }}" and spec.source_columns() == []
    blank = read(tmp_path, "notes: {value: ''}\n")
    assert blank.is_computed and blank.value == ""  # a blank area in the plan to write in


def test_builtin_names_are_refused_as_fields_but_fine_in_items(tmp_path: Path) -> None:
    assert (
        refused(tmp_path, "\nschool_year: Year\n") == "line 2: field name 'school_year' is built in; choose "
        "another name."
    )
    assert read(tmp_path, "today: Date\n", in_item=True).column == "Date"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: [a, b]\n", "line 1: field 'x' must be a column name or a mapping with 'column:'."),
        ("x: true\n", "line 1: field 'x' must be a column name or a mapping with 'column:'."),
        (
            "x:\n  column: X\n  type: yes-no\n",
            "line 3: field 'x': type must be one of text, date, integer, number, yesno, list, records, not 'yes-no'. "
            "Did you mean 'yesno'?",
        ),
        ("x:\n  columns: [A, B]\n  type: text\n", "line 3: field 'x': 'columns' makes a list; use type: list."),
        ("x:\n  column: X\n  separator: ''\n", "line 3: field 'x': 'separator' must be text such as ';' or '\\n'."),
        ("x:\n  column: X\n\n  map: [a, b]\n", "line 4: field 'x': 'map' must be a mapping of cell value to text."),
        (
            "x:\n  column: X\n  pattern: '[a-'\n",
            "line 3: field 'x': the pattern '[a-' is not a valid regular expression (unterminated character set at "
            "position 0).",
        ),
        (
            "x:\n  item: {a: A}\n  column: X\n",
            "line 3: field 'x': a records field reads its columns under 'item:', not 'column'.",
        ),
        (
            "x:\n  type: records\n  item: []\n",
            "line 3: field 'x': type records needs 'item:', a mapping of item field "
            "names to columns, e.g.\n  item:\n    number: Annual Goal #\n    text: Goal",
        ),
        (
            "x:\n  item: {a: A}\n  unique_by: [b]\n",
            "line 3: field 'x': unique_by names 'b', which is not an item field.",
        ),
        (
            "x:\n  item: {area: Area}\n  sort_by: -aera\n",
            "line 3: field 'x': sort_by names '-aera', which is not an item field. Did you mean 'area'?",
        ),
        (
            "x:\n  item: {a: Goal 1}\n  repeat: [1, 2]\n",
            "line 3: field 'x': with 'repeat', item columns name the group with {n}, e.g. 'Goal {n} Area' for Goal 1 "
            "Area, Goal 2 Area...",
        ),
        ("x:\n  item:\n    a: {columns: [A, B]}\n", "line 3: field 'a': an item field reads one 'column'."),
        (
            "x:\n  item:\n    a: {column: A, type: records}\n",
            "line 3: field 'a': type must be one of text, date, integer, number, yesno, list, not 'records'.",
        ),
        (
            "x:\n  item:\n    a: {column: A, source: other}\n",
            "line 3: unknown setting 'source' in field 'a'. Allowed: column, columns, value, type, format, default, "
            "required, map, separator, part, pattern.",
        ),
        (
            "x:\n  column: X\n  where: [Code]\n",
            "line 3: field 'x': each 'where' condition must be a mapping like {column: Service Code, code: [450]}.",
        ),
    ],
)
def test_refusals_name_the_line_to_fix(tmp_path: Path, text: str, message: str) -> None:
    assert refused(tmp_path, text) == message


def test_where_as_one_condition_or_a_list(tmp_path: Path) -> None:
    reader, data = fields(
        tmp_path,
        """\
one:
  where: {column: Code, code: 450}
many:
  where:
    - {column: Code, in: [450, '451']}
    - column: Provider
      matches: ['^OT', 'occupational']
none: {}
""",
    )
    (single,) = read_conditions(reader, data["one"], "field 'one'")
    assert (single.column, single.op, single.values, single.line) == ("Code", "code", ["450"], 2)
    codes, provider = read_conditions(reader, data["many"], "field 'many'")
    assert (codes.op, codes.values, codes.line) == ("in", ["450", "451"], 5)
    assert (provider.op, provider.values, provider.line) == ("matches", ["^OT", "occupational"], 6)
    assert read_conditions(reader, data["none"], "field 'none'") == []


@pytest.mark.parametrize(
    ("op", "values", "passing", "failing"),
    [
        ("equals", ["occupational therapy"], ["Occupational  Therapy ", "OCCUPATIONAL THERAPY"], ["Speech", None]),
        ("in", ["450", "451"], [450, 451.0, " 450 "], [452, "", None]),
        ("not_in", ["speech"], ["OT", None, ""], ["Speech", " SPEECH "]),
        ("code", ["450"], ["450 - Occupational therapy", 450, "450"], ["451 - Speech", "Occupational therapy - 450"]),
        ("matches", ["^ot\\b", "occupational"], ["OT services", "Occupational therapy"], ["PT", "Not OT"]),
    ],
)
def test_a_condition_tests_cells_as_the_sheet_shows_them(
    op: str, values: list[str], passing: list, failing: list
) -> None:
    condition = Condition(column="C", op=op, values=values, line=1)
    assert [condition.test(v) for v in passing] == [True] * len(passing)
    assert [condition.test(v) for v in failing] == [False] * len(failing)


def test_a_true_or_false_key_matches_a_true_false_cell_and_the_text_a_csv_holds(tmp_path: Path) -> None:
    from generator.roster.values import reshape

    spec = read(
        tmp_path, "ota:\n  column: OTA\n  map: {true: OTA co-treats, FALSE: ''}\n  where: {column: OTA, equals: TRUE}\n"
    )
    assert [reshape(spec, cell) for cell in (True, "TRUE", "true", False, "FALSE", "Maybe")] == [
        "OTA co-treats",
        "OTA co-treats",
        "OTA co-treats",
        "",
        "",
        "Maybe",
    ]
    assert [spec.where[0].test(cell) for cell in (True, "TRUE", "Yes", False, "FALSE")] == [
        True,
        True,
        True,
        False,
        False,
    ]

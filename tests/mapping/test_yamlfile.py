"""YAML with line numbers: every key remembers its line, and every error names the file and the line."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from generator.errors import MappingError
from generator.mapping.load import load_mapping
from generator.mapping.yamlfile import LineDict, YamlReader, load_yaml_mapping
from generator.roster.values import reshape
from generator.sources.cells import normalize_value, to_text


def write(tmp_path: Path, text: str | bytes, name: str = "m.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error(path: Path) -> str:
    with pytest.raises(MappingError) as caught:
        load_yaml_mapping(path)
    return str(caught.value)


TEXT = """\
# a comment on line 1
key: id

fields:
  id: Student ID
  goals:
    columns: [Goal 1, Goal 2]
    type: list
"""


def test_every_mapping_knows_its_line_and_the_line_of_each_key(tmp_path: Path) -> None:
    data = load_yaml_mapping(write(tmp_path, TEXT))
    assert isinstance(data, LineDict) and data == {
        "key": "id",
        "fields": {"id": "Student ID", "goals": {"columns": ["Goal 1", "Goal 2"], "type": "list"}},
    }
    assert data.line == 2 and data.key_lines == {"key": 2, "fields": 4}
    fields = data["fields"]
    assert fields.line == 5 and fields.line_of("id") == 5 and fields.line_of("goals") == 6
    goals = fields["goals"]
    assert goals.line == 7 and goals.line_of("columns") == 7 and goals.line_of("type") == 8
    assert goals.line_of("missing") == 7  # a key not there points at its mapping


def test_flow_mappings_and_merge_keys_keep_lines(tmp_path: Path) -> None:
    text = "base: &base {type: date, format: '%B %-d, %Y'}\nfields:\n  dob: {<<: *base, column: DOB}\n"
    data = load_yaml_mapping(write(tmp_path, text))
    dob = data["fields"]["dob"]
    assert dob == {"type": "date", "format": "%B %-d, %Y", "column": "DOB"}
    assert dob.line == 3 and dob.line_of("column") == 3


def test_a_duplicate_key_is_refused_at_its_second_line(tmp_path: Path) -> None:
    path = write(tmp_path, "key: id\nfields:\n  id:\n    column: ID\n    type: text\n    column: Other\n")
    assert (
        error(path) == f"{path}, line 6, column 5: duplicate key 'column' (first on line 4). Fix the YAML syntax there."
    )


def test_the_same_key_in_two_mappings_is_not_a_duplicate(tmp_path: Path) -> None:
    data = load_yaml_mapping(write(tmp_path, "a: {column: A}\nb: {column: B}\n"))
    assert data["a"]["column"] == "A" and data["b"]["column"] == "B"


def test_a_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "key: id\nfields:\n  id: Student ID\n   bad indent: x\n")
    assert error(path) == (
        f"{path}, line 4, column 14: mapping values are not allowed here. Fix the YAML syntax there."
    )
    path = write(tmp_path, "key: 'unclosed\n", "q.yaml")
    assert error(path).startswith(f"{path}, line 2, column 1: found unexpected end of stream.")


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "list"), ("just words\n", "str"), ("42\n", "int")])
def test_the_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    path = write(tmp_path, text)
    assert error(path) == f"{path}: the top level must be a mapping of settings (key: value), not a {kind}."


def test_an_empty_or_comment_only_file_is_an_empty_mapping(tmp_path: Path) -> None:
    for number, text in enumerate(("", "# only a comment\n", "---\n")):
        data = load_yaml_mapping(write(tmp_path, text, f"e{number}.yaml"))
        assert data == {} and data.line == 1 and data.key_lines == {} and data.line_of("fields") == 1


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    data = load_yaml_mapping(write(tmp_path, "\ufeffkey: id\nfields: {id: ID}\n".encode()))
    assert data == {"key": "id", "fields": {"id": "ID"}} and data.line_of("fields") == 2


def test_files_that_are_not_yaml_text(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert error(missing) == f"{missing}: mapping file not found. Check the --mapping path."
    assert error(tmp_path) == f"{tmp_path}: is a folder; --mapping needs a .yaml file."
    latin = write(tmp_path, "key: id\nfields: {id: Nº}\n".encode("latin-1"), "latin.yaml")
    assert error(latin) == f"{latin}: is not UTF-8 text (invalid start byte). Save it as UTF-8."


# --------------------------------------------------------------------------------------------
# YamlReader: typed settings with the line of the offending key
# --------------------------------------------------------------------------------------------


SETTINGS = """\
name: Fall caseload
year: 2026
empty: "  "
flag: yes
word: maybe
one: Goal 1
many: [Goal 1, Goal 2, 3]
nested: [[a]]
block:
  inner: x
scalar: text
template: ../templates/plan.docx
link: https://docs.google.com/document/d/abc/edit
"""


@pytest.fixture
def settings(tmp_path: Path) -> tuple[YamlReader, LineDict, Path]:
    path = write(tmp_path, SETTINGS)
    return YamlReader(path), load_yaml_mapping(path), path


def fails(call, *args) -> str:
    with pytest.raises(MappingError) as caught:
        call(*args)
    return str(caught.value)


def test_reader_strings(settings) -> None:
    reader, data, path = settings
    assert reader.string(data, "name", "setting") == "Fall caseload"
    assert reader.string(data, "year", "setting") == "2026"  # a number typed as a name is its text
    assert reader.string(data, "absent", "setting") is None
    assert reader.string(data, "absent", "setting", "default") == "default"
    assert fails(reader.string, data, "empty", "setting") == f"{path}, line 3: setting 'empty' must be non-empty text."
    assert reader.string(data, "flag", "setting") == "yes"  # YAML 1.2: yes is a word
    assert fails(reader.string, data, "block", "field 'x':") == (
        f"{path}, line 9: field 'x': 'block' must be non-empty text."
    )


def test_reader_lists_of_names(settings) -> None:
    reader, data, path = settings
    assert reader.strings(data, "one", "setting") == ["Goal 1"]  # one name is a list of one
    assert reader.strings(data, "many", "setting") == ["Goal 1", "Goal 2", "3"]
    assert reader.strings(data, "absent", "setting") == []
    assert fails(reader.strings, data, "nested", "setting") == (
        f"{path}, line 8: setting 'nested' must be a name or a list of names."
    )
    assert fails(reader.strings, data, "block", "setting").startswith(f"{path}, line 9: setting 'block'")


def test_reader_booleans(settings) -> None:
    reader, data, path = settings
    assert reader.boolean(data, "flag", "setting") is True  # a yes where only yes or no is meant
    assert reader.boolean(data, "absent", "setting") is False
    assert fails(reader.boolean, data, "word", "setting") == f"{path}, line 5: setting 'word' must be true or false."


def test_reader_nested_mappings(settings) -> None:
    reader, data, path = settings
    block = reader.mapping(data, "block", "setting")
    assert block == {"inner": "x"} and block.line_of("inner") == 10
    absent = reader.mapping(data, "absent", "setting")
    assert absent == {} and absent.line == 1 and absent.line_of("anything") == 1
    assert fails(reader.mapping, data, "scalar", "setting") == (
        f"{path}, line 11: setting 'scalar' must be a mapping of settings (key: value)."
    )


def test_reader_locations_are_relative_to_the_file_and_links_stay_text(settings, tmp_path: Path) -> None:
    reader, data, _ = settings
    assert reader.location(data, "template") == (tmp_path.parent / "templates" / "plan.docx").resolve()
    assert reader.location(data, "link") == "https://docs.google.com/document/d/abc/edit"
    assert reader.location(data, "absent") is None


def test_unknown_keys_are_named_with_a_suggestion_and_the_allowed_list(settings) -> None:
    reader, data, path = settings
    block = reader.mapping(data, "block", "setting")
    reader.check_keys(block, ("inner", "outer"), "block")  # all known: nothing raised
    assert fails(reader.check_keys, block, ("iner", "outer"), "block") == (
        f"{path}, line 10: unknown setting 'inner' in block. Did you mean 'iner'? Allowed: iner, outer."
    )
    assert fails(reader.check_keys, block, ("folder", "filename"), "output") == (
        f"{path}, line 10: unknown setting 'inner' in output. Allowed: folder, filename."
    )
    assert str(reader.fail(7, "anything")) == f"{path}, line 7: anything"


def test_scalars_are_yaml_1_2_core_schema_and_numbers_keep_their_text(tmp_path: Path) -> None:
    text = (
        "time: 12:30\ncode: 0123\nversion: 1.10\nwords: [yes, no, on, off, y, n, Yes, NO]\n"
        "truths: [true, True, TRUE, false, False, FALSE]\nnulls: [~, null, Null, NULL]\n"
        "numbers: [0x1F, 0o17, 1e3, .5, -2, +3.0, 010]\ntexts: [2027-06-01, 1_000, 0b101, 1:02:03, 0x, 1.2.3]\n"
        "quoted: '0123'\n"
    )
    data = load_yaml_mapping(write(tmp_path, text))
    assert (data["time"], str(data["code"]), str(data["version"])) == ("12:30", "0123", "1.10")
    assert data["code"] == 123 and data["version"] == 1.1  # where a number is wanted
    assert data["words"] == ["yes", "no", "on", "off", "y", "n", "Yes", "NO"]
    assert data["truths"] == [True, True, True, False, False, False]
    assert all(isinstance(v, bool) for v in data["truths"])
    assert data["nulls"] == [None] * 4
    assert data["numbers"] == [31, 15, 1000.0, 0.5, -2, 3.0, 10]  # no octal from a leading zero
    assert [str(v) for v in data["numbers"]] == ["0x1F", "0o17", "1e3", ".5", "-2", "+3.0", "010"]
    assert data["texts"] == ["2027-06-01", "1_000", "0b101", "1:02:03", "0x", "1.2.3"]
    assert data["quoted"] == "0123" and isinstance(data["quoted"], str)
    assert to_text(data["version"]) == "1.10" and normalize_value(data["code"]) == "0123"
    assert pickle.loads(pickle.dumps(data["version"])).text == "1.10"


def test_a_code_table_key_matches_the_cell_as_the_sheet_shows_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "key: id\nfields:\n  id: ID\n  level:\n    column: Level\n"
        "    map: {0123: Kindergarten, 1.10: One-ten, on: Onsite, 12:30: Half past}\n"
        "    default: 1.10\n  start: {column: Start, default: 12:30}\n  flag: {column: F, required: yes}\n"
        "  version: {value: 1.10}\n",
    )
    mapping = load_mapping(path)
    level = mapping.fields["level"]
    assert [reshape(level, cell) for cell in ("0123", "1.10", "on", "12:30", "123", True)] == [
        "Kindergarten",
        "One-ten",
        "Onsite",
        "Half past",
        "123",  # the cell shows 123, the key 0123: not the same code
        True,  # a TRUE cell is not the word "on"
    ]
    assert to_text(level.default) == "1.10" and mapping.fields["start"].default == "12:30"
    assert mapping.fields["flag"].required is True and mapping.fields["version"].value == "1.10"

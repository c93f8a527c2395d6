"""Bad inputs that used to crash, hang or pass `check` and fail at render: each is now refused up front.

Families: expansion bombs in the mapping, runaway regular expressions, runaway template loops and
repetition, template features that need a loader, sandbox escapes, tags in parts Word keeps apart
(footnotes, endnotes, comments), and broken filters in output patterns. Every case asserts the exit
code, the location named, no traceback, no plan written, and no cell value on the terminal.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import make_template, write_xlsx

HEADER = ["Student ID", "First", "Last", "Code", "Note"]
SECRET = "Zanzibar-7731"  # a cell value that must never reach the terminal
MAPPING = """key: id
display_name: "{{{{ first }}}} {{{{ last }}}}"
fields:
  id: Student ID
  first: First
  last: Last
  code: {{column: Code{code_extra}}}
  note: Note
{extra}
output: {{folder: "{{{{ last }}}}", filename: {filename}}}
"""

NOTES = {
    "footnotes": (
        "word/footnotes.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
        "w:footnotes",
        "w:footnote",
    ),
    "endnotes": (
        "word/endnotes.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes",
        "w:endnotes",
        "w:endnote",
    ),
    "comments": (
        "word/comments.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
        "w:comments",
        "w:comment",
    ),
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def add_notes_part(path: Path, kind: str, text: str) -> Path:
    """A template whose footnotes/endnotes/comments part holds ``text``, as Word saves one."""
    name, content_type, rel_type, root, item = NOTES[kind]
    extra = ' w:author="T" w:initials="T"' if kind == "comments" else ""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{root} xmlns:w="{W}">'
        f'<{item} w:id="1"{extra}><w:p><w:r><w:t>{text}</w:t></w:r></w:p></{item}></{root}>'
    )
    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[name] = xml.encode()
    types = entries["[Content_Types].xml"].decode()
    entries["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'
    ).encode()
    rels = entries["word/_rels/document.xml.rels"].decode()
    entries["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="rIdNotes1" Type="{rel_type}" Target="{name[5:]}"/></Relationships>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry, data in entries.items():
            target.writestr(entry, data)
    return path


def run_case(
    tmp: Path,
    *,
    extra: str = "",
    code_extra: str = "",
    filename: str = "Plan",
    paragraphs: list[str] | None = None,
    notes: tuple[str, str] | None = None,
    code: str = "450",
    mapping_text: str | None = None,
    env: dict[str, str] | None = None,
):
    (tmp / "m.yaml").write_text(
        mapping_text or MAPPING.format(extra=extra, code_extra=code_extra, filename=filename), encoding="utf-8"
    )
    write_xlsx(tmp / "c.xlsx", [HEADER, [1001, "Ana", "Ruiz", code, SECRET], [1002, "Bo", "Lee", "450", SECRET]])
    template = make_template(tmp / "t.docx", paragraphs or ["{{ first }} {{ last }}"])
    if notes:
        add_notes_part(template, *notes)
    args = ["-m", str(tmp / "m.yaml"), "-s", str(tmp / "c.xlsx"), "-t", str(template)]
    runner = CliRunner()
    generated = runner.invoke(cli, ["generate", *args, "-o", str(tmp / "plans")], env=env)
    checked = runner.invoke(cli, ["check", *args], env=env)
    return generated, checked


def assert_refused(tmp: Path, result, words: list[str], exit_code: int = 2) -> None:
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    for word in words:
        assert word in result.output, f"{word!r} not in: {result.output}"
    assert SECRET not in result.output
    assert list((tmp / "plans").glob("**/*.docx")) == []


BILLION_LAUGHS = """a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]
key: id
fields: {id: Student ID}
"""

LOAD_REFUSALS = {
    # family: template features that need a loader
    "include": ({"paragraphs": ["{% include 'other.docx' %}"]}, ["paragraph 1", "'{% include %}' is not available"]),
    "import": ({"paragraphs": ["{% import 'macros' as m %}{{ first }}"]}, ["'{% import %}' is not available"]),
    "from import": ({"paragraphs": ["{% from 'x' import y %}{{ first }}"]}, ["'{% from ... import %}'"]),
    "extends": ({"paragraphs": ["{% extends 'base' %}"]}, ["'{% extends %}' is not available"]),
    # family: sandbox escapes found at load, not at the first render
    "attr filter": (
        {"paragraphs": ["Intro", "{{ first | attr('__class__') }}"]},
        ["paragraph 2", "the 'attr' filter is not available"],
    ),
    "format reaching attributes": (
        {"paragraphs": ["{{ '{0.__class__}'.format(first) }}"]},
        ["str.format() with attribute or item lookups is not available"],
    ),
    "format_map on a field": ({"paragraphs": ["{{ first.format_map(x) }}"]}, ["str.format()"]),
    "dunder item": ({"paragraphs": ["{{ first['__class__'] }}"]}, ["the template uses '__class__'"]),
    # family: runaway loops found at load
    "range of a billion": (
        {"paragraphs": ["{% for i in range(10**9) %}x{% endfor %}"]},
        ["range() of 1,000,000,000 numbers", "at most 10,000"],
    ),
    "nested range 100000": (
        {"paragraphs": ["{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"]},
        ["range() of 100,000 numbers"],
    ),
    "range in a header-free paragraph 3": (
        {"paragraphs": ["a", "b", "{% for i in range(0, 10**6, 1) %}{% endfor %}"]},
        ["paragraph 3", "range() of 1,000,000 numbers"],
    ),
    # family: tags in parts Word keeps apart
    "tag error in a footnote": (
        {"notes": ("footnotes", "See {{ first }")},
        ["footnotes (word/footnotes.xml)", "template syntax error"],
    ),
    "unknown field in a footnote": ({"notes": ("footnotes", "See {{ frist }}")}, ["frist Did you mean 'first'?"]),
    "sandbox escape in a footnote": (
        {"notes": ("footnotes", "{{ first.__class__ }}")},
        ["footnotes (word/footnotes.xml)", "'__class__'"],
    ),
    "tag in endnotes": ({"notes": ("endnotes", "{{ first }}")}, ["the endnotes hold a {{ }} or {% %} tag"]),
    "tag in comments": ({"notes": ("comments", "{% if first %}x{% endif %}")}, ["the comments hold a"]),
    # family: broken expressions in the mapping, located by line
    "unknown filter in output filename": (
        {"filename": '"{{ last | shout }}"'},
        ["m.yaml, line 10", "output filename: No filter named 'shout'. Filters you can use:"],
    ),
    "unknown filter in display_name": (
        {
            "mapping_text": MAPPING.format(extra="", code_extra="", filename="Plan").replace(
                '{{ last }}"', '{{ last | nope }}"', 1
            )
        },
        ["m.yaml, line 2", "display_name", "No filter named 'nope'"],
    ),
    "include in a computed field": ({"extra": "fields2: x"}, []),  # replaced below
    "range bomb in a computed field": ({"extra": ""}, []),  # replaced below
    "alias bomb": ({"mapping_text": BILLION_LAUGHS}, ["m.yaml, line 4", "more than 25 '*' aliases"]),
    "bad pattern syntax": ({"code_extra": ", pattern: '(?P<x'"}, ["m.yaml, line 7", "not a valid regular expression"]),
}
COMPUTED = MAPPING.format(extra="", code_extra="", filename="Plan").replace(
    "  note: Note\n", "  note: Note\n  extra: {value: \"{% include 'x' %}\"}\n"
)
LOAD_REFUSALS["include in a computed field"] = (
    {"mapping_text": COMPUTED},
    ["m.yaml, line 9", "field 'extra'", "'{% include %}'"],
)
RANGE_BOMB = MAPPING.format(extra="", code_extra="", filename="Plan").replace(
    "  note: Note\n", '  note: Note\n  many: {value: "{{ range(2**40)|list|length }}"}\n'
)
LOAD_REFUSALS["range bomb in a computed field"] = (
    {"mapping_text": RANGE_BOMB},
    ["m.yaml, line 9", "field 'many'", "range() of"],
)


@pytest.mark.parametrize("name", list(LOAD_REFUSALS))
def test_refused_when_loaded_by_generate_and_by_check(name: str, tmp_path: Path):
    options, words = LOAD_REFUSALS[name]
    generated, checked = run_case(tmp_path, **options)
    assert_refused(tmp_path, generated, words)
    assert checked.exit_code == 2, checked.output
    for word in words:
        assert word in checked.output, f"check: {word!r} not in: {checked.output}"


def test_a_catastrophic_pattern_is_stopped_and_the_cell_named(tmp_path: Path):
    generated, checked = run_case(tmp_path, code_extra=", pattern: '^(a|aa)+$'", code="a" * 60 + "!")
    words = ["c.xlsx, sheet 'Sheet1', cell D2 (column 'Code')", "cannot finish reading within 1 s", "(a|aa)+"]
    assert_refused(tmp_path, generated, words)
    assert checked.exit_code == 2 and words[0] in checked.output


def test_a_catastrophic_matches_condition_is_stopped_and_the_cell_named(tmp_path: Path):
    mapping = MAPPING.format(extra="", code_extra="", filename="Plan").replace(
        "  note: Note\n", "  note: {column: Note, where: {column: Code, matches: '^(a|aa)+$'}}\n", 1
    )
    generated, checked = run_case(tmp_path, mapping_text=mapping, code="a" * 60 + "!")
    words = ["cell D2 (column 'Code')", "cannot finish reading within 1 s"]
    assert_refused(tmp_path, generated, words)
    assert checked.exit_code == 2


@pytest.mark.parametrize(
    ("paragraph", "words"),
    [
        ("{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}", ["took longer than 1 s"]),
        ("{{ first * 10**8 }}", ["'*' would make 300,000,000 items"]),
        ("{{ (first ~ 'x') * 200000 }}", ["'*' would make"]),
        ("{{ 2 ** 1000000 }}", ["'**' with an exponent over 64"]),
    ],
)
def test_runaway_rendering_fails_each_student_with_a_clear_message(tmp_path: Path, paragraph, words):
    generated, checked = run_case(tmp_path, paragraphs=[paragraph], env={"PLANGEN_RENDER_SECONDS": "1"})
    assert_refused(tmp_path, generated, words, exit_code=1)
    assert generated.output.count("failed") >= 1


def test_no_range_or_repetition_guard_gets_in_the_way_of_real_templates(tmp_path: Path):
    generated, _ = run_case(
        tmp_path,
        paragraphs=[
            "{% for i in range(3) %}{{ i }}{% endfor %} {{ '-' * 20 }}",
            "{{ '{:>5}'.format(first) }} {{ '%.1f'|format(2 ** 3) }}",
        ],
    )
    assert generated.exit_code == 0, generated.output
    plans = sorted((tmp_path / "plans").glob("**/*.docx"))
    assert len(plans) == 2
    from tests.helpers import docx_text

    text = docx_text(plans[1])
    assert "012 " + "-" * 20 in text and "  Ana 8.0" in text


def test_aliases_within_the_limit_still_work(tmp_path: Path):
    mapping = MAPPING.format(extra="", code_extra="", filename="Plan").replace(
        "  first: First\n", "  first: &f {column: First, required: true}\n  first_again: *f\n"
    )
    generated, checked = run_case(tmp_path, mapping_text=mapping)
    assert generated.exit_code == 0, generated.output
    assert re.search(r"2 created", generated.output)

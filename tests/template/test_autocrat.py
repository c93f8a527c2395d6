"""Templates written for Autocrat: ``<<Column Header>>`` tags become the mapped fields."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document

from generator.errors import TemplateError
from generator.jinja import make_environment
from generator.template.autocrat import AutocratDocxTemplate, AutocratTags
from generator.template.compiled import CompiledTemplate
from generator.template.tags import PlanDocxTemplate
from tests.google.auth.test_signin import token_json
from tests.google.fakegoogle import FakeGoogle
from tests.google.gdocs_export import AUTOCRAT_PARAGRAPHS, docs_like_docx
from tests.google.sheets.test_inputs import doc_url, lines, run, sheet_url
from tests.google.sheets.test_inputs import isolated_dirs as isolated_dirs  # noqa: F401  (autouse fixture)
from tests.helpers import docx_text, write_xlsx

HEADER = ["Student ID", "First Name", "Last Name", "Plan Type", "Review Date", "Parent's Email", "Notes"]
ROWS = [
    ["1001", "Ana", "Garcia", "504", "03/15/2027", "ana.parent@example.org", "likes puzzles & Lego"],
    ["1002", "Kim", "Lee", "IEP", "01/09/2027", "", ""],
]
MAPPING = """\
source: caseload.xlsx
template: autocrat.docx
key: student_id
output:
  folder: "{{ last_name }}, {{ first_name }}"
  filename: "Plan - {{ first_name }} {{ last_name }}"
fields:
  student_id: Student ID
  first_name: First Name
  last_name: Last Name
  plan_type: {column: Plan Type, map: {"504": Section 504 Plan}}
  review_date: {column: Review Date, type: date, format: "%B %-d, %Y"}
  parent_email: Parent's Email
  notes: Notes
"""
TAGS = AutocratTags(
    "m.yaml",
    {"first name": "first_name", "parent & guardian": "guardian"},
    {"first name": "First Name", "parent & guardian": "Parent & Guardian"},
)


def body(xml: str) -> str:
    return f'<w:document xmlns:w="w"><w:body>{xml}</w:body></w:document>'


# --------------------------------------------------------------------------------------------
# Translating the XML
# --------------------------------------------------------------------------------------------


def test_tags_split_across_runs_become_one_field() -> None:
    xml = body(
        "<w:p><w:r><w:t>Hi &lt;</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>&lt;First</w:t></w:r>"
        '<w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve"> Name&gt;</w:t></w:r>'
        "<w:r><w:t>&gt;!</w:t></w:r></w:p>"
    )
    assert TAGS.translate(xml, "t.docx") == body("<w:p><w:r><w:t>Hi {{ first_name }}!</w:t></w:r></w:p>")


def test_escaped_characters_and_spacing_in_headers() -> None:
    xml = body("<w:p><w:r><w:t>&lt;&lt;  parent &amp;  Guardian &gt;&gt; &lt;&lt;FIRST NAME&gt;&gt;</w:t></w:r></w:p>")
    assert TAGS.translate(xml, "t.docx") == body("<w:p><w:r><w:t>{{ guardian }} {{ first_name }}</w:t></w:r></w:p>")


def test_what_is_not_a_tag_is_left_alone() -> None:
    across_paragraphs = "<w:p><w:r><w:t>&lt;&lt;First</w:t></w:r></w:p><w:p><w:r><w:t>Name&gt;&gt;</w:t></w:r></w:p>"
    in_attribute = '<w:p><w:r><w:drawing descr="&lt;&lt;First Name&gt;&gt;"/><w:t>a &lt; b &gt; c</w:t></w:r></w:p>'
    for xml in (body(across_paragraphs), body(in_attribute), body("<w:p><w:r><w:t>&lt;&lt;&gt;&gt;</w:t></w:r></w:p>")):
        assert TAGS.translate(xml, "t.docx") == xml


def test_unknown_headers_are_named_with_the_closest_columns() -> None:
    xml = body("<w:p><w:r><w:t>&lt;&lt;Frist Name&gt;&gt; &lt;&lt;Favorite Color&gt;&gt;</w:t></w:r></w:p>")
    with pytest.raises(TemplateError) as caught:
        TAGS.translate(xml, "t.docx")
    assert str(caught.value) == (
        "t.docx: Autocrat tag(s) naming a column that no field of m.yaml reads:\n"
        "  <<Frist Name>>: closest columns 'First Name' (first_name)\n"
        "  <<Favorite Color>>: no column is close; the mapping reads 'First Name' (first_name), "
        "'Parent & Guardian' (guardian)\n"
        "Add a field for the column under 'fields:' in m.yaml (e.g. frist_name: Frist Name), or change the tag to "
        "a column the mapping reads."
    )


def test_the_compiled_renderer_matches_docxtpl_for_an_autocrat_template() -> None:
    data = docs_like_docx([["<<First", " Name>> & <", "<Parent & Guardian>>"]], [[["<<First Name>>"], ["x"]]])
    context = {"first_name": "Zoë <O'Brien>", "guardian": "Ann & Bo"}
    plain = AutocratDocxTemplate(io.BytesIO(data), TAGS, "t.docx")
    plain.render(context, jinja_env=make_environment(autoescape=True), autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    rendered = CompiledTemplate(data, TAGS).render(context)
    with zipfile.ZipFile(buffer) as expected, zipfile.ZipFile(io.BytesIO(rendered)) as actual:
        assert {n: actual.read(n) for n in actual.namelist()} == {n: expected.read(n) for n in expected.namelist()}
    document = Document(io.BytesIO(rendered))
    assert document.paragraphs[0].text == "Zoë <O'Brien> & Ann & Bo"
    assert document.tables[0].rows[0].cells[0].text == "Zoë <O'Brien>"


@pytest.mark.parametrize(
    "text",
    [
        "&lt;&lt;‹x›&gt;&gt;",
        "&lt;&lt;«First Name»&gt;&gt;",
        "a &lt;&lt;&gt;&gt; b",
        "&lt;&lt; -- &gt;&gt;",
        "&lt;&lt;{{ x }}&gt;&gt;",
    ],
)
def test_angle_bracket_text_that_names_no_column_is_left_as_typed(text: str) -> None:
    xml = body(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    assert TAGS.translate(xml, "t.docx") == xml


def test_angle_brackets_around_a_hyperlinks_edge_are_not_a_tag() -> None:
    xml = body(
        "<w:p><w:hyperlink><w:r><w:t>&lt;&lt;this hyperlink</w:t></w:r></w:hyperlink>"
        "<w:r><w:t> and another one here&gt;&gt;</w:t></w:r></w:p>"
    )
    assert TAGS.translate(xml, "t.docx") == xml


def test_a_part_without_autocrat_tags_keeps_its_runs_as_they_were() -> None:
    xml = body(
        "<w:p><w:r><w:t>a &gt;</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>&gt; b &lt;</w:t></w:r>"
        "<w:r><w:t>&lt;</w:t></w:r></w:p>"
    )
    assert TAGS.translate(xml, "t.docx") == xml


def test_without_a_mapping_no_autocrat_tags_are_translated() -> None:
    data = docs_like_docx([["<<First Name>>"]])
    assert type(CompiledTemplate(data).tpl) is PlanDocxTemplate


# --------------------------------------------------------------------------------------------
# A template authored for Autocrat, end to end
# --------------------------------------------------------------------------------------------


@pytest.fixture
def autocrat_project(tmp_path: Path) -> Path:
    (tmp_path / "mapping.yaml").write_text(MAPPING)
    write_xlsx(tmp_path / "caseload.xlsx", [HEADER, *ROWS])
    (tmp_path / "autocrat.docx").write_bytes(docs_like_docx(AUTOCRAT_PARAGRAPHS))
    return tmp_path


EXPECTED_ANA = [
    "OT plan for Ana Garcia",
    "Plan type: Section 504 Plan",
    "Review: March 15, 2027",
    "Parent\u2019s contact: ana.parent@example.org & likes puzzles & Lego",
]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_autocrat_template_renders(autocrat_project: Path, jobs: str) -> None:
    result = run(
        "generate",
        "-m",
        str(autocrat_project / "mapping.yaml"),
        "--out",
        str(autocrat_project / "plans"),
        "--jobs",
        jobs,
    )
    assert result.exit_code == 0, result.output
    assert lines(docx_text(autocrat_project / "plans" / "Garcia, Ana" / "Plan - Ana Garcia.docx")) == EXPECTED_ANA


def test_check_accepts_it_and_names_unknown_tags(autocrat_project: Path) -> None:
    result = run("check", "-m", str(autocrat_project / "mapping.yaml"))
    assert result.exit_code == 0, result.output
    (autocrat_project / "mapping.yaml").write_text(MAPPING.replace("  notes: Notes\n", ""))
    result = run("generate", "-m", str(autocrat_project / "mapping.yaml"), "--out", str(autocrat_project / "plans"))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {autocrat_project / 'autocrat.docx'}: Autocrat tag(s) naming a column that no field of mapping.yaml "
        "reads:\n"
        "  <<Notes>>: no column is close; the mapping reads 'Student ID' (student_id), 'First Name' (first_name), "
        "'Last Name' (last_name), 'Plan Type' (plan_type), 'Review Date' (review_date), \"Parent's Email\" "
        "(parent_email)\n"
        "Add a field for the column under 'fields:' in mapping.yaml (e.g. notes: Notes), or change the tag to a "
        "column the mapping reads.\n"
    )
    assert not (autocrat_project / "plans").exists()


def test_an_autocrat_template_kept_in_google_docs(autocrat_project: Path, fake_google: FakeGoogle) -> None:
    doc = fake_google.add_doc("Autocrat template", docs_like_docx(AUTOCRAT_PARAGRAPHS))
    sheet = fake_google.add_sheet("Form responses", {"Form Responses 1": [HEADER, *ROWS]})
    token = autocrat_project / "token.json"
    token.write_text(json.dumps(token_json(fake_google)))
    result = run(
        "generate",
        "-m",
        str(autocrat_project / "mapping.yaml"),
        "--out",
        str(autocrat_project / "plans"),
        "-s",
        sheet_url(sheet, 0),
        "-t",
        doc_url(doc),
        "--token-file",
        str(token),
    )
    assert result.exit_code == 0, result.output
    assert lines(docx_text(autocrat_project / "plans" / "Garcia, Ana" / "Plan - Ana Garcia.docx")) == EXPECTED_ANA

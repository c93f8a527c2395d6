"""The compile-once renderer produces exactly what plain docxtpl produces."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.coreprops import CoreProperties
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from generator.jinja import make_environment
from generator.pipeline import RunOptions, prepare
from generator.template.compiled import CORE_PROPERTIES, CompiledTemplate
from tests.helpers import MAPPINGS, TODAY, docx_bytes, edit_parts, make_template, zip_parts

CORE = "docProps/core.xml"


def docxtpl_parts(data: bytes, context: dict) -> dict[str, bytes]:
    template = DocxTemplate(io.BytesIO(data))
    template.render(context, jinja_env=make_environment(autoescape=True), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def compiled_parts(compiled: CompiledTemplate, context: dict) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(compiled.render(context))) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def properties(xml: bytes) -> dict[str, str]:
    core = CoreProperties(parse_xml(xml))
    return {name: getattr(core, name) for name in CORE_PROPERTIES}


def assert_same_as_docxtpl(actual: dict[str, bytes], expected: dict[str, bytes], where: str = "") -> None:
    """Every part byte-identical except the document properties, which plangen dates on the run date and
    does not XML-escape (docxtpl does): those are compared as the text File > Properties shows."""
    assert list(actual) == list(expected)
    for name in expected:
        if name != CORE:
            assert actual[name] == expected[name], f"{where}{name} differs"
    unescaped = {name: html.unescape(value) for name, value in properties(expected[CORE]).items()}
    assert properties(actual[CORE]) == unescaped, where


@pytest.mark.parametrize("mapping", ["caseload.yaml", "seis.yaml"])
def test_shipped_templates_render_byte_identical_parts_for_every_sample_student(mapping: str):
    prepared = prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY))
    compiled = CompiledTemplate(prepared.template.data)
    for student in prepared.roster.students:
        expected = docxtpl_parts(prepared.template.data, student.context())
        assert_same_as_docxtpl(compiled_parts(compiled, student.context()), expected, f"{student.key}: ")


def test_features_match_docxtpl_loops_conditionals_breaks_escaping_headers(tmp_path: Path):
    rows = [["{%tr for g in goals %}", ""], ["{{ loop.index }}", "{{ g.text }}"], ["{%tr endfor %}", ""]]
    path = make_template(
        tmp_path / "t.docx",
        [
            "{{ name }} {% if ota %}with OTA{% else %}OT only{% endif %}",
            "{%p for a in accommodations %}",
            "- {{ a }}",
            "{%p endfor %}",
            "Note: {{ note }}",
        ],
        rows,
        header="Plan for {{ name }}",
    )
    data = path.read_bytes()
    compiled = CompiledTemplate(data)
    for context in (
        {
            "name": "O'Brien & <Sons>",
            "ota": True,
            "accommodations": ["grip", "breaks"],
            "note": "two\nlines\tand a tab",
            "goals": [{"text": "Cut"}, {"text": 'Type "fast"'}],
        },
        {"name": "Zoë", "ota": False, "accommodations": [], "note": "", "goals": []},
    ):
        assert_same_as_docxtpl(compiled_parts(compiled, context), docxtpl_parts(data, context))


def test_core_properties_print_values_as_typed(tmp_path: Path):
    """docxtpl escapes property values (a title read "Plan for O&#39;Brien &amp; Sons"); plangen does not."""
    path = make_template(tmp_path / "t.docx", ["{{ name }}"])
    doc = Document(str(path))
    doc.core_properties.title = "Plan for {{ name }} & <team>"
    doc.core_properties.subject = "{{ 'Fine & gross motor' if both else 'Fine motor' }}"
    doc.save(path)
    compiled = CompiledTemplate(path.read_bytes())
    rendered = Document(io.BytesIO(compiled.render({"name": "O'Brien & Sons", "both": True})))
    assert rendered.core_properties.title == "Plan for O'Brien & Sons & <team>"
    assert rendered.core_properties.subject == "Fine & gross motor"
    parts = compiled_parts(compiled, {"name": "Ana", "both": False})
    assert_same_as_docxtpl(parts, docxtpl_parts(path.read_bytes(), {"name": "Ana", "both": False}))


def test_text_typed_inside_tags_prints_as_typed_and_values_are_escaped_once(tmp_path: Path):
    path = make_template(
        tmp_path / "t.docx",
        [
            "{{ 'Fine & gross motor' if both else 'Fine motor' }}",
            "{% if area == 'Self-care & dressing' %}matched \"{{ area }}\"{% else %}no match{% endif %}",
            "{{ name }} <{{ \"A&B\" }}> {{ '&lt;' }}",
        ],
        [["{{ 'R&D' }}", "{{ name }}"]],
        header="{{ name }} & {{ 'Q&A' }}",
    )
    compiled = CompiledTemplate(path.read_bytes())
    for context, expected in (
        (
            {"both": True, "area": "Self-care & dressing", "name": "O'Brien & <Sons>"},
            ["Fine & gross motor", 'matched "Self-care & dressing"', "O'Brien & <Sons> <A&B> &lt;"],
        ),
        ({"both": False, "area": "Self-care", "name": "Zoë"}, ["Fine motor", "no match", "Zoë <A&B> &lt;"]),
    ):
        document = Document(io.BytesIO(compiled.render(context)))
        assert [p.text for p in document.paragraphs] == expected
        assert [c.text for c in document.tables[0].rows[0].cells] == ["R&D", context["name"]]
        assert document.sections[0].header.paragraphs[0].text == f"{context['name']} & Q&A"


def test_docxtpl_itself_escapes_an_ampersand_typed_inside_a_tag_twice(tmp_path: Path):
    """Why plangen's output differs from docxtpl's for such templates (and only for them)."""
    path = make_template(tmp_path / "t.docx", ["{{ 'Fine & gross motor' }} {{ name }}"])
    context = {"name": "A & B"}
    expected = docxtpl_parts(path.read_bytes(), context)
    docxtpl_xml = expected["word/document.xml"].decode()
    assert "Fine &amp;amp; gross motor A &amp; B" in docxtpl_xml
    rendered = CompiledTemplate(path.read_bytes()).render(context)
    assert Document(io.BytesIO(rendered)).paragraphs[0].text == "Fine & gross motor A & B"


def test_plans_are_dated_on_the_run_date_not_the_template_date(tmp_path: Path):
    path = make_template(tmp_path / "t.docx", ["{{ name }}"])
    compiled = CompiledTemplate(path.read_bytes())
    assert CoreProperties(compiled.core_element).created.year < 2026  # python-docx's default template date
    rendered = Document(io.BytesIO(compiled.render({"name": "Ana", "today": dt.date(2026, 11, 22)})))
    run_date = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
    assert rendered.core_properties.created == rendered.core_properties.modified == run_date


def test_column_loops_still_get_docxtpl_table_fixing(tmp_path: Path):
    path = make_template(
        tmp_path / "t.docx", ["Columns"], [["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"], ["a", "b", "c"]]
    )
    data = path.read_bytes()
    compiled = CompiledTemplate(data)
    assert compiled.tables_need_fixing
    for cols in (["x", "y", "z", "w"], []):
        assert_same_as_docxtpl(compiled_parts(compiled, {"cols": cols}), docxtpl_parts(data, {"cols": cols}))


def test_a_comments_property_over_255_characters_is_kept_as_word_wrote_it():
    long_comment = "Reviewed with the team. " * 20
    data = edit_parts(
        docx_bytes(["Hello {{ name }}"]),
        docProps__core_xml=lambda xml: re.sub(
            r"<dc:description/>|<dc:description>.*?</dc:description>",
            f"<dc:description>{long_comment}</dc:description>",
            xml,
        ),
    )
    plan = CompiledTemplate(data).render({"name": "Ann", "today": TODAY})
    assert Document(io.BytesIO(plan)).core_properties.comments == long_comment


def test_a_template_without_document_properties_gets_none_invented():
    parts = zip_parts(docx_bytes(["Hello {{ name }}"]))
    del parts["docProps/core.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            if name == "_rels/.rels":
                blob = re.sub(rb'<Relationship [^>]*core-properties"[^>]*/>', b"", blob)
            archive.writestr(name, blob)
    plan = zip_parts(CompiledTemplate(buffer.getvalue()).render({"name": "Ann", "today": TODAY}))
    assert "docProps/core.xml" not in plan and b"core-properties" not in plan["_rels/.rels"]
    assert set(plan) == set(parts)


def test_a_template_without_tags_comes_out_with_the_same_parts_and_the_same_body():
    rows = [["a", "b"], ["c", "d"]]
    data = docx_bytes(["Plain text", "more text"], rows)
    template = zip_parts(data)
    plan = zip_parts(CompiledTemplate(data).render({"today": TODAY}))
    assert list(plan) == list(template)
    canonical = [etree.tostring(etree.fromstring(p["word/document.xml"]), method="c14n") for p in (template, plan)]
    assert canonical[0] == canonical[1]


def test_closing_braces_on_lines_of_their_own_keep_their_paragraphs():
    """A code sample in a template: docxtpl's clean-up joined "}" and "}" across the paragraph break."""
    lines = ["for (i = 0; i < n; i++) {", "  if (x) {", "    y();", "  }", "}", "Student: {{ name }}"]
    document = Document(io.BytesIO(docx_bytes(lines)))
    broken = document.add_paragraph("}")  # and within a paragraph: } line break } tab }
    broken.add_run().add_break()
    broken.add_run("}\t}")
    buffer = io.BytesIO()
    document.save(buffer)
    plan = CompiledTemplate(buffer.getvalue()).render({"name": "Ann", "today": TODAY})
    assert [p.text for p in Document(io.BytesIO(plan)).paragraphs] == [*lines[:-1], "Student: Ann", "}\n}\t}"]


def test_relationships_to_parts_the_zip_does_not_hold_or_holds_in_other_capitals_are_mended():
    parts = zip_parts(docx_bytes(["Hello {{ name }}"]))
    thumbnail = parts.pop("docProps/thumbnail.jpeg")
    parts["docProps/Thumbnail.jpeg"] = thumbnail
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdApp" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'extended-properties" Target="docProps/app.xml"/></Relationships>',
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'hyperlink" Target="#_Goals"/></Relationships>',
    )
    del parts["docProps/app.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    plan = zip_parts(CompiledTemplate(buffer.getvalue()).render({"name": "Ann", "today": TODAY}))
    assert plan["docProps/Thumbnail.jpeg"] == thumbnail
    assert b"app.xml" not in plan["_rels/.rels"]
    assert b'Target="#_Goals" TargetMode="External"' in plan["word/_rels/document.xml.rels"]


def test_a_core_properties_relationship_to_a_part_of_another_kind_is_left_alone():
    data = edit_parts(
        docx_bytes(["Hello {{ name }}"]), rels=lambda xml: xml.replace("docProps/core.xml", "docProps/app.xml")
    )
    plan = CompiledTemplate(data).render({"name": "Ann", "today": TODAY})
    assert Document(io.BytesIO(plan)).paragraphs[0].text == "Hello Ann"

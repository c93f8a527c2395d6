"""The compile-once renderer produces exactly what plain docxtpl produces."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from generator.jinja import make_environment
from generator.pipeline import RunOptions, prepare
from generator.template.compiled import CompiledTemplate
from tests.helpers import MAPPINGS, TODAY, make_template


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


@pytest.mark.parametrize("mapping", ["caseload.yaml", "seis.yaml"])
def test_shipped_templates_render_byte_identical_parts_for_every_sample_student(mapping: str):
    prepared = prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY))
    compiled = CompiledTemplate(prepared.template.data)
    for student in prepared.roster.students:
        expected = docxtpl_parts(prepared.template.data, student.context())
        actual = compiled_parts(compiled, student.context())
        assert list(actual) == list(expected)
        for name in expected:
            assert actual[name] == expected[name], f"{student.key}: {name} differs"


def test_features_match_docxtpl_loops_conditionals_breaks_escaping_headers(tmp_path: Path):
    rows = [["{%tr for g in goals %}", ""], ["{{ loop.index }}", "{{ g.text }}"], ["{%tr endfor %}", ""]]
    path = make_template(tmp_path / "t.docx", [
        "{{ name }} {% if ota %}with OTA{% else %}OT only{% endif %}",
        "{%p for a in accommodations %}", "- {{ a }}", "{%p endfor %}",
        "Note: {{ note }}",
    ], rows, header="Plan for {{ name }}")
    data = path.read_bytes()
    compiled = CompiledTemplate(data)
    for context in (
        {"name": "O'Brien & <Sons>", "ota": True, "accommodations": ["grip", "breaks"],
         "note": "two\nlines\tand a tab", "goals": [{"text": "Cut"}, {"text": "Type \"fast\""}]},
        {"name": "Zoë", "ota": False, "accommodations": [], "note": "", "goals": []},
    ):
        assert compiled_parts(compiled, context) == docxtpl_parts(data, context)


def test_core_properties_with_tags_are_rendered(tmp_path: Path):
    from docx import Document

    path = make_template(tmp_path / "t.docx", ["{{ name }}"])
    doc = Document(str(path))
    doc.core_properties.title = "Plan for {{ name }}"
    doc.save(path)
    compiled = CompiledTemplate(path.read_bytes())
    rendered = Document(io.BytesIO(compiled.render({"name": "Ana & Ben"})))
    assert rendered.core_properties.title == "Plan for Ana &amp; Ben"  # docxtpl escapes here too
    assert compiled_parts(compiled, {"name": "Ana"}) == docxtpl_parts(path.read_bytes(), {"name": "Ana"})


def test_column_loops_still_get_docxtpl_table_fixing(tmp_path: Path):
    path = make_template(tmp_path / "t.docx", ["Columns"], [["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"],
                                                            ["a", "b", "c"]])
    data = path.read_bytes()
    compiled = CompiledTemplate(data)
    assert compiled.tables_need_fixing
    for cols in (["x", "y", "z", "w"], []):
        assert compiled_parts(compiled, {"cols": cols}) == docxtpl_parts(data, {"cols": cols})

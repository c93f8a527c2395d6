"""What library code adds to the template's package is carried into the plans that refer to it."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import pytest
from docx import Document
from docxtpl import InlineImage, RichText

from generator.errors import RenderError
from generator.template.carry import referenced_ids
from generator.template.loader import PlanTemplate
from tests.helpers import docx_bytes, zip_parts

# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def template(tmp_path, paragraphs: list[str]) -> PlanTemplate:
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes(paragraphs))
    return PlanTemplate(path)


def dangling(plan: bytes) -> list[str]:
    """Relationship ids the plan's XML refers to that its relationships part does not have."""
    parts = zip_parts(plan)
    rels = parts["word/_rels/document.xml.rels"].decode()
    have = set(re.findall(r'Id="([^"]+)"', rels))
    return sorted(referenced_ids(parts["word/document.xml"]) - have)


def test_a_richtext_link_built_with_the_template_is_carried_into_the_plan(tmp_path):
    plan_template = template(tmp_path, ["Portal: {{ link }}"])
    text = RichText()
    text.add("student page", url_id=plan_template.docx_template.build_url_id("https://portal.example.org/s/1"))
    plan = plan_template.render({"link": text})
    assert dangling(plan) == []
    assert "https://portal.example.org/s/1" in zip_parts(plan)["word/_rels/document.xml.rels"].decode()
    assert "student page" in Document(io.BytesIO(plan)).paragraphs[0]._p.xml
    plain = plan_template.render({"link": "none"})  # a later plan without it gets none of it
    assert "portal.example.org" not in zip_parts(plain)["word/_rels/document.xml.rels"].decode()


def test_an_inline_image_goes_into_the_plan_that_shows_it_only(tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(PNG)
    plan_template = template(tmp_path, ["Photo: {{ photo }}"])
    plan = plan_template.render({"photo": InlineImage(plan_template.docx_template, str(image))})
    parts = zip_parts(plan)
    assert dangling(plan) == []
    media = [name for name in parts if name.startswith("word/media/")]
    assert [parts[name] for name in media] == [PNG]
    assert (
        "image/png" in parts["[Content_Types].xml"].decode()
        or 'Extension="png"' in parts["[Content_Types].xml"].decode()
    )
    assert len(Document(io.BytesIO(plan)).inline_shapes) == 1
    other = zip_parts(plan_template.render({"photo": "no photo"}))
    assert not [name for name in other if name.startswith("word/media/")]
    with zipfile.ZipFile(io.BytesIO(plan)) as archive:
        assert archive.testzip() is None


def test_an_object_made_with_another_template_is_refused_naming_the_fix(tmp_path):
    plan_template = template(tmp_path, ["Portal: {{ link }}"])
    other = PlanTemplate(tmp_path / "t.docx")  # the same file, loaded again: another package
    for _ in range(5):
        other.docx_template.build_url_id(f"https://example.org/{_}")
    text = RichText()
    text.add("page", url_id=other.docx_template.build_url_id("https://portal.example.org/s/1"))
    with pytest.raises(RenderError) as err:
        plan_template.render({"link": text})
    assert str(err.value).startswith("template ")
    assert (
        "which the template does not have: a RichText link, InlineImage or Subdoc was made with another template. "
        in str(err.value)
    )
    assert str(err.value).endswith("Make it with this template's PlanTemplate.docx_template.")


def test_an_xml_part_a_caller_changes_after_compiling_is_carried(tmp_path):
    """What a Subdoc does to the styles (docxtpl's Subdoc needs docxcompose, which plangen does not install)."""
    from docx.enum.style import WD_STYLE_TYPE

    plan_template = template(tmp_path, ["{{ name }}"])
    before = zip_parts(plan_template.render({"name": "Ann"}))["word/styles.xml"]
    plan_template.docx_template.docx.styles.add_style("Evaluation Heading", WD_STYLE_TYPE.PARAGRAPH)
    after = zip_parts(plan_template.render({"name": "Ann"}))["word/styles.xml"]
    assert b"Evaluation Heading" not in before and b"Evaluation Heading" in after

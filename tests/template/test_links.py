"""Tags in hyperlink addresses are filled per student, each value percent-encoded."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml

from generator.errors import RenderError, TemplateError
from generator.template.links import check_address, decode_tags
from generator.template.loader import PlanTemplate
from tests.helpers import zip_parts

RELS = "word/_rels/document.xml.rels"


def linked_template(tmp_path, *addresses: str, header_address: str | None = None):
    doc = Document()
    doc.add_paragraph("Student {{ sid }}")
    for address in addresses:
        rid = doc.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        paragraph = doc.add_paragraph()
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}">'
                "<w:r><w:t>Portal</w:t></w:r></w:hyperlink>"
            )
        )
    if header_address is not None:
        header = doc.sections[0].header
        rid = header.part.relate_to(header_address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        header.paragraphs[0].text = f"link {rid}"
    path = tmp_path / "t.docx"
    doc.save(path)
    return PlanTemplate(path)


def targets(plan: bytes, name: str = RELS) -> list[str]:
    rels = zip_parts(plan)[name].decode()
    return [t.replace("&amp;", "&") for t in re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels)]


def test_a_tag_in_a_link_address_is_filled_and_percent_encoded_for_each_student(tmp_path):
    template = linked_template(
        tmp_path,
        "https://portal.example.org/students/{{sid}}",
        "https://portal.example.org/search?school={{ school }}&id={{sid}}",
        "https://example.org/plain",
    )
    assert template.fields() == {"sid", "school"}
    plan = template.render({"sid": "12/34?x=1&y#z", "school": "Lincoln Elementary"})
    assert targets(plan) == [
        "https://portal.example.org/students/12%2F34%3Fx%3D1%26y%23z",
        "https://portal.example.org/search?school=Lincoln%20Elementary&id=12%2F34%3Fx%3D1%26y%23z",
        "https://example.org/plain",
    ]
    other = template.render({"sid": 'javascript:alert("x")', "school": None})
    assert targets(other)[0] == "https://portal.example.org/students/javascript%3Aalert%28%22x%22%29"
    assert targets(other)[1] == "https://portal.example.org/search?school=&id=javascript%3Aalert%28%22x%22%29"
    assert Document(io.BytesIO(plan)).paragraphs[0].text == "Student 12/34?x=1&y#z"


def test_braces_word_percent_encoded_are_read_as_the_tag_typed(tmp_path):
    assert decode_tags("https://x.org/a%20b/%7b%7bsid%7d%7d?q=%7B%25 if a %25%7Dy%7B%25 endif %25%7D") == (
        "https://x.org/a%20b/{{sid}}?q={% if a %}y{% endif %}"
    )
    template = linked_template(tmp_path, "https://x.org/a%20b/%7B%7Bsid%7D%7D")
    assert targets(template.render({"sid": "7 8"})) == ["https://x.org/a%20b/7%208"]


def test_links_in_headers_are_filled_too(tmp_path):
    template = linked_template(tmp_path, header_address="mailto:{{ email }}?subject=Plan")
    plan = template.render({"sid": "1", "email": "a@b.org"})
    header_rels = next(name for name in zip_parts(plan) if re.match(r"word/_rels/header\d*\.xml\.rels", name))
    assert targets(plan, header_rels) == ["mailto:a%40b.org?subject=Plan"]


def test_an_address_starting_with_a_tag_is_refused_on_load(tmp_path):
    with pytest.raises(TemplateError) as err:
        linked_template(tmp_path, "{{ website }}/students")
    assert str(err.value) == (
        f"{tmp_path / 't.docx'}: hyperlink in word/document.xml: the hyperlink address '{{{{ website }}}}/students' "
        "starts with a tag, so a cell could decide what kind of link every plan holds. Type the address's beginning "
        "in the link (https://...) and the tag after it."
    )
    assert check_address("https://x/{{ a }}", "t") == "https://x/{{ a }}"


def test_a_broken_tag_in_an_address_is_found_on_load_and_a_missing_value_when_rendering(tmp_path):
    with pytest.raises(
        TemplateError, match=r"hyperlink in word/document.xml: the address 'https://x.org/\{\{ sid' is a "
    ):
        linked_template(tmp_path, "https://x.org/{{ sid")
    template = linked_template(tmp_path, "https://x.org/{{ other }}")
    with pytest.raises(RenderError, match="other"):
        template.render({"sid": "1"})

"""Word mail-merge fields become the fields they name, in the formatting Word shows them in."""

from __future__ import annotations

import io

import pytest
from docx import Document

from generator.errors import TemplateError
from generator.template.autocrat import AutocratTags
from generator.template.fields import template_fields
from generator.template.loader import PlanTemplate
from generator.template.mergefields import parse_instruction, tag_for, translate_merge_fields
from generator.template.package import W
from tests.helpers import docx_bytes, edit_parts

TAGS = AutocratTags(
    "m.yaml",
    {"first name": "first_name", "last name": "last_name", "school": "school"},
    {"first name": "First Name", "last name": "Last Name", "school": "School"},
    frozenset({"first_name", "last_name", "school", "full_name"}),
)


def simple(instruction: str, shown: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:fldSimple w:instr="{instruction}"><w:r>{props}<w:t>{shown}</w:t></w:r></w:fldSimple>'


def complex_field(instruction: str, shown: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> {instruction[:6]}</w:instrText></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve">{instruction[6:]} </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{props}<w:t>«{shown[:2]}</w:t></w:r><w:r>{props}<w:t>{shown[2:]}»</w:t></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def merge_template(tmp_path, *paragraphs: str, header: str | None = None) -> PlanTemplate:
    body = "".join(f"<w:p>{p}</w:p>" for p in paragraphs)
    data = edit_parts(docx_bytes(["x"]), word__document_xml=lambda xml: xml.replace("<w:sectPr", body + "<w:sectPr", 1))
    path = tmp_path / "letter.docx"
    path.write_bytes(data)
    return PlanTemplate(path, autocrat=TAGS)


def texts(plan: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(plan)).paragraphs[1:]]


def test_simple_and_complex_merge_fields_are_filled_through_the_mapping(tmp_path):
    template = merge_template(
        tmp_path,
        '<w:r><w:t xml:space="preserve">Dear </w:t></w:r>'
        + simple(" MERGEFIELD First_Name \\* MERGEFORMAT ", "«First_Name»")
        + '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
        + complex_field('MERGEFIELD "Last Name"', "Last Name", bold=True)
        + "<w:r><w:t>,</w:t></w:r>",
        complex_field("MERGEFIELD  School  \\* Upper", "School"),
    )
    assert template.fields() == {"first_name", "last_name", "school"}
    assert template_fields(template) == ["first_name", "last_name", "school"]
    plan = template.render({"first_name": "Zoë", "last_name": "O'Brien & Co", "school": "Lincoln Elementary"})
    assert texts(plan) == ["Dear Zoë O'Brien & Co,", "LINCOLN ELEMENTARY"]
    runs = Document(io.BytesIO(plan)).paragraphs[1].runs
    assert [(run.text, bool(run.bold)) for run in runs] == [
        ("Dear ", False),
        ("Zoë", False),
        (" ", False),
        ("O'Brien & Co", True),
        (",", False),
    ]
    assert b"fldChar" not in plan and b"MERGEFIELD" not in plan


@pytest.mark.parametrize(
    ("instruction", "values", "expected"),
    [
        ('MERGEFIELD First_Name \\b "Dear " \\f ","', {"first_name": "Ann"}, "Dear Ann,"),
        ('MERGEFIELD First_Name \\b "Dear " \\f ","', {"first_name": ""}, ""),
        ("MERGEFIELD First_Name \\* Lower", {"first_name": "ANN"}, "ann"),
        ("MERGEFIELD First_Name \\* FirstCap", {"first_name": "ann marie"}, "Ann marie"),
        ("MERGEFIELD First_Name \\* Caps", {"first_name": "ann marie"}, "Ann Marie"),
        ("MERGEFIELD full_name", {"full_name": "Ann Lee"}, "Ann Lee"),
    ],
)
def test_switches_are_kept(tmp_path, instruction, values, expected):
    template = merge_template(tmp_path, simple(instruction.replace('"', "&quot;"), "x"))
    assert texts(template.render(values)) == [expected]


def test_without_a_mapping_a_merge_field_is_the_field_of_its_own_name(tmp_path):
    body = "<w:p>" + complex_field("MERGEFIELD Date_of_Birth", "Date_of_Birth") + "</w:p>"
    data = edit_parts(docx_bytes(["x"]), word__document_xml=lambda xml: xml.replace("<w:sectPr", body + "<w:sectPr", 1))
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    assert PlanTemplate(path).fields() == {"date_of_birth"}


def test_a_merge_field_no_field_reads_stops_the_run_naming_it(tmp_path):
    with pytest.raises(TemplateError) as err:
        merge_template(tmp_path, simple("MERGEFIELD Favorite_Color", "«Favorite_Color»"))
    assert str(err.value) == (
        f"{tmp_path / 'letter.docx'}: Word merge field(s) naming a column that no field of m.yaml reads: "
        "«Favorite_Color». Add a field for the column under 'fields:' in m.yaml (e.g. favorite_color: Favorite "
        "Color), or change the merge field to a column it reads."
    )


def test_a_merge_field_inside_an_if_field_and_record_fields_are_refused(tmp_path):
    nested = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r>'
        + complex_field("MERGEFIELD School", "School")
        + '<w:r><w:instrText> = "Lincoln" "yes" "no" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>yes</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    with pytest.raises(TemplateError, match=r"a Word merge field sits inside another Word field \(IF"):
        merge_template(tmp_path, nested)
    with pytest.raises(TemplateError, match="a Word NEXT field moves the mail merge to the next record"):
        merge_template(tmp_path, simple(" NEXT ", ""))


def test_other_fields_are_left_as_they_are():
    fields = simple(" PAGE ", "1") + complex_field("DATE \\@ yyyy", "2026")
    xml = f'<w:body xmlns:w="{W}"><w:p>{fields}</w:p></w:body>'
    assert translate_merge_fields(xml, TAGS.merge_field, "t.docx") == xml


def test_instructions_are_read_as_word_writes_them():
    assert parse_instruction(' MERGEFIELD  "First Name"  \\* MERGEFORMAT \\b "Dear " ') == (
        "First Name",
        [("\\*", "MERGEFORMAT"), ("\\b", "Dear ")],
    )
    assert parse_instruction("mergefield School") == ("School", [])
    assert parse_instruction(" PAGE ") is None
    assert tag_for("school", [("\\*", "MERGEFORMAT")]) == "{{ school }}"

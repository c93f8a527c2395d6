"""Generated plans opened by a real consumer: LibreOffice converts each one to PDF."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import convert_with_libreoffice, make_template, pdf_text, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def test_every_sample_plan_converts_and_shows_the_name_as_typed(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli,
        ["generate", "-m", str(sample_copy / "mappings" / "caseload.yaml"), "--out", str(out), "--today", "2026-11-22"],
    )
    assert result.exit_code == 0, result.output
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    documents = [out / row["output"] for row in rows]
    pdfs = convert_with_libreoffice(documents, tmp_path / "pdf")
    names_seen = 0
    for row, pdf in zip(rows, pdfs, strict=True):
        assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {row['output']}"
        text = pdf_text(pdf)
        assert row["display_name"] in " ".join(text.split()), row["display_name"]
        names_seen += 1
        for leftover in ("None", "{{", "{%", "}}", "%}"):
            assert leftover not in text, f"{leftover!r} in {row['output']}"
    assert names_seen == 27
    liam = pdf_text(pdfs[0])
    assert "Liam O'Brien" in liam and "Loves dinosaurs & trains; <5 min" in " ".join(liam.split())


def test_control_characters_emoji_and_rtl_text_still_give_a_document_libreoffice_opens(tmp_path: Path):
    forbidden = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
    source = tmp_path / "c.csv"
    source.write_text(
        f'ID,Name,Note\n1,Ana,"line one\x0bline two{forbidden}end & <b> ""quoted"" 🙂 שלום عربى"\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "key: id\nfields:\n  id: ID\n  name: Name\n  note: Note\noutput: {folder: '{{ name }}', filename: Plan}\n"
    )
    template = make_template(tmp_path / "t.docx", ["{{ name }}: {{ note }}"])
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli, ["generate", "-m", str(mapping), "-s", str(source), "-t", str(template), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (pdf,) = convert_with_libreoffice([out / "Ana" / "Plan.docx"], tmp_path / "pdf")
    text = pdf_text(pdf).replace("\u202b", "").replace("\u202c", "")  # pdftotext marks RTL runs
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # \x0b (Excel's in-cell line break) and \x0c become line breaks; other control characters vanish.
    assert lines[:3] == ["Ana: line one", "line two", 'end & <b> "quoted" 🙂 שלום عربى']


def test_a_mail_merge_dotx_with_a_tagged_link_and_a_nested_table_gives_plans_libreoffice_opens(tmp_path: Path):
    from docx.opc.constants import RELATIONSHIP_TYPE

    from generator.template.autocrat import AutocratTags
    from generator.template.loader import PlanTemplate
    from generator.template.package import DOCUMENT_MAIN, TEMPLATE_MAIN
    from tests.helpers import docx_bytes, edit_parts

    base = docx_bytes(["Plan"])
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Dear </w:t></w:r>'
        '<w:fldSimple w:instr=" MERGEFIELD First_Name \\* MERGEFORMAT ">'
        "<w:r><w:t>«First_Name»</w:t></w:r></w:fldSimple>"
        '<w:r><w:t xml:space="preserve"> of </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> MERGEFIELD School \\* Upper </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>«School»</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:hyperlink r:id="rIdPortal"><w:r><w:t>Student portal</w:t></w:r></w:hyperlink></w:p>'
        '<w:tbl><w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid><w:tr><w:tc><w:p><w:r>'
        "<w:t>Outer cell</w:t></w:r></w:p><w:tbl><w:tblGrid>" + '<w:gridCol w:w="1000"/>' * 4 + "</w:tblGrid>"
        "<w:tr>" + "<w:tc><w:p><w:r><w:t>in</w:t></w:r></w:p></w:tc>" * 4 + "</w:tr></w:tbl><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>Second column</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    link = (
        f'<Relationship Id="rIdPortal" Type="{RELATIONSHIP_TYPE.HYPERLINK}" '
        'Target="https://portal.example.org/students/%7B%7Bsid%7D%7D" TargetMode="External"/></Relationships>'
    )
    dotx = edit_parts(
        base,
        content_types=lambda xml: xml.replace(DOCUMENT_MAIN, TEMPLATE_MAIN),
        word__document_xml=lambda xml: xml.replace("<w:sectPr", body + "<w:sectPr", 1),
        document_rels=lambda xml: xml.replace("</Relationships>", link),
    )
    path = tmp_path / "letter.dotx"
    path.write_bytes(dotx)
    tags = AutocratTags("m.yaml", {"first name": "first_name", "school": "school"}, {}, frozenset({"sid"}))
    template = PlanTemplate(path, autocrat=tags)
    plan = tmp_path / "plan.docx"
    plan.write_bytes(template.render({"first_name": "Zoë", "school": "Lincoln", "sid": "A/17"}))
    rels = zipfile.ZipFile(plan).read("word/_rels/document.xml.rels").decode()
    assert 'Target="https://portal.example.org/students/A%2F17"' in rels
    (pdf,) = convert_with_libreoffice([plan], tmp_path / "pdf")
    text = " ".join(pdf_text(pdf).split())
    assert "Dear Zoë of LINCOLN" in text and "Student portal" in text and "Second column" in text
    assert "«" not in text and "MERGEFIELD" not in text

"""Rebuild the shipped Word templates with python-docx.

The .docx files are what therapists edit; this script exists so the shipped versions can be
regenerated reproducibly. Run: python templates/build_templates.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

HERE = Path(__file__).resolve().parent


def new_document(title: str):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for level, size in ((1, 14), (2, 12)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    doc.core_properties.title = title
    doc.core_properties.author = "plangen"
    return doc


def add_page_number(paragraph) -> None:
    """A PAGE field: Word, LibreOffice and Google Docs all show the current page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def header_and_footer(doc, header_text: str) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = header_text
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.text = "Confidential student record  ·  Page "
    add_page_number(footer)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def label_value_table(doc, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value
        cells[0].width, cells[1].width = Inches(2.0), Inches(4.5)


def loop_table(doc, headers: list[str], loop: str, cells: list[str]) -> None:
    """A table whose middle row repeats per item ({%tr %} rows vanish when rendered)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def bullet_loop(doc, loop: str, item: str) -> None:
    doc.add_paragraph("{%p " + loop + " %}")
    doc.add_paragraph(item, style="List Bullet")
    doc.add_paragraph("{%p endfor %}")


def write_lines(doc, count: int = 3) -> None:
    for _ in range(count):
        doc.add_paragraph("_" * 78)


def build_ot_treatment_plan() -> Path:
    doc = new_document("OT Treatment Plan")
    header_and_footer(doc, "OT Treatment Plan — {{ full_name }}")
    doc.add_heading("Occupational Therapy Treatment Plan", level=1)
    doc.add_paragraph("School year {{ school_year }}  ·  Plan date {{ plan_date }}")
    doc.add_heading("Student and plan", level=2)
    label_value_table(doc, [
        ("Student", "{{ full_name }} (ID {{ student_id }})"),
        ("Date of birth", "{{ dob }}"),
        ("Grade / school", "{{ grade }}, {{ school }}"),
        ("Teacher", "{{ teacher }}"),
        ("Case manager", "{{ case_manager }}"),
        ("Plan type / eligibility", "{{ plan_type }} — {{ eligibility }}"),
        ("IEP date", "{{ iep_date }}"),
        ("Next annual review", "{{ annual_review }}"),
        ("Next triennial", "{{ triennial }}"),
        ("Therapist", "{{ therapist }}"),
    ])
    doc.add_heading("Services", level=2)
    doc.add_paragraph("{{ service_summary }} — {{ setting }}")
    doc.add_heading("Goals (from the IEP)", level=2)
    loop_table(doc, ["#", "Goal", "Progress monitoring"], "for g in goals or ['']",
               ["{{ loop.index if g }}", "{{ g }}", ""])
    doc.add_heading("Accommodations and supports", level=2)
    bullet_loop(doc, "for a in accommodations or ['']", "{{ a }}")
    doc.add_heading("Intervention approach and strategies", level=2)
    write_lines(doc)
    doc.add_heading("Collaboration plan", level=2)
    write_lines(doc)
    doc.add_heading("Discharge criteria", level=2)
    write_lines(doc, 2)
    doc.add_heading("Notes", level=2)
    doc.add_paragraph("{{ notes }}")
    path = HERE / "ot-treatment-plan.docx"
    doc.save(path)
    return path


def main() -> None:
    for path in (build_ot_treatment_plan(),):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

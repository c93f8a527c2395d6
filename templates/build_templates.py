"""Rebuild the shipped Word templates with python-docx.

The .docx files are what therapists edit, in Word or Google Docs; this script exists so the
shipped versions can be regenerated reproducibly (same script, same bytes). Run:

    python templates/build_templates.py

Layout choices that make the documents survive Word, LibreOffice and Google Docs alike: US Letter
with 1" margins, Arial (present everywhere, metric-compatible Liberation Sans on Linux), real
Heading 1/2 styles (Google Docs builds its outline from them), fixed-width tables, and write-in
boxes made of one-cell tables with a minimum height (they grow as the therapist types, and no
converter turns them into floating shapes). Template tags that vanish when a plan is rendered
(``{%tr %}`` rows, ``{%p %}`` paragraphs) are set in small grey type so the template stays readable.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table

HERE = Path(__file__).resolve().parent

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
BLUE = RGBColor(0x2E, 0x5C, 0x8A)
GREY = RGBColor(0x6B, 0x6B, 0x6B)
HEADER_FILL = "DCE6F1"
LABEL_FILL = "F2F5F9"
BORDER = "A6A6A6"
TEXT_WIDTH = 6.5  # inches between 1" margins on Letter
TAG_STYLE = "Template Tag"
CELL_STYLE = "Table Text"
HINT_STYLE = "Hint"
SPACER_STYLE = "Table Spacer"
WRITE_IN = 0.5  # inches: the least height a row meant for handwriting gets
FREE_ROWS: set = set()  # rows of long lists a page may break after (see loop_rows)

OTPF_APPROACHES = [
    ("Create/promote", "Create / promote", "Enrich activities and settings for all students"),
    ("Establish/restore", "Establish / restore", "Build a skill not yet developed, or restore one"),
    ("Maintain", "Maintain", "Keep the skills the student has gained"),
    ("Modify/adapt", "Modify / adapt", "Change the task, tools or setting; teach compensatory strategies"),
    ("Prevent", "Prevent", "Head off problems for a student at risk"),
]


# ---------------------------------------------------------------------------------------------
# Document, styles, header and footer


def new_document(title: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    section.header_distance = section.footer_distance = Inches(0.45)
    define_styles(doc)
    properties = doc.core_properties  # what File > Properties shows a parent: the plan, no software text
    properties.title = title
    properties.author = properties.comments = properties.last_modified_by = properties.keywords = ""
    properties.subject = properties.category = ""
    return doc


def define_styles(doc: Document) -> None:
    """One font everywhere; theme fonts removed, or Word would keep Calibri/Cambria for headings."""
    use_font_everywhere(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    title = doc.styles["Title"]
    style_font(title, size=18, bold=True, color=NAVY)
    remove_paragraph_borders(title)
    title.paragraph_format.space_after = Pt(2)
    for level, size, color, before in ((1, 12.5, NAVY, 14), (2, 10.5, BLUE, 8)):
        heading = doc.styles[f"Heading {level}"]
        style_font(heading, size=size, bold=True, color=color)
        heading.font.italic = False
        heading.paragraph_format.space_before = Pt(before)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True
    bottom_border(doc.styles["Heading 1"].element.get_or_add_pPr(), "9DB3CF", size=6)
    add_paragraph_style(doc, CELL_STYLE, size=9.5, space_after=0)
    add_paragraph_style(doc, HINT_STYLE, size=8.5, color=GREY, italic=True, space_after=3)
    doc.styles[HINT_STYLE].paragraph_format.keep_with_next = True  # a hint belongs to what follows it
    add_paragraph_style(doc, TAG_STYLE, size=7, color=GREY, space_after=0)
    add_paragraph_style(doc, SPACER_STYLE, size=2, space_after=0)
    doc.styles[SPACER_STYLE].paragraph_format.line_spacing = 1.0
    for name in ("List Bullet", "Header", "Footer"):
        style_font(doc.styles[name], size=9 if name != "List Bullet" else 10)
    for name in ("Header", "Footer"):
        right_tab_only(doc.styles[name])


def use_font_everywhere(doc: Document) -> None:
    """Document defaults, every style and every table-style part name the font outright."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        set_fonts(fonts)
    doc.styles["Normal"].font.name = FONT
    set_fonts(doc.styles["Normal"].element.rPr.rFonts)


def set_fonts(fonts) -> None:
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)


def style_font(style, size: float | None = None, bold: bool | None = None, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    set_fonts(style.element.rPr.rFonts)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color


def add_paragraph_style(
    doc: Document, name: str, size: float, space_after: float, color: RGBColor | None = None, italic: bool = False
) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    style_font(style, size=size, color=color)
    style.font.italic = italic
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.space_before = Pt(0)


def right_tab_only(style) -> None:
    """Header/footer text left, and after a tab flush right (the stock style centers the first tab)."""
    ppr = style.element.get_or_add_pPr()
    for tabs in ppr.findall(qn("w:tabs")):
        ppr.remove(tabs)
    style.paragraph_format.tab_stops.add_tab_stop(Inches(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)


def remove_paragraph_borders(style) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def bottom_border(ppr, color: str, size: int = 4, side: str = "bottom") -> None:
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
        # w:pBdr must come before spacing/indentation in pPr (schema order), or Word repairs the file.
        for later in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc"):
            element = ppr.find(qn(later))
            if element is not None:
                element.addprevious(borders)
                break
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def add_field(paragraph, instruction: str, shown: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES); Word, LibreOffice and Google Docs all keep it live."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", shown), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def header_and_footer(doc: Document, left: str, right: str) -> None:
    """Student name on every page (a loose page is still identifiable), confidentiality, page X of Y."""
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.add_run(left).bold = True
    header.add_run("\t" + right).font.color.rgb = GREY
    bottom_border(header._p.get_or_add_pPr(), BORDER)
    footer = section.footer.paragraphs[0]
    footer.add_run("Confidential student record").bold = True
    footer.add_run("\tPage ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")
    bottom_border(footer._p.get_or_add_pPr(), BORDER, side="top")


# ---------------------------------------------------------------------------------------------
# Paragraph helpers


def title_block(doc: Document, title: str, subtitle: str) -> None:
    doc.add_paragraph(title, style="Title")
    line = doc.add_paragraph(subtitle)
    line.runs[0].font.color.rgb = GREY


def hint(doc: Document, text: str) -> None:
    """Guidance for the therapist, left out of every plan when the mapping says ``hints: false``."""
    tag(doc, "{%p if hints %}")
    doc.add_paragraph(text, style=HINT_STYLE)
    tag(doc, "{%p endif %}")


def tag(doc_or_cell, text: str) -> None:
    """A paragraph holding only a {%p %} tag: docxtpl removes the whole paragraph when rendering."""
    doc_or_cell.add_paragraph(text, style=TAG_STYLE)


def bullets(doc: Document, loop: str, item: str) -> None:
    """One bullet per item; with no items, a box to write in (a bare bullet reads as something lost)."""
    items = loop.split(" in ", 1)[1]
    tag(doc, "{%p " + loop + " %}")
    doc.add_paragraph(item, style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not " + items + " %}")
    keep_together(doc, write_in_box(doc, "", height=0.6))
    tag(doc, "{%p endif %}")


# ---------------------------------------------------------------------------------------------
# Tables


def new_table(doc: Document, widths: Sequence[float], header: Sequence[str] | None = None) -> Table:
    """A fixed-layout table: the column widths hold in Word, LibreOffice and Google Docs."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    properties = table._tbl.tblPr
    set_child(properties, "w:tblW", w=str(twips(sum(widths))), type="dxa")
    set_child(properties, "w:tblLayout", type="fixed")
    table_borders(properties)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)
    table.widths = list(widths)
    if header:
        row = add_row(table, header, bold=True, fill=HEADER_FILL)
        set_child(row._tr.get_or_add_trPr(), "w:tblHeader")
        keep_with_next(row)
    return table


def twips(inches: float) -> int:
    return round(inches * 1440)


def set_child(parent, tag_name: str, **attributes: str):
    element = parent.find(qn(tag_name))
    if element is None:
        element = OxmlElement(tag_name)
        parent.append(element)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def table_borders(properties) -> None:
    borders = set_child(properties, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        set_child(borders, f"w:{side}", val="single", sz="4", space="0", color=BORDER)


def add_row(
    table: Table,
    texts: Sequence[str],
    bold: bool = False,
    fill: str | None = None,
    height: float | None = None,
    style: str = CELL_STYLE,
    label_columns: Sequence[int] = (),
    span_last: int = 1,
):
    """A row that never splits over a page; ``span_last`` merges the last cells into one value cell."""
    row = table.add_row()
    set_child(row._tr.get_or_add_trPr(), "w:cantSplit")
    if height:
        row.height = Inches(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for index, (cell, text, width) in enumerate(zip(row.cells, texts, table.widths, strict=True)):
        cell.width = Inches(width)
        paragraph = cell.paragraphs[0]
        paragraph.style = table.part.document.styles[style]
        run = paragraph.add_run(text)
        if bold or index in label_columns:
            run.bold = True
        cell_fill = LABEL_FILL if index in label_columns and text else fill
        if cell_fill:
            shade(cell, cell_fill)
    if span_last > 1:
        merged = row.cells[-span_last].merge(row.cells[-1])
        for extra in merged.paragraphs[1:]:  # the merged cells' empty paragraphs would add blank lines
            extra._p.getparent().remove(extra._p)
    return row


def keep_with_next(row) -> None:
    """Word and LibreOffice keep a row with the next one when its paragraphs keep with next."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def shade(cell, color: str) -> None:
    set_child(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=color)


def tag_row(table: Table, text: str) -> None:
    """A row holding only a {%tr %} tag: docxtpl removes the whole row when rendering.

    Its cells are merged into one, so the tag reads on one line instead of wrapping letter by
    letter in a narrow first column.
    """
    row = add_row(table, [""] * len(table.widths), style=TAG_STYLE)
    cell = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    cell.paragraphs[0].add_run(text)


KEPT_WHOLE = 8  # a table of up to this many items never breaks over a page


def loop_rows(
    table: Table, loop: str, cells: Sequence[str], empty_height: float = WRITE_IN, item_height: float | None = None
) -> None:
    """One row per item; with no items, one empty row to write in (never an empty table).

    The item row comes twice: a list of up to KEPT_WHOLE items uses the copy that keeps with the
    next row (the table moves to the next page whole); in a longer list the rows from the second
    to the third-last use the copy that may break after it, so a page break leaves at least two
    items on either side and the header repeats above the rest. Edit both copies alike.
    """
    items = loop.split(" in ", 1)[1]
    tag_row(table, "{%tr " + loop + " %}")
    tag_row(table, "{%tr if loop.length > " + str(KEPT_WHOLE) + " and loop.index > 1 and loop.revindex > 2 %}")
    free = add_row(table, cells, height=item_height)
    FREE_ROWS.add(free._tr)
    tag_row(table, "{%tr else %}")
    add_row(table, cells, height=item_height)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr endfor %}")
    tag_row(table, "{%tr if not " + items + " %}")
    add_row(table, [""] * len(cells), height=empty_height)
    tag_row(table, "{%tr endif %}")


def blank_rows(table: Table, count: int, height: float = WRITE_IN, first: Sequence[str] = ()) -> None:
    for _ in range(count):
        add_row(table, list(first) + [""] * (len(table.widths) - len(first)), height=height)


def label_table(
    doc: Document, rows: Sequence[Sequence[str]], widths: Sequence[float], heights: dict[int, float] | None = None
) -> Table:
    """Label/value pairs side by side; labels shaded so the values read as the content."""
    table = new_table(doc, widths)
    labels = range(0, len(widths), 2)
    for index, row in enumerate(rows):
        added = add_row(table, row, label_columns=labels, height=(heights or {}).get(index))
        if index < len(rows) - 1:
            keep_with_next(added)  # a short table of facts reads badly split over two pages
    return table


def keep_together(doc: Document, table: Table, with_next: bool = False) -> Table:
    """The whole table on one page: every row keeps with the next one (Word, LibreOffice and Google Docs
    all read keep-with-next on the rows' paragraphs). A tiny spacer paragraph after the table ends the
    chain, so one table never drags the next section along; ``with_next`` keeps it with what follows.
    Header rows also repeat, for a table longer than a page."""
    for row in table.rows:
        if row._tr not in FREE_ROWS:
            keep_with_next(row)
    if not with_next:
        doc.add_paragraph("", style=SPACER_STYLE)
    return table


def write_in_box(doc: Document, text: str = "", height: float = 0.7) -> Table:
    """A bordered area that shows the value (if any) and leaves room to type during the meeting."""
    table = new_table(doc, [TEXT_WIDTH])
    add_row(table, [text], height=height)
    return table


def signature_lines(doc: Document, rows: Sequence[tuple[str, str, str | None]]) -> None:
    """Label, line, label, line, one row per signer (a row with a condition only when it holds): the last
    thing in the document, kept with what comes before it."""
    doc.add_paragraph().paragraph_format.keep_with_next = True
    widths = [1.7, 2.3, 0.6, 1.4]
    table = doc.add_table(rows=0, cols=len(widths))
    table.autofit = False
    properties = table._tbl.tblPr
    set_child(properties, "w:tblW", w=str(twips(sum(widths))), type="dxa")
    set_child(properties, "w:tblLayout", type="fixed")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)
    for first, second, condition in rows:
        if condition:
            signature_tag_row(doc, table, widths, "{%tr if " + condition + " %}")
        row = table.add_row()
        for index, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
            cell.width = Inches(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            cell.paragraphs[0].style = doc.styles[CELL_STYLE]
            if index % 2 == 0:
                cell.paragraphs[0].add_run((first, second)[index // 2]).bold = True
            else:
                borders = set_child(cell._tc.get_or_add_tcPr(), "w:tcBorders")
                set_child(borders, "w:bottom", val="single", sz="6", space="0", color="000000")
        row.height = Inches(WRITE_IN)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        keep_with_next(row)
        if condition:
            signature_tag_row(doc, table, widths, "{%tr endif %}")
    last = table.rows[-1]
    for paragraph in (p for cell in last.cells for p in cell.paragraphs):
        paragraph.paragraph_format.keep_with_next = False


def signature_tag_row(doc: Document, table: Table, widths: Sequence[float], text: str) -> None:
    row = table.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Inches(width)
    row.cells[0].paragraphs[0].style = doc.styles[TAG_STYLE]
    row.cells[0].paragraphs[0].add_run(text)


# ---------------------------------------------------------------------------------------------
# OT treatment plan

IS_504 = "'504' in plan_type"  # the OT plan of a student on a 504 plan names its dates the 504 way
STUDENT = "{{ full_name }}{% if student_id %} (ID\u00a0{{ student_id }}){% endif %}"  # no "(ID )" without an ID


def build_ot_treatment_plan() -> Path:
    doc = new_document("OT Treatment Plan – {{ full_name }}")
    header_and_footer(
        doc, "{{ full_name }}{% if dob %}  ·  DOB {{ dob }}{% endif %}", "OT Treatment Plan {{ school_year }}"
    )
    title_block(
        doc,
        "Occupational Therapy Treatment Plan",
        "School year {{ school_year }}{% if school %}  ·  {{ school }}{% endif %}",
    )
    student_and_plan(doc)
    from_the_iep(doc)
    evaluation_findings(doc)
    intervention(doc)
    collaboration(doc)
    progress_monitoring(doc)
    discharge(doc)
    referrals(doc)
    evidence(doc)
    supervision(doc)
    revisions_and_signature(doc)
    return save(doc, "ot-treatment-plan.docx")


def student_and_plan(doc: Document) -> None:
    doc.add_heading("1. Student and plan", level=1)
    table = new_table(doc, [1.35, 1.9, 1.35, 1.9])
    labels = (0, 2)
    for row in (
        ("Student", STUDENT, "Date of birth", "{{ dob }}"),
        ("Grade", "{{ grade }}", "School", "{{ school }}"),
        ("Teacher", "{{ teacher }}", "Case manager", "{{ case_manager }}"),
        ("Plan type", "{{ plan_type }}", "Eligibility", "{{ eligibility }}"),
        (
            "{{ '504 plan date' if " + IS_504 + " else 'IEP date' }}",
            "{{ iep_date }}",
            "{{ 'Next 504 review' if " + IS_504 + " else 'Next annual review' }}",
            "{{ annual_review }}",
        ),
    ):
        add_row(table, row, label_columns=labels)
    tag_row(table, "{%tr if not " + IS_504 + " %}")  # a 504 plan has no triennial re-evaluation
    add_row(table, ("Next triennial", "{{ triennial }}", "Plan date", "{{ plan_date }}"), label_columns=labels)
    tag_row(table, "{%tr else %}")
    add_row(table, ("Plan date", "{{ plan_date }}", "", ""), label_columns=labels, span_last=3)
    tag_row(table, "{%tr endif %}")
    add_row(table, ("Therapist (OT)", "{{ therapist }}", "OTA", "{{ ota }}"), label_columns=labels)
    add_row(
        table, ("Service model", "{{ service_model }}", "Hand dominance", "{{ hand_dominance }}"), label_columns=labels
    )
    for label, value in (("Precautions", "{{ precautions }}"), ("Allergies", "{{ allergies }}")):  # room to write
        add_row(table, (label, value, "", ""), label_columns=labels, span_last=3, height=WRITE_IN)
    keep_together(doc, table)


def from_the_iep(doc: Document) -> None:
    doc.add_heading("2. From the {{ '504 plan' if " + IS_504 + " else 'IEP' }}", level=1)
    doc.add_heading("Present levels of performance", level=2)
    write_in_box(doc, "{{ present_levels }}", height=0.7)

    doc.add_heading("Goals", level=2)
    table = new_table(doc, [0.45, 6.05], ["#", "Annual goal (area, baseline, how it is measured)"])
    loop_rows(
        table,
        "for g in goals",
        [
            "{{ loop.index }}",
            "{% if g.area is defined and g.area %}{{ g.area }}: {% endif %}{{ g.text|default(g) }}"
            "{% if g.baseline is defined and g.baseline %}{{ '\\n' }}Baseline: {{ g.baseline }}{% endif %}"
            "{% if g.measured_by is defined and g.measured_by %}{{ '\\n' }}Measured by: {{ g.measured_by }}{% endif %}",
        ],
    )
    keep_together(doc, table)

    doc.add_heading("Accommodations and supports", level=2)
    table = new_table(doc, [TEXT_WIDTH], ["Accommodation or support"])
    loop_rows(table, "for a in accommodations", ["{{ a }}"])
    keep_together(doc, table)

    doc.add_heading("Services", level=2)
    table = new_table(
        doc,
        [1.25, 1.65, 1.3, 1.1, 1.2],
        ["Service", "Frequency and duration", "Setting", "Provider", "Dates"],
    )
    loop_rows(
        table,
        "for s in services",
        [
            "{{ s.name }}",
            "{{ s.summary }}",
            "{{ s.location }}",
            "{{ s.provider|default(therapist) }}",
            "{{ s.start|default(iep_date) }}{% if s.start|default(iep_date) and s.end|default(annual_review) %} – "
            "{% endif %}{{ s.end|default(annual_review) }}",
        ],
    )
    keep_together(doc, table)


def evaluation_findings(doc: Document) -> None:
    doc.add_heading("3. Relevant evaluation findings", level=1)
    table = label_table(
        doc,
        [
            ("Reason for referral", "{{ referral_reason }}"),
            ("Most recent OT evaluation", "{{ evaluation_date }}"),
            ("Assessments and key results", "{{ evaluation_findings }}"),
            ("Strengths", "{{ strengths }}"),
        ],
        widths=[1.9, 4.6],
        heights={0: WRITE_IN, 2: 0.8, 3: WRITE_IN},
    )
    keep_together(doc, table)


def intervention(doc: Document) -> None:
    doc.add_heading("4. Intervention approach and strategies", level=1)
    doc.add_heading("Approach", level=2)
    hint(doc, "OTPF-4 intervention approaches: ☒ marks the ones planned; add or change marks as you plan.")
    table = new_table(doc, [1.9, 2.4, 2.2], ["Approach", "What it means", "Focus for this student"])
    for value, label, meaning in OTPF_APPROACHES:
        mark = "{{ '☒' if '" + value + "' in approaches else '☐' }} "
        add_row(table, [mark + label, meaning, ""], height=0.4)
    keep_together(doc, table)
    doc.add_heading("Strategies, programs and activity ideas", level=2)
    bullets(doc, "for s in strategies", "{{ s }}")
    doc.add_heading("Interests to build on", level=2)
    keep_together(doc, write_in_box(doc, "{{ interests }}", height=0.5))
    doc.add_heading("Home program", level=2)
    keep_together(doc, write_in_box(doc, "{{ home_program }}", height=0.6))


def collaboration(doc: Document) -> None:
    doc.add_heading("5. Collaboration plan", level=1)
    hint(
        doc,
        "Who you work with, at which time of the school day (e.g. writing time, morning routine), where, and on what.",
    )
    table = new_table(doc, [1.9, 1.4, 1.3, 1.9], ["With whom", "When", "Where", "Focus"])
    add_row(table, ["Classroom teacher{% if teacher %}: {{ teacher }}{% endif %}", "", "", ""], height=WRITE_IN)
    add_row(table, ["Case manager{% if case_manager %}: {{ case_manager }}{% endif %}", "", "", ""], height=WRITE_IN)
    add_row(table, ["Parent / guardian", "", "", ""], height=WRITE_IN)
    blank_rows(table, 1)
    keep_together(doc, table)


def progress_monitoring(doc: Document) -> None:
    """How, how often and by whom progress on the goals (section 2) is measured and reported."""
    doc.add_heading("6. Progress-monitoring plan", level=1)
    hint(doc, "For each goal: how it is measured, when, where, and the data tool.")
    table = label_table(
        doc,
        [
            ("How progress is measured", "{{ progress_measures }}"),
            ("How often, and reports to parents", "{{ progress_schedule }}"),
        ],
        widths=[1.9, 4.6],
        heights={0: WRITE_IN, 1: WRITE_IN},
    )
    keep_together(doc, table)


def discharge(doc: Document) -> None:
    doc.add_heading("7. Discharge / graduation criteria", level=1)
    hint(doc, "Planned from day one: what the student will be doing when OT is no longer needed.")
    keep_together(doc, write_in_box(doc, "{{ discharge_criteria }}", height=0.6))


def referrals(doc: Document) -> None:
    doc.add_heading("8. Referrals and recommendations", level=1)
    table = new_table(doc, [TEXT_WIDTH], ["Referral or recommendation"])
    loop_rows(table, "for r in referrals", ["{{ r }}"])
    keep_together(doc, table)


def evidence(doc: Document) -> None:
    doc.add_heading("9. Evidence supporting the plan", level=1)
    hint(doc, "A citation, a guideline or a note on why these strategies fit this student.")
    keep_together(doc, write_in_box(doc, "{{ evidence }}", height=0.6))


def supervision(doc: Document) -> None:
    """The OTA's name, or a blank to fill in (never a statement about an OTA the source does not name); kept
    with section 11 and the signature, so the last page never holds the signature block alone."""
    doc.add_heading("10. OT–OTA communication and supervision", level=1)
    table = label_table(
        doc,
        [
            ("Supervising OT", "{{ therapist }}"),
            ("OTA", "{{ ota }}"),
            ("Supervision schedule", "{{ supervision }}"),
            ("How we communicate", ""),
        ],
        widths=[1.9, 4.6],
        heights={2: WRITE_IN, 3: WRITE_IN},
    )
    keep_together(doc, table, with_next=True)


def revisions_and_signature(doc: Document) -> None:
    """One unit from heading to signature: the signature never sits alone on a last page."""
    doc.add_heading("11. Revisions and notes during the year", level=1)
    tag(doc, "{%p if notes %}")
    doc.add_paragraph("Notes: {{ notes }}").paragraph_format.keep_with_next = True
    tag(doc, "{%p endif %}")
    table = new_table(doc, [1.0, 4.6, 0.9], ["Date", "Revision or note", "Initials"])
    blank_rows(table, 4)
    keep_together(doc, table, with_next=True)
    signature_lines(
        doc,
        [("Occupational therapist", "Date", None), ("OTA", "Date", "ota"), ("Parent / guardian", "Date", None)],
    )


# ---------------------------------------------------------------------------------------------
# Section 504 plan


def build_504_plan() -> Path:
    doc = new_document("Section 504 Plan – {{ full_name }}")
    header_and_footer(
        doc, "{{ full_name }}{% if dob %}  ·  DOB {{ dob }}{% endif %}", "Section 504 Plan {{ school_year }}"
    )
    title_block(doc, "Section 504 Plan", "School year {{ school_year }}{% if school %}  ·  {{ school }}{% endif %}")

    doc.add_heading("1. Student information", level=1)
    keep_together(
        doc,
        label_table(
            doc,
            [
                ("Student", STUDENT, "Date of birth", "{{ dob }}"),
                ("Grade", "{{ grade }}", "School", "{{ school }}"),
                ("Teacher", "{{ teacher }}", "504 coordinator", "{{ case_manager }}"),
                ("Plan meeting date", "{{ iep_date }}", "Next review", "{{ annual_review }}"),
            ],
            widths=[1.35, 1.9, 1.35, 1.9],
        ),
    )

    doc.add_heading("2. Eligibility", level=1)
    keep_together(
        doc,
        label_table(
            doc,
            [
                ("Disability or condition", "{{ eligibility }}"),
                ("Basis for eligibility", "{{ eligibility_basis }}"),
                ("Major life activities affected", "{{ major_life_activities|join('; ') }}"),
                ("How it limits the student at school", "{{ limitation }}"),
            ],
            widths=[2.1, 4.4],
            heights={3: 0.6},
        ),
    )
    tag(doc, "{%p if notes %}")
    doc.add_paragraph("Notes: {{ notes }}")
    tag(doc, "{%p endif %}")

    doc.add_heading("3. Accommodations", level=1)
    teacher = "Classroom teacher{% if teacher %} ({{ teacher }}){% endif %}"
    for heading, field, responsible in (
        ("Classroom", "classroom_accommodations", teacher),
        ("Testing", "testing_accommodations", teacher),
        ("Instructional", "instructional_accommodations", teacher),
        ("Physical and health", "health_accommodations", "School nurse"),
    ):
        doc.add_heading(heading, level=2)
        table = new_table(doc, [4.4, 2.1], ["Accommodation", "Responsible"])
        loop_rows(table, f"for a in {field}", ["{{ a }}", responsible])
        keep_together(doc, table)

    doc.add_heading("4. Consultation and related services", level=1)
    table = new_table(doc, [2.2, 1.6, 1.8, 0.9], ["Service", "Provider", "Frequency and duration", "Start"])
    tag_row(table, "{%tr if consult %}")
    add_row(table, ["Occupational therapy consultation", "{{ therapist }}", "{{ consult }}", "{{ iep_date }}"])
    tag_row(table, "{%tr else %}")
    add_row(table, ["", "", "", ""], height=WRITE_IN)
    tag_row(table, "{%tr endif %}")
    keep_together(doc, table)

    doc.add_heading("5. Staff responsibilities", level=1)
    table = new_table(doc, [1.6, 1.5, 3.4], ["Staff member", "Role", "Responsibilities"])
    add_row(
        table,
        [
            "{{ teacher }}",
            "Classroom teacher",
            "Provides the classroom, instructional and testing accommodations every day.",
        ],
    )
    add_row(
        table,
        [
            "{{ case_manager }}",
            "504 coordinator",
            "Shares the plan with staff, checks that it is followed, schedules the review.",
        ],
    )
    tag_row(table, "{%tr if consult %}")
    add_row(
        table,
        [
            "{{ therapist }}",
            "Occupational therapist",
            "Consults with the classroom teacher ({{ consult }}); suggests tools and strategies.",
        ],
    )
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr if health_accommodations %}")
    add_row(table, ["", "School nurse", "Carries out the health accommodations and the health plan."])
    tag_row(table, "{%tr endif %}")
    blank_rows(table, 1)
    keep_together(doc, table)

    doc.add_heading("6. Progress monitoring and reports to parents", level=1)
    table = new_table(doc, [2.2, 1.9, 1.2, 1.2], ["What is checked", "How", "How often", "Who"])
    add_row(
        table, ["Accommodations are in place and used", "Teacher check-in, observation", "Monthly", "504 coordinator"]
    )
    add_row(table, ["Access to learning", "Grades, work samples, attendance", "Each grading period", "Teacher"])
    blank_rows(table, 1)
    keep_together(doc, table)
    keep_together(
        doc,
        label_table(
            doc, [("Progress reports to parents", "{{ progress_reports }}")], widths=[2.1, 4.4], heights={0: WRITE_IN}
        ),
    )

    doc.add_heading("7. Parent and student rights", level=1)  # kept with section 8: no signatures-only page
    table = new_table(doc, [TEXT_WIDTH])
    add_row(table, ["{{ safeguards_notice }}"], height=WRITE_IN)
    add_row(table, ["☐ Notice of rights given to the parent / guardian on ______________"])
    keep_together(doc, table, with_next=True)

    doc.add_heading("8. Review and team signatures", level=1)
    paragraph = doc.add_paragraph(
        "This plan is reviewed by {{ annual_review if annual_review else "
        "'the date the team sets' }}, or sooner if the student's needs change. "
        "By signing, team members agree to carry out this plan."
    )
    paragraph.paragraph_format.keep_with_next = True
    table = new_table(doc, [1.9, 1.8, 1.8, 1.0], ["Name", "Role", "Signature", "Date"])
    for name, role in (
        ("", "Parent / guardian"),
        ("", "Student (when appropriate)"),
        ("{{ case_manager }}", "504 coordinator"),
        ("{{ teacher }}", "Classroom teacher"),
    ):
        add_row(table, [name, role, "", ""], height=WRITE_IN)
    tag_row(table, "{%tr if consult %}")
    add_row(table, ["{{ therapist }}", "Occupational therapist", "", ""], height=WRITE_IN)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr if health_accommodations %}")
    add_row(table, ["", "School nurse", "", ""], height=WRITE_IN)
    tag_row(table, "{%tr endif %}")
    add_row(table, ["", "Administrator", "", ""], height=WRITE_IN)
    keep_together(doc, table)
    return save(doc, "504-plan.docx")


def save(doc: Document, name: str) -> Path:
    """Saved with fixed zip timestamps: rebuilding an unchanged template gives identical bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    path = HERE / name
    path.write_bytes(out.getvalue())
    return path


def build_ot_progress_report() -> Path:
    """Made by build_progress_report.py with the helpers above (loaded by path: this is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "build_progress_report", Path(__file__).with_name("build_progress_report.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_ot_progress_report(SimpleNamespace(**globals()))


def main() -> None:
    for path in (build_ot_treatment_plan(), build_504_plan(), build_ot_progress_report()):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

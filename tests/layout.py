"""Where each part of a plan landed on the printed pages, read back from LibreOffice's PDF.

The rendered .docx gives the parts in order (title, headings, hints, paragraphs, table rows, the
signature block); the PDF's text per page (``pdftotext -raw``, which keeps LibreOffice's drawing
order, i.e. document order) says where each one was printed. Texts are compared with all
white space removed, so line wrapping does not matter. Rows with no text at all (rows left to
write in) cannot be found in a PDF's text; they count as printed on the page of the part before
them.

What a reader notices is then checked per page: a heading, hint or table header as the last thing
on a page, a table split so that one row sits alone on either side of the break, a page holding
nothing but the signature block, and labels or separators printed without their value.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

FOOTER = re.compile(r"Confidentialstudentrecord.*Page\d+of\d+$")
DANGLING = [
    (re.compile(r"·\s*·"), "two separators with nothing between"),
    (re.compile(r"·\s*(\t|$)"), "a separator at the end"),
    (re.compile(r"^\s*·"), "a separator at the start"),
    (re.compile(r"\(\s*(ID)?\s*\)"), "empty parentheses"),
    (re.compile(r"\bDOB\s*(\t|$)"), "'DOB' with no date"),
    (re.compile(r":\s*$"), "a label ending in ':' with no value"),
]


def compact(text: str) -> str:
    """White space and the check-box glyphs (drawn from a symbol font pdftotext cannot map) removed."""
    return re.sub(r"[\s☐☒]+", "", text)


def text_of(element) -> str:
    """The text a paragraph prints, with its tabs and line breaks."""
    marks = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}
    return "".join(e.text or "" if e.tag == qn("w:t") else marks[e.tag] for e in element.iter(qn("w:t"), *marks))


def probe_copy(docx: Path, out: Path) -> Path:
    """The plan with a marker in every empty table cell (see the module docstring)."""
    document = Document(str(docx))
    number = 0
    for cell in document.element.body.iter(qn("w:tc")):
        if "".join(t.text or "" for t in cell.iter(qn("w:t"))).strip():
            continue
        paragraph = cell.find(qn("w:p"))
        if paragraph is None:
            continue
        number += 1
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = f"#{number}"
        run.append(text)
        paragraph.append(run)
    document.save(str(out))
    return out


@dataclass
class Part:
    kind: str  # title, heading, hint, paragraph, header row, row
    text: str
    table: int | None = None
    signature: bool = False
    page: int | None = None


@dataclass
class Layout:
    """One plan: its parts with the page each was printed on, and what is wrong with the pages."""

    name: str
    parts: list[Part]
    pages: int
    header_text: str
    problems: dict[str, list[str]] = field(default_factory=dict)

    def add(self, check: str, message: str) -> None:
        self.problems.setdefault(check, []).append(f"{self.name}: {message}")


def docx_parts(path: Path) -> tuple[list[Part], str, list[str]]:
    """The body's parts in order, the page header's text, and every paragraph text (for labels)."""
    document = Document(str(path))
    body = document.element.body
    parts: list[Part] = []
    texts: list[str] = []
    tables = 0
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            style_id = child.pPr.pStyle.val if child.pPr is not None and child.pPr.pStyle is not None else ""
            text = text_of(child)
            kind = (
                "title"
                if style_id in ("Title", "Subtitle")
                else "heading"
                if style_id.startswith("Heading")
                else "hint"
                if style_id == "Hint"
                else "paragraph"
            )
            parts.append(Part(kind, text))
            texts.append(text)
        elif child.tag == qn("w:tbl"):
            tables += 1
            for tr in child.iter(qn("w:tr")):
                header = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
                cells = ["\n".join(text_of(p) for p in tc.iter(qn("w:p"))) for tc in tr.iter(qn("w:tc"))]
                texts.extend(cells)
                parts.append(Part("header row" if header else "row", " ".join(cells), table=tables))
    for part in parts:  # the last table is the signature block, with the paragraphs just before it
        part.signature = part.table == tables and tables > 0
    for part in reversed(parts[: next(i for i, p in enumerate(parts) if p.signature)] if tables else []):
        if part.kind != "paragraph" or part.text.strip():
            break
        part.signature = True
    header = " ".join(text_of(p._p) for p in document.sections[0].header.paragraphs)
    texts.append(header)
    return parts, header, texts


def pdf_pages(pdf: Path, header_text: str) -> list[str]:
    """Each page's text, white space removed, without the page header and footer."""
    raw = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    pages = []
    header = compact(header_text)
    for page in raw.split("\f"):
        lines = [compact(line) for line in page.splitlines() if line.strip()]
        if not lines:
            continue
        text = "".join(lines)
        if header and text.startswith(header):
            text = text[len(header) :]
        text = FOOTER.sub("", text)
        pages.append(text)
    return pages


def locate(parts: list[Part], pages: list[str]) -> list[str]:
    """Give each part the page it was printed on; texts not found anywhere are returned."""
    missing = []
    page, position = 0, 0
    for part in parts:
        needle = compact(part.text)[:80]
        if needle:
            for number in range(page, len(pages)):
                found = pages[number].find(needle, position if number == page else 0)
                if found >= 0:
                    page, position = number, found + len(needle)
                    break
            else:
                missing.append(part.text)
                continue
        part.page = page
    return missing


def analyse(docx: Path, pdf: Path, name: str) -> Layout:
    parts, header, texts = docx_parts(docx)
    pages = pdf_pages(pdf, header)
    layout = Layout(name, parts, len(pages), header)
    for text in locate(parts, pages):
        layout.add("not printed", f"{text[:60]!r} is not in the PDF")
    printed = [p for p in parts if p.page is not None and compact(p.text)]
    for number in range(len(pages) - 1):
        on_page = [p for p in printed if p.page == number]
        if on_page and on_page[-1].kind in ("title", "heading", "hint", "header row"):
            layout.add(
                "last on a page", f"page {number + 1} ends with the {on_page[-1].kind} {on_page[-1].text[:50]!r}"
            )
    for table in {p.table for p in printed if p.table is not None}:
        rows = [p for p in printed if p.table == table and p.kind == "row"]
        by_page: dict[int, int] = {}
        for row in rows:
            by_page[row.page] = by_page.get(row.page, 0) + 1
        if len(by_page) > 1 and min(by_page.values()) < 2:
            layout.add(
                "row alone",
                f"table {table} ({rows[0].text[:40]!r}) is split "
                f"{' / '.join(str(n) for n in by_page.values())} rows over pages "
                f"{', '.join(str(p + 1) for p in by_page)}",
            )
    for number in range(len(pages)):
        on_page = [p for p in printed if p.page == number]
        if on_page and all(p.signature for p in on_page):
            layout.add("signature alone", f"page {number + 1} holds only the signature block")
    sections = [i for i, p in enumerate(parts) if p.kind == "heading" and re.match(r"\d+\.", p.text)]
    last_section = {id(p) for p in parts[sections[-1] :]} if sections else set()
    on_last_page = [p for p in printed if p.page == len(pages) - 1]
    if len(pages) > 1 and on_last_page and all(id(p) in last_section for p in on_last_page):
        layout.add("stub last page", f"the last page holds only the last section ({parts[sections[-1]].text!r})")
    for text in texts:
        for line in re.sub(r"#\d+$", "", text).splitlines():
            for pattern, what in DANGLING:
                if pattern.search(line):
                    layout.add("dangling label", f"{what}: {line.strip()[:70]!r}")
    return layout

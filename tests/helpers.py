"""Test helpers: where fixtures live, reading .docx files back, and LibreOffice conversion."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
MAPPINGS = ROOT / "mappings"
TEMPLATES = ROOT / "templates"
TODAY = dt.date(2026, 11, 22)


def docx_text(path: Path) -> str:
    """All visible text of a .docx: body paragraphs, table cells, headers and footers."""
    doc = Document(str(path))
    chunks = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            chunks.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        chunks.extend(p.text for p in section.header.paragraphs)
        chunks.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(chunks)


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def write_workbook(
    path: Path,
    sheets: dict[str, list[list]],
    states: dict[str, str] | None = None,
    epoch: dt.datetime | None = None,
    formats: dict[str, str] | None = None,
    merges: tuple[str, ...] = (),
) -> Path:
    """A workbook as Excel would save it: sheets in order, hidden states, the date system, and cell number
    formats and merged ranges on the last sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if epoch is not None:
        workbook.epoch = epoch
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (states or {}).get(title, "visible")
    last = workbook.worksheets[-1]
    for cell, number_format in (formats or {}).items():
        last[cell].number_format = number_format
    for cells in merges:
        last.merge_cells(cells)
    workbook.save(path)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(paths: list[Path], out_dir: Path, target: str = "pdf") -> list[Path]:
    """Convert documents headlessly; LibreOffice rejects broken XML, so this is a real consumer."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    command = [
        soffice(),
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        *map(str, paths),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    extension = target.split(":")[0]
    return [out_dir / (p.stem + "." + extension) for p in paths]


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, timeout=60)
    return result.stdout.decode("utf-8")


def make_template(
    path: Path, paragraphs: list[str], table: list[list[str]] | None = None, header: str | None = None
) -> Path:
    """A small .docx template: paragraphs, then optionally a table (rows of cell texts)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    doc.save(path)
    return path


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_run(page: Path, *args: str) -> str:
    """Load a local page in headless Chromium (no network, a throwaway profile); stdout, e.g. of --dump-dom."""
    profile = page.parent / ".chromium-profile"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--proxy-server=127.0.0.1:9",
        *args,
        page.as_uri(),
    ]
    result = subprocess.run(command, check=True, capture_output=True, timeout=120)
    return result.stdout.decode("utf-8")


def run_footer(out: Path) -> str:
    """The lines `plangen generate` ends with: where the caseload overview and the manifest are."""
    return f"Caseload overview: {out / 'caseload.xlsx'} and {out / 'caseload.html'}\nManifest: {out / 'manifest.csv'}\n"


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A small .docx as bytes (see make_template)."""
    buffer = io.BytesIO()
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, texts in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
    doc.save(buffer)
    return buffer.getvalue()


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def edit_parts(data: bytes, **edits: Callable[[str], str]) -> bytes:
    """The package with some parts' text changed: ``edit_parts(data, word__document_xml=lambda xml: ...)``
    (``__`` for ``/``, ``_xml`` for ``.xml``, ``content_types`` for ``[Content_Types].xml``, ``rels`` for
    ``_rels/.rels``, ``document_rels`` for ``word/_rels/document.xml.rels``); a real package from other
    tools, written as those tools write it."""
    parts = zip_parts(data)
    for key, edit in edits.items():
        name = {
            "content_types": "[Content_Types].xml",
            "rels": "_rels/.rels",
            "document_rels": "word/_rels/document.xml.rels",
        }.get(key)
        name = name or key.replace("__", "/").removesuffix("_xml") + ".xml"
        parts[name] = edit(parts[name].decode("utf-8")).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return buffer.getvalue()

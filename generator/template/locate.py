"""Saying where in the Word document a template problem is, the way a person finds it.

Jinja reports a line of the patched XML; a therapist looks for "table 2, row 3, column 1" or "the
paragraph that says …". The paragraph's text is matched back against the document as Word shows
it (body paragraphs, then table cells, nested tables included).
"""

from __future__ import annotations

import io

from docx import Document
from docx.table import Table


def _normalize(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'").split())


def _in_tables(tables: list[Table], wanted: str, prefix: str) -> str | None:
    for t, table in enumerate(tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            for c, cell in enumerate(row.cells, start=1):
                where = f"{prefix}table {t}, row {r}, column {c}"
                if any(wanted in _normalize(p.text) for p in cell.paragraphs):
                    return where
                nested = _in_tables(cell.tables, wanted, where + ", ")
                if nested:
                    return nested
    return None


def locate_paragraph(docx_data: bytes, text: str) -> str | None:
    """``table 2, row 3, column 1`` or ``paragraph 12`` for the first place showing ``text``; None if unseen."""
    wanted = _normalize(text)
    if not wanted:
        return None
    document = Document(io.BytesIO(docx_data))
    for number, paragraph in enumerate(document.paragraphs, start=1):
        if wanted in _normalize(paragraph.text):
            return f"paragraph {number}"
    return _in_tables(document.tables, wanted, "")

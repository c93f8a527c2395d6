"""Word files shaped like Google Docs' "Download as .docx": what a template typed in Docs looks like.

Google Docs writes a new run wherever formatting, spelling marks or editing history change, so a
tag typed once often arrives in pieces (``{{ first_`` + ``name }}``, ``{`` + ``{ last_name }}``),
and its smart quotes turn ``"504"`` into ``“504”``. These builders put such runs into a .docx with
python-docx, so tests can upload it to the fake as a Google Doc and check plangen copes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document

Runs = Sequence[str]  # one paragraph as the pieces Google Docs would split it into


def _add_runs(paragraph, runs: Runs) -> None:
    for index, text in enumerate(runs):
        run = paragraph.add_run(text)
        run.bold = index % 2 == 1  # alternate formatting, as spell-check and edits do


def docs_like_docx(
    paragraphs: Sequence[Runs], table: Sequence[Sequence[Runs]] = (), after: Sequence[Runs] = ()
) -> bytes:
    """Paragraphs of split runs, then a table whose cells are split runs, then more paragraphs."""
    doc = Document()
    for runs in paragraphs:
        _add_runs(doc.add_paragraph(), runs)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, runs in zip(row.cells, cells, strict=True):
                _add_runs(cell.paragraphs[0], runs)
    for runs in after:
        _add_runs(doc.add_paragraph(), runs)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# A plan template as a therapist types it in Google Docs: split tags, curly quotes, a goals table.
PLAN_PARAGRAPHS: list[Runs] = [
    ["OT plan for {{ first_", "name }} {", "{ last_name }}"],
    ["{% if plan_type == \u201c50", "4\u201d %}Section 504 student{% el", "se %}IEP student{% endif %}"],
    ["Review: {{ revi", "ew_date }}"],
]
PLAN_TABLE: list[list[Runs]] = [
    [["#"], ["Goal"]],
    [["{%tr for g in go", "als %}"], [""]],
    [["{{ loop.", "index }}"], ["{{ ", "g }}"]],
    [["{%tr end", "for %}"], [""]],
]
PLAN_AFTER: list[Runs] = [["Notes: {{ notes or \u2018", "none\u2019 }}"]]


def plan_template() -> bytes:
    return docs_like_docx(PLAN_PARAGRAPHS, PLAN_TABLE, PLAN_AFTER)


# The same plan written for Autocrat: <<Column Header>> tags, split as Docs splits them.
AUTOCRAT_PARAGRAPHS: list[Runs] = [
    ["OT plan for <", "<First Na", "me>> <<Last Name>", ">"],
    ["Plan type: <<Plan", " Type>>"],
    ["Review: <<review  date>>"],
    ["Parent\u2019s contact: <<Parent\u2019s Email>> & <<Notes>>"],
]

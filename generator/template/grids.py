"""Table grids brought in line with the cells a template's tags made, and left alone everywhere else.

A table's ``w:tblGrid`` lists its column widths; Word and LibreOffice lay out the cells on it. docxtpl's
``fix_tables`` rewrites the grid of every table after rendering so that columns added or removed by
``{%tc %}``/``colspan`` tags still fit. It counts a nested table's rows and cells as the outer table's,
fails on a table without a grid (which Word accepts) and on a column without a width, and ignores
``w:gridBefore``/``w:gridAfter``: on real documents it changed the layout of tables no tag touched
(2 columns became 4, and LibreOffice stopped showing a line of text). Here only a table whose own cells
hold a cell tag is marked when the template is compiled, and only marked tables are refitted, each on
its own rows and cells.
"""

from __future__ import annotations

import re

from lxml import etree

from generator.template.package import W

MARK = "plangen-refit-grid"  # an attribute on a marked w:tbl in the patched XML, removed after rendering
CELL_TAGS = re.compile(r"\{%-?\s*(tc|hm|vm)\b|\b(colspan|cellbg)\b")  # tags that add or merge cells
_TBL, _TR, _TC, _GRID, _COL = (f"{{{W}}}{name}" for name in ("tbl", "tr", "tc", "tblGrid", "gridCol"))
_W_ATTR, _VAL, _T = f"{{{W}}}w", f"{{{W}}}val", f"{{{W}}}t"


def _own(table: etree._Element, tag: str) -> list[etree._Element]:
    """``tag`` elements of this table, not of a table nested in one of its cells (rows may sit in
    content controls or custom XML, so not only direct children)."""
    return [element for element in table.iter(tag) if _table_of(element) is table]


def _table_of(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _TBL:
        parent = parent.getparent()
    return parent


def mark_tables(body: etree._Element) -> int:
    """Mark the tables whose own cells hold a cell tag; the number marked."""
    marked = 0
    for table in body.iter(_TBL):
        text = "".join(element.text or "" for element in table.iter(_T) if _table_of(element) is table)
        if CELL_TAGS.search(text):
            table.set(MARK, "1")
            marked += 1
    return marked


def refit_grids(tree: etree._Element) -> None:
    """Refit each marked table's grid to its widest row (and unmark it); a table left without rows
    loses its grid columns, as docxtpl does."""
    for table in tree.iter(_TBL):
        marked = table.attrib.pop(MARK, None) is not None
        rows = _own(table, _TR)
        if marked or not rows:
            _refit(table, rows)


def _row_span(row: etree._Element) -> int:
    total = 0
    for cell in _own_cells(row):
        span = cell.find(f"{{{W}}}tcPr/{{{W}}}gridSpan")
        total += _int(span.get(_VAL) if span is not None else None, 1)
    for name in ("gridBefore", "gridAfter"):
        skip = row.find(f"{{{W}}}trPr/{{{W}}}{name}")
        total += _int(skip.get(_VAL) if skip is not None else None, 0)
    return total


def _own_cells(row: etree._Element) -> list[etree._Element]:
    cells = []
    for cell in row.iter(_TC):
        parent = cell.getparent()
        while parent is not None and parent.tag not in (_TR, _TBL):
            parent = parent.getparent()
        if parent is row:
            cells.append(cell)
    return cells


def _int(text: str | None, default: int) -> int:
    try:
        return max(int(text), 0) if text is not None else default
    except ValueError:
        return default


def _width(column: etree._Element) -> float:
    try:
        return float(column.get(_W_ATTR) or 0)
    except ValueError:
        return 0.0


def _refit(table: etree._Element, rows: list[etree._Element]) -> None:
    """docxtpl's two steps (widen to the most cells in a row, then narrow to the widest row counting spans),
    on this table's own rows, with a missing grid or width left alone."""
    grid = table.find(_GRID)
    if grid is None:
        return  # no grid to keep in line: Word lays the table out from its cells
    columns = grid.findall(_COL)
    to_add = max((len(_own_cells(row)) for row in rows), default=0) - len(columns)
    if to_add > 0:
        width = sum(_width(column) for column in columns)
        if width > 0 and columns:
            old_average, new_average = width / len(columns), width / (len(columns) + to_add)
            for column in columns:
                column.set(_W_ATTR, str(int(_width(column) * new_average / old_average)))
            for _ in range(to_add):
                etree.SubElement(grid, _COL, {_W_ATTR: str(int(new_average))})
        columns = grid.findall(_COL)
    to_remove = len(columns) - max((_row_span(row) for row in rows), default=0)
    if to_remove > 0:
        removed = sum(_width(column) for column in columns[-to_remove:])
        for column in columns[-to_remove:]:
            grid.remove(column)
        left = grid.findall(_COL)
        extra = int(removed / len(left)) if left else 0
        for column in left:
            if column.get(_W_ATTR) is not None:
                column.set(_W_ATTR, str(int(_width(column) + extra)))

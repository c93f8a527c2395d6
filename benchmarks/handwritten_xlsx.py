"""The hand-written overview writer plangen used before XlsxWriter (generator/output/xlsx.py at 57482d1).

Kept unchanged, only for benchmarks/overview_writer.py to compare with. Its original docstring:

A one-sheet .xlsx workbook written as SpreadsheetML text, for the caseload overview.

The overview is rewritten on every run, for the whole caseload. Through openpyxl each cell became
a handful of Python objects and every style assignment was hashed: 0.55 s for 1,000 students, as
much as reading the caseload. The overview needs little of a spreadsheet library -- text, whole
numbers, dates, a few cell styles, links, a frozen header, a filter, column widths and a page
header -- so the sheet is written here as text in one pass (about 0.02 s for 1,000 students).
Everything written is plain ECMA-376: Excel, LibreOffice, Google Sheets and openpyxl read it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from generator.sources.cells import EXCEL_EPOCH, column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK = f"{RELATIONSHIPS}/hyperlink"
DATE_FORMAT_ID = 164  # the first id a workbook may give its own number formats
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same rows, same bytes: no save time inside the zip


@dataclass(frozen=True)
class CellStyle:
    bold: bool = False
    color: str | None = None  # RRGGBB
    underline: bool = False
    fill: str | None = None  # RRGGBB, solid
    date: bool = False  # shown as yyyy-mm-dd


def _text(value: str) -> str:
    """Text for an XML element or a double-quoted attribute (xml.sax.saxutils would import urllib)."""
    return (
        _NOT_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


class SimpleSheet:
    """Rows appended in order; ``save`` gives the workbook's bytes."""

    def __init__(
        self,
        title: str,
        *,
        widths: Sequence[float] = (),
        page_header: str = "",
        frozen_rows: int = 0,
        filter_row: int | None = None,
    ):
        self.title = title
        self.widths = list(widths)
        self.page_header = page_header
        self.frozen_rows = frozen_rows
        self.filter_row = filter_row
        self.styles: list[CellStyle] = [CellStyle()]
        self.rows: list[str] = []
        self.links: list[tuple[str, str]] = []  # (cell reference, target)
        self.width = 1

    def style(self, style: CellStyle) -> int:
        """The style's number in the workbook, registered on first use."""
        if style not in self.styles:
            self.styles.append(style)
        return self.styles.index(style)

    def append(
        self, values: Sequence[Any], styles: Sequence[int] | int = 0, links: dict[int, str] | None = None
    ) -> None:
        """One row; ``styles`` per cell (or one for all), ``links``: 0-based column -> link target."""
        number = len(self.rows) + 1
        cells = []
        for index, value in enumerate(values):
            style = styles if isinstance(styles, int) else styles[index]
            reference = f"{column_letter(index)}{number}"
            cells.append(_cell(reference, value, style))
            if links and links.get(index):
                self.links.append((reference, links[index]))
        self.width = max(self.width, len(values))
        self.rows.append(f'<row r="{number}">{"".join(cells)}</row>')

    def save(self) -> bytes:
        parts = {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": self._workbook(),
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/styles.xml": self._styles(),
        }
        if self.links:
            parts["xl/worksheets/_rels/sheet1.xml.rels"] = self._sheet_rels()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                archive.writestr(_entry(name), text.encode("utf-8"))
            with archive.open(_entry("xl/worksheets/sheet1.xml"), "w") as sheet:
                for piece in self._sheet():  # row by row: never the whole sheet's text at once
                    sheet.write(piece.encode("utf-8"))
        return buffer.getvalue()

    @property
    def last_cell(self) -> str:
        return f"{column_letter(self.width - 1)}{max(len(self.rows), 1)}"

    def _filter_range(self) -> str | None:
        if self.filter_row is None:
            return None
        return f"A{self.filter_row}:{column_letter(self.width - 1)}{max(len(self.rows), self.filter_row)}"

    def _workbook(self) -> str:
        names = ""
        area = self._filter_range()
        if area is not None:  # Excel keeps a filter's range under this hidden name
            absolute = "$" + area.replace(":", ":$")
            absolute = re.sub(r"([A-Z]+)(\d+)", r"\1$\2", absolute)
            sheet = "'" + self.title.replace("'", "''") + "'"
            names = (
                f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
                f"{_text(sheet)}!{absolute}</definedName></definedNames>"
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/></bookViews><sheets>'
            f'<sheet name="{_text(self.title)}" sheetId="1" r:id="rId1"/></sheets>'
            f"{names}</workbook>"
        )

    def _styles(self) -> str:
        fonts = [(False, None, False)] + sorted(
            {(s.bold, s.color, s.underline) for s in self.styles} - {(False, None, False)}, key=repr
        )
        fills = sorted({s.fill for s in self.styles if s.fill})
        xfs = []
        for s in self.styles:
            font = fonts.index((s.bold, s.color, s.underline))
            fill = fills.index(s.fill) + 2 if s.fill else 0  # 0 and 1 are the two fills Excel reserves
            number = DATE_FORMAT_ID if s.date else 0
            xfs.append(
                f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
                + (' applyFont="1"' if font else "")
                + (' applyFill="1"' if fill else "")
                + (' applyNumberFormat="1"' if number else "")
                + "/>"
            )
        font_xml = "".join(
            "<font>"
            + ("<b/>" if bold else "")
            + ('<u val="single"/>' if underline else "")
            + '<sz val="11"/>'
            + (f'<color rgb="FF{color}"/>' if color else "")
            + '<name val="Calibri"/></font>'
            for bold, color, underline in fonts
        )
        fill_xml = "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{f}"/><bgColor indexed="64"/></patternFill></fill>'
            for f in fills
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
            f'<numFmts count="1"><numFmt numFmtId="{DATE_FORMAT_ID}" formatCode="yyyy-mm-dd"/></numFmts>'
            f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
            f'<fills count="{len(fills) + 2}"><fill><patternFill patternType="none"/></fill>'
            f'<fill><patternFill patternType="gray125"/></fill>{fill_xml}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    def _sheet(self) -> Iterator[str]:
        view = '<sheetView workbookViewId="0"/>'
        if self.frozen_rows:
            top = f"A{self.frozen_rows + 1}"
            view = (
                f'<sheetView workbookViewId="0"><pane ySplit="{self.frozen_rows}" topLeftCell="{top}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
                f'sqref="{top}"/></sheetView>'
            )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, start=1)
        )
        area = self._filter_range()
        links = "".join(f'<hyperlink ref="{ref}" r:id="rId{n}"/>' for n, (ref, _) in enumerate(self.links, start=1))
        header = _text(self.page_header.replace("&", "&&"))
        yield (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><dimension ref="A1:{self.last_cell}"/><sheetViews>{view}</sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        )
        yield from self.rows
        yield (
            "</sheetData>"
            + (f'<autoFilter ref="{area}"/>' if area else "")
            + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
            + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            + (f"<headerFooter><oddHeader>&amp;C{header}</oddHeader></headerFooter>" if header else "")
            + "</worksheet>"
        )

    def _sheet_rels(self) -> str:
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{HYPERLINK}" Target="{_text(target)}" TargetMode="External"/>'
            for n, (_, target) in enumerate(self.links, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{rels}</Relationships>'
        )


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, _FIXED_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _cell(reference: str, value: Any, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{reference}"{styled}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{reference}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{reference}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        serial = (value - dt.datetime.combine(EXCEL_EPOCH, dt.time())).total_seconds() / 86400
        return f'<c r="{reference}"{styled}><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{reference}"{styled}><v>{(value - EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
)

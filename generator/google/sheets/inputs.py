"""Templates kept as Google Docs and caseloads kept as Google Sheets, read like local files.

Therapists who work in Google Workspace should not have to download their template and caseload
before every run. A Google Doc is exported as .docx once per run (and cached between runs, see
``doc_cache``) and then is an ordinary Word template; a Google Sheet is exported as .xlsx and read
by the same reader as a local workbook, so types, blank rows and row numbers behave identically.
Only the labels change: messages name the Doc or the Sheet and its tab ("OT Caseload (Google
Sheet), sheet 'Fall', cell D12"), never a temporary file.

Google's libraries are imported only when a Google link is actually met, so local runs stay quick.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError, GoogleApiError, GoogleError, SourceError, TemplateError
from generator.google.auth.ids import DOC_MIME, DOCX_MIME, SHEET_MIME, XLSX_MIME, GoogleRef, label_for
from generator.google.auth.options import GoogleSignIn
from generator.google.sheets import export_cache as doc_cache
from generator.sources.tables import Location, Row, Table, read_table

_KINDS = {
    "application/vnd.google-apps.folder": "a folder",
    "application/vnd.google-apps.document": "a Google Doc",
    "application/vnd.google-apps.spreadsheet": "a Google Sheet",
    "application/vnd.google-apps.presentation": "a Google Slides presentation",
    "application/vnd.google-apps.form": "a Google Form",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "a Word file stored in Drive",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel file stored in Drive",
}


@dataclass(frozen=True)
class SheetOrigin:
    """Where a table came from in Google Sheets, for writing plan links back to it."""

    spreadsheet_id: str
    label: str
    tab: str
    sheet_id: int
    column_count: int


@dataclass
class SheetTable(Table):
    """A table read from a Google Sheet; ``origin`` says which spreadsheet and tab."""

    origin: SheetOrigin | None = field(default=None)


# --------------------------------------------------------------------------------------------
# Telling links from paths
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class GoogleInputs:
    """One sign-in for the run's Google reads (and write-back), loaded only when first needed."""

    def __init__(self, sign_in: GoogleSignIn | None = None):
        self.sign_in = sign_in or GoogleSignIn()

    def credentials(self) -> Any:
        return self.sign_in.credentials(inputs=True)

    def service(self, api: tuple[str, str]) -> Any:
        from generator.google.auth import client as google

        return google.thread_service(*api, self.credentials())

    def run(self, request: Any, **options: Any) -> Any:
        from generator.google.auth import client as google

        return google.execute(request, **options)

    def drive(self) -> Any:
        from generator.google.auth import client as google

        return self.service(google.DRIVE)

    def sheets(self) -> Any:
        from generator.google.auth import client as google

        return self.service(google.SHEETS)

    # -- Drive metadata and export ---------------------------------------------------------------

    def metadata(self, ref: GoogleRef, kind: str, error: type[ConfigError]) -> dict[str, Any]:
        """The file's name, type and modifiedTime; a file nobody shared is a clear error, not a 404."""
        request = (
            self.drive().files().get(fileId=ref.file_id, fields="id,name,mimeType,modifiedTime", supportsAllDrives=True)
        )
        try:
            return self.run(request)
        except GoogleApiError as exc:
            if exc.status == 404:
                raise error(_not_found(ref, kind)) from None
            if exc.status == 403 and exc.reason not in ("rateLimitExceeded", "userRateLimitExceeded"):
                raise error(
                    f"The Google {kind} {ref.given!r} cannot be opened by the signed-in Google account ({exc})."
                ) from None
            raise

    def export(self, ref: GoogleRef, label: str, mime: str, error: type[ConfigError]) -> bytes:
        try:
            data = self.run(self.drive().files().export(fileId=ref.file_id, mimeType=mime))
        except GoogleApiError as exc:
            if exc.reason == "exportSizeLimitExceeded":
                raise error(
                    f"{label} is too large for Google to export (Google's limit is 10 MB). Remove large "
                    "pictures, or download it and give plangen the file instead."
                ) from None
            raise GoogleError(f"Google could not export {label}: {exc}") from None
        return data if isinstance(data, bytes) else str(data).encode("utf-8")

    # -- Templates -------------------------------------------------------------------------------

    def template_docx(self, ref: GoogleRef) -> tuple[str, bytes]:
        """(label, .docx bytes) of a Google Doc: exported once, reused until the Doc changes."""
        meta = self.metadata(ref, "Doc", TemplateError)
        if meta.get("mimeType") != DOC_MIME:
            raise TemplateError(_wrong_kind(ref, meta, "Doc", "template"))
        label = label_for(str(meta.get("name", "")), "Google Doc")
        modified = str(meta.get("modifiedTime") or "")
        data = doc_cache.read(ref.file_id, modified) if modified else None
        if data is None:
            data = self.export(ref, label, DOCX_MIME, TemplateError)
            if modified:
                doc_cache.store(ref.file_id, modified, data)
        return label, data

    # -- Sheets ----------------------------------------------------------------------------------

    def read_sheet(self, ref: GoogleRef, sheet: str | None, header_row: int | None = None) -> SheetTable:
        """One tab of a Google Sheet through the .xlsx reader, labelled with the Sheet's name."""
        meta = self.metadata(ref, "Sheet", SourceError)
        if meta.get("mimeType") != SHEET_MIME:
            raise SourceError(_wrong_kind(ref, meta, "Sheet", "source"))
        label = label_for(str(meta.get("name", "")), "Google Sheet")
        request = (
            self.sheets()
            .spreadsheets()
            .get(
                spreadsheetId=ref.file_id,
                fields="sheets(properties(sheetId,title,index,sheetType,gridProperties,hidden))",
            )
        )
        tabs = [s.get("properties", {}) for s in self.run(request).get("sheets", [])]
        tab = choose_tab(tabs, ref, sheet, label)
        data = self.export(ref, label, XLSX_MIME, SourceError)
        table = _read_export(data, tab, tabs.index(tab), label, header_row)
        origin = SheetOrigin(
            ref.file_id,
            label,
            str(tab["title"]),
            int(tab.get("sheetId", 0)),
            int(tab.get("gridProperties", {}).get("columnCount", 26)),
        )
        return _relabel(table, label, origin)


def choose_tab(tabs: list[dict[str, Any]], ref: GoogleRef, sheet: str | None, label: str) -> dict[str, Any]:
    """The tab the link's gid names, else the mapping's sheet, else the first visible; a disagreement is an error.

    A hidden tab (last year's copy) is read only when named, by the link's gid or by ``sheet:``.
    """
    listed = ", ".join(
        f"{t.get('title')!r} (gid={t.get('sheetId', 0)}{', hidden' if t.get('hidden') else ''})" for t in tabs
    )
    if not tabs:
        raise SourceError(f"{label} has no tabs.")
    if ref.gid is not None:
        found = [t for t in tabs if int(t.get("sheetId", 0)) == ref.gid]
        if not found:
            raise SourceError(
                f"The Google Sheets link {ref.given!r} points at the tab gid={ref.gid}, which {label} "
                f"does not have (was it deleted?). Its tabs: {listed}. Open the wanted tab and copy "
                "the link again."
            )
        if sheet is not None and found[0].get("title") != sheet:
            raise SourceError(
                f"The Google Sheets link {ref.given!r} points at the tab {found[0].get('title')!r}, but "
                f"the mapping says sheet: {sheet!r}. Remove '#gid=...' from the link or change "
                "'sheet:' so they agree."
            )
        return found[0]
    if sheet is None:
        visible = [tab for tab in tabs if not tab.get("hidden")]
        if not visible:
            raise SourceError(
                f"{label} has only hidden tabs ({listed}). Name the one to read with `sheet:` in the mapping."
            )
        return visible[0]
    for tab in tabs:
        if tab.get("title") == sheet:
            return tab
    raise SourceError(f"{label} has no tab named {sheet!r}. Its tabs: {listed}. Fix `sheet:` in the mapping.")


def _read_export(data: bytes, tab: dict[str, Any], index: int, label: str, header_row: int | None = None) -> Table:
    """Read the exported workbook from a private temporary file that is gone when this returns."""
    import openpyxl

    with tempfile.TemporaryDirectory(prefix="plangen-") as folder:
        path = Path(folder) / "export.xlsx"
        path.write_bytes(data)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True)
            names = workbook.sheetnames
            workbook.close()
            title = str(tab["title"])
            # Excel caps sheet names at 31 characters, so a long tab title may be cut in the export.
            name = title if title in names else names[min(index, len(names) - 1)]
            return read_table(path, name, header_row=header_row)
        except SourceError as exc:
            raise SourceError(str(exc).replace(str(path), label).replace(path.name, label)) from None
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile) as exc:
            raise SourceError(f"{label}: Google's .xlsx export could not be read ({type(exc).__name__}).") from None


def _relabel(table: Table, label: str, origin: SheetOrigin) -> SheetTable:
    rows = [Row(row.values, Location(label, origin.tab, row.location.row)) for row in table.rows]
    return SheetTable(
        path=Path(label),
        sheet=origin.tab,
        columns=table.columns,
        rows=rows,
        header_row=table.header_row,
        title_rows=table.title_rows,
        skipped_rows=table.skipped_rows,
        origin=origin,
    )


def _not_found(ref: GoogleRef, kind: str) -> str:
    message = (
        f"The Google {kind} {ref.given!r} was not found, or the signed-in Google account cannot open it. "
        "Check the link, and ask its owner to share it with you (with --service-account: with the "
        "service account's email)."
    )
    if ref.bare:
        message += f" (There is no file named {ref.given!r} on this computer either.)"
    return message


def _wrong_kind(ref: GoogleRef, meta: dict[str, Any], kind: str, role: str) -> str:
    mime = str(meta.get("mimeType", ""))
    found = _KINDS.get(mime, f"a file of type {mime}")
    message = f"The {role} {ref.given!r} is {meta.get('name', '')!r}, {found}, not a Google {kind}."
    if "stored in Drive" in found:
        return message + (
            f" Open it in Google {'Docs' if kind == 'Doc' else 'Sheets'} and choose File > Save as "
            f"Google {kind}s, then use the new file's link; or download it and give the file."
        )
    return message + f" Give the link of the Google {kind} itself."

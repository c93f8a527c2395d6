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

import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import ConfigError, GoogleError, SourceError, TemplateError
from generator.google import export_cache as doc_cache
from generator.sources.tables import Location, Row, Table, read_table
from generator.template.autocrat import AutocratTags
from generator.template.loader import PlanTemplate

if TYPE_CHECKING:
    from generator.mapping.load import Mapping

_GOOGLE_HOSTS = ("docs.google.com", "drive.google.com", "sheets.google.com")
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{25,200}$")  # Drive IDs are 28-44 characters; no file name looks like one
_UNSAFE_IN_LABEL = str.maketrans({"/": "\u2215", "\\": "\u2216"})  # a label is shown as a path's name

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
class GoogleSignIn:
    """Which Google account reads the inputs (the same choices as --drive)."""

    token_file: Path | None = None
    service_account: Path | None = None
    impersonate: str | None = None


@dataclass(frozen=True)
class GoogleRef:
    """A Google file named by a link or a bare ID, as the therapist gave it."""

    file_id: str
    given: str
    gid: int | None = None  # the tab a Sheets link points at
    bare: bool = False  # a bare ID, which could also have been a mistyped local file name


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


def is_link(text: str) -> bool:
    """A URL, or a Google link pasted without its https://."""
    return "://" in text or text.strip().lower().startswith(_GOOGLE_HOSTS)


def as_location(text: str | None) -> str | Path | None:
    """A command-line value as a link (kept as text: a Path would fold its //) or a path."""
    if text is None:
        return None
    return text.strip() if is_link(text) else Path(text)


def google_ref(location: str | Path, what: str) -> GoogleRef | None:
    """The Google file a --source/--template value names, or None for a file on this computer."""
    text = str(location).strip()
    if isinstance(location, str) and is_link(text):
        from generator.google.client import parse_drive_id, parse_sheet_gid

        file_id = parse_drive_id(text, what=f"{what} link")
        return GoogleRef(file_id, text, parse_sheet_gid(text))
    path = Path(location)
    if not path.exists() and _BARE_ID.match(path.name):
        return GoogleRef(path.name, path.name, bare=True)
    return None


def label_for(name: str, kind: str) -> str:
    """How messages and the manifest name a Google file: its title and what it is."""
    return f"{name.strip().translate(_UNSAFE_IN_LABEL) or '(untitled)'} ({kind})"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class GoogleInputs:
    """One sign-in for the run's Google reads (and write-back), loaded only when first needed."""

    def __init__(self, sign_in: GoogleSignIn | None = None):
        self.sign_in = sign_in or GoogleSignIn()
        self._credentials: Any = None

    def credentials(self) -> Any:
        if self._credentials is None:
            from generator.google import signin as auth

            self._credentials = auth.load_credentials(self.sign_in.token_file, self.sign_in.service_account,
                                                      self.sign_in.impersonate, scopes=auth.DEFAULT_SCOPES)
        return self._credentials

    def service(self, api: tuple[str, str]) -> Any:
        from generator.google import client as google

        return google.thread_service(*api, self.credentials())

    def run(self, request: Any) -> Any:
        from generator.google import client as google

        return google.execute(request)

    def drive(self) -> Any:
        from generator.google import client as google

        return self.service(google.DRIVE)

    def sheets(self) -> Any:
        from generator.google import client as google

        return self.service(google.SHEETS)

    # -- Drive metadata and export ---------------------------------------------------------------

    def metadata(self, ref: GoogleRef, kind: str, error: type[ConfigError]) -> dict[str, Any]:
        """The file's name, type and modifiedTime; a file nobody shared is a clear error, not a 404."""
        from generator.google.client import GoogleApiError

        request = self.drive().files().get(fileId=ref.file_id, fields="id,name,mimeType,modifiedTime",
                                           supportsAllDrives=True)
        try:
            return self.run(request)
        except GoogleApiError as exc:
            if exc.status == 404:
                raise error(_not_found(ref, kind)) from None
            if exc.status == 403 and exc.reason not in ("rateLimitExceeded", "userRateLimitExceeded"):
                raise error(f"The Google {kind} {ref.given!r} cannot be opened by the signed-in Google account "
                            f"({exc}).") from None
            raise

    def export(self, ref: GoogleRef, label: str, mime: str, error: type[ConfigError]) -> bytes:
        from generator.google.client import GoogleApiError

        try:
            data = self.run(self.drive().files().export(fileId=ref.file_id, mimeType=mime))
        except GoogleApiError as exc:
            if exc.reason == "exportSizeLimitExceeded":
                raise error(f"{label} is too large for Google to export (Google's limit is 10 MB). Remove large "
                            "pictures, or download it and give plangen the file instead.") from None
            raise GoogleError(f"Google could not export {label}: {exc}") from None
        return data if isinstance(data, bytes) else str(data).encode("utf-8")

    # -- Templates -------------------------------------------------------------------------------

    def template_docx(self, ref: GoogleRef) -> tuple[str, bytes]:
        """(label, .docx bytes) of a Google Doc: exported once, reused until the Doc changes."""
        from generator.google.client import DOC_MIME, DOCX_MIME

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

    def read_sheet(self, ref: GoogleRef, sheet: str | None) -> SheetTable:
        """One tab of a Google Sheet through the .xlsx reader, labelled with the Sheet's name."""
        from generator.google.client import SHEET_MIME, XLSX_MIME

        meta = self.metadata(ref, "Sheet", SourceError)
        if meta.get("mimeType") != SHEET_MIME:
            raise SourceError(_wrong_kind(ref, meta, "Sheet", "source"))
        label = label_for(str(meta.get("name", "")), "Google Sheet")
        request = self.sheets().spreadsheets().get(
            spreadsheetId=ref.file_id, fields="sheets(properties(sheetId,title,index,sheetType,gridProperties))")
        tabs = [s.get("properties", {}) for s in self.run(request).get("sheets", [])]
        tab = choose_tab(tabs, ref, sheet, label)
        data = self.export(ref, label, XLSX_MIME, SourceError)
        table = _read_export(data, tab, tabs.index(tab), label)
        origin = SheetOrigin(ref.file_id, label, str(tab["title"]), int(tab.get("sheetId", 0)),
                             int(tab.get("gridProperties", {}).get("columnCount", 26)))
        return _relabel(table, label, origin)


def choose_tab(tabs: list[dict[str, Any]], ref: GoogleRef, sheet: str | None, label: str) -> dict[str, Any]:
    """The tab the link's gid names, else the mapping's sheet, else the first; a disagreement is an error."""
    listed = ", ".join(f"{t.get('title')!r} (gid={t.get('sheetId', 0)})" for t in tabs)
    if not tabs:
        raise SourceError(f"{label} has no tabs.")
    if ref.gid is not None:
        found = [t for t in tabs if int(t.get("sheetId", 0)) == ref.gid]
        if not found:
            raise SourceError(f"The Google Sheets link {ref.given!r} points at the tab gid={ref.gid}, which {label} "
                              f"does not have (was it deleted?). Its tabs: {listed}. Open the wanted tab and copy "
                              "the link again.")
        if sheet is not None and found[0].get("title") != sheet:
            raise SourceError(f"The Google Sheets link {ref.given!r} points at the tab {found[0].get('title')!r}, but "
                              f"the mapping says sheet: {sheet!r}. Remove '#gid=...' from the link or change "
                              "'sheet:' so they agree.")
        return found[0]
    if sheet is None:
        return tabs[0]
    for tab in tabs:
        if tab.get("title") == sheet:
            return tab
    raise SourceError(f"{label} has no tab named {sheet!r}. Its tabs: {listed}. Fix `sheet:` in the mapping.")


def _read_export(data: bytes, tab: dict[str, Any], index: int, label: str) -> Table:
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
            return read_table(path, name)
        except SourceError as exc:
            raise SourceError(str(exc).replace(str(path), label).replace(path.name, label)) from None
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile) as exc:
            raise SourceError(f"{label}: Google's .xlsx export could not be read ({type(exc).__name__}).") from None


def _relabel(table: Table, label: str, origin: SheetOrigin) -> SheetTable:
    rows = [Row(row.values, Location(label, origin.tab, row.location.row)) for row in table.rows]
    return SheetTable(path=Path(label), sheet=origin.tab, columns=table.columns, rows=rows,
                      header_row=table.header_row, origin=origin)


def _not_found(ref: GoogleRef, kind: str) -> str:
    message = (f"The Google {kind} {ref.given!r} was not found, or the signed-in Google account cannot open it. "
               "Check the link, and ask its owner to share it with you (with --service-account: with the "
               "service account's email).")
    if ref.bare:
        message += f" (There is no file named {ref.given!r} on this computer either.)"
    return message


def _wrong_kind(ref: GoogleRef, meta: dict[str, Any], kind: str, role: str) -> str:
    mime = str(meta.get("mimeType", ""))
    found = _KINDS.get(mime, f"a file of type {mime}")
    message = f"The {role} {ref.given!r} is {meta.get('name', '')!r}, {found}, not a Google {kind}."
    if "stored in Drive" in found:
        return message + (f" Open it in Google {'Docs' if kind == 'Doc' else 'Sheets'} and choose File > Save as "
                          f"Google {kind}s, then use the new file's link; or download it and give the file.")
    return message + f" Give the link of the Google {kind} itself."


# --------------------------------------------------------------------------------------------
# The two entry points the pipeline uses
# --------------------------------------------------------------------------------------------


def read_source(location: str | Path, sheet: str | None, inputs: GoogleInputs) -> Table:
    """A caseload or report: a local file, or a Google Sheet's tab."""
    ref = google_ref(location, "Google Sheets")
    if ref is None:
        return read_table(Path(location), sheet)
    return inputs.read_sheet(ref, sheet)


def open_template(location: str | Path, mapping: Mapping | None, inputs: GoogleInputs) -> PlanTemplate:
    """A template from a .docx file or a Google Doc; with a mapping, Autocrat tags are understood too."""
    tags = AutocratTags.from_mapping(mapping) if mapping is not None else None
    ref = google_ref(location, "Google Docs")
    if ref is None:
        return PlanTemplate(Path(location), autocrat=tags)
    label, data = inputs.template_docx(ref)
    return PlanTemplate(Path(label), data=data, autocrat=tags)

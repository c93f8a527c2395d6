"""The caseload overview on Drive: one Google Sheet in ROOT, converted from caseload.xlsx.

A therapist working from Drive wants the season's list where the plans are. The Sheet is found
again by its marks (``plangen: overview`` and the mapping's name, so two caseloads sharing a ROOT
keep two Sheets), public properties beside appProperties as on plans so any sign-in finds it, and
updated in place with ``files.update`` + media, which keeps its link and sharing. A run costs at
most one write for it, none when the overview did not change.
"""

from __future__ import annotations

from typing import Any

from googleapiclient.http import MediaInMemoryUpload

from generator.errors import GoogleError
from generator.google.auth.ids import SHEET_MIME, XLSX_MIME, web_link
from generator.google.drive.api import DriveApi
from generator.google.drive.folders import Root
from generator.google.drive.plans import MARKER, marked, markers
from generator.output.overview import OverviewFiles
from generator.output.report import Report

OVERVIEW = "overview"
FIELDS = "id,name,webViewLink,properties,appProperties"
MAX_NAME = 100  # appProperties: key + value within 124 bytes


def overview_query(root_id: str) -> str:
    has = f"has {{ key='{MARKER}' and value='{OVERVIEW}' }}"
    return f"'{root_id}' in parents and trashed = false and (properties {has} or appProperties {has})"


def publish_overview(api: DriveApi, root: Root | None, files: OverviewFiles, report: Report) -> None:
    """Upload the overview into ROOT (``DriveSink.finish``); its link becomes a note, a Google failure an error
    (the plans are written: exit 1)."""
    if root is None:
        report.notes.append(
            "Caseload overview not uploaded to Drive: --drive without ROOT has no folder for it "
            "(give --drive ROOT to keep it there as a Google Sheet)."
        )
        return
    try:
        report.notes.append(_upload(api, root.id, files))
    except GoogleError as exc:
        report.errors.append(f"could not upload the caseload overview to {root.link}: {exc}")


def _upload(api: DriveApi, root_id: str, files: OverviewFiles) -> str:
    name = f"Caseload overview - {files.title}"
    mapping_name = files.title.encode("utf-8")[:MAX_NAME].decode("utf-8", "ignore")
    content = files.fingerprint[:32]
    found = [
        f for f in api.list_all(overview_query(root_id), FIELDS).items if markers(f).get("mapping") == mapping_name
    ]
    if found and markers(found[0]).get("content") == content:
        return f"Caseload overview (Google Sheet, unchanged): {_link(found[0])}"
    properties = {MARKER: OVERVIEW, "mapping": mapping_name, "content": content}
    media = MediaInMemoryUpload(files.xlsx, mimetype=XLSX_MIME, resumable=False)
    if found:
        request = api.files().update(
            fileId=found[0]["id"],
            body={"name": name, **marked(properties)},
            media_body=media,
            fields=FIELDS,
            supportsAllDrives=True,
        )
        return f"Caseload overview (Google Sheet, updated): {_link(api.run(request))}"
    body = {"name": name, "mimeType": SHEET_MIME, "parents": [root_id], **marked(properties)}
    request = api.files().create(body=body, media_body=media, fields=FIELDS, supportsAllDrives=True)
    return f"Caseload overview (Google Sheet, created): {_link(api.run(request))}"


def _link(resource: dict[str, Any]) -> str:
    return resource.get("webViewLink") or web_link(resource["id"], SHEET_MIME)

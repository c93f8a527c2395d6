"""The caseload overview on Drive, when asked for: one Google Sheet in ROOT, converted from caseload.xlsx.

The overview lists every student's name, ID, plan type and review dates, and ROOT is often shared
more widely than a student's folder, so it goes to Drive only when the therapist says so
(``--overview-sheet`` or ``overview_sheet: true`` in the mapping); the run then names who can open it
(the Sheet's sharing, which it takes from ROOT). The Sheet is found again by its marks (``plangen:
overview`` and the mapping's name, so two caseloads sharing a ROOT keep two Sheets; its content hash
stays private) and updated in place with ``files.update`` + media, which keeps its link and sharing.
A run costs at most one write for it, none when the overview did not change. A create is made
exactly once (``drive.create``): Google does not take generated IDs for a converted upload.
"""

from __future__ import annotations

from typing import Any

from googleapiclient.http import MediaInMemoryUpload

from generator.errors import GoogleError
from generator.google.auth.ids import SHEET_MIME, XLSX_MIME, web_link
from generator.google.drive.api import DriveApi
from generator.google.drive.create import create_once
from generator.google.drive.folders import Root
from generator.google.drive.plans import MARKER, marked, markers
from generator.output.overview import OverviewFiles
from generator.output.report import Report

OVERVIEW = "overview"
FIELDS = "id,name,webViewLink,properties,appProperties,permissions(type,role,emailAddress,domain)"
MAX_NAME = 100  # appProperties: key + value within 124 bytes
OVERVIEW_PUBLIC = frozenset({MARKER, "mapping"})  # the content hash stays private


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
        return _said("unchanged", found[0])
    properties = {MARKER: OVERVIEW, "mapping": mapping_name, "content": content}
    media = lambda: MediaInMemoryUpload(files.xlsx, mimetype=XLSX_MIME, resumable=False)  # noqa: E731
    if found:
        request = api.files().update(
            fileId=found[0]["id"],
            body={"name": name, **marked(properties, found[0].get("properties"), OVERVIEW_PUBLIC)},
            media_body=media(),
            fields=FIELDS,
            supportsAllDrives=True,
        )
        return _said("updated", api.run(request))
    body = {"name": name, "mimeType": SHEET_MIME, "parents": [root_id], **marked(properties, None, OVERVIEW_PUBLIC)}
    return _said("created", create_once(api, body, media, root_id, FIELDS))


def _said(status: str, resource: dict[str, Any]) -> str:
    return f"Caseload overview (Google Sheet, {status}): {_link(resource)} -- {readers(resource)}"


def readers(resource: dict[str, Any]) -> str:
    """Who can open the Sheet, from its sharing (inherited from ROOT), so the therapist knows where the
    list of students went."""
    permissions = resource.get("permissions")
    if permissions is None:
        return "who can open it: not shown to this account (it cannot share ROOT); check ROOT's sharing in Drive"
    who = []
    for perm in permissions:
        kind, role = perm.get("type"), perm.get("role", "reader")
        if kind == "anyone":
            who.append(f"anyone with the link ({role})")
        elif kind == "domain":
            who.append(f"everyone at {perm.get('domain')} ({role})")
        else:
            who.append(f"{perm.get('emailAddress') or kind} ({role})")
    return "who can open it: " + (", ".join(who) if who else "only you")


def _link(resource: dict[str, Any]) -> str:
    return resource.get("webViewLink") or web_link(resource["id"], SHEET_MIME)

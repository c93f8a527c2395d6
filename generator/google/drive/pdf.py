"""PDF copies on Drive (``--pdf --drive``): each plan's Google Doc exported as PDF into its folder.

The PDF is the record of what was used, so it is exported from the Doc as it is after the run --
typed into during the meeting or not. A PDF carries the Doc's ID and the Doc's ``modifiedTime`` it
was made from (public properties beside appProperties, like plans); while the Doc's
``modifiedTime`` is unchanged nothing is exported or written. Otherwise: one export (a read) and one
write per student, ``files.update`` with media when the PDF exists (same link), else
``files.create`` with a generated ID (a PDF upload is not converted, so Google accepts one and a
retried create cannot make a second PDF); writes go through the run's shared write pace.
"""

from __future__ import annotations

from googleapiclient.http import MediaInMemoryUpload

from generator.errors import GoogleError, PlangenError
from generator.google.auth.ids import parse_drive_id
from generator.google.drive.api import DriveApi, IdPool
from generator.google.drive.plans import MARKER, marked, markers
from generator.output.report import FAILED, Outcome, Report

PDF_MIME = "application/pdf"
PDF_MARK = "pdf"
PDF_FIELDS = "id,name,parents,webViewLink,properties,appProperties"
_HAS = f"has {{ key='{MARKER}' and value='{PDF_MARK}' }}"
PDF_QUERY = f"(properties {_HAS} or appProperties {_HAS}) and trashed = false"
PDF_PUBLIC = frozenset({MARKER, "doc", "source"})  # the Doc's ID and modification time: nothing about the student


def publish_pdfs(api: DriveApi, report: Report) -> None:
    """A PDF beside every Doc this run delivered (``DriveSink.finish``, through the run's Drive client and
    write pace); a PDF that cannot be made is an error (exit 1), the plan stays."""
    existing: dict[str, dict] = {}
    for resource in api.list_all(PDF_QUERY, PDF_FIELDS, corpora="allDrives").items:
        existing.setdefault(markers(resource).get("doc", ""), resource)
    made = unchanged = 0
    ids = IdPool(api, block=max(1, len(report.outcomes)))  # fetched on the first PDF made
    for outcome in report.outcomes:
        if outcome.status == FAILED or "/document/d/" not in outcome.output:
            continue
        try:
            if _publish(api, ids, outcome, existing):
                made += 1
            else:
                unchanged += 1
        except (GoogleError, PlangenError) as exc:
            report.errors.append(f"{outcome.display_name}: no PDF copy of {outcome.output}: {exc}")
    report.notes.append(f"PDFs on Drive: {made} made, {unchanged} unchanged.")


def _publish(api: DriveApi, ids: IdPool, outcome: Outcome, existing: dict[str, dict]) -> bool:
    """True when a PDF was written, False when the one there was made from the Doc as it is now."""
    doc_id = parse_drive_id(outcome.output)
    doc = api.get(doc_id, "id,name,parents,modifiedTime")
    source = str(doc.get("modifiedTime") or "")
    pdf = existing.get(doc_id)
    if pdf is not None and source and markers(pdf).get("source") == source:
        return False
    data = api.run(api.files().export(fileId=doc_id, mimeType=PDF_MIME))
    media = MediaInMemoryUpload(data if isinstance(data, bytes) else bytes(data), mimetype=PDF_MIME)
    marks = marked({MARKER: PDF_MARK, "doc": doc_id, "source": source}, pdf and pdf.get("properties"), PDF_PUBLIC)
    files = api.files()
    if pdf is not None:
        request = files.update(
            fileId=pdf["id"],
            body={"name": f"{doc['name']}.pdf", **marks},
            media_body=media,
            fields="id",
            supportsAllDrives=True,
        )
    else:  # a PDF is not converted, so a generated ID makes a retried create safe (a repeat gets 409)
        pdf_id = ids.take()
        parents = doc.get("parents", [])[:1]
        body = {"id": pdf_id, "name": f"{doc['name']}.pdf", "mimeType": PDF_MIME, "parents": parents, **marks}
        request = files.create(body=body, media_body=media, fields="id", supportsAllDrives=True)
        api.run(request, on_conflict=lambda: api.get(pdf_id, "id"))
        return True
    api.run(request)
    return True

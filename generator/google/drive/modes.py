"""What a run does when real Drive does not behave as plangen assumes, and what it says about it.

Two assumptions of the Drive sink rest on behaviour Google documents loosely (``plangen doctor``
checks both on a real account):

* A converting create (a .docx made into a Google Doc) accepts an ID from ``files.generateIds``,
  which makes a retried create safe (the repeat is refused with 409). If Drive answers
  ``generatedIdNotSupported``, the run switches to creating without IDs: each create is sent once
  (``google.once``), and when its answer is lost plangen looks for the Doc by its marks in the
  student's folder before sending it again, so an interrupted create never becomes two plans.
* Drive keeps the ``modifiedTime`` plangen sets in the same request that writes a Doc, which is how
  an untouched plan is told from an edited one. If Drive sets its own time instead, every plan
  would look edited forever (safe, but never updated again). The run then records the time Drive
  returned after each write in a journal in the --out folder, and a Doc whose time is still the
  recorded one counts as untouched; on another computer (no journal) it is kept as edited.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.errors import GoogleApiError
from generator.google.auth import client as google
from generator.google.auth.once import once_service
from generator.google.drive.api import DriveApi
from generator.google.drive.plans import DOC_FIELDS, parse_stamp

ID_REFUSED = "generatedIdNotSupported"

IDS_REFUSED = (
    "Drive mode: Drive refused generated IDs for Google Docs (generatedIdNotSupported), so plans were "
    "created without them; each create was sent once, and a create whose answer was lost was looked "
    "for by its marks before being sent again."
)
TIMES_DROPPED = (
    "Drive mode: Drive did not keep the modification time plangen set, so the time Drive gave after "
    "each write is recorded in {journal}; runs with this --out folder update those Docs, runs "
    "elsewhere keep them as edited."
)
TIMES_DROPPED_NO_JOURNAL = (
    "Drive mode: Drive did not keep the modification time plangen set, and this run keeps no "
    "journal (dry run), so the Docs it wrote will count as edited and be kept."
)


class DriveModes:
    """The fallbacks this run switched to (thread-safe), the journal of Drive's times, and the notes."""

    def __init__(self, journal: Path | None = None):
        self.journal = journal
        self.ids_refused = False
        self.times_dropped = False
        self._times: dict[str, str] = _read(journal) if journal is not None else {}
        self._lock = threading.Lock()

    def refuse_ids(self) -> None:
        with self._lock:
            self.ids_refused = True

    def written(self, file_id: str, sent: str, returned: str | None) -> bool:
        """After a write: True when Drive kept the time sent; otherwise Drive's time is recorded."""
        if parse_stamp(returned) == parse_stamp(sent):
            return True
        with self._lock:
            self.times_dropped = True
            if self.journal is not None and returned:
                self._times[file_id] = returned
                self.journal.parent.mkdir(parents=True, exist_ok=True)
                with open(self.journal, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps({"id": file_id, "modifiedTime": returned}) + "\n")
        return False

    def recorded(self, file_id: str, modified: str) -> bool:
        """True when Drive's time on the Doc is the one it returned for plangen's last write."""
        with self._lock:
            known = self._times.get(file_id)
        when = parse_stamp(modified)
        return known is not None and when is not None and parse_stamp(known) == when

    @property
    def keeps_journal(self) -> bool:
        return self.journal is not None

    def notes(self) -> list[str]:
        out = [IDS_REFUSED] if self.ids_refused else []
        if self.times_dropped:
            out.append(TIMES_DROPPED.format(journal=self.journal) if self.journal else TIMES_DROPPED_NO_JOURNAL)
        return out


def _read(journal: Path) -> dict[str, str]:
    """The journal's last time per Doc; a damaged line is skipped (that Doc then counts as edited)."""
    times: dict[str, str] = {}
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return times
    for line in lines:
        try:
            entry = json.loads(line)
            times[str(entry["id"])] = str(entry["modifiedTime"])
        except (ValueError, KeyError, TypeError):
            continue
    return times


def create_once(
    api: DriveApi, body: dict[str, Any], media: Callable[[], Any], folder_id: str, plan: str
) -> dict[str, Any]:
    """A converting create without a generated ID that never makes two Docs.

    Each try is sent once; when its answer is lost (or Google fails transiently), the student's
    folder is searched for a Doc with this plan's marks before the next try: the lost create may
    have taken effect."""
    files = once_service(google.DRIVE, api.credentials).files()
    query = f"'{folder_id}' in parents and properties has {{ key='plan' and value='{plan}' }} and trashed = false"
    for attempt in range(api.retries + 1):
        request = files.create(body=body, media_body=media(), fields=DOC_FIELDS, supportsAllDrives=True)
        try:
            return dict(api.run(request, retries=0))
        except GoogleApiError as exc:
            transient = exc.status is None or google.is_retryable(exc.status, exc.reason)
            if not transient or attempt == api.retries:
                raise
        api.sleep(google.backoff_delay(attempt, base=api.base_delay))
        found = api.list_all(query, DOC_FIELDS).items
        if found:
            return dict(found[0])
    raise AssertionError("unreachable")  # pragma: no cover

"""What a run does when real Drive does not behave as plangen assumes, and what it says about it.

Drive keeps the ``modifiedTime`` plangen sets in the same request that writes a Doc, which is how an
untouched plan is told from an edited one (``plangen doctor`` checks it on a real account). If Drive
set its own time instead, every plan would look edited forever (safe, but never updated again). The
run then records the time Drive returned after each write in a journal in the --out folder, and a
Doc whose time is still the recorded one counts as untouched; on another computer (no journal) it is
kept as edited.

Drive's search also lags behind its writes, so a run started seconds after another may not find the
plans that one made. Every plan created is therefore noted in ``drive-created.jsonl`` beside the
journal (its Doc ID and keyed plan mark, nothing else), and a run looks up the noted Docs its search
did not return before it decides a plan is missing.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from generator.google.drive.plans import parse_stamp

CREATED_NAME = "drive-created.jsonl"
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
        self.times_dropped = False
        self._times: dict[str, str] = _read(journal) if journal is not None else {}
        self.created_journal = journal.with_name(CREATED_NAME) if journal is not None else None
        self._created = _read(self.created_journal, "plan") if self.created_journal is not None else {}
        self._lock = threading.Lock()

    def created(self, file_id: str, plan: str) -> None:
        """Note a plan just created, for a run that starts before Drive's search finds it."""
        if self.created_journal is None:
            return
        with self._lock:
            self._created[file_id] = plan
            self.created_journal.parent.mkdir(parents=True, exist_ok=True)
            with open(self.created_journal, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"id": file_id, "plan": plan}) + "\n")

    def made_here(self) -> dict[str, str]:
        """Doc ID -> plan mark of every plan runs with this --out folder created."""
        with self._lock:
            return dict(self._created)

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
        out: list[str] = []
        if self.times_dropped:
            out.append(TIMES_DROPPED.format(journal=self.journal) if self.journal else TIMES_DROPPED_NO_JOURNAL)
        return out


def _read(journal: Path, value: str = "modifiedTime") -> dict[str, str]:
    """The journal's last ``value`` per Doc; a damaged line is skipped (that Doc then counts as edited)."""
    times: dict[str, str] = {}
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return times
    for line in lines:
        try:
            entry = json.loads(line)
            times[str(entry["id"])] = str(entry[value])
        except (ValueError, KeyError, TypeError):
            continue
    return times

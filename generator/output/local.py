"""Writing plans into ``<out>/<student folder>/<file>.docx`` without ever losing a therapist's edits.

plangen keeps a small journal (``<out>/.plangen/written.jsonl``) of the SHA-256 of every file it
wrote, and the student key it was written for. On a re-run a plan whose bytes plangen wrote is
plangen's to replace; a plan whose bytes are not in the journal was edited (or is unknown), so it is
kept. A plan plangen wrote for a student under an older name (the name pattern changed, a namesake
joined the sheet) is moved to the new name rather than left beside a second plan. The journal line is written *before*
the file is renamed into place, so a run killed between the two still recognises the file.

With render workers, each worker process writes the plans it renders through its own
``LocalSink`` (``LocalWriter``): journal lines are appended (one ``write`` each, to a file opened
for appending, so lines from several processes never mix) and only the outcome and the digest
travel back to the main process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TextIO, cast

from generator.errors import ConfigError, OutputError, StudentError
from generator.output.fileio import atomic_write
from generator.output.fingerprint import changed_fields, fingerprint, stale_message
from generator.output.pdf import add_pdfs, find_soffice
from generator.output.report import CREATED, KEPT_EDITED, REPLACED, STALE, UNCHANGED, UPDATED
from generator.output.sink import Delivery, RunEnd, SinkRequest
from generator.roster.naming import PlanName
from generator.template.job import PlanJob

STATE_DIR = ".plangen"
JOURNAL_NAME = "written.jsonl"
HASHES_KEPT = 3
COMPACT_ABOVE = 5_000  # journal lines; below this the file is small enough to leave as appended


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


class Journal:
    """Which bytes plangen itself wrote at each relative path."""

    def __init__(self, path: Path):
        self.path = path
        self.known: dict[str, list[str]] = {}
        self.fields: dict[tuple[str, str], str] = {}  # (path, sha256) -> the sheet fields' fingerprint
        self.paths: dict[str, list[str]] = {}  # student key -> the paths written for that student, oldest first
        self.owners: dict[str, str] = {}  # path -> the student key it was last written for
        self._handle: TextIO | None = None
        if path.exists():
            self._load()

    def _load(self) -> None:
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                self._remember(entry["path"], entry["sha256"], entry.get("fields", ""), entry.get("key", ""))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill; the entries before it still count

    def _remember(self, relpath: str, digest: str, fields: str = "", key: str = "") -> None:
        if key:
            written = self.paths.setdefault(key, [])
            if relpath in written:
                written.remove(relpath)
            written.append(relpath)
            self.owners[relpath] = key
        hashes = self.known.setdefault(relpath, [])
        if digest in hashes:
            hashes.remove(digest)
        hashes.append(digest)
        for dropped in hashes[:-HASHES_KEPT]:
            self.fields.pop((relpath, dropped), None)
        del hashes[:-HASHES_KEPT]
        if fields:
            self.fields[(relpath, digest)] = fields

    def last_fields(self, relpath: str) -> str:
        """The fingerprint of the sheet fields the last plan plangen wrote here was made from."""
        hashes = self.known.get(relpath)
        return self.fields.get((relpath, hashes[-1]), "") if hashes else ""

    def _entry(self, relpath: str, digest: str) -> str:
        entry = {"path": relpath, "sha256": digest}
        if (relpath, digest) in self.fields:
            entry["fields"] = self.fields[(relpath, digest)]
        if relpath in self.owners:
            entry["key"] = self.owners[relpath]
        return json.dumps(entry)

    def earlier_path(self, key: str, relpath: str) -> str | None:
        """Where plangen last wrote this same plan of student ``key`` in another folder (a namesake joined
        the sheet, or the folder pattern changed), no other student written there since. Only the folder
        may differ: another file name is another document (a progress report for another period, a plan
        from another template), never to be moved onto this one."""
        name = PurePosixPath(relpath).name
        for earlier in reversed(self.paths.get(key, []) if key else []):
            if earlier != relpath and PurePosixPath(earlier).name == name and self.owners.get(earlier) == key:
                return earlier
        return None

    def wrote(self, relpath: str, digest: str) -> bool:
        return digest in self.known.get(relpath, [])

    def record(self, relpath: str, digest: str, fields: str = "", key: str = "") -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run
        self._remember(relpath, digest, fields, key)
        self._handle.write(self._entry(relpath, digest) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the journal; compact it only when it has grown well past what it needs to remember."""
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        self._compact()

    def _compact(self) -> None:
        """Rewrite from what is on disk now (never from this run's memory: another run may have appended);
        the caller holds the output folder's lock, so nothing appends while this runs."""
        lines_on_disk = self.path.read_text(encoding="utf-8").count("\n")
        fresh = Journal(self.path)
        kept = [fresh._entry(p, h) for p, hashes in sorted(fresh.known.items()) for h in hashes]
        if lines_on_disk < COMPACT_ABOVE or lines_on_disk < 2 * len(kept):
            return
        atomic_write(self.path, ("\n".join(kept) + "\n").encode("utf-8"))


class LocalFolders:
    """The default destination: one sub-folder per student in the run's output folder."""

    def __init__(self) -> None:
        self.soffice: str | None = None  # LibreOffice, found by ``check`` when --pdf asks for copies

    def check(self, pdf: bool) -> None:
        """--pdf needs LibreOffice: a missing one stops the run before anything is written."""
        self.soffice = find_soffice() if pdf else None

    def open(self, request: SinkRequest) -> LocalSink:
        return LocalSink(
            request.out_dir,
            replace_edited=request.replace_edited,
            dry_run=request.dry_run,
            data_fields=request.mapping.data_fields(),
            soffice=self.soffice,
        )


class LocalSink:
    """Delivers rendered plans into a folder tree; writes nothing at all in a dry run."""

    def __init__(
        self,
        out_dir: Path,
        *,
        replace_edited: bool = False,
        dry_run: bool = False,
        data_fields: tuple[str, ...] = (),
        soffice: str | None = None,
    ):
        self.out_dir = Path(out_dir).resolve()
        self.soffice = soffice  # the LibreOffice that makes --pdf copies at the end of the run
        self.data_fields = data_fields  # the fields read from the sheet, fingerprinted with each plan
        self.replace_edited = replace_edited
        self.dry_run = dry_run
        self.journal = Journal(self.out_dir / STATE_DIR / JOURNAL_NAME)

    def target(self, relpath: PurePosixPath) -> Path:
        target = (self.out_dir / relpath).resolve()
        if not target.is_relative_to(self.out_dir):
            raise OutputError(f"refusing to write outside the output folder: {relpath}")
        return target

    def writer(self) -> LocalWriter:
        """What a render worker process needs to deliver plans into the same folder itself."""
        return LocalWriter(self.out_dir, self.replace_edited, self.dry_run, self.data_fields)

    def deliver_all(self, jobs: Iterable[PlanJob]) -> Iterator[tuple[PlanJob, Delivery | StudentError]]:
        for job in jobs:
            if job.delivered is not None:  # a worker process wrote it, journal line included
                outcome, digest = cast(tuple[Delivery | StudentError, str | None], job.delivered)
                if digest is not None:
                    self.journal._remember(str(job.name.relpath), digest, key=job.name.key)
                yield job, outcome
                continue
            try:
                yield job, self.deliver(job.name.relpath, job.data, job.student.values, job.name.key)
            except StudentError as exc:
                yield job, exc

    def deliver(self, relpath: PurePosixPath, data: bytes, values: dict | None = None, key: str = "") -> Delivery:
        target = self.target(relpath)
        folder_existed = target.parent.exists()
        digest = sha256(data)
        fields = fingerprint(values, self.data_fields) if values is not None else ""
        shown = str(relpath)
        try:
            moved = "" if target.exists() else self._move_earlier(key, relpath, target)
            if not target.exists() and not (self.dry_run and moved):
                self._write(relpath, target, data, digest, fields, key)
                return Delivery(CREATED, shown)
            earlier = self.journal.earlier_path(key, str(relpath)) if self.dry_run and moved else None
            known_as = PurePosixPath(earlier) if earlier else relpath
            current = self.target(known_as).read_bytes()
            current_digest = sha256(current)
            if current_digest == digest:
                return Delivery(UNCHANGED, shown, moved)
            if self.journal.wrote(str(known_as), current_digest):
                self._write(relpath, target, data, digest, fields, key)
                return Delivery(UPDATED, shown, moved)
            if not is_docx(current):  # Word always saves a zip; this is damage, not an edit
                self._write(relpath, target, data, digest, fields, key)
                return Delivery(UPDATED, shown, "the old file was damaged (not a .docx); written again")
            changed = changed_fields(self.journal.last_fields(str(known_as)), values or {}, self.data_fields)
            if not self.replace_edited:
                if changed:
                    return Delivery(STALE, shown, stale_message(changed))
                return Delivery(
                    KEPT_EDITED,
                    shown,
                    "edited since plangen wrote it; kept as is "
                    "(use --replace-edited to write a new plan and keep the edited copy)",
                )
            backup = self._backup_path(target)
            if not self.dry_run:
                atomic_write(backup, current)
            self._write(relpath, target, data, digest, fields, key)
            changes = f" (the sheet changed since: {', '.join(changed)})" if changed else ""
            return Delivery(REPLACED, shown, f"edited copy kept as {backup.name}{changes}")
        except OSError as exc:
            if not folder_existed:
                remove_if_empty(target.parent)  # a full disk must not leave a trail of empty student folders
            raise OutputError(
                f"cannot write {target}: {exc.strerror or exc}. If the plan is open in Word, "
                "close it and run again; if the disk is full, free some space."
            ) from exc

    def _write(
        self, relpath: PurePosixPath, target: Path, data: bytes, digest: str, fields: str = "", key: str = ""
    ) -> None:
        if self.dry_run:
            return
        self.journal.record(str(relpath), digest, fields, key)
        atomic_write(target, data, durable=False)

    def _move_earlier(self, key: str, relpath: PurePosixPath, target: Path) -> str:
        """A plan plangen wrote for this student under an older name is moved to the new name (edits and
        all), so a changed name never leaves a second plan beside the first. Returns what to say of it."""
        earlier = self.journal.earlier_path(key, str(relpath))
        if earlier is None:
            return ""
        old = self.target(PurePosixPath(earlier))
        if not old.is_file():
            return ""
        if not self.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, target)
            for hashes in self.journal.known.get(earlier, []):  # the moved bytes stay plangen's own
                self.journal.record(str(relpath), hashes, self.journal.fields.get((earlier, hashes), ""), key)
            remove_if_empty(old.parent)
        return f"moved from {earlier} (its name changed)"

    def _backup_path(self, target: Path) -> Path:
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
        candidate = target.with_name(f"{target.stem} (edited {stamp}){target.suffix}")
        counter = 2
        while candidate.exists():
            candidate = target.with_name(f"{target.stem} (edited {stamp} {counter}){target.suffix}")
            counter += 1
        return candidate

    def close(self) -> None:
        if not self.dry_run:
            self.journal.close()

    def finish(self, end: RunEnd) -> None:
        """PDF copies beside the plans (one LibreOffice call), then the caseload overview in the same folder."""
        if end.pdf:
            add_pdfs(self.soffice or find_soffice(), end.out_dir, end.report)
        end.write_overview()


@dataclass
class LocalWriter:
    """A ``LocalSink`` on the same folder, opened in each render worker process on first use."""

    out_dir: Path
    replace_edited: bool
    dry_run: bool
    data_fields: tuple[str, ...] = ()
    _sink: LocalSink | None = field(default=None, repr=False, compare=False)

    def write(self, name: PlanName, data: bytes, values: dict[str, Any]) -> tuple[Delivery | StudentError, str | None]:
        """The outcome, and the digest of what was written (None: nothing written)."""
        if self._sink is None:
            self._sink = LocalSink(
                self.out_dir, replace_edited=self.replace_edited, dry_run=self.dry_run, data_fields=self.data_fields
            )
        try:
            delivery = self._sink.deliver(name.relpath, data, values, name.key)
        except StudentError as exc:
            return exc, None
        written = not self.dry_run and delivery.status in (CREATED, UPDATED, REPLACED)
        return delivery, sha256(data) if written else None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_sink": None}  # each process opens its own journal


def ensure_out_dir(out_dir: Path) -> None:
    """Fail early, before rendering anything, if the output folder cannot be created or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}.") from exc
    if not os.access(out_dir, os.W_OK):
        raise ConfigError(f"the output folder {out_dir} is not writable. Choose another with --out.")


def remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()

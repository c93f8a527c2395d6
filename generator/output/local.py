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

from generator.errors import ConfigError, OutputError, PlanOpenError, StudentError
from generator.output.fileio import PRIVATE_FILE, atomic_write, cause, fix, open_private, remove_stale_temp_files
from generator.output.fingerprint import changed_fields, fingerprint, stale_message
from generator.output.lock import check_state_dir
from generator.output.pdf import add_pdfs, find_soffice
from generator.output.report import CREATED, KEPT_EDITED, REPLACED, STALE, UNCHANGED, UPDATED
from generator.output.sink import Delivery, RunEnd, SinkRequest
from generator.roster.naming import PlanName
from generator.sources.zipparts import PartTooLarge, read_part
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
    """Which bytes plangen itself wrote at each relative path.

    Each line carries a checksum of itself (``"sum"``), so a line a kill cut short, a disk error or a
    stray edit damaged is recognised, reported by its line number and skipped: it never counts as a
    record, and a plan without a trustworthy record is compared by content, not called edited. A
    journal that is not text at all is moved aside (``written.jsonl.damaged <date time>``) and a new one
    started.
    """

    def __init__(self, path: Path, *, repair: bool = False):
        self.path = path
        self.known: dict[str, list[str]] = {}
        self.fields: dict[tuple[str, str], str] = {}  # (path, sha256) -> the sheet fields' fingerprint
        self.paths: dict[str, list[str]] = {}  # student key -> the paths written for that student, oldest first
        self.owners: dict[str, str] = {}  # path -> the student key it was last written for
        self.damaged: list[int] = []  # line numbers skipped
        self.moved_to: Path | None = None  # where an unreadable journal was moved (``repair``)
        self.lost = False  # an earlier run dropped damaged lines: some plans may have no record
        self._handle: TextIO | None = None
        if path.is_file():
            self._load(repair)

    @property
    def complete(self) -> bool:
        """True when no record was ever lost: a missing record then means plangen never wrote the file."""
        return not self.damaged and self.moved_to is None and not self.lost

    def _load(self, repair: bool) -> None:
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for number, raw in enumerate(lines, start=1):
            entry = _parse_line(raw)
            if isinstance(entry, tuple):
                self._remember(*entry)
            elif entry == LOST:
                self.lost = True
            else:
                self.damaged.append(number)
        if self.damaged and not _is_text(data):  # not a journal at all: binary garbage
            self._move_aside(repair)

    def _move_aside(self, repair: bool) -> None:
        """Start afresh beside a copy of the unreadable file (kept for a person to look at)."""
        self.known.clear()
        self.fields.clear()
        self.paths.clear()
        self.owners.clear()
        if not repair:
            self.moved_to = self.path  # a dry run or a worker: nothing moved, nothing trusted
            return
        stamp = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged {stamp}")
        os.replace(self.path, target)
        self.moved_to = target

    def problems(self) -> list[str]:
        """What the therapist is told about a damaged journal (file and lines, never their contents)."""
        if self.moved_to is not None and self.moved_to != self.path:
            return [
                f"{self.path} could not be read (it is not plangen's journal of written plans, or it is damaged); "
                f"it was moved to {self.moved_to.name} and a new one started. Plans already in the folder "
                "are compared by content and kept if they differ."
            ]
        if self.damaged:
            shown = ", ".join(map(str, self.damaged[:10])) + (
                f" and {len(self.damaged) - 10} more" if len(self.damaged) > 10 else ""
            )
            return [
                f"{self.path}, line(s) {shown}: damaged (cut short or changed), skipped. The plans those lines "
                "recorded are compared by content and kept if they differ."
            ]
        return []

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
        return _with_sum(entry)

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
            self._handle = open_private(self.path)  # kept open for the run
            if self._handle.tell() and not _ends_with_newline(self.path):
                self._handle.write("\n")  # a line a kill cut short must not swallow the next one
        self._remember(relpath, digest, fields, key)
        self._handle.write(self._entry(relpath, digest) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the journal; compact it when it has grown well past what it needs, or holds damaged lines."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif not self.damaged:
            return
        if self.path.is_file():
            self._compact()

    def _compact(self) -> None:
        """Rewrite from what is on disk now (never from this run's memory: another run may have appended);
        the caller holds the output folder's lock, so nothing appends while this runs."""
        lines_on_disk = self.path.read_bytes().count(b"\n")
        fresh = Journal(self.path)
        kept = [fresh._entry(p, h) for p, hashes in sorted(fresh.known.items()) for h in hashes]
        if not fresh.damaged and (lines_on_disk < COMPACT_ABOVE or lines_on_disk < 2 * len(kept)):
            return
        if not fresh.complete:  # records were lost: later runs must not call a plan without one edited
            kept.insert(0, _with_sum(dict(LOST)))
        if fresh.moved_to is not None:
            return  # not this journal's to rewrite: the next run moves it aside
        atomic_write(self.path, "".join(line + "\n" for line in kept).encode("utf-8"), mode=PRIVATE_FILE)


def _with_sum(entry: dict[str, str]) -> str:
    """The entry's JSON line with a checksum of that line (the first 16 hex digits of its SHA-256)."""
    text = json.dumps(entry)
    return text[:-1] + f', "sum": "{hashlib.sha256(text.encode()).hexdigest()[:16]}"}}'


LOST = {"lost": "records of earlier runs were damaged and dropped"}


def _parse_line(raw: bytes) -> tuple[str, str, str, str] | dict[str, str] | None:
    """(path, sha256, fields, student key) of a trustworthy line; None for a damaged one. Lines from
    before checksums (no "sum") count when they are well-formed."""
    try:
        entry = json.loads(raw.decode("utf-8"))
        if not isinstance(entry, dict):
            return None
        check = entry.pop("sum", None)
        if check is not None and _with_sum(entry) != raw.decode("utf-8").rstrip("\r"):
            return None
        if entry == LOST:
            return LOST
        path, digest, fields, key = entry["path"], entry["sha256"], entry.get("fields", ""), entry.get("key", "")
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(text, str) for text in (path, digest, fields, key)):
        return None
    if len(digest) != 64 or not path:
        return None
    return path, digest, fields, key


def _is_text(data: bytes) -> bool:
    """UTF-8 text without NUL bytes: a journal some lines of which are damaged, not some other file."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\0" not in data


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


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
        repair: bool = True,
    ):
        """``repair``: this is the run's own sink (not a render worker's): it removes stale temporary files,
        moves an unreadable journal aside and says what it found."""
        self.out_dir = Path(out_dir).resolve()
        self.soffice = soffice  # the LibreOffice that makes --pdf copies at the end of the run
        self.data_fields = data_fields  # the fields read from the sheet, fingerprinted with each plan
        self.replace_edited = replace_edited
        self.dry_run = dry_run
        check_state_dir(self.out_dir / STATE_DIR, self.out_dir)
        self.notes: list[str] = []
        if repair and not dry_run:
            removed = remove_stale_temp_files(self.folders())
            if removed:
                self.notes.append(f"Removed {removed} temporary file(s) an earlier run left in {self.out_dir}.")
        journal = self.out_dir / STATE_DIR / JOURNAL_NAME
        try:
            self.journal = Journal(journal, repair=repair and not dry_run)
        except OSError as exc:
            raise ConfigError(
                f"cannot read plangen's journal {journal}: {cause(exc)}; nothing was written. {fix(exc).capitalize()} "
                "and run again."
            ) from exc
        if repair:
            self.notes += self.journal.problems()

    def folders(self) -> list[Path]:
        """The output folder, plangen's state folder and each student folder: where plans and temp files are."""
        found = [self.out_dir, self.out_dir / STATE_DIR]
        with contextlib.suppress(OSError):
            found += [
                Path(e.path)
                for e in os.scandir(self.out_dir)
                if e.is_dir(follow_symlinks=False) and e.name != STATE_DIR
            ]
        return found

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
                if not self.dry_run and not moved and not self.journal.wrote(str(relpath), digest):
                    self.journal.record(str(relpath), digest, fields, key)  # what plangen writes now: plangen's
                return Delivery(UNCHANGED, shown, moved)
            if self.journal.wrote(str(known_as), current_digest):
                self._write(relpath, target, data, digest, fields, key)
                return Delivery(UPDATED, shown, moved)
            if not is_docx(current):  # Word always saves a zip; this is damage, not an edit
                self._write(relpath, target, data, digest, fields, key)
                return Delivery(UPDATED, shown, "the old file was damaged (not a .docx); written again")
            if not self.journal.complete and str(known_as) not in self.journal.known:
                return self._without_record(relpath, target, current, data, digest, fields, key)
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
                refuse_if_open(target)
                atomic_write(backup, current)
            self._write(relpath, target, data, digest, fields, key)
            changes = f" (the sheet changed since: {', '.join(changed)})" if changed else ""
            return Delivery(REPLACED, shown, f"edited copy kept as {backup.name}{changes}")
        except OSError as exc:
            if not folder_existed:
                remove_if_empty(target.parent)  # a full disk must not leave a trail of empty student folders
            raise OutputError(
                f"cannot write {target}: {cause(exc)} ({target.parent}). Nothing half-written was left; "
                f"{fix(exc)} and run again: the plans written so far are recognised."
            ) from exc

    def _without_record(
        self, relpath: PurePosixPath, target: Path, current: bytes, data: bytes, digest: str, fields: str, key: str
    ) -> Delivery:
        """The journal lost this plan's record: the same content as plangen's is plangen's; anything else is
        kept, said to be unknown rather than edited."""
        if same_parts(current, data):
            self._write(relpath, target, data, digest, fields, key)
            return Delivery(UNCHANGED, str(relpath))
        return Delivery(
            KEPT_EDITED,
            str(relpath),
            "plangen's record of this plan was damaged and it differs from what plangen writes now (an older "
            "plan or your edits); kept as is (use --replace-edited to write a new plan and keep this copy)",
        )

    def _write(
        self, relpath: PurePosixPath, target: Path, data: bytes, digest: str, fields: str = "", key: str = ""
    ) -> None:
        if self.dry_run:
            return
        if target.exists():
            refuse_if_open(target)
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
            refuse_if_open(old)  # moved underneath Word, its next save would bring the old name back
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
                self.out_dir,
                replace_edited=self.replace_edited,
                dry_run=self.dry_run,
                data_fields=self.data_fields,
                repair=False,  # the run's own sink has cleaned up and reported already
            )
        try:
            delivery = self._sink.deliver(name.relpath, data, values, name.key)
        except StudentError as exc:
            return exc, None
        written = not self.dry_run and delivery.status in (CREATED, UPDATED, REPLACED)
        return delivery, sha256(data) if written else None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_sink": None}  # each process opens its own journal


def refuse_if_open(target: Path) -> None:
    """A plan Word or LibreOffice has open (its lock file beside it) is not replaced underneath it."""
    name = target.name
    candidates = {f"~${name}", f"~${name[1:]}", f"~${name[2:]}", f".~lock.{name}#"}  # Word shortens long names
    for lock in sorted(candidates):
        if os.path.lexists(target.with_name(lock)):
            raise PlanOpenError(
                f"{target} is open in another program (its lock file {lock} is beside it); not replaced. Close "
                f"it and run again: it is written then. (If it is not open, delete {lock}.)"
            )


def same_parts(old: bytes, new: bytes) -> bool:
    """Two .docx files with the same parts (names and contents), whatever their zip's dates and packing."""
    try:
        with zipfile.ZipFile(io.BytesIO(old)) as a, zipfile.ZipFile(io.BytesIO(new)) as b:
            names = sorted(a.namelist())
            if names != sorted(b.namelist()):
                return False
            return all(read_part(a, n) == read_part(b, n) for n in names)
    except (zipfile.BadZipFile, PartTooLarge, OSError, EOFError, RuntimeError, NotImplementedError):
        return False


def ensure_out_dir(out_dir: Path) -> None:
    """Fail early, before rendering anything, if the output folder cannot be created or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the output folder {out_dir}: {cause(exc)}; {fix(exc)}.") from exc
    if not os.access(out_dir, os.W_OK):
        read_only = hasattr(os, "statvfs") and bool(os.statvfs(out_dir).f_flag & getattr(os, "ST_RDONLY", 1))
        why = "the disk is read-only" if read_only else "permission denied"
        raise ConfigError(
            f"cannot use the output folder {out_dir}: {why}; nothing was written. Choose another with --out"
            + ("." if read_only else ", or check the folder's permissions.")
        )


def remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()

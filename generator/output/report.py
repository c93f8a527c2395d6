"""The run report: every student's outcome, the counts, the manifest and the exit code.

Like black's report, one object counts outcomes and decides the exit code, so "some students
failed" can never be lost between the stages and the CLI.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.output.fileio import atomic_write

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
KEPT_EDITED = "kept-edited"
STALE = "stale"  # edited by the therapist AND the sheet changed since plangen wrote it
REPLACED = "replaced"
FAILED = "failed"

STATUS_ORDER = (CREATED, UPDATED, REPLACED, UNCHANGED, KEPT_EDITED, STALE, FAILED)
DRY_RUN_WORDS = {
    CREATED: "would create",
    UPDATED: "would update",
    REPLACED: "would replace",
    UNCHANGED: "unchanged",
    KEPT_EDITED: "would keep edited",
    STALE: "stale",
    FAILED: "would fail",
}
MANIFEST_COLUMNS = ("key", "display_name", "status", "output", "template", "time", "message")

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_CONFIG = 2


@dataclass
class Outcome:
    key: str
    display_name: str
    status: str
    output: str = ""
    template: str = ""
    time: str = ""
    message: str = ""


@dataclass
class Report:
    dry_run: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else the run did (e.g. links written to a Sheet)
    errors: list[str] = field(default_factory=list)  # failures after the plans were written (exit 1)
    manifest: Path | None = None  # where the run's manifest.csv was written

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def counts(self) -> Counter:
        return Counter(o.status for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.counts[FAILED] or self.errors else EXIT_OK

    def describe(self, status: str) -> str:
        return DRY_RUN_WORDS[status] if self.dry_run else status

    def summary(self) -> str:
        counts = self.counts
        parts = [f"{counts[s]} {self.describe(s)}" for s in STATUS_ORDER if counts[s]]
        total = len(self.outcomes)
        noun = "student" if total == 1 else "students"
        prefix = "Dry run: " if self.dry_run else ""
        return f"{prefix}{total} {noun}: " + (", ".join(parts) if parts else "nothing to do") + "."

    def manifest_bytes(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(MANIFEST_COLUMNS)
        for o in self.outcomes:
            writer.writerow(
                [as_text(v) for v in (o.key, o.display_name, o.status, o.output, o.template, o.time, o.message)]
            )
        # UTF-8 with BOM so Excel shows accented names correctly when the therapist opens it.
        return buffer.getvalue().encode("utf-8-sig")

    def write_manifest(self, path: Path) -> None:
        atomic_write(path, self.manifest_bytes())


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel, Calc or Sheets read a cell as a formula
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def as_text(value: str) -> str:
    """A cell value a spreadsheet opening the CSV shows as text, never runs: one that starts like a formula
    gets a leading apostrophe, the text marker OWASP recommends (LibreOffice shows it before the text).
    A plain number such as a key "-12" is left alone (it cannot run), as is everything else."""
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


MAX_PER_KIND = 20  # messages of one kind shown before "... and N more"
_DETAILS = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def message_kind(message: str) -> str:
    """Messages that differ only in numbers and quoted names (row 7 / row 8, column 'A' / 'B') are one kind."""
    return _DETAILS.sub("#", message)


def limit_per_kind(messages: list[tuple[str, str]], limit: int = MAX_PER_KIND) -> list[str]:
    """``(line, kind_of)`` pairs -> the lines, at most ``limit`` of each kind (``message_kind(kind_of)``) and
    one line counting the rest: a whole-column problem must not print a million lines."""
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    lines = []
    for line, text in messages:
        kind = message_kind(text)
        if shown.get(kind, 0) < limit:
            shown[kind] = shown.get(kind, 0) + 1
            lines.append(line)
        else:
            hidden[kind] = hidden.get(kind, 0) + 1
    lines += [f"... and {count} more like: {kind}" for kind, count in hidden.items()]
    return lines

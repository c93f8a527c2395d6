"""The run report: every student's outcome, the counts, the manifest and the exit code.

Like black's report, one object counts outcomes and decides the exit code, so "some students
failed" can never be lost between the stages and the CLI.
"""

from __future__ import annotations

import csv
import io
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
            writer.writerow([o.key, o.display_name, o.status, o.output, o.template, o.time, o.message])
        # UTF-8 with BOM so Excel shows accented names correctly when the therapist opens it.
        return buffer.getvalue().encode("utf-8-sig")

    def write_manifest(self, path: Path) -> None:
        atomic_write(path, self.manifest_bytes())

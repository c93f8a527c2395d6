"""What every destination (local folders, Google Drive, any later one) takes and gives back.

A run knows a destination only through these protocols, so a new one (OneDrive, a district file
share) is a new class, never an edit of the pipeline. The CLI chooses a ``Destination``; the pipeline
checks it before the output folder is touched, opens its ``Sink`` before any plan is rendered, and
hands the sink the end of the run (``finish``): PDF copies and the caseload overview, wherever that
destination keeps them.

Rendering and delivery are streamed: the pipeline hands a sink an iterator of rendered plans and
reads outcomes back in the same order, so a sink may work on several plans at once (Drive
uploads overlap network waits) without the pipeline holding every document in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from generator.errors import StudentError
from generator.mapping.load import Mapping
from generator.output.overview import OverviewFiles, write_overview
from generator.output.report import Report
from generator.roster.naming import PlanName
from generator.roster.students import Roster
from generator.template.job import PlanJob, Writer


@dataclass
class Delivery:
    status: str
    output: str
    message: str = ""


@dataclass
class SinkRequest:
    """What a run tells its destination when it opens it, before any plan is rendered."""

    out_dir: Path  # the run's local folder: the plans (local), or the run's own records (any destination)
    mapping: Mapping
    template_sha256: str
    names: Sequence[PlanName]  # every plan this run will deliver, in order
    replace_edited: bool = False
    dry_run: bool = False


@dataclass
class RunEnd:
    """What a sink needs to finish a run once every plan is delivered and the manifest is written."""

    report: Report
    out_dir: Path
    mapping: Mapping
    everyone: Roster  # selected or not: the caseload overview lists them all
    today: dt.date
    pdf: bool = False  # a PDF copy beside each plan (--pdf)
    overview: bool = True  # False in a --period run: the overview lists plans, not progress reports

    def write_overview(self) -> OverviewFiles | None:
        """caseload.xlsx and caseload.html in the run's local folder (None when this run has none): every
        destination keeps them there, and a remote one may publish them too."""
        if not self.overview:
            return None
        return write_overview(self.out_dir, self.mapping, self.everyone, self.report, self.today)


class Sink(Protocol):
    def deliver_all(self, jobs: Iterable[PlanJob]) -> Iterator[tuple[PlanJob, Delivery | StudentError]]:
        """Deliver each job; yield it back with its outcome, or the error that failed only that student."""
        ...

    def writer(self) -> Writer | None:
        """What delivers plans from inside a render worker process (picklable), or None when plans
        must come back to this process."""
        ...

    def close(self) -> None:
        """Flush whatever state the sink keeps (journals, caches); called once, also after errors."""
        ...

    def finish(self, end: RunEnd) -> None:
        """The end of a run that wrote plans (never a dry run): PDF copies when asked for and the caseload
        overview, where this destination keeps them; a failure here is an error in ``end.report`` (exit 1),
        never a lost plan."""
        ...


class Destination(Protocol):
    """Where a run's plans go, as the command line chose it (with whatever sign-in it needs)."""

    def check(self, pdf: bool) -> None:
        """Refuse, before the output folder is touched, a run this destination cannot finish (e.g. --pdf
        without LibreOffice): raises a ``ConfigError`` naming the fix."""
        ...

    def open(self, request: SinkRequest) -> Sink:
        """The sink for this run, ready to deliver (signed in and checked, for a remote destination)."""
        ...

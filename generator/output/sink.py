"""What every destination (local folders, Google Drive) takes and gives back.

Rendering and delivery are streamed: the pipeline hands a sink an iterator of rendered plans and
reads outcomes back in the same order, so a sink may work on several plans at once (Drive
uploads overlap network waits) without the pipeline holding every document in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from generator.errors import StudentError
from generator.template.job import PlanJob, Writer


@dataclass
class Delivery:
    status: str
    output: str
    message: str = ""


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

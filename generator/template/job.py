"""What passes between rendering and a destination: a rendered plan, and what writes one from a worker.

These are shared by every sink (local folders, Drive, any later one) and by the render workers, so
they live apart from the process pool (``parallel.py``) that is only one way of producing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from generator.roster.naming import PlanName
from generator.roster.students import Student


@dataclass
class PlanJob:
    """One student's rendered plan on its way to a destination."""

    student: Student
    name: PlanName
    data: bytes
    delivered: object = None  # the sink's own outcome when a worker process already delivered the plan


class Writer(Protocol):
    """Delivers a rendered plan from inside a worker process; pickled once to each worker."""

    def write(self, name: PlanName, data: bytes, values: dict[str, Any]) -> Any:
        """Deliver one plan (``values``: the student's, for the sink's record); the (small) result is handed
        back as ``PlanJob.delivered``."""
        ...

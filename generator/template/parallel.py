"""Rendering many students' plans, in this process or across worker processes.

Each worker compiles the template once and renders the students it is handed; a bounded window of
work in flight keeps memory flat however long the caseload (a district run can be thousands of
students). Small runs stay in-process: starting workers costs more than it saves.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import StudentError
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.autocrat import AutocratTags
from generator.template.loader import PlanTemplate

PARALLEL_THRESHOLD = 200  # below this many students, one process is faster
WINDOW_PER_WORKER = 4

_worker_template: PlanTemplate | None = None


@dataclass
class PlanJob:
    """One student's rendered plan on its way to a destination."""

    student: Student
    name: PlanName
    data: bytes


def choose_jobs(requested: int | None, students: int) -> int:
    if requested is not None:
        return max(1, requested)
    return (os.cpu_count() or 1) if students >= PARALLEL_THRESHOLD else 1


def _init_worker(path: Path, data: bytes, autocrat: AutocratTags | None = None) -> None:
    global _worker_template
    _worker_template = PlanTemplate(path, data=data, autocrat=autocrat)


def _render_in_worker(context: dict[str, Any]) -> bytes | StudentError:
    assert _worker_template is not None
    try:
        return _worker_template.render(context)
    except StudentError as exc:  # returned, not raised: the pool would wrap it in a traceback
        return exc


def render_jobs(
    template: PlanTemplate,
    students: list[Student],
    names: dict[str, PlanName],
    jobs: int,
    on_failure: Callable[[Student, StudentError], None],
) -> Iterator[PlanJob]:
    """Rendered plans in roster order; a student whose render fails goes to ``on_failure`` instead."""
    if jobs <= 1:
        for student in students:
            try:
                data = template.render(student.context())
            except StudentError as exc:
                on_failure(student, exc)
                continue
            yield PlanJob(student, names[student.key], data)
        return
    initargs = (template.path, template.data, template.autocrat)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=initargs) as pool:
        remaining = iter(students)
        pending: deque[tuple[Student, Future]] = deque()

        def submit_next() -> None:
            student = next(remaining, None)
            if student is not None:
                pending.append((student, pool.submit(_render_in_worker, student.context())))

        for _ in range(jobs * WINDOW_PER_WORKER):
            submit_next()
        while pending:
            student, future = pending.popleft()
            submit_next()
            result = future.result()
            if isinstance(result, StudentError):
                on_failure(student, result)
                continue
            yield PlanJob(student, names[student.key], result)

"""Rendering many students' plans, in this process or across worker processes.

Each worker compiles the template once and renders the students it is handed, a few per task so
the hand-over costs little next to the render. With a destination that can be written from any
process (local folders, ``Writer``), the worker also writes each plan where it rendered it: a
plan's bytes never travel back, only its small outcome, so the main process is left reading the
caseload, scheduling and reporting, and a second core helps even on a one-page template. A
bounded window of tasks in flight keeps memory flat however long the caseload. Workers can be
started before the students are built (``RenderWorkers``): forking them and compiling the template
in each then happens while the main process is still busy, not after it.

A worker that dies (out of memory, a crash in a library) fails only the student it was working
on: the students that were in flight are run again one at a time in fresh workers, and the one
whose plan kills its worker again is reported failed. Workers end with the main process, so a
killed run leaves no process behind still writing plans.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from generator.errors import RenderError, StudentError, WorkerError
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.job import PlanJob, Writer
from generator.template.loader import PlanTemplate

# Below this many students starting workers costs more than a second core saves: measured side by
# side on 2 shared cores (benchmarks/README.md), two workers lost at 50 and 100 students on both
# templates and at 200 on the one-page one, and won from 200 on the shipped plan and from 1,000 on both.
PARALLEL_THRESHOLD = 200
CHUNK = 8  # students per task: one hand-over per few plans, not per plan
WINDOW_PER_WORKER = 3  # tasks in flight per worker
MAX_DEAD_IN_A_ROW = 3  # workers dying on this many students in a row is not one student's problem
PARENT_CHECK_SECONDS = 0.5
WORKER_DIED = (
    "the worker process making this plan stopped unexpectedly (out of memory?); the other "
    "students were not affected. Run again for this student, with --jobs 1 to see more."
)


_template: PlanTemplate | None = None  # the worker's compiled template
_writer: Writer | None = None  # the writer of this run, kept across tasks (a local one holds the journal open)


def choose_jobs(requested: int | None, students: int) -> int:
    if requested is not None:
        return max(1, requested)
    return (os.cpu_count() or 1) if students >= PARALLEL_THRESHOLD else 1


def _end_with_parent(expected: int | None) -> None:
    """A worker exits as soon as its parent is gone, however it went (kill -9 included).

    Linux tells the worker directly (PR_SET_PDEATHSIG); elsewhere a thread notices that the worker
    was handed to another parent. ``expected``: the main process, when it forked this worker itself
    (so a parent that died before this ran is noticed too); spawned workers watch their own parent.
    """
    parent = os.getppid() if expected is None else expected
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="plangen-parent-watch", daemon=True).start()


def _init_worker(template: PlanTemplate | tuple, parent: int | None) -> None:
    global _template
    # Ctrl-C reaches every process of the terminal's group: the main process stops the run (and these
    # workers, once their current plans are written); a worker's own KeyboardInterrupt would only print
    # a traceback per worker over the "Aborted!".
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(parent)
    if not isinstance(template, PlanTemplate):  # spawned, not forked: load it here
        path, data, autocrat = template
        template = PlanTemplate(path, data=data, autocrat=autocrat)
    template.compiled  # noqa: B018 - compiled now, while the main process is still reading the caseload
    _template = template


def _ready() -> bool:
    """A first task, so that every worker is started (and compiles the template) before the work comes."""
    return True


def _render_chunk(writer: Writer | None, chunk: list[tuple[dict[str, Any], PlanName]]) -> list[Any]:
    """Per student: the plan's bytes, the writer's outcome, or the StudentError (returned, not raised:
    the pool would wrap it in a traceback)."""
    global _writer
    assert _template is not None
    if writer != _writer:  # the same writer arrives with every task: keep the first, with its open journal
        _writer = writer
    results: list[Any] = []
    for context, name in chunk:
        try:
            data = _template.render(context)
        except StudentError as exc:
            results.append(exc)
            continue
        results.append(data if _writer is None else _Delivered(_writer.write(name, data, context)))
    return results


@dataclass
class _Delivered:
    """A writer's outcome, told apart from rendered bytes and errors."""

    outcome: Any


def render_jobs(
    template: PlanTemplate,
    students: list[Student],
    names: dict[str, PlanName],
    jobs: int,
    on_failure: Callable[[Student, StudentError], None],
    writer: Writer | None = None,
    workers: RenderWorkers | None = None,
) -> Iterator[PlanJob]:
    """Rendered plans in roster order; a student whose render fails goes to ``on_failure`` instead.

    With ``writer`` and more than one job, each plan is delivered in the worker that rendered it:
    the job comes back with ``delivered`` set and no data. ``workers``: started earlier for this template
    and number of jobs (see ``RenderWorkers``); otherwise they are started here.
    """
    if jobs <= 1:
        if workers is not None:
            workers.pool.discard()
        for student in students:
            try:
                data = template.render(student.context())
            except StudentError as exc:
                on_failure(student, exc)
                continue
            yield PlanJob(student, names[student.key], data)
        return
    pool = workers.pool if workers is not None else None
    if pool is None or pool.jobs != jobs or pool.template is not template:
        if pool is not None:
            pool.discard()  # started for a caseload the selection has since made smaller
        pool = _Pool(template, jobs)
    try:
        yield from pool.run(students, names, on_failure, writer)
    finally:
        pool.discard()  # workers end with the rendering: their journal files are closed before the run's


class RenderWorkers:
    """Worker processes started ahead of the work, while the main process still reads and builds the
    caseload: starting them and compiling the template (a tenth of a second on the shipped plan) then
    costs the run nothing. Closed (the processes ended) when the ``with`` block ends."""

    def __init__(self, template: PlanTemplate, jobs: int):
        self.pool = _Pool(template, jobs)

    def __enter__(self) -> RenderWorkers:
        self.pool.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.pool.discard()


class _Pool:
    """Worker processes, replaced when one dies, with the students in flight re-run one by one."""

    def __init__(self, template: PlanTemplate, jobs: int):
        self.template = template
        self.jobs = jobs
        self.context = multiprocessing.get_context()
        self.forked = self.context.get_start_method() == "fork"  # the template is inherited as it is
        source = template if self.forked else (template.path, template.data, template.autocrat)
        self.initargs = (source, os.getpid() if self.forked else None)
        self.executor: ProcessPoolExecutor | None = None
        self.names: dict[str, PlanName] = {}
        self.writer: Writer | None = None

    def start(self) -> None:
        for _ in range(self.jobs):  # spawned (not forked) workers start one per waiting task
            self._executor().submit(_ready)

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is None:
            if self.forked:
                # A forked worker shares this process's pages until it writes to them; its garbage
                # collector would, walking every inherited object (tens of MB at 10,000 students).
                # Frozen objects are never walked (the gc module documents this use).
                gc.freeze()
            self.executor = ProcessPoolExecutor(
                self.jobs, mp_context=self.context, initializer=_init_worker, initargs=self.initargs
            )
        return self.executor

    def discard(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
            if self.forked:
                gc.unfreeze()

    def _submit(self, chunk: list[Student]) -> Future:
        task = [(s.context(), self.names[s.key]) for s in chunk]
        try:
            return self._executor().submit(_render_chunk, self.writer, task)
        except BrokenProcessPool:  # a worker died before this task, while starting or waiting: start afresh
            self.discard()
            return self._executor().submit(_render_chunk, self.writer, task)

    def _job(
        self, student: Student, result: Any, on_failure: Callable[[Student, StudentError], None]
    ) -> PlanJob | None:
        if isinstance(result, StudentError):
            on_failure(student, result)
            return None
        if isinstance(result, _Delivered):
            return PlanJob(student, self.names[student.key], b"", delivered=result.outcome)
        return PlanJob(student, self.names[student.key], result)

    def run(
        self,
        students: list[Student],
        names: dict[str, PlanName],
        on_failure: Callable[[Student, StudentError], None],
        writer: Writer | None = None,
    ) -> Iterator[PlanJob]:
        self.names, self.writer = names, writer
        chunks = iter([students[i : i + CHUNK] for i in range(0, len(students), CHUNK)])
        pending: deque[tuple[list[Student], Future]] = deque()
        try:
            while True:
                while len(pending) < self.jobs * WINDOW_PER_WORKER:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    pending.append((chunk, self._submit(chunk)))
                if not pending:
                    return
                chunk, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    suspects = chunk + [s for c, _ in pending for s in c]
                    pending.clear()
                    self.discard()
                    yield from self._one_by_one(suspects, on_failure)
                    continue
                for student, result in zip(chunk, results, strict=True):
                    job = self._job(student, result, on_failure)
                    if job is not None:
                        yield job
        finally:
            for _, future in pending:  # a run stopped half-way (an error in the main process)
                future.cancel()

    def _one_by_one(
        self, students: list[Student], on_failure: Callable[[Student, StudentError], None]
    ) -> Iterator[PlanJob]:
        """After a worker died: each student alone in a worker, so the one that kills it is found."""
        dead_in_a_row = 0
        for student in students:
            try:
                (result,) = self._submit([student]).result()
            except BrokenProcessPool:
                self.discard()
                dead_in_a_row += 1
                if dead_in_a_row >= MAX_DEAD_IN_A_ROW:
                    raise WorkerError(
                        f"worker processes stopped unexpectedly on {dead_in_a_row} students in a "
                        "row, so the run was stopped. Run again with --jobs 1."
                    ) from None
                on_failure(student, RenderError(WORKER_DIED))
                continue
            dead_in_a_row = 0
            job = self._job(student, result, on_failure)
            if job is not None:
                yield job

"""Render workers that write their own plans: same plans and journal, failures confined to one student,
no worker outliving its run."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from generator.errors import StudentError
from generator.output.local import JOURNAL_NAME, STATE_DIR, LocalSink, LocalWriter, sha256
from generator.output.report import CREATED, UNCHANGED
from generator.pipeline import RunOptions, prepare
from generator.roster.naming import PlanName
from generator.template.parallel import WORKER_DIED, render_jobs
from tests.helpers import ROOT

TODAY = "2026-11-22"


def prepared(project: Path):
    return prepare(RunOptions(mapping=project / "mappings" / "caseload.yaml", today=dt.date(2026, 11, 22)))


def deliver(project: Path, out: Path, writer) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(key, status) per delivered plan and (key, message) per failure, in the order reported."""
    run = prepared(project)
    sink = LocalSink(out)
    failures: list[tuple[str, str]] = []
    delivered = []
    try:
        jobs = render_jobs(
            run.template, run.roster.students, run.names, 2, lambda s, e: failures.append((s.key, str(e))), writer
        )
        for job, outcome in sink.deliver_all(jobs):
            assert job.data == b""  # written in the worker: the bytes never came back
            if isinstance(outcome, StudentError):
                failures.append((job.student.key, str(outcome)))
            else:
                delivered.append((job.student.key, outcome.status))
    finally:
        sink.close()
    return delivered, failures


@dataclass
class DyingWriter(LocalWriter):
    """Kills its worker process outright when asked to write one student's plan."""

    doomed: str = ""

    def write(self, name: PlanName, data: bytes, values: dict):
        if name.relpath.parent.name == self.doomed:
            os._exit(1)
        return super().write(name, data, values)


def test_workers_write_the_same_plans_and_journal_as_one_process(sample_copy: Path, tmp_path: Path):
    run = prepared(sample_copy)
    delivered, failures = deliver(sample_copy, tmp_path / "a", LocalWriter(tmp_path / "a", False, False))
    assert failures == []
    assert delivered == [(s.key, CREATED) for s in run.roster.students]
    lines = (tmp_path / "a" / STATE_DIR / JOURNAL_NAME).read_text().splitlines()
    journal = [{k: v for k, v in json.loads(line).items() if k != "sum"} for line in lines]  # each line's checksum
    assert sorted(e["path"] for e in journal) == sorted(str(n.relpath) for n in run.names.values())
    for student in run.roster.students:
        relpath = run.names[student.key].relpath
        data = (tmp_path / "a" / relpath).read_bytes()
        assert data == run.template.render(student.context())
        assert {"path": str(relpath), "sha256": sha256(data), "key": student.key} in journal
    delivered, failures = deliver(sample_copy, tmp_path / "a", LocalWriter(tmp_path / "a", False, False))
    assert delivered == [(s.key, UNCHANGED) for s in run.roster.students] and failures == []


def test_a_worker_that_dies_fails_only_its_student(sample_copy: Path, tmp_path: Path):
    run = prepared(sample_copy)
    doomed = run.roster.students[9]
    out = tmp_path / "out"
    writer = DyingWriter(out, False, False, doomed=run.names[doomed.key].relpath.parent.name)
    delivered, failures = deliver(sample_copy, out, writer)
    assert failures == [(doomed.key, WORKER_DIED)]
    # students in flight when the worker died are run again; a plan already written then is unchanged
    assert [key for key, _ in delivered] == [s.key for s in run.roster.students if s is not doomed]
    assert {status for _, status in delivered} <= {CREATED, UNCHANGED}
    assert not (out / run.names[doomed.key].relpath).exists()
    for student in run.roster.students:
        if student is not doomed:
            assert (out / run.names[student.key].relpath).read_bytes() == run.template.render(student.context())


def test_a_plan_that_cannot_be_written_fails_only_its_student(sample_copy: Path, tmp_path: Path):
    run = prepared(sample_copy)
    blocked = run.roster.students[3]
    out = tmp_path / "out"
    (out / run.names[blocked.key].relpath).mkdir(parents=True)  # a folder where the plan should go
    delivered, failures = deliver(sample_copy, out, LocalWriter(out, False, False))
    assert [key for key, _ in failures] == [blocked.key]
    assert failures[0][1].startswith(f"cannot write {out / run.names[blocked.key].relpath}: ")
    assert delivered == [(s.key, CREATED) for s in run.roster.students if s is not blocked]


def big_caseload(project: Path, students: int) -> Path:
    """The sample caseload repeated with new IDs, so a run lasts long enough to be killed mid-way."""
    book = openpyxl.load_workbook(project / "samples" / "caseload.xlsx", data_only=True)
    sheet = book["Caseload"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    sheet.delete_rows(2, sheet.max_row)
    for index in range(students):
        row = list(rows[index % len(rows)])
        row[0] = 100000 + index
        row[1] = f"{row[1]} {index}"
        sheet.append(row)
    book.save(project / "samples" / "caseload.xlsx")
    return project / "mappings" / "caseload.yaml"


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] not in "ZX"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
def test_workers_end_when_the_run_is_killed(sample_copy: Path, tmp_path: Path):
    mapping = big_caseload(sample_copy, 3000)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "-m",
        str(mapping),
        "--out",
        str(out),
        "--today",
        TODAY,
        "--jobs",
        "2",
    ]
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while not any(out.glob("*/*.docx")):  # workers are writing plans
            assert run.poll() is None and time.monotonic() < deadline, "the run ended before writing plans"
            time.sleep(0.05)
        workers = children(run.pid)
        assert len(workers) >= 2
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if alive(w)] == []
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(10)
        for worker in workers:  # a failed check must not leave them running
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
    assert len(list(out.glob("*/*.docx"))) < 3000  # it was killed mid-way


def test_workers_are_started_with_the_template_before_the_students_are_built(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    """Starting workers and compiling the template in them overlaps with building the students."""
    from generator import pipeline
    from generator.template import parallel

    events: list[str] = []
    build = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda *args: events.append("build") or build(*args))
    started = parallel._Pool.start
    monkeypatch.setattr(parallel._Pool, "start", lambda pool: events.append(f"workers {pool.jobs}") or started(pool))
    used = []
    run = parallel._Pool.run
    monkeypatch.setattr(parallel._Pool, "run", lambda pool, *args: used.append(pool) or run(pool, *args))
    report = pipeline.generate(
        RunOptions(
            mapping=sample_copy / "mappings" / "caseload.yaml",
            out_dir=sample_copy / "out",
            today=dt.date(2026, 11, 22),
            jobs=2,
        )
    )
    assert report.exit_code == 0 and len(report.outcomes) == 27
    assert events == ["workers 2", "build"]
    assert len(used) == 1 and used[0].executor is None  # the early workers did the work, and have ended
    assert multiprocessing.active_children() == []


def test_early_workers_end_when_the_selection_leaves_too_few_students_or_the_data_is_refused(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    from generator import pipeline
    from generator.errors import DataError
    from generator.template import parallel

    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 5)  # the sample's 27 rows would start workers
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    mapping = sample_copy / "mappings" / "caseload.yaml"
    report = pipeline.generate(
        RunOptions(mapping=mapping, out_dir=sample_copy / "one", today=dt.date(2026, 11, 22), keys=("1001",))
    )
    assert [o.key for o in report.outcomes] == ["1001"] and report.exit_code == 0
    assert multiprocessing.active_children() == []
    book = openpyxl.load_workbook(sample_copy / "samples" / "caseload.xlsx")
    book["Caseload"]["D3"] = "not a date"  # a birth date that is not a date: the run is refused
    book.save(sample_copy / "samples" / "caseload.xlsx")
    with pytest.raises(DataError):
        pipeline.generate(RunOptions(mapping=mapping, out_dir=sample_copy / "two", today=dt.date(2026, 11, 22)))
    assert multiprocessing.active_children() == []
    assert not (sample_copy / "two").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
def test_a_worker_killed_while_waiting_for_work_costs_no_student(sample_copy: Path, tmp_path: Path):
    """Workers started early wait while the students are built; one that dies then (out of memory, killed)
    leaves a broken pool, which is replaced before the first task instead of failing the run."""
    from generator.template.parallel import RenderWorkers

    run = prepared(sample_copy)
    before = children(os.getpid())
    with RenderWorkers(run.template, 2) as workers:
        deadline = time.monotonic() + 30
        while len(children(os.getpid()) - before) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(min(children(os.getpid()) - before), signal.SIGKILL)
        time.sleep(0.5)  # the pool notices and marks itself broken
        out = tmp_path / "out"
        sink = LocalSink(out)
        failures: list[tuple[str, str]] = []
        jobs = render_jobs(
            run.template,
            run.roster.students,
            run.names,
            2,
            lambda s, e: failures.append((s.key, str(e))),
            LocalWriter(out, False, False),
            workers,
        )
        delivered = [(job.student.key, outcome.status) for job, outcome in sink.deliver_all(jobs)]
        sink.close()
    assert failures == []
    assert delivered == [(s.key, CREATED) for s in run.roster.students]
    assert multiprocessing.active_children() == []


def test_spawned_workers_as_on_macos_and_windows_write_the_same_plans(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Where workers are spawned, not forked (macOS, Windows), each loads the template from its bytes and
    receives the writer with its tasks: the plans are the same."""
    from generator import pipeline
    from generator.template import parallel

    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda *method: spawn)
    pools = []
    run_pool = parallel._Pool.run
    monkeypatch.setattr(parallel._Pool, "run", lambda pool, *args: pools.append(pool) or run_pool(pool, *args))
    mapping = sample_copy / "mappings" / "caseload.yaml"
    spawned = pipeline.generate(
        RunOptions(mapping=mapping, out_dir=tmp_path / "spawned", today=dt.date(2026, 11, 22), jobs=2)
    )
    assert spawned.exit_code == 0 and {o.status for o in spawned.outcomes} == {CREATED}
    assert [pool.forked for pool in pools] == [False]
    run = prepared(sample_copy)
    for student in run.roster.students:
        written = (tmp_path / "spawned" / run.names[student.key].relpath).read_bytes()
        assert written == run.template.render(student.context())
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
@pytest.mark.parametrize("when", ["building", "writing"])
def test_ctrl_c_stops_the_run_quietly_and_leaves_no_worker(sample_copy: Path, tmp_path: Path, when: str):
    """A terminal's Ctrl-C goes to the whole process group: plangen says it was aborted, once, and the
    workers end after finishing the plan in hand (every plan on disk is whole). While the students are
    built the workers are already started and waiting; a waiting worker used to print a traceback."""
    mapping = big_caseload(sample_copy, 3000)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "-m",
        str(mapping),
        "--out",
        str(out),
        "--today",
        TODAY,
        "--jobs",
        "2",
    ]
    run = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 if when == "building" else not any(out.glob("*/*.docx")):
            assert run.poll() is None and time.monotonic() < deadline, f"the run ended before {when}"
            workers = children(run.pid)
            time.sleep(0.02)
        if when == "building":
            time.sleep(0.2)  # started, template compiled: waiting for work while the students are built
        workers = children(run.pid)
        os.killpg(run.pid, signal.SIGINT)
        output = run.communicate(timeout=60)[0].decode()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(10)
    assert run.returncode != 0
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
    assert "Aborted" in output
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [w for w in workers if alive(w)] == []
    written = list(out.glob("*/*.docx"))
    assert len(written) < 3000
    for plan in written:
        assert zipfile.is_zipfile(plan), plan  # never a half-written plan

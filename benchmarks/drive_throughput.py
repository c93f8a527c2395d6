"""Drive upload throughput: a caseload of Docs against the loopback fake at Google's pace.

    python benchmarks/drive_throughput.py                       # the three scenarios below
    python benchmarks/drive_throughput.py --limit 3 --all-runs  # one scenario, first/second/third run

The fake answers every request after ``--latency`` seconds and refuses writes beyond the limit per
second in any 1 s window (403 userRateLimitExceeded), as Drive does per account. The floor is
students / limit seconds: no client can create the Docs faster without being refused. By default
it prints a first run (every plan created) for: the learned pace against a 3 writes/s limit, and
the fixed 2.9 writes/s pace plangen used before it learned the pace next to the learned pace
against a 10 writes/s limit, with the ratio. ``--all-runs`` adds a second run (nothing changed) and
a third (every plan changed, so updated in place).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from google.oauth2.credentials import Credentials  # noqa: E402

from generator.google.auth.client import ENV_API_ROOT  # noqa: E402
from generator.google.drive import sink as drive  # noqa: E402
from generator.google.drive.marks import MarkKey  # noqa: E402
from generator.output.sink import Delivery, PlanJob  # noqa: E402
from generator.roster.naming import PlanName  # noqa: E402
from generator.roster.students import Student  # noqa: E402
from tests.google.fakegoogle import FakeGoogle  # noqa: E402


def caseload(fake: FakeGoogle, students: int) -> tuple[str, list[PlanJob]]:
    """ROOT with one folder per student, and a ~40 KB plan for each (the shipped template's size)."""
    root = fake.add_folder("OT Caseload")
    body = (ROOT / "templates" / "ot-treatment-plan.docx").read_bytes()
    jobs = []
    for i in range(students):
        folder = f"Student {i:03d}, Test"
        fake.add_folder(folder, root)
        student = Student(str(10000 + i), f"Test Student {i:03d}", {}, [])
        jobs.append(PlanJob(student, PlanName(folder, f"OT Plan - {i:03d}"), body + str(i).encode()))
    return root, jobs


MARK_KEY = MarkKey(os.urandom(32))
FIXED_PACE = 2.9  # what plangen held every run to before it learned the pace


def timed_run(
    fake: FakeGoogle, root: str, jobs: list[PlanJob], workers: int, pace: float | None
) -> tuple[float, Counter, list[str]]:
    """``pace`` None: the learned pace (plangen's default); a number: that fixed pace."""
    fake.clear_log()
    start = time.perf_counter()
    if pace is None:
        options = drive.DriveOptions(root=root, workers=workers)
    else:
        options = drive.DriveOptions(root=root, workers=workers, writes_per_second=pace, adaptive=False)
    sink = drive.connect(
        Credentials(token="benchmark"),
        options,
        field=None,
        column="",
        template_sha256="0" * 64,
        replace_edited=False,
        dry_run=False,
        expected=len(jobs),
        key=MARK_KEY,  # a key of its own: the benchmark never touches the user's config folder
    )
    statuses = Counter(r.status if isinstance(r, Delivery) else "failed" for _, r in sink.deliver_all(jobs))
    return time.perf_counter() - start, statuses, sink.notes


def describe(label: str, seconds: float, statuses: Counter, notes: list[str], fake: FakeGoogle, students: int) -> None:
    log = fake.calls()
    writes = [e for e in log if e.method != "GET"]
    refused = sum(1 for e in log if e.status in (403, 429))
    kinds = Counter(
        "list"
        if e.path == "/drive/v3/files" and e.method == "GET"
        else "generateIds"
        if e.path.endswith("generateIds")
        else "get"
        if e.method == "GET"
        else "write"
        for e in log
    )
    print(f"{label}: {seconds:6.1f} s wall, {dict(statuses)}")
    print(
        f"  requests: {len(log)} ({len(log) / students:.2f} per student): {dict(kinds)}; "
        f"writes {len(writes)} ({len(writes) / students:.2f} per student); refused by the rate limit: {refused}"
    )
    for note in notes:
        print(f"  {note}")


def scenario(fake: FakeGoogle, args: argparse.Namespace, limit: float, pace: float | None) -> float:
    """A fresh ROOT and caseload against ``limit``; returns the first run's seconds."""
    root, jobs = caseload(fake, args.students)
    fake.set_write_limit(limit)
    label = "learned pace" if pace is None else f"fixed pace {pace:g}/s"
    print(f"\nlimit {limit:g} writes/s, {label} (floor students / limit: {args.students / limit:.1f} s):")
    first, statuses, notes = timed_run(fake, root, jobs, args.workers, pace)
    describe("  first run ", first, statuses, notes, fake, args.students)
    if args.all_runs:
        describe("  second run", *timed_run(fake, root, jobs, args.workers, pace), fake, args.students)
        changed = [PlanJob(j.student, j.name, j.data + b"v2") for j in jobs]
        describe("  third run ", *timed_run(fake, root, changed, args.workers, pace), fake, args.students)
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds the fake waits per request")
    parser.add_argument("--limit", type=float, help="only this limit (writes/s), learned pace")
    parser.add_argument("--pace", type=float, help="with --limit: hold this fixed pace instead of learning it")
    parser.add_argument("--workers", type=int, default=drive.DEFAULT_WORKERS)
    parser.add_argument("--all-runs", action="store_true", help="also a second and a third run")
    args = parser.parse_args()
    with FakeGoogle() as fake:
        os.environ[ENV_API_ROOT] = fake.url
        fake.latency = args.latency
        print(
            f"{args.students} students, {args.latency * 1000:.0f} ms latency, {args.workers} upload threads, "
            f"{os.cpu_count()} core(s)"
        )
        if args.limit is not None:
            scenario(fake, args, args.limit, args.pace)
            return
        learned = scenario(fake, args, 3.0, None)
        print(f"  learned pace / floor: {learned / (args.students / 3.0):.2f}x the floor")
        fixed = scenario(fake, args, 10.0, FIXED_PACE)
        learned = scenario(fake, args, 10.0, None)
        print(
            f"\nlimit 10 writes/s: the learned pace is {fixed / learned:.2f}x faster than the fixed {FIXED_PACE}/s pace"
        )


if __name__ == "__main__":
    main()

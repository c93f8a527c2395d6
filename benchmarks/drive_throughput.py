"""Drive upload throughput: a caseload of Docs against the loopback fake at Google's pace.

    python benchmarks/drive_throughput.py [--students 100] [--latency 0.15] [--limit 3]

The fake answers every request after ``--latency`` seconds and refuses writes beyond ``--limit``
per second (403 userRateLimitExceeded), as Drive does per account. The floor is students / limit
seconds: no client can create the Docs faster without being refused. Prints wall time, requests
per student and refusals for a first run (every plan created), a second (nothing changed) and a
third (every plan changed, so updated in place).
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

from generator.google import drive  # noqa: E402
from generator.google.client import ENV_API_ROOT  # noqa: E402
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


def timed_run(fake: FakeGoogle, root: str, jobs: list[PlanJob], workers: int, pace: float) -> tuple[float, Counter]:
    fake.clear_log()
    start = time.perf_counter()
    options = drive.DriveOptions(root=root, workers=workers, writes_per_second=pace)
    sink = drive.connect(Credentials(token="benchmark"), options, field=None, column="", template_sha256="0" * 64,
                         replace_edited=False, dry_run=False, expected=len(jobs))
    statuses = Counter(r.status if isinstance(r, Delivery) else "failed" for _, r in sink.deliver_all(jobs))
    return time.perf_counter() - start, statuses


def describe(label: str, seconds: float, statuses: Counter, fake: FakeGoogle, students: int) -> None:
    log = fake.calls()
    writes = [e for e in log if e.method != "GET"]
    refused = sum(1 for e in log if e.status in (403, 429))
    kinds = Counter("list" if e.path == "/drive/v3/files" and e.method == "GET" else
                    "generateIds" if e.path.endswith("generateIds") else
                    "get" if e.method == "GET" else "write" for e in log)
    print(f"{label}: {seconds:6.1f} s wall, {dict(statuses)}")
    print(f"  requests: {len(log)} ({len(log) / students:.2f} per student): {dict(kinds)}; "
          f"writes {len(writes)} ({len(writes) / students:.2f} per student); refused by the rate limit: {refused}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds the fake waits per request")
    parser.add_argument("--limit", type=float, default=3.0, help="writes per second the fake accepts")
    parser.add_argument("--workers", type=int, default=drive.DEFAULT_WORKERS)
    parser.add_argument("--pace", type=float, default=drive.DEFAULT_WRITES_PER_SECOND,
                        help="writes per second plangen allows itself")
    args = parser.parse_args()
    with FakeGoogle() as fake:
        os.environ[ENV_API_ROOT] = fake.url
        root, jobs = caseload(fake, args.students)
        fake.latency = args.latency
        fake.set_write_limit(args.limit)
        print(f"{args.students} students, {args.latency * 1000:.0f} ms latency, fake limit {args.limit:g} writes/s, "
              f"client pace {args.pace:g} writes/s, {args.workers} threads")
        print(f"floor (students / limit): {args.students / args.limit:.1f} s")
        seconds, statuses = timed_run(fake, root, jobs, args.workers, args.pace)
        describe("first run ", seconds, statuses, fake, args.students)
        seconds, statuses = timed_run(fake, root, jobs, args.workers, args.pace)
        describe("second run", seconds, statuses, fake, args.students)
        changed = [PlanJob(j.student, j.name, j.data + b"v2") for j in jobs]
        seconds, statuses = timed_run(fake, root, changed, args.workers, args.pace)
        describe("third run ", seconds, statuses, fake, args.students)


if __name__ == "__main__":
    main()

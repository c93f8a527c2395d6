"""The Drive write pace learned from Google's answers: slower on a rate-limit refusal, faster while
writes succeed, and a caseload delivered whole against a limit it does not know."""

from __future__ import annotations

import pytest
from google.oauth2.credentials import Credentials

from generator.google.auth import client as g
from generator.google.drive import sink as d
from generator.output.report import CREATED
from generator.output.sink import Delivery
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.job import PlanJob
from tests.google.fakegoogle import FakeGoogle


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(rate: float = 4.0) -> tuple[g.RateLimiter, FakeClock]:
    clock = FakeClock()
    return g.RateLimiter(rate, clock=clock, sleep=clock.sleep, adaptive=True), clock


def write(pace: g.RateLimiter, *, refused: bool = False, after: float | None = None) -> None:
    asked = pace.now()
    pace.acquire()
    if refused:
        pace.refused(asked, after)
    else:
        pace.succeeded()


def test_successes_speed_up_and_a_refusal_slows_down_to_what_went_through() -> None:
    pace, clock = limiter(10.0)
    for _ in range(5):  # five writes go through within a second
        pace.succeeded()
    assert pace.rate == pytest.approx(10.0 * g.RateLimiter.PROBE**5)  # 14.7/s asked for
    clock.now += 0.5
    pace.refused(clock.now)
    assert pace.rate == pytest.approx(5 * g.RateLimiter.SLOW_DOWN)  # below the 5/s that went through
    assert (pace.refusals, pace.slowdowns) == (1, 1)
    pace, clock = limiter(10.0)
    for _ in range(8):  # the same writes spread over four seconds: 2/s went through at most
        clock.now += 0.5
        pace.succeeded()
    pace.refused(clock.now)
    assert pace.rate == pytest.approx(2 * g.RateLimiter.SLOW_DOWN)


def test_one_overshoot_slows_down_once() -> None:
    pace, clock = limiter(4.0)
    asked = [pace.now() for _ in range(3)]  # three writes asked for at the old pace, in flight together
    for _ in range(3):
        pace.acquire()
    slowed = None
    for when in asked:
        pace.refused(when)
        slowed = slowed or pace.rate
    assert pace.rate == slowed == pytest.approx(4.0 * g.RateLimiter.SLOW_DOWN)
    assert (pace.refusals, pace.slowdowns) == (3, 1)
    clock.now += 2 * g.RateLimiter.SETTLE
    write(pace, refused=True)  # a write asked for after the slow-down settled: a new overshoot
    assert pace.slowdowns == 2 and pace.rate < slowed


def test_after_a_refusal_the_pace_returns_quickly_under_the_refused_pace_then_creeps() -> None:
    pace, _ = limiter(10.0)
    write(pace, refused=True)
    assert pace.rate == pytest.approx(10.0 * g.RateLimiter.SLOW_DOWN)
    target = 10.0 * g.RateLimiter.SLOW_DOWN**0.25
    writes = 0
    while pace.rate < target:
        write(pace)
        writes += 1
    assert writes <= 30
    recovered = pace.rate
    assert recovered < 10.0
    for _ in range(10):
        write(pace)
    assert pace.rate == pytest.approx(recovered * g.RateLimiter.CREEP**10)  # slowly beyond it


def test_retry_after_holds_every_writer_back() -> None:
    pace, clock = limiter(4.0)
    write(pace)
    start = clock.now
    write(pace, refused=True, after=7.0)
    pace.acquire()
    assert clock.now >= start + 7.0


def test_a_fixed_pace_stays_fixed() -> None:
    clock = FakeClock()
    pace = g.RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    asked = pace.now()
    pace.acquire()
    pace.refused(asked)
    for _ in range(5):
        pace.acquire()
        pace.succeeded()
    assert pace.rate == 3.0 and pace.refusals == 1


def test_a_caseload_against_an_unknown_limit_is_delivered_whole(fake_google: FakeGoogle) -> None:
    root = fake_google.add_folder("OT Caseload")
    jobs = []
    for i in range(40):
        folder = f"Student {i:02d}, Test"
        fake_google.add_folder(folder, root)
        jobs.append(
            PlanJob(Student(str(100 + i), f"Test {i}", {}, []), PlanName(folder, f"Plan {i:02d}"), f"plan {i}".encode())
        )
    fake_google.set_write_limit(15)
    options = d.DriveOptions(root=root, writes_per_second=40.0)  # far above the limit at first
    sink = d.connect(
        Credentials(token="test"),
        options,
        field=None,
        column="",
        template_sha256="ab" * 32,
        replace_edited=False,
        dry_run=False,
        expected=len(jobs),
        retry_base_delay=0.05,
    )
    results = [r for _, r in sink.deliver_all(jobs)]
    assert [r.status if isinstance(r, Delivery) else str(r) for r in results] == [CREATED] * 40
    assert len([f for f in fake_google.files() if f.app_properties.get("plangen") == "plan"]) == 40
    refused = [e for e in fake_google.calls() if e.status == 403]
    assert refused  # the limit was hit, and learned from
    (note,) = sink.notes
    assert note.startswith("Google Drive: writes paced at ")
    assert f"learned from Google's rate limit ({len(refused)} write(s) refused and retried, slowed down " in note
    assert sink.api.limiter.rate < 40.0


def test_403_rate_limits_fail_no_student(fake_google: FakeGoogle) -> None:
    """Drive's 403 rateLimitExceeded carries no Retry-After; each is waited out (it was not carried out), however
    many come, and never counts against the retries of real failures."""
    root = fake_google.add_folder("OT Caseload")
    jobs = []
    for i in range(30):
        folder = f"Student {i:02d}, Test"
        fake_google.add_folder(folder, root)
        jobs.append(PlanJob(Student(str(100 + i), f"T {i}", {}, []), PlanName(folder, f"Plan {i:02d}"), b"plan"))
    fake_google.set_write_limit(6)
    seen = [0]

    def every_fifth(req: object) -> bool:
        seen[0] += 1
        return seen[0] % 5 == 0

    fake_google.fail(403, method="POST", path="^/upload/", reason="rateLimitExceeded", match=every_fifth, times=1000)
    sink = d.connect(
        Credentials(token="test"),
        d.DriveOptions(root=root, writes_per_second=20.0),
        field=None,
        column="",
        template_sha256="ab" * 32,
        replace_edited=False,
        dry_run=False,
        expected=len(jobs),
        retry_base_delay=0.02,
    )
    sink.api.retries = 1  # fewer retries than refusals a single plan may meet
    results = [r for _, r in sink.deliver_all(jobs)]
    assert [r.status if isinstance(r, Delivery) else str(r) for r in results] == [CREATED] * 30
    assert len([f for f in fake_google.files() if f.app_properties.get("plangen") == "plan"]) == 30
    assert [e for e in fake_google.calls() if e.status == 403]  # refused, and waited out

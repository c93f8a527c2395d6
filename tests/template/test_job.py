"""A rendered plan on its way to a destination, and the writer a worker delivers it with."""

from __future__ import annotations

import pickle
from pathlib import Path

from generator.output.local import LocalSink, LocalWriter
from generator.output.report import CREATED, UNCHANGED
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.job import PlanJob, Writer


def test_a_job_carries_the_plan_a_sink_delivers(tmp_path: Path):
    job = PlanJob(Student("1001", "Ada L.", {"first_name": "Ada"}, []), PlanName("Ada L", "Plan"), b"plan bytes")
    assert job.delivered is None  # rendered here: the sink writes it
    sink = LocalSink(tmp_path)
    try:
        [(back, delivery)] = list(sink.deliver_all([job]))
    finally:
        sink.close()
    assert back is job and delivery.status == CREATED
    assert (tmp_path / "Ada L" / "Plan.docx").read_bytes() == b"plan bytes"


def test_a_writer_travels_to_a_worker_and_its_result_comes_back_as_delivered(tmp_path: Path):
    writer: Writer = pickle.loads(pickle.dumps(LocalWriter(tmp_path, False, False)))  # as each worker gets it
    name = PlanName("Ada L", "Plan")
    first = writer.write(name, b"plan bytes", {"first_name": "Ada"})
    again = writer.write(name, b"plan bytes", {"first_name": "Ada"})
    assert first[0].status == CREATED and again[0].status == UNCHANGED
    job = PlanJob(Student("1001", "Ada L.", {}, []), name, b"", delivered=again)
    sink = LocalSink(tmp_path)
    try:
        [(_, delivery)] = list(sink.deliver_all([job]))
    finally:
        sink.close()
    assert delivery.status == UNCHANGED  # the worker's outcome, not a second write

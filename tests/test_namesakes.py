"""A student's plan keeps one name whoever else is in the run: namesakes are told apart by the whole
roster, so selecting one of two same-name children writes no new file (issue 23)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.pipeline import RunOptions, generate
from tests.helpers import make_template, write_xlsx

MAPPING = """\
template: t.docx
source: c.xlsx
key: [last, first, dob]
display_name: "{{ first }} {{ last }}"
review_date: review
output: {folder: "{{ first }} {{ last }}", filename: "Plan - {{ first }} {{ last }}"}
fields:
  first: First Name
  last: Last Name
  dob: {column: DOB, type: date}
  review: {column: Annual Due, type: date}
"""


def files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.docx"))


def test_selecting_one_of_two_namesakes_writes_no_new_file(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    write_xlsx(
        tmp_path / "c.xlsx",
        [
            ["First Name", "Last Name", "DOB", "Annual Due"],
            ["Liam", "Smith", dt.date(2016, 10, 2), dt.date(2026, 12, 1)],
            ["Liam", "Smith", dt.date(2017, 4, 9), dt.date(2027, 9, 1)],
            ["Ana", "Ruiz", dt.date(2016, 1, 2), dt.date(2027, 9, 1)],
        ],
    )
    make_template(tmp_path / "t.docx", ["Plan for {{ first }} {{ last }}"])
    out = tmp_path / "plans"
    today = dt.date(2026, 11, 22)

    def run(**options) -> None:
        report = generate(RunOptions(mapping=tmp_path / "m.yaml", out_dir=out, jobs=1, today=today, **options))
        assert report.exit_code == 0

    run(keys=("Smith · Liam · 2016-10-02",))
    first = files(out)
    assert first == ["Liam Smith (Smith · Liam · 2016-10-02)/Plan - Liam Smith.docx"]
    run(due_within=30)  # only the first Liam is due
    assert files(out) == first
    run()
    everyone = files(out)
    assert len(everyone) == 3
    run(keys=("Smith · Liam · 2017-04-09",))
    assert files(out) == everyone

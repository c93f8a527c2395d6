"""roster.select: the students a run is about, and the ones whose meeting date has passed."""

from __future__ import annotations

import datetime as dt

from generator.mapping.load import load_mapping
from generator.roster.select import overdue_reviews
from generator.roster.students import build_roster
from generator.sources.tables import read_table
from tests.helpers import MAPPINGS, SAMPLES


def test_each_run_names_the_students_whose_review_or_re_evaluation_has_passed():
    mapping = load_mapping(MAPPINGS / "caseload.yaml")
    roster = build_roster(mapping, read_table(SAMPLES / "caseload.xlsx", "Caseload"), dt.date(2026, 11, 22))
    review, triennial = mapping.overview["annual_review"], mapping.overview["reevaluation"]
    for today in (dt.date(2026, 11, 22), dt.date(2027, 2, 1), dt.date(2028, 6, 1)):
        late_review = [s.display_name for s in roster.students if s.values[review] and s.values[review] < today]
        late_triennial = [
            s.display_name for s in roster.students if s.values[triennial] and s.values[triennial] < today
        ]
        expected = []
        if late_review:
            expected.append(f"Overdue: the annual review date has already passed for {', '.join(late_review)}.")
        if late_triennial:
            expected.append(f"Overdue: the re-evaluation date has already passed for {', '.join(late_triennial)}.")
        lines = overdue_reviews(roster.students, mapping, today)
        assert [line.split(". Hold")[0] + "." for line in lines] == expected, today
        assert all(line.endswith("so the plan is for the current IEP.") for line in lines)
    assert overdue_reviews(roster.students, mapping, dt.date(2026, 11, 22))[0].startswith(
        "Overdue: the annual review date has already passed for Hanna Kowalski."
    )

"""Build the fictional hand-kept progress sample: samples/progress/caseload_progress.xlsx.

One row per student (the first students of samples/caseload.xlsx), each goal a group of columns with one
rating and one comment column per grading period (``Goal 1 P2 Rating`` / ``Goal 1 P2 Comment``, periods
1-3). Periods 1 and 2 are mostly filled in, period 3 only for some goals, so the reports show the line to
write on. (SEIS progress columns are in samples/seis/student_goals.csv, built by make_seis_samples.py.)
Run: ``python samples/make_progress_samples.py``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "progress"

CASELOAD_HEADER = [
    "Student ID",
    "Last Name",
    "First Name",
    "DOB",
    "Grade",
    "School",
    "Case Manager",
    "Annual Review",
    "Minutes/Week",
]
CASELOAD_STUDENTS = [  # the first students of samples/caseload.xlsx, with their goals and progress
    (
        "1001",
        "O'Brien",
        "Liam",
        "2018-03-14",
        "1",
        "Lincoln Elementary",
        "Dana Kim",
        "2026-12-01",
        30,
        [
            (
                "Fine Motor",
                "Will write his first and last name legibly in 4 of 5 trials.",
                "Writes first name only.",
                [
                    ("Progressing", "First name legibly 4 of 5; last name 2 of 5."),
                    ("Progressing", "Full name 3 of 5."),
                    ("", ""),
                ],
            ),
            (
                "Self-Care",
                "Will manage coat zipper independently in 4 of 5 opportunities.",
                "Needs hand-over-hand.",
                [
                    ("Progressing", "With a verbal cue 3 of 5."),
                    ("Met", "Independent 5 of 5 (teacher log)."),
                    ("Met", "Maintained."),
                ],
            ),
        ],
    ),
    (
        "1002",
        "Ramírez",
        "José",
        "2016-07-02",
        "4",
        "Cedar Grove Elementary",
        "Luis Ortega",
        "2027-01-19",
        60,
        [
            (
                "Keyboarding",
                "Will type 20 wpm with 90% accuracy in 3 of 4 timed tests.",
                "Types 9 wpm.",
                [("Progressing", "12 wpm, 86% accuracy."), ("", ""), ("", "")],
            )
        ],
    ),
    (
        "1003",
        "Nguyễn",
        "Zoë",
        "2017-11-30",
        "3",
        "Lincoln Elementary",
        "Dana Kim",
        "2027-02-10",
        30,
        [
            (
                "Visual Motor",
                "Will copy a 10-shape design with no errors in 4 of 5 trials.",
                "Copies 4 shapes.",
                [
                    ("Progressing", "6 shapes, 1 error, 3 of 5 trials."),
                    ("Progressing", "8 shapes in 4 of 5."),
                    ("Progressing", "10 shapes, 1 error, 3 of 5."),
                ],
            ),
            (
                "Sensory Processing",
                "Will use a movement break to return to task within 2 minutes in 4 of 5 lessons.",
                "Off task 8+ minutes after recess.",
                [
                    ("Progressing", "Returns within 4 minutes in 3 of 5."),
                    ("Progressing", "Within 3 minutes, 4 of 5."),
                    ("", ""),
                ],
            ),
        ],
    ),
]
GOALS_PER_ROW = 3
PERIODS = 3


def caseload_progress_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Progress"
    header = list(CASELOAD_HEADER)
    for n in range(1, GOALS_PER_ROW + 1):
        header += [f"Goal {n} Area", f"Goal {n}", f"Goal {n} Baseline"]
        header += [f"Goal {n} P{p} {kind}" for p in range(1, PERIODS + 1) for kind in ("Rating", "Comment")]
    sheet.append(header)
    for key, last, first, dob, grade, school, manager, review, minutes, goals in CASELOAD_STUDENTS:
        row: list = [key, last, first, dob, grade, school, manager, review, minutes]
        for n in range(GOALS_PER_ROW):
            if n < len(goals):
                area, text, baseline, periods = goals[n]
                row += [area, text, baseline] + [value or None for pair in periods for value in pair]
            else:
                row += [None] * (3 + 2 * PERIODS)
        sheet.append(row)
    workbook.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    caseload_progress_xlsx(HERE / "caseload_progress.xlsx")
    print(f"wrote {HERE / 'caseload_progress.xlsx'}")


if __name__ == "__main__":
    main()

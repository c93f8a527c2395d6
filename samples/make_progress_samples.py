"""Build the fictional hand-kept progress sample: samples/progress/caseload_progress.xlsx.

One row per student, for the first students of samples/caseload.xlsx, taken from make_samples.py itself so
the same child has the same ID, name, birth date, grade, school, case manager, IEP dates, minutes and goals
in both samples (both write into the same student folder). Each goal is a group of columns: its area, text,
baseline and how it is measured, then per grading period a rating, a comment with the period's numbers and
the next steps (``Goal 1 P2 Rating`` / ``Goal 1 P2 Comment`` / ``Goal 1 P2 Next Steps``, periods 1-3).
Periods 1 and 2 are mostly filled in, period 3 only for some goals, so the reports show a line to write on.
(SEIS progress columns are in samples/seis/student_goals.csv, built by make_seis_samples.py.)
Run: ``python samples/make_progress_samples.py``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import openpyxl

SAMPLES = Path(__file__).resolve().parent
HERE = SAMPLES / "progress"


def caseload_samples():
    """make_samples.py, loaded by path (this is a script folder, not a package)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASELOAD_HEADER = [
    "Student ID",
    "Last Name",
    "First Name",
    "DOB",
    "Grade",
    "School",
    "Case Manager",
    "IEP Date",
    "Annual Review",
    "Minutes/Week",
]
STUDENT_IDS = (1001, 1002, 1003)  # the first students of samples/caseload.xlsx
AREAS = {
    "handwriting": "Fine Motor",
    "scissors": "Fine Motor",
    "keyboard": "Keyboarding",
    "regulation": "Self-Regulation",
    "organization": "Executive Function",
    "buttons": "Self-Care",
    "sensory": "Sensory Processing",
    "grasp": "Fine Motor",
    "visual": "Visual Motor",
}
BASELINES = {
    "handwriting": "Copies 1 of 5 sentences legibly; letters drift off the baseline.",
    "scissors": "Cuts curves within 1 inch with help turning the paper.",
    "keyboard": "Types 6 correct words per minute with two fingers.",
    "regulation": "Chooses a strategy with 3 or more prompts.",
    "organization": "Needs 3-4 prompts to unpack each morning.",
    "buttons": "Fastens large buttons only, in over 4 minutes.",
    "sensory": "Leaves the carpet 3-4 times in 10 minutes.",
    "grasp": "Four-finger grasp; tires after 2-3 minutes.",
    "visual": "Copies 2-3 letters per look, with 3 errors per 5 words.",
}
# Per student and goal, per period: (rating, comment with the period's numbers, next steps). Each comment
# differs, as a therapist's notes do; an empty triple is a period not entered yet.
PROGRESS = {
    (1001, "handwriting"): [
        ("Emerging", "2 of 5 sentences legible with the slant board.", "Add a highlighted baseline to the paper."),
        ("Progressing", "3 of 5 sentences legible; spacing improving.", "Fade the visual model to a checklist."),
        ("", "", ""),
    ],
    (1001, "regulation"): [
        ("Progressing", "Names the zone with 2 prompts in 60% of check-ins.", "Practise one strategy a day."),
        ("Progressing", "1 prompt in 75% of check-ins.", "Move check-ins to the classroom."),
        ("Met", "No prompt needed in 85% of check-ins over 3 weeks.", "Keep the check-in card on the desk."),
    ],
    (1002, "handwriting"): [
        ("Progressing", "Letter size steady in 3 of 5 samples.", "Use paper with a shaded middle line."),
        ("Progressing", "Legible passage in 3 of 5 trials with the slant board.", "Practise spacing with a spacer."),
        ("", "", ""),
    ],
    (1002, "keyboard"): [
        ("Progressing", "11 correct words per minute in timed checks.", "Home-row practice 10 minutes a day."),
        ("", "", ""),
        ("", "", ""),
    ],
    (1002, "visual"): [
        ("Emerging", "Copies 3 letters per look; 2 errors per 5 words.", "Near-point copy with highlighted lines."),
        ("Progressing", "Copies 4 letters per look; 1 error per 5 words.", "Try copying from the board at 6 feet."),
        ("", "", ""),
    ],
    (1003, "scissors"): [
        ("Progressing", "Curves within 1/2 inch in 3 of 5 trials.", "Move from loop to standard scissors."),
        ("Progressing", "Curves within 1/4 inch in 3 of 5 trials.", "Add shapes with corners."),
        ("Met", "Curves within 1/4 inch in 4 of 5 trials.", "Use in class art projects."),
    ],
    (1003, "buttons"): [
        ("Emerging", "2 buttons in 3 minutes with a verbal cue.", "Button board, large to small buttons."),
        ("Progressing", "4 buttons in 2 min 40 s in 2 of 4 trials.", "Practise on the smock before art."),
        ("", "", ""),
    ],
    (1003, "grasp"): [
        ("Emerging", "Tripod grasp for 2 minutes with a grip.", "Short pencils and tong games."),
        ("Limited progress", "Tripod grasp for 2 minutes; tires on longer tasks.", "Add hand-strength warm-ups."),
        ("", "", ""),
    ],
}
GOALS_PER_ROW = 3
PERIODS = 3


def students() -> list[tuple[list, list[tuple]]]:
    """(caseload cells, goals) for each student, read from make_samples.py's records."""
    samples = caseload_samples()
    rows = []
    for record in samples.STUDENTS:
        sid = record[0]
        if sid not in STUDENT_IDS:
            continue
        dob, grade, school, manager, iep, annual, minutes, sessions, goals = (
            record[3],
            record[4],
            record[5],
            record[7],
            record[10],
            record[11],
            record[13],
            record[14],
            record[16],
        )
        cells = [
            str(sid),
            record[1],
            record[2],
            samples.iso(dob),
            grade,
            samples.SCHOOLS[school],
            manager,
            samples.iso(iep),
            samples.iso(annual),
            (minutes or 0) * (sessions or 0) or None,
        ]
        goal_groups = [
            (AREAS[g], samples.GOALS[g], BASELINES[g], samples.MEASURES[g], PROGRESS[(sid, g)]) for g in goals
        ]
        rows.append((cells, goal_groups))
    return rows


def caseload_progress_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Progress"
    header = list(CASELOAD_HEADER)
    for n in range(1, GOALS_PER_ROW + 1):
        header += [f"Goal {n} Area", f"Goal {n}", f"Goal {n} Baseline", f"Goal {n} Measured By"]
        header += [
            f"Goal {n} P{p} {kind}" for p in range(1, PERIODS + 1) for kind in ("Rating", "Comment", "Next Steps")
        ]
    sheet.append(header)
    for cells, goals in students():
        row: list = list(cells)
        for n in range(GOALS_PER_ROW):
            if n < len(goals):
                area, text, baseline, measured, periods = goals[n]
                row += [area, text, baseline, measured] + [value or None for triple in periods for value in triple]
            else:
                row += [None] * (4 + 3 * PERIODS)
        sheet.append(row)
    workbook.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    caseload_progress_xlsx(HERE / "caseload_progress.xlsx")
    print(f"wrote {HERE / 'caseload_progress.xlsx'}")


if __name__ == "__main__":
    main()

"""Build the fictional progress-report samples in samples/progress/.

* ``seis_student_goals.csv``: a SEIS Student Goals Report as downloaded (59 columns, UTF-8 with BOM,
  CRLF line ends) with the six ``Progress Report N Summary `` / ``Progress Report N Comments  ``
  column pairs -- note the one and two trailing spaces SEIS puts in those headers.
* ``caseload_progress.xlsx``: a hand-kept sheet, one row per student, per-goal progress columns
  ``Goal 1 P2 Rating`` / ``Goal 1 P2 Comment`` for grading periods 1-3.

Periods 1 and 2 are filled in (with one goal left blank in period 2, as happens); period 3 only for
some goals, so the reports show the blank to fill in. Run: ``python samples/make_progress_samples.py``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "progress"

SEIS_COLUMNS = [
    "SEIS ID", "District ID", "Last Name", "First Name", "Birthdate", "Grade", "School of Attendance",
    "District of Service", "Case Manager", "IEP Date", "Eligibility Status", "Area Of Need", "Annual Goal #",
    "Baseline", "Goal", "Purpose(s) of Goal", "Standard", "Person Responsible",
    *[f"Objective {n}{part}" for n in (1, 2, 3) for part in ("", " Met", " Date Met")],
    *[f"Progress Report {n} {kind}" for n in range(1, 7) for kind in ("Summary ", "Comments  ")],
    "Goal Met", "Created By", "Created Date", "Last Modified By", "Last Modified Date", "Reporting Progress",
    "Comparison To Goal", "Progress Percentage", "Grade Level Standard", "Curriculum", "Frequency",
    "Assessment Method", "Owner", "Owner Email", "Case Manager Email", "Record Locked", "Record Status",
    "Source System", "Export Batch", "Export Timestamp",
]

# SEIS ID, last, first, birthdate, grade, school, case manager, IEP date
SEIS_STUDENTS = [
    ("7300101", "Okafor", "Amelia", "04/12/2017", "03", "Lincoln Elementary", "Dana Kim", "01/14/2026"),
    ("7300102", "Fernández", "Diego", "09/30/2015", "05", "Lincoln Elementary", "Dana Kim", "02/03/2026"),
    ("7300104", "Tanaka", "Hiroshi", "06/02/2018", "KN", "Cedar Grove Elementary", "Luis Ortega", "03/10/2026"),
    ("7300108", "Müller", "Lucas", "11/21/2016", "04", "Cedar Grove Elementary", "Luis Ortega", "04/22/2026"),
]

# key, area, goal number text, person, baseline, goal, [(summary, comment) for periods 1..3]
SEIS_GOALS = [
    ("7300101", "Fine Motor", "OT (1 of 2)", "Occupational Therapist", "Copies 2 of 5 words legibly from a model.",
     "By the annual review, will copy a 3-sentence passage legibly in 4 of 5 trials, as measured by work samples.",
     [("Progressing", "Copied 3 of 5 words legibly in 4 of 5 trials (work samples, Oct)."),
      ("Progressing", "Copies a sentence legibly in 3 of 5 trials; spacing improved with a spacer tool."),
      ("Met", "Copied a 3-sentence passage legibly in 4 of 5 trials (work samples, Mar).")]),
    ("7300101", "Sensory Processing", "OT (2 of 2)", "OT",
     "Needs 4+ adult prompts to stay seated for a 10-minute lesson.",
     "Will use a self-chosen sensory strategy to stay seated for 15 minutes with 1 prompt in 4 of 5 lessons.",
     [("Progressing", "Stayed seated 10 minutes with 2 prompts in 3 of 5 observed lessons."),
      ("", ""),
      ("", "")]),
    ("7300101", "Expressive Language", "Speech (1 of 1)", "Speech-Language Pathologist",
     "Uses 3-word phrases.", "Will use 5-word sentences to request in 4 of 5 opportunities.",
     [("Progressing", "4-word phrases in 3 of 5 opportunities."), ("Progressing", "5-word sentences 2 of 5."),
      ("", "")]),
    ("7300102", "Keyboarding", "OT (1 of 2)", "Occupational Therapist", "Types 5 words per minute.",
     "Will type 15 words per minute with 90% accuracy on a 2-minute timed test, in 3 of 4 trials.",
     [("Progressing", "Typed 8 wpm, 85% accuracy (2-minute test, 3 of 4 trials)."),
      ("Progressing", "Typed 11 wpm, 88% accuracy in 3 of 4 trials."),
      ("", "")]),
    ("7300102", "Fine Motor", "OT (2 of 2)", "OT", "Opens 1 of 4 lunch containers on his own.",
     "Will open 4 of 4 lunch containers on his own on 4 of 5 school days.",
     [("Progressing", "Opens 2 of 4 containers on 3 of 5 days."),
      ("Progressing", "Opens 3 of 4 containers on 4 of 5 days."),
      ("Progressing", "Opens 4 of 4 containers on 3 of 5 days.")]),
    ("7300104", "Visual Motor", "OT (1 of 1)", "Occupational Therapist", "Cuts on a straight line within 1 inch.",
     "Will cut along a curved line within 1/4 inch in 4 of 5 trials.",
     [("Not progressing", "Cut within 1 inch in 2 of 5 trials; attendance gaps in October."),
      ("Progressing", "Cut a curve within 1/2 inch in 3 of 5 trials."),
      ("", "")]),
    ("7300108", "Expressive Language", "Speech (1 of 1)", "Speech-Language Pathologist", "Two-word phrases.",
     "Will use 4-word phrases in 4 of 5 opportunities.",
     [("Progressing", "3-word phrases."), ("Progressing", "4-word phrases 2 of 5."), ("", "")]),
]


def seis_goals_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SEIS_COLUMNS)
    students = {s[0]: s for s in SEIS_STUDENTS}
    for key, area, number, person, baseline, goal, periods in SEIS_GOALS:
        _key, last, first, birth, grade, school, manager, iep = students[key]
        row = dict.fromkeys(SEIS_COLUMNS, "")
        row.update({"SEIS ID": key, "District ID": "D" + key[-4:], "Last Name": last, "First Name": first,
                    "Birthdate": birth, "Grade": grade, "School of Attendance": school,
                    "District of Service": "Riverbend Unified", "Case Manager": manager, "IEP Date": iep,
                    "Eligibility Status": "Eligible", "Area Of Need": area, "Annual Goal #": number,
                    "Baseline": baseline, "Goal": goal, "Person Responsible": person,
                    "Objective 1": "Objective: 50% of the goal by the first progress report.",
                    "Goal Met": "No", "Created By": "Alex Rivera", "Record Status": "Active",
                    "Source System": "SEIS", "Export Batch": "B-2027-03", "Export Timestamp": "03/20/2027 16:05"})
        for n, (summary, comment) in enumerate(periods, 1):
            row[f"Progress Report {n} Summary "] = summary
            row[f"Progress Report {n} Comments  "] = comment
        writer.writerow([row[c] for c in SEIS_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


CASELOAD_HEADER = ["Student ID", "Last Name", "First Name", "DOB", "Grade", "School", "Case Manager",
                   "Annual Review", "Minutes/Week"]
CASELOAD_STUDENTS = [  # the first students of samples/caseload.xlsx, with their goals and progress
    ("1001", "O'Brien", "Liam", "2018-03-14", "1", "Lincoln Elementary", "Dana Kim", "2026-12-01", 30,
     [("Fine Motor", "Will write his first and last name legibly in 4 of 5 trials.", "Writes first name only.",
       [("Progressing", "First name legibly 4 of 5; last name 2 of 5."), ("Progressing", "Full name 3 of 5."),
        ("", "")]),
      ("Self-Care", "Will manage coat zipper independently in 4 of 5 opportunities.", "Needs hand-over-hand.",
       [("Progressing", "With a verbal cue 3 of 5."), ("Met", "Independent 5 of 5 (teacher log)."),
        ("Met", "Maintained.")])]),
    ("1002", "Ramírez", "José", "2016-07-02", "4", "Cedar Grove Elementary", "Luis Ortega", "2027-01-19", 60,
     [("Keyboarding", "Will type 20 wpm with 90% accuracy in 3 of 4 timed tests.", "Types 9 wpm.",
       [("Progressing", "12 wpm, 86% accuracy."), ("", ""), ("", "")])]),
    ("1003", "Nguyễn", "Zoë", "2017-11-30", "3", "Lincoln Elementary", "Dana Kim", "2027-02-10", 30,
     [("Visual Motor", "Will copy a 10-shape design with no errors in 4 of 5 trials.", "Copies 4 shapes.",
       [("Progressing", "6 shapes, 1 error, 3 of 5 trials."), ("Progressing", "8 shapes in 4 of 5."),
        ("Progressing", "10 shapes, 1 error, 3 of 5.")]),
      ("Sensory Processing", "Will use a movement break to return to task within 2 minutes in 4 of 5 lessons.",
       "Off task 8+ minutes after recess.",
       [("Progressing", "Returns within 4 minutes in 3 of 5."), ("Progressing", "Within 3 minutes, 4 of 5."),
        ("", "")])]),
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
    (HERE / "seis_student_goals.csv").write_bytes(seis_goals_csv())
    caseload_progress_xlsx(HERE / "caseload_progress.xlsx")
    print(f"wrote {HERE / 'seis_student_goals.csv'} and {HERE / 'caseload_progress.xlsx'}")


if __name__ == "__main__":
    main()

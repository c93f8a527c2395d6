"""Rebuild samples/caseload.xlsx: a fictional school OT caseload with the hard cases on purpose.

Every name and record here is invented. The sheet looks like one a therapist keeps by hand:
a header with a trailing space, IDs stored as numbers, a formula column saved with its cached
value (as Excel saves it), apostrophes, accents, ``&`` and ``<`` in text, a multi-line note, a
blank row in the middle, two students with the same name, and a 504 student.

Run: python samples/make_samples.py
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

HERE = Path(__file__).resolve().parent
FOLDER_URL = "https://drive.google.com/drive/folders/"

HEADERS = [
    "Student ID", "Last Name", "First Name", "DOB", "Grade", "School", "Teacher ",
    "Case Manager", "Plan Type", "Eligibility", "IEP Date", "Annual Review", "Triennial",
    "Session Minutes", "Sessions/Week", "Minutes/Week", "Setting", "Goal 1", "Goal 2", "Goal 3",
    "Accommodations", "Drive Folder", "Notes",
]

GOALS = {
    "handwriting": "Given a slant board and visual model, will copy a 3-sentence passage legibly "
                   "(correct letter formation, spacing) in 4 of 5 trials.",
    "scissors": "Will cut along a curved line within 1/4 inch with loop scissors in 4 of 5 trials.",
    "keyboard": "Will type 15 correct words per minute on a classroom Chromebook by the annual review.",
    "regulation": "Using a Zones of Regulation check-in, will identify their zone and choose a "
                  "strategy with no more than 1 prompt in 80% of opportunities.",
    "organization": "Will pack and unpack their backpack using a picture checklist with 90% "
                    "independence over 2 weeks.",
    "buttons": "Will fasten and unfasten 4 buttons on a smock within 2 minutes in 3 of 4 trials.",
    "sensory": "Will use a self-selected sensory tool to remain seated for 10 minutes of carpet "
               "time in 4 of 5 sessions.",
    "grasp": "Will use a functional tripod grasp on a short pencil for 5 minutes of writing in 4 of 5 trials.",
    "visual": "Will locate and copy 5 words from the board to paper with no more than 1 error.",
}

ACCOMMODATIONS = {
    "slant": "Slant board for writing tasks",
    "grip": "Pencil grip available",
    "breaks": "Movement breaks every 20 minutes",
    "seat": "Preferential seating near instruction",
    "notes": "Copy of teacher notes",
    "time": "Extended time (1.5x) on written tasks",
    "cushion": "Wiggle cushion during seated work",
    "keyboard": "Keyboard/speech-to-text for assignments over 1 paragraph",
    "paper": "Raised-line or highlighted paper",
    "visual": "Visual schedule on desk",
}

SCHOOLS = ["Lincoln Elementary", "Cedar Grove Elementary", "Riverside Middle School"]

# (id, last, first, dob, grade, school#, teacher, case manager, plan, eligibility,
#  iep date, annual review, triennial, minutes, sessions, setting, goals, accommodations, notes)
STUDENTS = [
    (1001, "O'Brien", "Liam", "2018-03-14", "2", 0, "Ms. Patel", "Dana Kim", "IEP",
     "Autism", "2025-12-02", "2026-12-01", "2027-11-15", 30, 1, "Pull-out, small group",
     ["handwriting", "regulation"], ["slant", "grip", "breaks"],
     "Loves dinosaurs & trains; <5 min tolerance for fine-motor tasks at start of year."),
    (1002, "Ramírez", "José", "2017-07-02", "3", 0, "Mr. Okafor", "Dana Kim", "IEP",
     "Specific Learning Disability", "2026-01-20", "2027-01-19", "2028-01-10", 30, 2,
     "Push-in, classroom", ["handwriting", "keyboard", "visual"], ["keyboard", "time"],
     "Parent prefers Spanish for phone calls.\nSee OT eval 01/2026 for VMI scores."),
    (1003, "Nguyễn", "Zoë", "2019-10-11", "K", 0, "Mrs. Lund", "Dana Kim", "IEP",
     "Developmental Delay", "2026-02-11", "2027-02-10", "2029-02-01", 30, 1,
     "Pull-out, individual", ["scissors", "buttons", "grasp"], ["paper", "visual"], ""),
    (1004, "Lefèvre", "Chloé", "2016-05-23", "4", 1, "Ms. Haddad", "Marcus Bell", "504",
     "ADHD", "2026-09-15", "2027-09-14", "", 0, 0, "Consult", [],
     ["breaks", "seat", "cushion", "time"], "504 consult only: monthly check-in with teacher."),
    (1005, "Washington", "Amara", "2015-12-01", "5", 1, "Mr. Silva", "Marcus Bell", "IEP",
     "Other Health Impairment", "2025-12-10", "2026-12-09", "2027-12-01", 30, 1,
     "Pull-out, small group", ["organization", "keyboard"], ["notes", "keyboard"], ""),
    (1006, "Martinez", "Sofia", "2017-02-17", "3", 0, "Mr. Okafor", "Dana Kim", "IEP",
     "Speech or Language Impairment", "2026-03-03", "2027-03-02", "2028-03-01", 30, 1,
     "Push-in, classroom", ["handwriting"], ["grip"], "Same name as another student; check ID."),
    (1007, "Martinez", "Sofia", "2014-08-30", "6", 2, "Ms. Brooks", "Ruth Alvarez", "IEP",
     "Autism", "2026-04-14", "2027-04-13", "2026-12-20", 45, 1, "Pull-out, individual",
     ["regulation", "organization"], ["visual", "breaks"], ""),
    (1008, "Chen", "Ethan", "2018-11-05", "1", 0, "Mrs. Lund", "Dana Kim", "IEP",
     "Autism", "2026-05-05", "2027-05-04", "2029-05-01", 30, 2, "Pull-out, small group",
     ["sensory", "regulation", "scissors"], ["cushion", "breaks", "visual"],
     "Sensory diet posted in classroom.\nOT/OTA: OTA sees Tuesdays; OT Thursdays."),
    (1009, "Abdullah", "Yusuf", "2016-01-29", "4", 1, "Ms. Haddad", "Marcus Bell", "IEP",
     "Orthopedic Impairment", "2026-06-01", "2027-05-31", "2028-05-15", 60, 1,
     "Pull-out, individual", ["keyboard", "buttons"], ["keyboard", "time", "seat"], ""),
    (1010, "Kowalski", "Hanna", "2019-04-18", "K", 0, "Mrs. Lund", "Dana Kim", "IEP",
     "Developmental Delay", "2025-11-12", "2026-11-11", "2028-11-01", 30, 1,
     "Pull-out, small group", ["grasp", "scissors"], ["paper"], "Review overdue: reschedule."),
    (1011, "Johnson", "Malik", "2015-09-09", "5", 1, "Mr. Silva", "Marcus Bell", "504",
     "Dysgraphia", "2026-10-01", "2027-09-30", "", 0, 0, "Consult", [],
     ["keyboard", "notes", "time"], ""),
    (1012, "García-López", "Valentina", "2017-12-24", "2", 0, "Ms. Patel", "Dana Kim", "IEP",
     "Specific Learning Disability", "2026-01-08", "2027-01-07", "2028-01-05", 30, 1,
     "Push-in, classroom", ["handwriting", "visual"], ["slant", "paper"], ""),
    (1013, "Smith", "Olivia", "2014-03-03", "6", 2, "Ms. Brooks", "Ruth Alvarez", "IEP",
     "Other Health Impairment", "2026-02-24", "2027-02-23", "2027-02-20", 30, 1,
     "Pull-out, small group", ["organization"], ["notes", "visual"], ""),
    (1014, "Patel", "Arjun", "2016-06-16", "4", 1, "Ms. Haddad", "Marcus Bell", "IEP",
     "Autism", "2026-03-17", "2027-03-16", "2029-03-10", 30, 2, "Pull-out, individual",
     ["regulation", "sensory"], ["cushion", "breaks"], ""),
    (1015, "Dubois", "Noémie", "2018-09-21", "2", 0, "Ms. Patel", "Dana Kim", "IEP",
     "Developmental Delay", "2026-04-02", "2027-04-01", "2029-04-01", 30, 1,
     "Pull-out, small group", ["grasp", "handwriting"], ["grip", "slant"], ""),
    (1016, "Brown", "Jayden", "2015-01-12", "5", 1, "Mr. Silva", "Marcus Bell", "IEP",
     "Emotional Disturbance", "2026-04-28", "2027-04-27", "2028-04-20", 30, 1,
     "Pull-out, individual", ["regulation"], ["breaks", "seat"], ""),
    (1017, "Yamamoto", "Kenji", "2017-05-05", "3", 0, "Mr. Okafor", "Dana Kim", "IEP",
     "Orthopedic Impairment", "2026-05-19", "2027-05-18", "2028-05-15", 45, 1,
     "Pull-out, individual", ["keyboard", "buttons", "grasp"], ["keyboard", "time"], ""),
    (1018, "Ivanova", "Anastasia", "2014-10-10", "6", 2, "Ms. Brooks", "Ruth Alvarez", "504",
     "Anxiety", "2026-08-25", "2027-08-24", "", 0, 0, "Consult", [], ["breaks", "seat"], ""),
    (1019, "Hernández", "Mateo", "2019-01-30", "K", 0, "Mrs. Lund", "Dana Kim", "IEP",
     "Speech or Language Impairment", "2026-09-09", "2027-09-08", "2029-09-01", 30, 1,
     "Push-in, classroom", ["scissors", "grasp"], ["paper", "visual"], ""),
    (1020, "Okonkwo", "Chidi", "2016-11-11", "4", 1, "Ms. Haddad", "Marcus Bell", "IEP",
     "Specific Learning Disability", "2026-10-06", "2027-10-05", "2028-10-01", 30, 1,
     "Pull-out, small group", ["handwriting", "visual"], ["slant", "notes"], ""),
    (1021, "Müller", "Lena", "2018-02-02", "2", 0, "Ms. Patel", "Dana Kim", "IEP",
     "Autism", "2025-12-15", "2026-12-14", "2027-12-10", 30, 2, "Pull-out, individual",
     ["sensory", "buttons"], ["cushion", "visual"], ""),
    (1022, "Thompson", "Ava", "2015-06-06", "5", 1, "Mr. Silva", "Marcus Bell", "IEP",
     "Other Health Impairment", "2026-01-13", "2027-01-12", "2028-01-10", 30, 1,
     "Pull-out, small group", ["organization", "keyboard"], ["time", "keyboard"], ""),
    (1023, "Rossi", "Luca", "2017-03-27", "3", 0, "Mr. Okafor", "Dana Kim", "IEP",
     "Developmental Delay", "2026-02-17", "2027-02-16", "2028-02-10", 30, 1,
     "Push-in, classroom", ["handwriting", "scissors"], ["grip"], ""),
    (1024, "Begay", "Nizhoni", "2014-12-19", "6", 2, "Ms. Brooks", "Ruth Alvarez", "IEP",
     "Specific Learning Disability", "2026-03-24", "2027-03-23", "2027-03-20", 30, 1,
     "Pull-out, small group", ["keyboard", "organization"], ["keyboard", "notes"], ""),
    (1025, "Said", "Layla", "2016-08-08", "4", 1, "Ms. Haddad", "Marcus Bell", "IEP",
     "Autism", "2026-04-21", "2027-04-20", "2029-04-15", 30, 1, "Pull-out, individual",
     ["regulation", "sensory", "organization"], ["visual", "breaks", "cushion"], ""),
    (1026, "Fitzgerald", "Siobhán", "2018-07-14", "1", 0, "Mrs. Lund", "Dana Kim", "IEP",
     "Other Health Impairment", "2026-05-26", "2027-05-25", "2028-05-20", 30, 1,
     "Pull-out, small group", ["grasp", "buttons"], ["grip", "paper"], ""),
    (1027, "Cohen", "Eli", "2015-04-04", "5", 1, "Mr. Silva", "Marcus Bell", "504",
     "Type 1 Diabetes", "2026-09-29", "2027-09-28", "", 0, 0, "Consult", [],
     ["breaks", "time"], "Health plan on file with the school nurse."),
]


def iso(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def student_row(record: tuple, number: int) -> list:
    (sid, last, first, dob, grade, school, teacher, manager, plan, eligibility, iep, annual,
     triennial, minutes, sessions, setting, goals, accommodations, notes) = record
    goal_cells = [GOALS[g] for g in goals] + [""] * (3 - len(goals))
    # IDs typed into Excel are stored as numbers; one is stored as a float, as some exports do.
    stored_id = float(sid) if sid == 1008 else sid
    return [
        stored_id, last, first, iso(dob), grade, SCHOOLS[school], teacher, manager, plan,
        eligibility, iso(iep), iso(annual), iso(triennial), minutes or None, sessions or None,
        f"=N{number}*O{number}", setting, *goal_cells,
        "; ".join(ACCOMMODATIONS[a] for a in accommodations),
        FOLDER_URL + f"1FakeFolder{sid}xYz", notes,
    ]


def build_workbook() -> tuple[bytes, dict[str, int]]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Caseload"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cached: dict[str, int] = {}
    number = 2
    for index, record in enumerate(STUDENTS):
        if index == 12:  # a blank row left in the middle, as people do
            number += 1
            sheet.append([])
        sheet.append(student_row(record, number))
        cached[f"P{number}"] = (record[13] or 0) * (record[14] or 0)
        number += 1
    date_columns = "DKLM"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column_letter in date_columns:
                cell.number_format = "mm/dd/yyyy"
            if cell.column_letter in ("R", "S", "T", "U", "W"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in {"B": 14, "C": 12, "D": 11, "R": 40, "S": 40, "U": 40, "W": 40}.items():
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), cached


def with_cached_formula_values(data: bytes, cached: dict[str, int]) -> bytes:
    """openpyxl saves formulas without results; Excel saves both. Add the results, as Excel would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode("utf-8")
                for ref, value in cached.items():
                    text, count = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/?>(</v>)?',
                                          rf"\g<1><v>{value}</v>", text)
                    assert count == 1, ref
                content = text.encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 11, 1, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def main() -> None:
    data, cached = build_workbook()
    (HERE / "caseload.xlsx").write_bytes(with_cached_formula_values(data, cached))
    print(f"wrote {HERE / 'caseload.xlsx'} ({len(STUDENTS)} students)")


if __name__ == "__main__":
    main()

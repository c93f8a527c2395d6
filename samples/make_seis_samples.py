"""Rebuild samples/seis/: fictional California SEIS report downloads, in SEIS's own layouts.

Four reports, as a district's IEP system exports them: Services (one row per service, several
per student, sometimes the same service twice), Student Goals (one row per goal, repeated rows,
headers with trailing spaces and a line break), IEP Dates, and Accommodations (one row per
accommodation). Some students have no OT service (speech only), some have goals in areas OT does
not own, one has accommodations but no services (a 504-style student), one OT student is missing
from the IEP Dates report, and one student's grade differs between two service rows. Every record
is invented. Run: python samples/make_seis_samples.py
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "seis"

SERVICE_HEADERS = [
    "SEIS ID", "SSID", "Student Legal First Name", "Student Legal Last Name", "Student Birth Date",
    "Enrollment Date", "Reporting LEA", "District of Special Education Accountability", "School of Attendance",
    "Grade", "Case Manager", "Special Education Service Code", "Special Education Service Provider Code",
    "Nonpublic Agency Identifier (NPA)", "Special Education Service Location Code", "Service Duration",
    "Service Frequency Code",
]
GOAL_HEADERS = [
    "SEIS ID", "Student Last Name", "Student First Name", "IEP Date", "Area Of Need ", "Annual Goal #",
    "Baseline", "Goal", "Person Responsible ", "Objective 1", "Objective 2", "Progress\nReport 1",
]
DATE_HEADERS = [
    "SEIS ID", "Student Last Name", "Student First Name", "Date of IEP", "Date of Next Annual Plan Review",
    "Date of Next Reevaluation", "Meeting Type", "Disability 1",
]
ACCOMMODATION_HEADERS = [
    "SEIS ID", "Student Last Name", "Student First Name", "Category", "Accommodation", "Start Date", "End Date",
    "Frequency", "Location",
]

OT = "450 - Occupational therapy"
SPEECH = "415 - Language and speech"
SAI = "330 - Specialized academic instruction"
WEEKLY, MONTHLY, DAILY, YEARLY = ("20 - Weekly (one or more times a week)", "30 - Monthly (one or more times a "
                                  "month)", "10 - Daily", "40 - Yearly (one or more times a year)")
OT_PROVIDER, SLP_PROVIDER, TEACHER = "080 - Occupational therapist", "070 - Speech-language pathologist", \
    "010 - Special education teacher"
CLASSROOM, SEPARATE, RESOURCE = ("400 - Regular classroom/public day school", "410 - Separate class",
                                 "420 - Resource room/service provider location")

# id, first, last, birth, grade, school, case manager, disability, iep date, annual review, reeval
STUDENTS = [
    ("7300101", "Amelia", "Okafor", "2017-04-12", "03", "Lincoln Elementary", "Dana Kim", "Autism",
     "2026-01-14", "2027-01-13", "2028-01-10"),
    ("7300102", "Diego", "Fernández", "2018-09-30", "02", "Lincoln Elementary", "Dana Kim",
     "Specific learning disability", "2026-02-03", "2027-02-02", "2029-01-20"),
    ("7300103", "Grace", "O'Neill", "2016-06-06", "04", "Cedar Grove Elementary", "Marcus Bell",
     "Other health impairment", "2026-03-10", "2027-03-09", "2027-12-01"),
    ("7300104", "Hiroshi", "Tanaka", "2019-01-22", "KN", "Lincoln Elementary", "Dana Kim",
     "Developmental delay", "2026-09-18", "2027-09-17", "2028-09-01"),
    ("7300105", "Isabella", "Rossi & Chen", "2015-11-02", "05", "Cedar Grove Elementary", "Marcus Bell",
     "Orthopedic impairment", "2025-12-04", "2026-12-03", "2027-11-20"),
    ("7300106", "Jamal", "Washington", "2014-07-19", "06", "Riverside Middle School", "Ruth Alvarez",
     "Emotional disturbance", "2026-04-22", "2027-04-21", "2028-04-15"),
    ("7300107", "Keira", "Nakamura-Lee", "2017-12-11", "03", "Lincoln Elementary", "Dana Kim", "Autism",
     "2026-05-06", "2027-05-05", "2029-05-01"),
    ("7300108", "Lucas", "Müller", "2018-03-03", "02", "Cedar Grove Elementary", "Marcus Bell",
     "Speech or language impairment", "2026-05-27", "2027-05-26", "2028-05-20"),
    ("7300109", "Maya", "Patel", "2016-10-10", "04", "Cedar Grove Elementary", "Marcus Bell",
     "Specific learning disability", "2026-08-26", "2027-08-25", "2028-08-20"),
    ("7300110", "Noah", "Begay", "2019-05-15", "KN", "Lincoln Elementary", "Dana Kim", "Developmental delay",
     "2025-11-18", "2026-11-17", "2028-11-10"),
    ("7300111", "Olivia", "Haddad", "2015-02-28", "05", "Cedar Grove Elementary", "Marcus Bell", "Autism",
     "2026-10-07", "2027-10-06", "2028-10-01"),
    ("7300112", "Pedro", "Álvarez", "2014-09-09", "06", "Riverside Middle School", "Ruth Alvarez",
     "Speech or language impairment", "2026-01-28", "2027-01-27", "2028-01-20"),
    ("7300113", "Quinn", "Sullivan", "2017-08-08", "03", "Lincoln Elementary", "Dana Kim",
     "Other health impairment", "2026-02-24", "2027-02-23", "2028-02-20"),
    ("7300114", "Rosa", "Jiménez", "2018-12-01", "01", "Lincoln Elementary", "Dana Kim", "Autism",
     "2026-03-31", "2027-03-30", "2029-03-25"),
    ("7300115", "Samuel", "Cohen", "2016-01-05", "04", "Cedar Grove Elementary", "Marcus Bell",
     "Orthopedic impairment", "2026-04-14", "2027-04-13", "2028-04-10"),
    ("7300116", "Tala", "Yazzie", "2015-05-25", "05", "Cedar Grove Elementary", "Marcus Bell",
     "Specific learning disability", "2026-06-02", "2027-06-01", "2028-05-30"),
    ("7300117", "Uma", "Reddy", "2014-03-14", "06", "Riverside Middle School", "Ruth Alvarez",
     "Other health impairment", "2026-09-29", "2027-09-28", "2028-09-25"),
    ("7300118", "Victor", "Dubois", "2017-10-30", "03", "Lincoln Elementary", "Dana Kim",
     "Speech or language impairment", "2026-10-20", "2027-10-19", "2028-10-15"),
    ("7300119", "Wen", "Zhao", "2016-04-04", "04", "Cedar Grove Elementary", "Marcus Bell", "",
     "2026-09-01", "2027-08-31", ""),
]

# (id, service, provider, location, minutes per period, frequency)
SERVICES = [
    ("7300101", OT, OT_PROVIDER, RESOURCE, 60, WEEKLY),
    ("7300101", SPEECH, SLP_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300101", OT, OT_PROVIDER, CLASSROOM, 30, MONTHLY),
    ("7300102", OT, OT_PROVIDER, CLASSROOM, 30, WEEKLY),
    ("7300102", SAI, TEACHER, RESOURCE, 150, WEEKLY),
    ("7300103", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300103", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),  # the same service listed twice
    ("7300104", OT, OT_PROVIDER, RESOURCE, 60, WEEKLY),
    ("7300104", SPEECH, SLP_PROVIDER, RESOURCE, 60, WEEKLY),
    ("7300105", OT, OT_PROVIDER, SEPARATE, 45, WEEKLY),
    ("7300105", OT, OT_PROVIDER, CLASSROOM, 60, MONTHLY),
    ("7300106", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300107", OT, OT_PROVIDER, RESOURCE, 60, WEEKLY),
    ("7300108", SPEECH, SLP_PROVIDER, RESOURCE, 60, WEEKLY),  # speech only: no OT plan
    ("7300109", OT, OT_PROVIDER, CLASSROOM, 120, MONTHLY),
    ("7300110", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300111", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300111", SAI, TEACHER, SEPARATE, 300, WEEKLY),
    ("7300112", SPEECH, SLP_PROVIDER, RESOURCE, 30, WEEKLY),  # speech only: no OT plan
    ("7300113", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300114", OT, OT_PROVIDER, RESOURCE, 60, WEEKLY),
    ("7300114", SPEECH, SLP_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300115", OT, OT_PROVIDER, SEPARATE, 60, WEEKLY),
    ("7300116", OT, OT_PROVIDER, CLASSROOM, 15, DAILY),
    ("7300117", OT, OT_PROVIDER, RESOURCE, 30, WEEKLY),
    ("7300118", OT, OT_PROVIDER, RESOURCE, 180, YEARLY),
    # 7300119 has accommodations only: a 504-style student with no services.
]

OT_PERSON, SLP_PERSON, TEACHER_PERSON = "Occupational Therapist", "Speech-Language Pathologist", \
    "Special Education Teacher"
GOAL_TEXT = {
    "Fine Motor": ("Copies 2 of 5 words legibly from a model.",
                   "By the annual review, will copy a 3-sentence passage legibly (correct letter formation and "
                   "spacing) in 4 of 5 trials, as measured by work samples."),
    "Visual Motor": ("Cuts a straight line within 1/2 inch.",
                     "By the annual review, will cut along a curved line within 1/4 inch in 4 of 5 trials, as "
                     "measured by therapist data."),
    "Sensory Processing": ("Leaves carpet time 3 times per session.",
                           "By the annual review, will use a self-selected sensory strategy to stay with the group "
                           "for 10 minutes in 4 of 5 sessions, as measured by teacher data."),
    "Self-Help": ("Needs help with 4 of 4 buttons.",
                  "By the annual review, will fasten 4 buttons within 2 minutes in 3 of 4 trials."),
    "Keyboarding": ("Types 5 correct words per minute.",
                    "By the annual review, will type 15 correct words per minute on a Chromebook, as measured by "
                    "typing probes."),
    "Expressive Language": ("Uses 3-word phrases.", "By the annual review, will use 5-word sentences to request "
                            "help in 4 of 5 opportunities."),
    "Reading Fluency": ("Reads 40 words per minute.", "By the annual review, will read 70 words per minute."),
}

# (id, area, goal number, person responsible)
GOALS = [
    ("7300101", "Fine Motor", 1, OT_PERSON), ("7300101", "Sensory Processing", 2, OT_PERSON),
    ("7300101", "Expressive Language", 3, SLP_PERSON),
    ("7300102", "Keyboarding", 2, OT_PERSON), ("7300102", "Fine Motor", 1, OT_PERSON),
    ("7300102", "Reading Fluency", 3, TEACHER_PERSON),
    ("7300103", "Fine Motor", 1, OT_PERSON), ("7300103", "Fine Motor", 1, OT_PERSON),  # repeated row
    ("7300104", "Visual Motor", 1, OT_PERSON), ("7300104", "Self-Help", 2, OT_PERSON),
    ("7300104", "Expressive Language", 3, SLP_PERSON),
    ("7300105", "Keyboarding", 1, OT_PERSON), ("7300105", "Self-Help", 2, OT_PERSON),
    ("7300106", "Sensory Processing", 1, OT_PERSON),
    ("7300107", "Sensory Processing", 1, OT_PERSON), ("7300107", "Fine Motor", 2, OT_PERSON),
    ("7300107", "Visual Motor", 10, OT_PERSON),
    ("7300108", "Expressive Language", 1, SLP_PERSON),
    ("7300109", "Fine Motor", 1, OT_PERSON),
    ("7300110", "Visual Motor", 1, OT_PERSON), ("7300110", "Self-Help", 2, OT_PERSON),
    ("7300111", "Sensory Processing", 1, OT_PERSON), ("7300111", "Reading Fluency", 2, TEACHER_PERSON),
    ("7300112", "Expressive Language", 1, SLP_PERSON),
    ("7300113", "Keyboarding", 1, OT_PERSON),
    ("7300114", "Fine Motor", 1, OT_PERSON), ("7300114", "Sensory Processing", 2, OT_PERSON),
    ("7300115", "Keyboarding", 1, OT_PERSON), ("7300115", "Self-Help", 2, OT_PERSON),
    ("7300116", "Fine Motor", 1, OT_PERSON),
    ("7300117", "Sensory Processing", 1, OT_PERSON),
    # 7300118 has an OT service but no goals yet (consult-only plan).
]

# (id, category, accommodation, frequency, location)
ACCOMMODATIONS = [
    ("7300101", "Instructional", "Visual schedule on desk", "Daily", "General education classroom"),
    ("7300101", "Physical/Health", "Movement breaks every 20 minutes", "Daily", "All settings"),
    ("7300102", "Testing", "Extended time (1.5x) on written tasks", "During tests", "All settings"),
    ("7300102", "Instructional", "Speech-to-text for assignments over 1 paragraph", "Daily", "All settings"),
    ("7300103", "Classroom", "Slant board & pencil grip <available at desk>", "Daily", "Classroom"),
    ("7300105", "Classroom", "Adapted seating with footrest", "Daily", "All settings"),
    ("7300105", "Classroom", "Adapted seating with footrest", "Daily", "All settings"),  # exported twice
    ("7300107", "Physical/Health", "Noise-reducing headphones", "As needed", "All settings"),
    ("7300110", "Instructional", "Raised-line paper", "Daily", "Classroom"),
    ("7300114", "Physical/Health", "Wiggle cushion during seated work", "Daily", "Classroom"),
    ("7300117", "Testing", "Separate setting for tests", "During tests", "Testing room"),
    ("7300119", "Classroom", "Preferential seating near instruction", "Daily", "Classroom"),
    ("7300119", "Testing", "Extended time (1.5x) on tests", "During tests", "All settings"),
]

MISSING_FROM_DATES = {"7300113"}
GRADE_TYPO = {("7300105", 1): "04"}  # a stale second service row says grade 04 where the first says 05


def student(seis_id: str) -> tuple:
    return next(s for s in STUDENTS if s[0] == seis_id)


def us_date(iso: str) -> str:
    """SEIS CSV downloads write dates as M/D/YYYY."""
    if not iso:
        return ""
    value = dt.date.fromisoformat(iso)
    return f"{value.month}/{value.day}/{value.year}"


def write_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)


def service_rows() -> list[list]:
    rows, seen = [], {}
    for seis_id, service, provider, location, minutes, frequency in SERVICES:
        s = student(seis_id)
        index = seen[seis_id] = seen.get(seis_id, -1) + 1
        grade = GRADE_TYPO.get((seis_id, index), s[4])
        rows.append([seis_id, f"55{seis_id[-5:]}0123", s[1], s[2], us_date(s[3]), "8/12/2026",
                     "Riverbend Unified", "Riverbend Unified", s[5], grade, s[6], service, provider, "", location,
                     minutes, frequency])
    return rows


def goal_rows() -> list[list]:
    rows = []
    for seis_id, area, number, person in GOALS:
        s = student(seis_id)
        baseline, goal = GOAL_TEXT[area]
        iep = dt.date.fromisoformat(s[8])
        # Excel date cells for most rows; one row carries the raw serial number, as some exports do.
        iep_cell = (iep - dt.date(1899, 12, 30)).days if seis_id == "7300104" else iep
        rows.append([seis_id, s[2], s[1], iep_cell, area, number, baseline, goal, person,
                     "Objective: 50% accuracy by the first progress report.", "", "Progressing"])
    return rows


def date_rows() -> list[list]:
    rows = []
    for index, s in enumerate(STUDENTS):
        if s[0] in MISSING_FROM_DATES:
            continue
        # Text dates in two styles, as different exports write them.
        annual = s[9] if index % 2 else us_date(s[9])
        rows.append([s[0], s[2], s[1], us_date(s[8]), annual, us_date(s[10]), "Annual", s[7]])
    return rows


def accommodation_rows() -> list[list]:
    return [[seis_id, student(seis_id)[2], student(seis_id)[1], category, text, "8/12/2026", "6/10/2027",
             frequency, location] for seis_id, category, text, frequency, location in ACCOMMODATIONS]


def write_goals_xlsx(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Student Goals"
    sheet.append(GOAL_HEADERS)
    for row in goal_rows():
        sheet.append(row)
    for cell in sheet["D"][1:]:
        if not isinstance(cell.value, int):
            cell.number_format = "m/d/yyyy"
    workbook.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    write_csv(HERE / "services.csv", SERVICE_HEADERS, service_rows())
    write_goals_xlsx(HERE / "student_goals.xlsx")
    write_csv(HERE / "iep_dates.csv", DATE_HEADERS, date_rows())
    write_csv(HERE / "accommodations.csv", ACCOMMODATION_HEADERS, accommodation_rows())
    print(f"wrote {HERE} ({len(STUDENTS)} students)")


if __name__ == "__main__":
    main()

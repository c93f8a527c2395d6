"""Rebuild samples/seis/: fictional California SEIS report downloads, in the layouts SEIS ships.

Three reports, as a provider downloads them from SEIS (layouts from public parser fixtures that
mirror real exports; every person and value here is invented):

- Student Goals Report: one row per goal, 59 columns, CSV with a UTF-8 byte-order mark and CRLF
  line ends; progress-report headers end in one or two spaces; `Annual Goal #` is text
  (`OT (1 of 2)`, `Speech (1 of 1)`, `Academic #1: 2026 - 2027`, blank); goal cells with line
  breaks, commas and quotes. Also saved as .xlsx (xlsx/), and as the district-wide export, which
  inserts an SSID column after SEIS ID (district-wide/).
- Deliveries: one row per service, `Name` as "Last, First", `450 - Occupational Therapy`,
  Direct/Consult, a service that changed mid-year on two rows with different dates, and
  `Sessions / Frequency` in every form SEIS writes.
- IEP Dates: 17 columns, a preferred name here and there, an impossible date (13/45/2026) on a
  student who gets no OT plan, and one OT student missing.

Students without an OT service (speech only) appear in every report, as they do in a real
download. Run: python samples/make_seis_samples.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "seis"
DISTRICT = "Riverbend Unified"

GOAL_HEADERS = [
    "SEIS ID",
    "District ID",
    "Last Name",
    "First Name",
    "Birthdate",
    "Grade",
    "School of Attendance",
    "District of Service",
    "Case Manager",
    "IEP Date",
    "Eligibility Status",
    "Area Of Need",
    "Annual Goal #",
    "Baseline",
    "Goal",
    "Purpose(s) of Goal",
    "Standard",
    "Person Responsible",
    *[f"Objective {n}{suffix}" for n in (1, 2, 3) for suffix in ("", " Met", " Date Met")],
    *[f"Progress Report {n} {kind}" for n in range(1, 7) for kind in ("Summary ", "Comments  ")],
    "Goal Met",
    "Created By",
    "Created Date",
    "Last Modified By",
    "Last Modified Date",
    "Reporting Progress",
    "Comparison To Goal",
    "Progress Percentage",
    "Grade Level Standard",
    "Curriculum",
    "Frequency",
    "Assessment Method",
    "Owner",
    "Owner Email",
    "Case Manager Email",
    "Record Locked",
    "Record Status",
    "Source System",
    "Export Batch",
    "Export Timestamp",
]
DELIVERY_HEADERS = [
    "Name",
    "SEIS ID",
    "Service",
    "Delivery",
    "Start Date",
    "End Date",
    "Sessions / Frequency",
    "Location",
    "Total Minutes (min/year)",
    "Total Delivered",
    "Medi-Cal Billing Consent",
]
DATE_HEADERS = [
    "SEIS ID",
    "SSID",
    "Last Name",
    "First Name",
    "Student Middle Name",
    "Preferred Name",
    "Date of Birth",
    "District of Service",
    "District of SPED Accountability",
    "School of Attendance",
    "Grade Level",
    "Case Manager",
    "Disability 1",
    "Date of Next Annual Plan Review",
    "Date of Next Reevaluation",
    "Date of IEP (Meeting Date on Future IEP forms)",
    "Meeting Type",
]

# id, first, middle, preferred, last, birth, grade, school, case manager, disability, iep date, reevaluation
STUDENTS = [
    (
        "7300101",
        "Amelia",
        "Rose",
        "Millie",
        "Okafor",
        "2017-04-12",
        "03",
        "Lincoln Elementary",
        "Dana Kim",
        "Autism",
        "2026-01-14",
        "2028-01-10",
    ),
    (
        "7300102",
        "Diego",
        "",
        "",
        "Fernández",
        "2018-09-30",
        "02",
        "Lincoln Elementary",
        "Dana Kim",
        "Specific Learning Disability",
        "2026-02-03",
        "2029-01-20",
    ),
    (
        "7300103",
        "Grace",
        "Ann",
        "",
        "O'Neill",
        "2016-06-06",
        "04",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Other Health Impairment",
        "2026-03-10",
        "2027-12-01",
    ),
    (
        "7300104",
        "Hiroshi",
        "",
        "Hiro",
        "Tanaka",
        "2021-01-22",
        "18",
        "Lincoln Elementary",
        "Dana Kim",
        "Developmental Delay",
        "2026-09-18",
        "2028-09-01",
    ),
    (
        "7300105",
        "Isabella",
        "",
        "Bella",
        "Rossi & Chen",
        "2015-11-02",
        "05",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Orthopedic Impairment",
        "2025-12-04",
        "2027-11-20",
    ),
    (
        "7300106",
        "Jamal",
        "",
        "",
        "Washington",
        "2014-07-19",
        "06",
        "Riverside Middle School",
        "Ruth Alvarez",
        "Emotional Disturbance",
        "2026-04-22",
        "2028-04-15",
    ),
    (
        "7300107",
        "Keira",
        "",
        "",
        "Nakamura-Lee",
        "2017-12-11",
        "03",
        "Lincoln Elementary",
        "Dana Kim",
        "Autism",
        "2026-05-06",
        "2029-05-01",
    ),
    (
        "7300108",
        "Lucas",
        "",
        "",
        "Müller",
        "2018-03-03",
        "02",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Speech or Language Impairment",
        "2026-05-27",
        "2028-05-20",
    ),
    (
        "7300109",
        "Maya",
        "",
        "",
        "Patel",
        "2016-10-10",
        "04",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Specific Learning Disability",
        "2026-08-26",
        "2028-08-20",
    ),
    (
        "7300110",
        "Noah",
        "",
        "",
        "Begay",
        "2020-05-15",
        "KN",
        "Lincoln Elementary",
        "Dana Kim",
        "Developmental Delay",
        "2025-11-18",
        "2028-11-10",
    ),
    (
        "7300111",
        "Olivia",
        "",
        "Liv",
        "Haddad",
        "2015-02-28",
        "05",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Autism",
        "2026-10-07",
        "2028-10-01",
    ),
    (
        "7300112",
        "Pedro",
        "",
        "",
        "Álvarez",
        "2014-09-09",
        "06",
        "Riverside Middle School",
        "Ruth Alvarez",
        "Speech or Language Impairment",
        "2026-01-28",
        "2028-01-20",
    ),
    (
        "7300113",
        "Quinn",
        "",
        "",
        "Sullivan",
        "2017-08-08",
        "03",
        "Lincoln Elementary",
        "Dana Kim",
        "Other Health Impairment",
        "2026-02-24",
        "2028-02-20",
    ),
    (
        "7300114",
        "Rosa",
        "",
        "",
        "Jiménez",
        "2019-12-01",
        "01",
        "Lincoln Elementary",
        "Dana Kim",
        "Autism",
        "2026-03-31",
        "2029-03-25",
    ),
    (
        "7300115",
        "Samuel",
        "",
        "Sam",
        "Cohen",
        "2016-01-05",
        "04",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Orthopedic Impairment",
        "2026-04-14",
        "2028-04-10",
    ),
    (
        "7300116",
        "Tala",
        "",
        "",
        "Yazzie",
        "2015-05-25",
        "05",
        "Cedar Grove Elementary",
        "Marcus Bell",
        "Specific Learning Disability",
        "2026-06-02",
        "2028-05-30",
    ),
    (
        "7300117",
        "Uma",
        "",
        "",
        "Reddy",
        "2012-03-14",
        "08",
        "Riverside Middle School",
        "Ruth Alvarez",
        "Other Health Impairment",
        "2026-09-29",
        "2028-09-25",
    ),
    (
        "7300118",
        "Victor",
        "",
        "",
        "Dubois",
        "2017-10-30",
        "03",
        "Lincoln Elementary",
        "Dana Kim",
        "Speech or Language Impairment",
        "2026-10-20",
        "2028-10-15",
    ),
    (
        "7300119",
        "Wen",
        "",
        "",
        "Zhao",
        "2009-04-04",
        "11",
        "Riverbend High School",
        "Ruth Alvarez",
        "Specific Learning Disability",
        "2026-09-01",
        "",
    ),
]
# Only in the district-wide export: students on other schools' caseloads.
DISTRICT_ONLY = [
    (
        "7300120",
        "Xochitl",
        "",
        "",
        "Ramírez",
        "2013-06-21",
        "07",
        "Riverside Middle School",
        "Ruth Alvarez",
        "Autism",
        "2026-02-11",
        "2028-02-01",
    ),
    (
        "7300121",
        "Yusuf",
        "",
        "",
        "Karimi",
        "2011-08-30",
        "09",
        "Riverbend High School",
        "Ruth Alvarez",
        "Specific Learning Disability",
        "2026-03-17",
        "2028-03-10",
    ),
]

OT = "450 - Occupational Therapy"
SPEECH = "415 - Language and Speech"
SAI = "330 - Specialized Academic Instruction"
RESOURCE, CLASSROOM, SEPARATE = "Resource Room", "Regular Classroom/Public Day School", "Separate Class"

# (id, service, delivery, start, end, sessions / frequency, location); blank dates: the IEP year
SERVICES = [
    # Changed mid-year: twice a week until August, then once a week. Both rows stay in the report.
    ("7300101", OT, "Direct", "2026-01-14", "2026-08-11", "30 min x 2 Times = 60 min Weekly", RESOURCE),
    ("7300101", OT, "Direct", "2026-08-12", "2027-01-13", "30 min Weekly", RESOURCE),
    ("7300101", OT, "Consult", "", "", "15 min Monthly", CLASSROOM),
    ("7300101", SPEECH, "Direct", "", "", "30 min Weekly", RESOURCE),
    ("7300102", OT, "Direct", "", "", "30 min Weekly", CLASSROOM),
    ("7300102", SAI, "Direct", "", "", "150 min Weekly", RESOURCE),
    ("7300103", OT, "Direct", "", "", "30 min x 2 Times = 60 min Weekly", RESOURCE),
    ("7300104", OT, "Direct", "", "", "60 min Weekly", RESOURCE),
    ("7300104", SPEECH, "Direct", "", "", "60 min Weekly", RESOURCE),
    # Current row until December, the new IEP's row already entered: the current one counts.
    ("7300105", OT, "Direct", "2025-12-04", "2026-12-03", "45 min Weekly", SEPARATE),
    ("7300105", OT, "Direct", "2026-12-04", "2027-12-03", "120 min Monthly", SEPARATE),
    ("7300105", OT, "Consult", "", "", "60 min Monthly", CLASSROOM),
    ("7300106", OT, "Direct", "", "", "30 min Weekly", RESOURCE),
    ("7300107", OT, "Direct", "", "", "60 min x 2 Times = 120 min Daily", RESOURCE),
    ("7300108", SPEECH, "Direct", "", "", "60 min Weekly", RESOURCE),  # speech only: no OT plan
    ("7300109", OT, "Consult", "", "", "120 min Monthly", CLASSROOM),
    # Last year's service ended; this year's started after the annual review.
    ("7300110", OT, "Direct", "2024-11-19", "2025-11-17", "60 min Weekly", RESOURCE),
    ("7300110", OT, "Direct", "2025-11-18", "2026-11-17", "30 min Weekly", RESOURCE),
    ("7300110", OT, "Direct", "2026-11-18", "2027-11-17", "45 min Weekly", RESOURCE),
    ("7300111", OT, "Direct", "", "", "30 min Weekly", RESOURCE),
    ("7300111", SAI, "Direct", "", "", "300 min Weekly", SEPARATE),
    ("7300112", SPEECH, "Direct", "", "", "30 min Weekly", RESOURCE),  # speech only: no OT plan
    ("7300113", OT, "Direct", "", "", "30 mins served Weekly", RESOURCE),
    ("7300114", OT, "Direct", "", "", "60 min Weekly", RESOURCE),
    ("7300114", SPEECH, "Direct", "", "", "30 min Weekly", RESOURCE),
    ("7300115", OT, "Direct", "", "", "60 min Weekly", SEPARATE),
    ("7300116", OT, "Direct", "", "", "15 min Weekly", CLASSROOM),
    ("7300117", OT, "Direct", "", "", "30 min x 2 Times = 60 min Weekly", RESOURCE),
    ("7300118", OT, "Consult", "", "", "300 min Yearly", CLASSROOM),  # consult only, no goals yet
    ("7300119", SAI, "Direct", "", "", "120 min Weekly", RESOURCE),
    ("7300120", OT, "Direct", "", "", "30 min Weekly", RESOURCE),
    ("7300121", SPEECH, "Direct", "", "", "30 min Weekly", RESOURCE),
]

GOAL_TEXT = {
    "Fine Motor": (
        "Copies 2 of 5 words legibly from a model.",
        "By the annual review, will copy a 3-sentence passage legibly (correct letter formation and "
        "spacing) in 4 of 5 trials, as measured by work samples.",
    ),
    "Visual Motor": (
        "Cuts a straight line within 1/2 inch.",
        "By the annual review, will cut along a curved line within 1/4 inch in 4 of 5 trials.",
    ),
    "Sensory Processing": (
        "Leaves carpet time 3 times per session.",
        "By the annual review, will use a self-selected sensory strategy to stay with the "
        'group for 10 minutes in 4 of 5 sessions.\nMeasured by teacher data, "calm body" '
        "checklist.",
    ),
    "Self-Help": (
        "Needs help with 4 of 4 buttons.",
        "By the annual review, will fasten 4 buttons within 2 minutes in 3 of 4 trials.",
    ),
    "Keyboarding": (
        "Types 5 correct words per minute.",
        "By the annual review, will type 15 correct words per minute on a Chromebook, as measured by typing probes.",
    ),
    "Expressive Language": (
        "Uses 3-word phrases.",
        "By the annual review, will use 5-word sentences to request help in 4 of 5 opportunities.",
    ),
    "Reading Fluency": ("Reads 40 words per minute.", "By the annual review, will read 70 words per minute."),
}
OT_PERSON, SLP_PERSON = "Occupational Therapist", "Speech-Language Pathologist"
RSP_PERSON = "Resource Specialist and General Education Teacher"

# (id, Annual Goal #, area, person responsible), in the order the report lists them
GOALS = [
    ("7300101", "OT (2 of 2)", "Sensory Processing", OT_PERSON),  # the report lists goal 2 first
    ("7300101", "OT (1 of 2)", "Fine Motor", OT_PERSON),
    ("7300101", "Speech (1 of 1)", "Expressive Language", SLP_PERSON),
    ("7300102", "OT (1 of 2)", "Fine Motor", "OT"),
    ("7300102", "Academic #1: 2026 - 2027", "Reading Fluency", RSP_PERSON),
    ("7300102", "OT (2 of 2)", "Keyboarding", "OT"),
    # Numbered as an academic goal, owned by OT: kept by its person responsible.
    ("7300103", "Academic #1: 2026 - 2027", "Fine Motor", "Occupational Therapist and General Education Teacher"),
    ("7300103", "Academic #2", "Reading Fluency", RSP_PERSON),
    ("7300104", "OT (1 of 2)", "Visual Motor", OT_PERSON),
    ("7300104", "OT (2 of 2)", "Self-Help", OT_PERSON),
    ("7300104", "Speech (1 of 1)", "Expressive Language", SLP_PERSON),
    ("7300105", "OT (2 of 2)", "Self-Help", OT_PERSON),
    ("7300105", "OT (1 of 2)", "Keyboarding", OT_PERSON),
    ("7300106", "", "Sensory Processing", "OT"),  # no goal number at all
    ("7300107", "OT (3 of 3)", "Visual Motor", OT_PERSON),
    ("7300107", "OT (1 of 3)", "Sensory Processing", OT_PERSON),
    ("7300107", "OT (2 of 3)", "Fine Motor", OT_PERSON),
    ("7300108", "Speech (1 of 1)", "Expressive Language", SLP_PERSON),
    ("7300109", "OT (1 of 1)", "Fine Motor", OT_PERSON),
    ("7300110", "OT (1 of 2)", "Visual Motor", OT_PERSON),
    ("7300110", "OT (2 of 2)", "Self-Help", OT_PERSON),
    ("7300111", "Academic #1: 2026 - 2027", "Reading Fluency", RSP_PERSON),
    ("7300111", "OT (1 of 1)", "Sensory Processing", OT_PERSON),
    ("7300112", "Speech (1 of 1)", "Expressive Language", SLP_PERSON),
    ("7300113", "OT (1 of 1)", "Keyboarding", "OT"),
    ("7300114", "OT (1 of 2)", "Fine Motor", OT_PERSON),
    ("7300114", "OT (2 of 2)", "Sensory Processing", OT_PERSON),
    ("7300115", "OT (1 of 2)", "Keyboarding", OT_PERSON),
    ("7300115", "OT (2 of 2)", "Self-Help", OT_PERSON),
    ("7300116", "OT (1 of 1)", "Fine Motor", OT_PERSON),
    ("7300117", "OT (1 of 1)", "Sensory Processing", OT_PERSON),
    ("7300119", "Academic #1: 2026 - 2027", "Reading Fluency", RSP_PERSON),
    ("7300120", "OT (1 of 1)", "Visual Motor", OT_PERSON),
    ("7300121", "Speech (1 of 1)", "Expressive Language", SLP_PERSON),
]
ASSESSMENT = {
    OT_PERSON: "Work samples and therapist data",
    "OT": "Therapist data collection",
    SLP_PERSON: "Language sample",
    RSP_PERSON: "Curriculum-based measurement",
}

MISSING_FROM_DATES = {"7300113"}
IMPOSSIBLE_DATE = {"7300112": "13/45/2026"}  # as SEIS exports sometimes show: never read (no OT plan)


def every_student() -> list[tuple]:
    return STUDENTS + DISTRICT_ONLY


def student(seis_id: str) -> tuple:
    return next(s for s in every_student() if s[0] == seis_id)


def in_export(seis_id: str, district_wide: bool) -> bool:
    return district_wide or all(s[0] != seis_id for s in DISTRICT_ONLY)


def us_date(value: str | dt.date, padded: bool = False) -> str:
    """SEIS CSV downloads write dates as M/D/YYYY (some reports zero-pad: MM/DD/YYYY)."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%m/%d/%Y}" if padded else f"{day.month}/{day.day}/{day.year}"


def annual_review(s: tuple) -> dt.date:
    iep = dt.date.fromisoformat(s[10])
    return iep.replace(year=iep.year + 1) - dt.timedelta(days=1)


def ssid(seis_id: str) -> str:
    return f"55{seis_id[-5:]}012"


def write_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)


def yearly_minutes(frequency: str) -> int:
    words = frequency.split()
    per_period = int(words[words.index("=") + 1]) if "=" in words else int(words[0])
    return per_period * {"Daily": 180, "Weekly": 36, "Monthly": 10, "Yearly": 1}[words[-1]]


def delivery_rows(district_wide: bool) -> list[list]:
    rows = []
    for number, (seis_id, service, delivery, start, end, frequency, location) in enumerate(SERVICES):
        if not in_export(seis_id, district_wide):
            continue
        s = student(seis_id)
        start = start or s[10]
        end = end or annual_review(s).isoformat()
        total = yearly_minutes(frequency)
        rows.append(
            [
                f"{s[4]}, {s[1]}",
                seis_id,
                service,
                delivery,
                us_date(start),
                us_date(end),
                frequency,
                location,
                total,
                total * (number % 5) // 10,
                "Yes" if number % 3 else "No",
            ]
        )
    return rows


# Each goal's progress comments differ, as a therapist's notes do (a sample where every goal reads the same
# comment hides a report that repeats one goal's comment).
FIRST_NOTES = [
    "Steady gains with visual cues",
    "Needs a model for each step",
    "Works best early in the session",
    "Uses the checklist with 1 reminder",
    "Gains hold from week to week",
    "Starts the task with a first-then card",
    "Tires in the last 5 minutes",
]
SECOND_NOTES = [
    "with fewer prompts than last period",
    "with one verbal prompt",
    "carried over to the classroom",
    "with a visual timer",
    "in a small group",
    "without the adapted tool",
]


def goal_values(seis_id: str, label: str, area: str, person: str, index: int) -> dict[str, object]:
    """One goal's cells by header (dates as dates: the CSV writes them as text, the xlsx as date cells)."""
    s = student(seis_id)
    baseline, goal = GOAL_TEXT[area]
    iep = dt.date.fromisoformat(s[10])
    values: dict[str, object] = dict.fromkeys(GOAL_HEADERS, "")
    values.update(
        {
            "SEIS ID": seis_id,
            "District ID": f"RB{seis_id[-4:]}",
            "Last Name": s[4],
            "First Name": s[1],
            "Birthdate": dt.date.fromisoformat(s[5]),
            "Grade": s[6],
            "School of Attendance": s[7],
            "District of Service": DISTRICT,
            "Case Manager": s[8],
            "IEP Date": iep,
            "Eligibility Status": "Eligible",
            "Area Of Need": area,
            "Annual Goal #": label,
            "Baseline": baseline,
            "Goal": goal,
            "Purpose(s) of Goal": "Access to the general curriculum",
            "Standard": "CA CCSS W.3.6" if index % 2 else "",
            "Person Responsible": person,
            "Objective 1": f"By the first progress report, {area.lower()}: 50% accuracy.",
            "Objective 1 Met": "Yes" if index % 3 == 0 else "No",
            "Objective 1 Date Met": iep + dt.timedelta(days=90) if index % 3 == 0 else "",
            "Objective 2": f"By the second progress report, {area.lower()}: 75% accuracy.",
            "Objective 2 Met": "No",
            "Progress Report 1 Summary ": "Progressing",
            "Progress Report 1 Comments  ": f"{FIRST_NOTES[index % len(FIRST_NOTES)]}; {1 + index % 4} of 5 trials.",
            "Progress Report 2 Summary ": "Emerging" if index % 2 else "Progressing",
            "Progress Report 2 Comments  ": f"{2 + index % 3} of 5 trials, {SECOND_NOTES[index % len(SECOND_NOTES)]}.",
            "Goal Met": "No",
            "Created By": "Alex Rivera",
            "Created Date": iep - dt.timedelta(days=14),
            "Last Modified By": "Alex Rivera",
            "Last Modified Date": iep,
            "Reporting Progress": "Yes",
            "Comparison To Goal": "Progressing toward goal",
            "Progress Percentage": f"{40 + index % 5 * 10}%",
            "Frequency": "Each trimester",
            "Assessment Method": ASSESSMENT.get(person, "Observation"),
            "Owner": "Alex Rivera",
            "Owner Email": "arivera@riverbend.example",
            "Case Manager Email": f"{s[8].split()[0][0].lower()}{s[8].split()[1].lower()}@riverbend.example",
            "Record Locked": "No",
            "Record Status": "Active",
            "Source System": "SEIS",
            "Export Batch": "B-20261120",
            "Export Timestamp": "11/20/2026 7:02:15 AM",
        }
    )
    if index % 4 == 1:
        values["Objective 3"] = f"By the annual review, {area.lower()}: independently."
        values["Progress Report 3 Summary "] = "Met"
        values["Progress Report 3 Comments  "] = "Generalized to the classroom."
    return values


def goal_records(district_wide: bool) -> list[dict[str, object]]:
    return [
        goal_values(seis_id, label, area, person, index)
        for index, (seis_id, label, area, person) in enumerate(GOALS)
        if in_export(seis_id, district_wide)
    ]


def goal_headers(district_wide: bool) -> list[str]:
    return GOAL_HEADERS[:1] + ["SSID"] + GOAL_HEADERS[1:] if district_wide else GOAL_HEADERS


def goal_rows_as_text(district_wide: bool) -> list[list]:
    rows = []
    for record in goal_records(district_wide):
        record["SSID"] = ssid(str(record["SEIS ID"]))
        rows.append(
            [us_date(v) if isinstance(v, dt.date) else v for v in (record[h] for h in goal_headers(district_wide))]
        )
    return rows


def write_goals_xlsx(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Student Goals Report"
    sheet.append(GOAL_HEADERS)
    for record in goal_records(district_wide=False):
        sheet.append([record[h] if record[h] != "" else None for h in GOAL_HEADERS])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "m/d/yyyy"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(reproducible(buffer.getvalue()))


def reproducible(data: bytes) -> bytes:
    """The same bytes on every run: fixed file times and document timestamps (openpyxl stamps 'now')."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-11-20T07:02:15Z", content)
            target.writestr(
                zipfile.ZipInfo(item.filename, date_time=(2026, 11, 20, 7, 2, 14)), content, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def date_rows(district_wide: bool) -> list[list]:
    rows = []
    for index, s in enumerate(every_student()):
        if s[0] in MISSING_FROM_DATES or not in_export(s[0], district_wide):
            continue
        padded = index % 2 == 1  # both date styles occur
        annual = IMPOSSIBLE_DATE.get(s[0]) or us_date(annual_review(s), padded)
        rows.append(
            [
                s[0],
                ssid(s[0]),
                s[4],
                s[1],
                s[2],
                s[3],
                us_date(s[5], padded),
                DISTRICT,
                DISTRICT,
                s[7],
                s[6],
                s[8],
                s[9],
                annual,
                us_date(s[11], padded),
                us_date(s[10], padded),
                "20|",
            ]
        )
    return rows


def main() -> None:
    for old in ("services.csv", "student_goals.xlsx", "iep_dates.csv", "accommodations.csv"):
        (HERE / old).unlink(missing_ok=True)  # the imagined layouts these samples replace
    for folder, district_wide in ((HERE, False), (HERE / "district-wide", True)):
        write_csv(folder / "student_goals.csv", goal_headers(district_wide), goal_rows_as_text(district_wide))
        write_csv(folder / "deliveries.csv", DELIVERY_HEADERS, delivery_rows(district_wide))
        write_csv(folder / "iep_dates.csv", DATE_HEADERS, date_rows(district_wide))
    write_goals_xlsx(HERE / "xlsx" / "student_goals.xlsx")
    print(f"wrote {HERE} ({len(STUDENTS)} students; district-wide: {len(every_student())})")


if __name__ == "__main__":
    main()

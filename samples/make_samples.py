"""Rebuild samples/caseload.xlsx: a fictional school OT caseload with the hard cases on purpose.

Every name and record here is invented. The sheet looks like one a therapist keeps by hand:
a header with a trailing space, IDs stored as numbers, a formula column saved with its cached
value (as Excel saves it), apostrophes, accents, ``&`` and ``<`` in text, a multi-line note, a
blank row in the middle, two students with the same name, and 504 students (no goals).

The columns after "Notes" carry what a treatment plan holds beyond the IEP (present levels,
evaluation findings, approach, strategies, discharge criteria, OTA, ...) and the 504 details
(major life activity, accommodations by category), then precautions, allergies, hand dominance,
the service-delivery model, the 504 basis for eligibility and the parent progress-report schedule.
Some are left blank on purpose, so the templates' blank areas get exercised.

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
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FOLDER_URL = "https://drive.google.com/drive/folders/"

HEADERS = [
    "Student ID",
    "Last Name",
    "First Name",
    "DOB",
    "Grade",
    "School",
    "Teacher ",
    "Case Manager",
    "Plan Type",
    "Eligibility",
    "IEP Date",
    "Annual Review",
    "Triennial",
    "Session Minutes",
    "Sessions/Week",
    "Minutes/Week",
    "Setting",
    "Goal 1",
    "Goal 2",
    "Goal 3",
    "Accommodations",
    "Drive Folder",
    "Notes",
    # What the treatment plan holds beyond the IEP.
    "OTA",
    "Supervision",
    "Consult",
    "Present Levels",
    "Last OT Evaluation",
    "Evaluation Findings",
    "Approach",
    "Strategies",
    "Interests",
    "Discharge Criteria",
    "Referrals",
    "Evidence",
    # Section 504 details.
    "Major Life Activity",
    "Classroom Accommodations",
    "Testing Accommodations",
    "Instructional Accommodations",
    "Health Accommodations",
    # Safety and participation, then the 504 basis and reporting schedule (public OT and 504 forms ask for them).
    "Precautions",
    "Allergies",
    "Hand Dominance",
    "Service Model",
    "Basis for Eligibility",
    "Progress Reports",
    # What school-OT plan forms also ask for: why the student was referred, strengths, the home program,
    # how goal progress is measured, and (504) how the condition limits the student at school.
    "Referral Reason",
    "Strengths",
    "Home Program",
    "Progress Measures",
    "Limitation",
]

GOALS = {
    "handwriting": "Given a slant board and visual model, will copy a 3-sentence passage legibly "
    "(correct letter formation, spacing) in 4 of 5 trials.",
    "scissors": "Will cut along a curved line within 1/4 inch with loop scissors in 4 of 5 trials.",
    "keyboard": "Will type 15 correct words per minute on a classroom Chromebook by the annual review.",
    "regulation": "Using a Zones of Regulation check-in, will identify their zone and choose a "
    "strategy with no more than 1 prompt in 80% of opportunities.",
    "organization": "Will pack and unpack their backpack using a picture checklist with 90% independence over 2 weeks.",
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
    (
        1001,
        "O'Brien",
        "Liam",
        "2018-03-14",
        "2",
        0,
        "Ms. Patel",
        "Dana Kim",
        "IEP",
        "Autism",
        "2025-12-02",
        "2026-12-01",
        "2027-11-15",
        30,
        1,
        "Pull-out, small group",
        ["handwriting", "regulation"],
        ["slant", "grip", "breaks"],
        "Loves dinosaurs & trains; <5 min tolerance for fine-motor tasks at start of year.",
    ),
    (
        1002,
        "Ramírez",
        "José",
        "2017-07-02",
        "3",
        0,
        "Mr. Okafor",
        "Dana Kim",
        "IEP",
        "Specific Learning Disability",
        "2026-01-20",
        "2027-01-19",
        "2028-01-10",
        30,
        2,
        "Push-in, classroom",
        ["handwriting", "keyboard", "visual"],
        ["keyboard", "time"],
        "Parent prefers Spanish for phone calls.\nSee OT eval 01/2026 for VMI scores.",
    ),
    (
        1003,
        "Nguyễn",
        "Zoë",
        "2019-10-11",
        "K",
        0,
        "Mrs. Lund",
        "Dana Kim",
        "IEP",
        "Developmental Delay",
        "2026-02-11",
        "2027-02-10",
        "2029-02-01",
        30,
        1,
        "Pull-out, individual",
        ["scissors", "buttons", "grasp"],
        ["paper", "visual"],
        "",
    ),
    (
        1004,
        "Lefèvre",
        "Chloé",
        "2016-05-23",
        "4",
        1,
        "Ms. Haddad",
        "Marcus Bell",
        "504",
        "ADHD",
        "2026-09-15",
        "2027-09-14",
        "",
        0,
        0,
        "Consult",
        [],
        ["breaks", "seat", "cushion", "time"],
        "504 consult only: monthly check-in with teacher.",
    ),
    (
        1005,
        "Washington",
        "Amara",
        "2015-12-01",
        "5",
        1,
        "Mr. Silva",
        "Marcus Bell",
        "IEP",
        "Other Health Impairment",
        "2025-12-10",
        "2026-12-09",
        "2027-12-01",
        30,
        1,
        "Pull-out, small group",
        ["organization", "keyboard"],
        ["notes", "keyboard"],
        "",
    ),
    (
        1006,
        "Martinez",
        "Sofia",
        "2017-02-17",
        "3",
        0,
        "Mr. Okafor",
        "Dana Kim",
        "IEP",
        "Speech or Language Impairment",
        "2026-03-03",
        "2027-03-02",
        "2028-03-01",
        30,
        1,
        "Push-in, classroom",
        ["handwriting"],
        ["grip"],
        "Same name as another student; check ID.",
    ),
    (
        1007,
        "Martinez",
        "Sofia",
        "2014-08-30",
        "6",
        2,
        "Ms. Brooks",
        "Ruth Alvarez",
        "IEP",
        "Autism",
        "2026-04-14",
        "2027-04-13",
        "2026-12-20",
        45,
        1,
        "Pull-out, individual",
        ["regulation", "organization"],
        ["visual", "breaks"],
        "",
    ),
    (
        1008,
        "Chen",
        "Ethan",
        "2018-11-05",
        "1",
        0,
        "Mrs. Lund",
        "Dana Kim",
        "IEP",
        "Autism",
        "2026-05-05",
        "2027-05-04",
        "2029-05-01",
        30,
        2,
        "Pull-out, small group",
        ["sensory", "regulation", "scissors"],
        ["cushion", "breaks", "visual"],
        "Sensory diet posted in classroom.\nOT/OTA: OTA sees Tuesdays; OT Thursdays.",
    ),
    (
        1009,
        "Abdullah",
        "Yusuf",
        "2016-01-29",
        "4",
        1,
        "Ms. Haddad",
        "Marcus Bell",
        "IEP",
        "Orthopedic Impairment",
        "2026-06-01",
        "2027-05-31",
        "2028-05-15",
        60,
        1,
        "Pull-out, individual",
        ["keyboard", "buttons"],
        ["keyboard", "time", "seat"],
        "",
    ),
    (
        1010,
        "Kowalski",
        "Hanna",
        "2019-04-18",
        "K",
        0,
        "Mrs. Lund",
        "Dana Kim",
        "IEP",
        "Developmental Delay",
        "2025-11-12",
        "2026-11-11",
        "2028-11-01",
        30,
        1,
        "Pull-out, small group",
        ["grasp", "scissors"],
        ["paper"],
        "Review overdue: reschedule.",
    ),
    (
        1011,
        "Johnson",
        "Malik",
        "2015-09-09",
        "5",
        1,
        "Mr. Silva",
        "Marcus Bell",
        "504",
        "Dysgraphia",
        "2026-10-01",
        "2027-09-30",
        "",
        0,
        0,
        "Consult",
        [],
        ["keyboard", "notes", "time"],
        "",
    ),
    (
        1012,
        "García-López",
        "Valentina",
        "2017-12-24",
        "2",
        0,
        "Ms. Patel",
        "Dana Kim",
        "IEP",
        "Specific Learning Disability",
        "2026-01-08",
        "2027-01-07",
        "2028-01-05",
        30,
        1,
        "Push-in, classroom",
        ["handwriting", "visual"],
        ["slant", "paper"],
        "",
    ),
    (
        1013,
        "Smith",
        "Olivia",
        "2014-03-03",
        "6",
        2,
        "Ms. Brooks",
        "Ruth Alvarez",
        "IEP",
        "Other Health Impairment",
        "2026-02-24",
        "2027-02-23",
        "2027-02-20",
        30,
        1,
        "Pull-out, small group",
        ["organization"],
        ["notes", "visual"],
        "",
    ),
    (
        1014,
        "Patel",
        "Arjun",
        "2016-06-16",
        "4",
        1,
        "Ms. Haddad",
        "Marcus Bell",
        "IEP",
        "Autism",
        "2026-03-17",
        "2027-03-16",
        "2029-03-10",
        30,
        2,
        "Pull-out, individual",
        ["regulation", "sensory"],
        ["cushion", "breaks"],
        "",
    ),
    (
        1015,
        "Dubois",
        "Noémie",
        "2018-09-21",
        "2",
        0,
        "Ms. Patel",
        "Dana Kim",
        "IEP",
        "Developmental Delay",
        "2026-04-02",
        "2027-04-01",
        "2029-04-01",
        30,
        1,
        "Pull-out, small group",
        ["grasp", "handwriting"],
        ["grip", "slant"],
        "",
    ),
    (
        1016,
        "Brown",
        "Jayden",
        "2015-01-12",
        "5",
        1,
        "Mr. Silva",
        "Marcus Bell",
        "IEP",
        "Emotional Disturbance",
        "2026-04-28",
        "2027-04-27",
        "2028-04-20",
        30,
        1,
        "Pull-out, individual",
        ["regulation"],
        ["breaks", "seat"],
        "",
    ),
    (
        1017,
        "Yamamoto",
        "Kenji",
        "2017-05-05",
        "3",
        0,
        "Mr. Okafor",
        "Dana Kim",
        "IEP",
        "Orthopedic Impairment",
        "2026-05-19",
        "2027-05-18",
        "2028-05-15",
        45,
        1,
        "Pull-out, individual",
        ["keyboard", "buttons", "grasp"],
        ["keyboard", "time"],
        "",
    ),
    (
        1018,
        "Ivanova",
        "Anastasia",
        "2014-10-10",
        "6",
        2,
        "Ms. Brooks",
        "Ruth Alvarez",
        "504",
        "Anxiety",
        "2026-08-25",
        "2027-08-24",
        "",
        0,
        0,
        "Consult",
        [],
        ["breaks", "seat"],
        "",
    ),
    (
        1019,
        "Hernández",
        "Mateo",
        "2019-01-30",
        "K",
        0,
        "Mrs. Lund",
        "Dana Kim",
        "IEP",
        "Speech or Language Impairment",
        "2026-09-09",
        "2027-09-08",
        "2029-09-01",
        30,
        1,
        "Push-in, classroom",
        ["scissors", "grasp"],
        ["paper", "visual"],
        "",
    ),
    (
        1020,
        "Okonkwo",
        "Chidi",
        "2016-11-11",
        "4",
        1,
        "Ms. Haddad",
        "Marcus Bell",
        "IEP",
        "Specific Learning Disability",
        "2026-10-06",
        "2027-10-05",
        "2028-10-01",
        30,
        1,
        "Pull-out, small group",
        ["handwriting", "visual"],
        ["slant", "notes"],
        "",
    ),
    (
        1021,
        "Müller",
        "Lena",
        "2018-02-02",
        "2",
        0,
        "Ms. Patel",
        "Dana Kim",
        "IEP",
        "Autism",
        "2025-12-15",
        "2026-12-14",
        "2027-12-10",
        30,
        2,
        "Pull-out, individual",
        ["sensory", "buttons"],
        ["cushion", "visual"],
        "",
    ),
    (
        1022,
        "Thompson",
        "Ava",
        "2015-06-06",
        "5",
        1,
        "Mr. Silva",
        "Marcus Bell",
        "IEP",
        "Other Health Impairment",
        "2026-01-13",
        "2027-01-12",
        "2028-01-10",
        30,
        1,
        "Pull-out, small group",
        ["organization", "keyboard"],
        ["time", "keyboard"],
        "",
    ),
    (
        1023,
        "Rossi",
        "Luca",
        "2017-03-27",
        "3",
        0,
        "Mr. Okafor",
        "Dana Kim",
        "IEP",
        "Developmental Delay",
        "2026-02-17",
        "2027-02-16",
        "2028-02-10",
        30,
        1,
        "Push-in, classroom",
        ["handwriting", "scissors"],
        ["grip"],
        "",
    ),
    (
        1024,
        "Begay",
        "Nizhoni",
        "2014-12-19",
        "6",
        2,
        "Ms. Brooks",
        "Ruth Alvarez",
        "IEP",
        "Specific Learning Disability",
        "2026-03-24",
        "2027-03-23",
        "2027-03-20",
        30,
        1,
        "Pull-out, small group",
        ["keyboard", "organization"],
        ["keyboard", "notes"],
        "",
    ),
    (
        1025,
        "Said",
        "Layla",
        "2016-08-08",
        "4",
        1,
        "Ms. Haddad",
        "Marcus Bell",
        "IEP",
        "Autism",
        "2026-04-21",
        "2027-04-20",
        "2029-04-15",
        30,
        1,
        "Pull-out, individual",
        ["regulation", "sensory", "organization"],
        ["visual", "breaks", "cushion"],
        "",
    ),
    (
        1026,
        "Fitzgerald",
        "Siobhán",
        "2018-07-14",
        "1",
        0,
        "Mrs. Lund",
        "Dana Kim",
        "IEP",
        "Other Health Impairment",
        "2026-05-26",
        "2027-05-25",
        "2028-05-20",
        30,
        1,
        "Pull-out, small group",
        ["grasp", "buttons"],
        ["grip", "paper"],
        "",
    ),
    (
        1027,
        "Cohen",
        "Eli",
        "2015-04-04",
        "5",
        1,
        "Mr. Silva",
        "Marcus Bell",
        "504",
        "Type 1 Diabetes",
        "2026-09-29",
        "2027-09-28",
        "",
        0,
        0,
        "Consult",
        [],
        ["breaks", "time"],
        "Health plan on file with the school nurse.",
    ),
]


# Per goal area: what the therapist writes about present levels, evaluation results, the
# intervention approach (OTPF-4 names) and a strategy, program or activity idea.
PRESENT_LEVELS = {
    "handwriting": "Forms most lowercase letters from memory; letters drift off the baseline and "
    "spacing is uneven when copying from the board.",
    "scissors": "Snips and cuts straight lines; loses control on curves and turns the paper with the cutting hand.",
    "keyboard": "Types about 6 words per minute with two fingers; handwriting tires after a few sentences.",
    "regulation": "Names feelings with a visual; needs adult prompts to choose a calming strategy when upset.",
    "organization": "Needs 3-4 adult prompts to unpack, file papers and find materials each morning.",
    "buttons": "Manages large buttons with effort; small buttons and zippers need hand-over-hand help.",
    "sensory": "Leaves the carpet 3-4 times in 10 minutes; seeks movement and deep pressure.",
    "grasp": "Uses a 4-finger grasp and presses hard; tires after 2-3 minutes of writing.",
    "visual": "Loses place when copying from the board; copies 2-3 letters per look.",
}
FINDINGS = {
    "handwriting": "Beery VMI-6: visual-motor integration standard score 78 (below average)",
    "scissors": "PDMS-2: grasping and visual-motor integration below average",
    "keyboard": "Keyboarding screen: 6 words per minute, two-finger search",
    "regulation": "SPM-2 School Form: some problems in social participation and planning",
    "organization": "School Function Assessment: materials management below criterion",
    "buttons": "School Function Assessment: clothing management below criterion",
    "sensory": "SPM-2 School Form: definite difference in body awareness and balance",
    "grasp": "Clinical observation: immature grasp, reduced hand strength",
    "visual": "TVPS-4: visual memory and sequential memory below average",
}
APPROACH = {
    "handwriting": "Establish/restore",
    "scissors": "Establish/restore",
    "keyboard": "Modify/adapt",
    "regulation": "Establish/restore",
    "organization": "Modify/adapt",
    "buttons": "Establish/restore",
    "sensory": "Modify/adapt",
    "grasp": "Establish/restore",
    "visual": "Modify/adapt",
}
STRATEGIES = {
    "handwriting": "Handwriting program: letter-formation sequence with verbal cues",
    "scissors": "Graded cutting: straight, curved, then shapes",
    "keyboard": "10 minutes of keyboarding practice daily",
    "regulation": "Zones of Regulation lessons and daily check-ins",
    "organization": "Picture checklist for arrival and dismissal",
    "buttons": "Button board, large to small buttons",
    "sensory": "Sensory diet with scheduled movement breaks",
    "grasp": "Short pencils, tongs and tweezer games",
    "visual": "Near-point copy with highlighted lines",
}
INTERESTS = [
    "Dinosaurs, trains and Lego",
    "Soccer and drawing",
    "Animals, especially cats",
    "Minecraft",
    "Music and dancing",
    "Cars and building ramps",
    "Art and slime",
    "",
]
OTA = "Jordan Lee, COTA/L"
SUPERVISION = "OT and OTA co-treat monthly; 15-minute OT-OTA check-in every Friday; OT reviews OTA notes monthly"
IEP_DISCHARGE = (
    "Meets annual goals with classroom supports only, and the teacher reports the skills carry "
    "over to class work for one grading period."
)
CONSULT_504 = "15 min monthly"

HANDS = ["Right", "Right", "Left", "Right", "Right", "Not yet established", "Right"]
BASIS_504 = (
    "Physician's diagnosis; teacher and parent input; grades and work samples; classroom observation; OT consultation"
)
PROGRESS_REPORTS_504 = "With each report card (three times a year), and at the annual review"
PROGRESS_REPORTS_IEP = "Data checked every two weeks; progress report to parents each trimester, with the report card"
REFERRAL = {  # why the team asked for OT, by the first goal area
    "handwriting": "Teacher concern: written work is hard to read and takes much longer than classmates'.",
    "scissors": "Teacher concern: cutting and craft tasks are not finished without adult help.",
    "keyboard": "Handwriting fatigue limits written output; the team asked about keyboarding.",
    "regulation": "Frequent upsets during transitions keep the student out of class activities.",
    "organization": "Needs many adult prompts for morning and dismissal routines.",
    "buttons": "Needs adult help with clothing for toileting and recess.",
    "sensory": "Leaves the group often during carpet time and seated work.",
    "grasp": "Tires quickly when writing; grasp is immature for grade level.",
    "visual": "Loses place and makes many errors copying from the board.",
}
STRENGTHS = [
    "Eager to help classmates; follows a visual schedule well",
    "Strong reader; keeps trying when a task is hard",
    "Friendly and well liked; enjoys hands-on projects",
    "Good verbal skills; explains their thinking clearly",
    "Creative builder; works well with a partner",
    "Follows adult models closely; responds well to praise",
    "Loves to draw; strong memory for routines",
]
HOME_PROGRAM = {
    "handwriting": "Write a short grocery list or card together twice a week, with the slant board.",
    "scissors": "Cut out coupons or pictures from magazines on weekends.",
    "keyboard": "10 minutes of a free typing game three times a week.",
    "regulation": "Name the day's zone at dinner and practise one calming strategy together.",
    "organization": "Use the same picture checklist to pack the backpack each evening.",
    "buttons": "Practise buttons and zippers when dressing, with extra time in the morning.",
    "sensory": "Heavy-work jobs at home: carrying groceries, pushing the laundry basket.",
    "grasp": "Play-dough, tongs and clothespin games for a few minutes a day.",
    "visual": "Word searches and spot-the-difference puzzles together.",
}
MEASURES = {
    "handwriting": "Work samples scored for letter formation and spacing",
    "scissors": "Therapist data on cutting accuracy (within 1/4 inch)",
    "keyboard": "Timed typing checks (correct words per minute)",
    "regulation": "Teacher check-in sheet and therapist observation",
    "organization": "Picture-checklist data (prompts needed each day)",
    "buttons": "Timed fastening trials",
    "sensory": "Carpet-time observation (minutes seated)",
    "grasp": "Therapist observation of grasp during timed writing",
    "visual": "Copying work samples (errors per 5 words)",
}


def service_model(plan: str, setting: str) -> str:
    """The service-delivery model public OT forms ask for: direct, integrated (in class) or consultation."""
    if plan == "504" or setting == "Consult":
        return "Consultation"
    return "Integrated (in class)" if setting.lower().startswith("push-in") else "Direct (pull-out)"


# Student-specific details that do not follow from the goal areas.
DETAILS: dict[int, dict[str, str]] = {
    1001: {
        "Evidence": "Evaluation results and 6 weeks of baseline work samples (see OT evaluation).",
        "Allergies": "Latex: use latex-free putty and therapy bands",
    },
    1002: {"Referrals": "Vision screening with the school nurse (loses place when copying)"},
    1003: {"OTA": OTA, "Supervision": SUPERVISION, "Allergies": "Peanuts & tree nuts (EpiPen in the office)"},
    1004: {
        "Limitation": "Moving and focusing through seated lessons is hard, so classwork is often left unfinished.",
        "Major Life Activity": "Concentrating; Learning",
        "Present Levels": "Loses focus after about 15 minutes of seated work; moves best with a plan.",
        "Classroom Accommodations": "Movement breaks every 20 minutes; Preferential seating near "
        "instruction; Wiggle cushion during seated work",
        "Testing Accommodations": "Extended time (1.5x) on tests; Testing in a small-group setting",
        "Instructional Accommodations": "Directions given orally and in writing",
    },
    1008: {"OTA": OTA, "Supervision": SUPERVISION, "Referrals": "PT screen for core strength and balance"},
    1009: {
        "Precautions": "Seizure disorder: no climbing equipment; seizure plan on file",
        "Referrals": "PT: seating and mobility review; AT team: switch access for the Chromebook",
        "Evidence": "Keyboarding goal and adapted tools chosen with the AT team after a 4-week trial.",
    },
    1011: {
        "Limitation": "Writing by hand is slow and tiring, so written tests and long assignments are not finished.",
        "Major Life Activity": "Writing; Learning",
        "Classroom Accommodations": "Copy of teacher notes",
        "Testing Accommodations": "Extended time (1.5x) on tests; Typed responses on written tests",
        "Instructional Accommodations": "Keyboard/speech-to-text for assignments over 1 paragraph; "
        "Reduced copying from the board",
    },
    1013: {"Present Levels": "", "Evaluation Findings": "", "Discharge Criteria": ""},
    1016: {"Referrals": "School counselor: coping skills group", "Interests": ""},
    1018: {
        "Limitation": "Keeping attention through long lessons and tests is hard; work is left unfinished.",
        "Major Life Activity": "Learning; Concentrating",
        "Classroom Accommodations": "Movement breaks every 20 minutes; Preferential seating near "
        "instruction; Quiet space for breaks",
        "Testing Accommodations": "Testing in a separate, quiet room",
        "Instructional Accommodations": "Advance notice of schedule changes",
    },
    1019: {"OTA": OTA, "Supervision": SUPERVISION},
    1026: {"OTA": OTA, "Supervision": SUPERVISION, "Strategies": ""},
    1027: {
        "Limitation": "Blood glucose checks and low-sugar episodes interrupt class time and testing.",
        "Precautions": "Type 1 diabetes: check blood glucose before motor activity",
        "Allergies": "No known allergies",
        "Major Life Activity": "Endocrine function; Eating",
        "Classroom Accommodations": "Water bottle and snacks at desk",
        "Testing Accommodations": "Breaks for blood glucose checks, with the test clock stopped",
        "Instructional Accommodations": "Make-up work for health-related absences",
        "Health Accommodations": "Blood glucose checks as needed; Nurse visits without a pass; "
        "Follow the diabetes health plan on file",
    },
}


def iso(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def student_row(record: tuple, number: int) -> list:
    (
        sid,
        last,
        first,
        dob,
        grade,
        school,
        teacher,
        manager,
        plan,
        eligibility,
        iep,
        annual,
        triennial,
        minutes,
        sessions,
        setting,
        goals,
        accommodations,
        notes,
    ) = record
    goal_cells = [GOALS[g] for g in goals] + [""] * (3 - len(goals))
    # IDs typed into Excel are stored as numbers; one is stored as a float, as some exports do.
    stored_id = float(sid) if sid == 1008 else sid
    return [
        stored_id,
        last,
        first,
        iso(dob),
        grade,
        SCHOOLS[school],
        teacher,
        manager,
        plan,
        eligibility,
        iso(iep),
        iso(annual),
        iso(triennial),
        minutes or None,
        sessions or None,
        f"=N{number}*O{number}",
        setting,
        *goal_cells,
        "; ".join(ACCOMMODATIONS[a] for a in accommodations),
        FOLDER_URL + f"1FakeFolder{sid}xYz",
        notes,
        *plan_details(record),
    ]


def plan_details(record: tuple) -> list:
    """The beyond-the-IEP and 504 columns: derived from the goal areas, then per-student details."""
    sid, plan, iep, triennial, goals = record[0], record[8], record[10], record[12], record[16]
    # Evaluated three years before the next triennial; 504 students a month before their meeting.
    evaluated = iso(triennial).replace(year=int(triennial[:4]) - 3) if triennial else iso(iep) - dt.timedelta(days=30)
    values = {
        "OTA": "",
        "Supervision": "",
        "Consult": CONSULT_504 if plan == "504" else "",
        "Present Levels": " ".join(PRESENT_LEVELS[g] for g in goals),
        "Last OT Evaluation": evaluated,
        "Evaluation Findings": "\n".join(FINDINGS[g] for g in goals),
        "Approach": "; ".join(dict.fromkeys(APPROACH[g] for g in goals)) if goals else "Modify/adapt; Prevent",
        "Strategies": "; ".join(STRATEGIES[g] for g in goals),
        "Interests": INTERESTS[sid % len(INTERESTS)],
        "Discharge Criteria": IEP_DISCHARGE
        if goals
        else "Uses accommodations independently; teacher consultation no longer needed.",
        "Referrals": "",
        "Evidence": "",
        "Major Life Activity": "",
        "Classroom Accommodations": "",
        "Testing Accommodations": "",
        "Instructional Accommodations": "",
        "Health Accommodations": "",
        "Precautions": "",
        "Allergies": "",
        "Hand Dominance": HANDS[sid % len(HANDS)],
        "Service Model": service_model(plan, record[15]),
        "Basis for Eligibility": BASIS_504 if plan == "504" else "",
        "Progress Reports": PROGRESS_REPORTS_504 if plan == "504" else PROGRESS_REPORTS_IEP,
        "Referral Reason": REFERRAL[goals[0]] if goals else "",
        "Strengths": STRENGTHS[sid % len(STRENGTHS)],
        "Home Program": " ".join(HOME_PROGRAM[g] for g in goals),
        "Progress Measures": "; ".join(MEASURES[g] for g in goals),
        "Limitation": "",
    }
    values.update(DETAILS.get(sid, {}))
    return [values[header] or None for header in HEADERS[HEADERS.index("OTA") :]]


LONG_TEXT = (
    "Supervision",
    "Present Levels",
    "Evaluation Findings",
    "Strategies",
    "Discharge Criteria",
    "Evidence",
    "Classroom Accommodations",
    "Testing Accommodations",
    "Instructional Accommodations",
    "Health Accommodations",
)


def letters_of(*headers: str) -> set[str]:
    return {get_column_letter(HEADERS.index(header) + 1) for header in headers}


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
    date_columns = letters_of("DOB", "IEP Date", "Annual Review", "Triennial", "Last OT Evaluation")
    wrapped = letters_of("Goal 1", "Goal 2", "Goal 3", "Accommodations", "Notes", *LONG_TEXT)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column_letter in date_columns:
                cell.number_format = "mm/dd/yyyy"
            if cell.column_letter in wrapped:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in {"B": 14, "C": 12, "D": 11, "R": 40, "S": 40, "U": 40, "W": 40}.items():
        sheet.column_dimensions[letter].width = width
    for letter in letters_of(*LONG_TEXT):
        sheet.column_dimensions[letter].width = 40
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
                    text, count = re.subn(
                        rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/?>(</v>)?', rf"\g<1><v>{value}</v>", text
                    )
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

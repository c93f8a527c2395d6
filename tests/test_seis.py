"""SEIS downloads as SEIS ships them: three reports, many rows per student, pointed at from the command line.

Every expectation is recomputed here from the report files themselves (csv / openpyxl, a
reference reading of their rules), never copied from plangen's own output.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import RunOptions, prepare
from tests.helpers import MAPPINGS, SAMPLES, TODAY, docx_text

SEIS = SAMPLES / "seis"
DISTRICT = SEIS / "district-wide"
MAPPING = MAPPINGS / "seis.yaml"
FREQUENCY = re.compile(r"(\d+) mins?(?: x (\d+) Times = (\d+) min)?(?: served)? (Daily|Weekly|Monthly|Yearly)")


def named(goals: Path, services: Path = SEIS / "deliveries.csv", dates: Path = SEIS / "iep_dates.csv") -> list[str]:
    return [f"goals={goals}", f"services={services}", f"dates={dates}"]


EXPORTS = {  # how the therapist points plangen at the files -> (goals, deliveries, IEP dates) it should read
    "mapping defaults": (None, (SEIS / "student_goals.csv", SEIS / "deliveries.csv", SEIS / "iep_dates.csv")),
    "provider, CSV with BOM": (
        named(SEIS / "student_goals.csv"),
        (SEIS / "student_goals.csv", SEIS / "deliveries.csv", SEIS / "iep_dates.csv"),
    ),
    "provider, goals as xlsx": (
        named(SEIS / "xlsx" / "student_goals.xlsx"),
        (SEIS / "xlsx" / "student_goals.xlsx", SEIS / "deliveries.csv", SEIS / "iep_dates.csv"),
    ),
    "district-wide": (
        named(DISTRICT / "student_goals.csv", DISTRICT / "deliveries.csv", DISTRICT / "iep_dates.csv"),
        (DISTRICT / "student_goals.csv", DISTRICT / "deliveries.csv", DISTRICT / "iep_dates.csv"),
    ),
    "folder": ([str(SEIS)], (SEIS / "student_goals.csv", SEIS / "deliveries.csv", SEIS / "iep_dates.csv")),
    "district-wide folder": (
        [str(DISTRICT)],
        (DISTRICT / "student_goals.csv", DISTRICT / "deliveries.csv", DISTRICT / "iep_dates.csv"),
    ),
}


def report_rows(path: Path) -> list[dict]:
    """A report as header -> cell; headers trimmed (SEIS ends some with spaces), dates as M/D/YYYY text."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # as SEIS writes them
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        rows = [list(row) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    headers = [str(h).strip() for h in rows[0]]
    return [{h: _text(v) for h, v in zip(headers, row, strict=True)} for row in rows[1:]]


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return f"{value.month}/{value.day}/{value.year}"
    return "" if value is None else str(value)


def day(text: str) -> dt.date | None:
    if not text:
        return None
    month, day_, year = (int(p) for p in text.split("/"))
    return dt.date(year, month, day_)


def iep_period(key: str, dates: Path, deliveries: Path, goals: Path) -> tuple[dt.date, dt.date] | None:
    """The plan's IEP period (iep_period: current): the IEP Dates report's, or one begun by a row starting
    outside every known period; the one holding TODAY (the latest to start), else the last started."""
    row = next((r for r in report_rows(dates) if r["SEIS ID"] == key), None)
    if row is None or not row["Date of IEP (Meeting Date on Future IEP forms)"]:
        return None
    periods = [
        (day(row["Date of IEP (Meeting Date on Future IEP forms)"]), day(row["Date of Next Annual Plan Review"]))
    ]
    spans = [(day(r["Start Date"]), day(r["End Date"])) for r in report_rows(deliveries) if r["SEIS ID"] == key]
    spans += [(day(r["IEP Date"]), None) for r in report_rows(goals) if r["SEIS ID"] == key and r["IEP Date"]]
    for start, end in sorted(spans, key=lambda s: (s[0], s[1] is None, s[1] or dt.date.max)):
        if not any(a <= start and (b is None or start <= b) for a, b in periods):
            periods.append((start, end))
    started = [p for p in periods if p[0] <= TODAY]
    holding = [p for p in started if p[1] is None or TODAY <= p[1]]
    return max(holding or started, key=lambda p: p[0])


def in_period(start: dt.date, period: tuple[dt.date, dt.date] | None) -> bool:
    return period is None or (period[0] <= start and (period[1] is None or start <= period[1]))


def current(rows: list[dict]) -> list[dict]:
    """Per service and delivery: the row whose dates hold TODAY, else the next to start, else the last to end."""
    kept = []
    for group_key in dict.fromkeys((r["Service"], r["Delivery"]) for r in rows):
        group = [r for r in rows if (r["Service"], r["Delivery"]) == group_key]
        now = [r for r in group if day(r["Start Date"]) <= TODAY <= day(r["End Date"])]
        later = sorted((r for r in group if day(r["Start Date"]) > TODAY), key=lambda r: day(r["Start Date"]))
        kept.extend(now or later[:1] or [max(group, key=lambda r: day(r["End Date"]))])
    return [r for r in rows if r in kept]


def expected_services(deliveries: Path, periods: dict) -> dict[str, list[tuple]]:
    by_student: dict[str, list[dict]] = {}
    for row in report_rows(deliveries):
        if row["Service"].split(" - ")[0] == "450":
            by_student.setdefault(row["SEIS ID"], []).append(row)
    result = {}
    for key, rows in by_student.items():
        services = []
        for r in current([r for r in rows if in_period(day(r["Start Date"]), periods[key])]):
            minutes, times, per_period, period = FREQUENCY.fullmatch(r["Sessions / Frequency"]).groups()
            services.append(
                (
                    r["Delivery"],
                    day(r["Start Date"]),
                    day(r["End Date"]),
                    int(minutes),
                    int(times or 1),
                    int(per_period or minutes),
                    period.lower(),
                    r["Sessions / Frequency"],
                    r["Location"],
                )
            )
        result[key] = services
    return result


def is_ot_goal(row: dict) -> bool:
    label, person = row["Annual Goal #"].strip(), row["Person Responsible"]
    return label.upper().startswith("OT ") or "occupational" in person.lower() or person.strip() == "OT"


def goal_number(label: str) -> float:
    digits = re.search(r"\d+", label)
    return int(digits.group()) if digits else float("inf")


def expected_goals(goals: Path, periods: dict) -> dict[str, list[tuple]]:
    result: dict[str, list[dict]] = {}
    for row in report_rows(goals):
        if is_ot_goal(row) and in_period(day(row["IEP Date"]), periods.get(row["SEIS ID"])):
            result.setdefault(row["SEIS ID"], []).append(row)
    return {
        key: [goal_fields(r) for r in sorted(rows, key=lambda r: goal_number(r["Annual Goal #"]))]
        for key, rows in result.items()
    }


def goal_fields(row: dict) -> tuple:
    progress = tuple((row[f"Progress Report {n} Summary"], row[f"Progress Report {n} Comments"]) for n in range(1, 7))
    objectives = tuple(
        (row[f"Objective {n}"], row[f"Objective {n} Met"], day(row[f"Objective {n} Date Met"])) for n in (1, 2, 3)
    )
    return (
        row["Annual Goal #"],
        row["Area Of Need"],
        row["Baseline"],
        row["Goal"].replace("\r\n", "\n"),
        row["Person Responsible"],
        day(row["IEP Date"]),
        objectives,
        progress,
        row["Assessment Method"],
    )


def actual_goal(g: dict) -> tuple:
    progress = tuple((g[f"progress{n}"], g[f"progress{n}_comments"]) for n in range(1, 7))
    objectives = tuple((g[f"objective{n}"], g[f"objective{n}_met"], g[f"objective{n}_date_met"]) for n in (1, 2, 3))
    return (
        g["label"],
        g["area"],
        g["baseline"],
        g["text"],
        g["person"],
        g["iep_date"],
        objectives,
        progress,
        g["assessment_method"],
    )


def line_of(text: str) -> int:
    return next(n for n, line in enumerate(MAPPING.read_text().splitlines(), 1) if line.strip().startswith(text))


def run(source: list[str] | None):
    prepared = prepare(RunOptions(mapping=MAPPING, source=source, today=TODAY))
    return prepared, {s.key: s for s in prepared.roster.students}


@pytest.mark.parametrize("export", list(EXPORTS))
def test_ot_students_get_their_ot_goals_in_order_services_and_dates(export: str):
    source, (goals, deliveries, dates) = EXPORTS[export]
    prepared, students = run(source)
    periods = {key: iep_period(key, dates, deliveries, goals) for key in students}
    services = expected_services(deliveries, periods)
    assert prepared.roster.failures == []
    assert set(students) == set(services)  # exactly the students with a 450 service
    goals_by_student = expected_goals(goals, periods)
    date_rows = {r["SEIS ID"]: r for r in report_rows(dates)}
    for key, student in students.items():
        values = student.values
        actual = [
            (
                s["delivery"],
                s["start"],
                s["end"],
                s["minutes"],
                s["times"],
                s["period_minutes"],
                s["frequency"],
                s["frequency_text"],
                s["location"],
            )
            for s in values["services"]
        ]
        assert actual == services[key], key
        assert [actual_goal(g) for g in values["goals"]] == goals_by_student.get(key, []), key
        numbers = [g["number"] for g in values["goals"]]
        assert numbers == sorted(numbers, key=lambda n: float("inf") if n is None else n)
        row = date_rows.get(key)
        period = periods[key]  # the plan's IEP period: its dates replace the IEP Dates report's when they differ
        assert values["iep_date"] == (period[0] if period else None), key
        assert values["annual_review"] == (period[1] if period else None), key
        assert values["triennial"] == (day(row["Date of Next Reevaluation"]) if row else None), key
        assert values["dob"] == (day(row["Date of Birth"]) if row else None), key
        assert values["preferred_name"] == (row["Preferred Name"] if row else "")
        assert values["called"] == ((row and row["Preferred Name"]) or values["first_name"])
        last, first = next(r["Name"] for r in report_rows(deliveries) if r["SEIS ID"] == key).split(", ", 1)
        assert (values["last_name"], values["first_name"]) == (last, first)


def test_the_samples_hold_the_quirks_the_tests_rely_on():
    goals = report_rows(SEIS / "student_goals.csv")
    assert len(goals[0]) == 59 and len(report_rows(DISTRICT / "student_goals.csv")[0]) == 60
    with open(SEIS / "student_goals.csv", encoding="utf-8-sig", newline="") as handle:
        headers = next(csv.reader(handle))
    assert "Progress Report 1 Summary " in headers and "Progress Report 6 Comments  " in headers
    with open(DISTRICT / "student_goals.csv", encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle))[:3] == ["SEIS ID", "SSID", "District ID"]
    labels = {g["Annual Goal #"] for g in goals}
    assert {"OT (1 of 2)", "Speech (1 of 1)", "Academic #1: 2026 - 2027", "Academic #2", ""} <= labels
    assert any("\n" in g["Goal"] for g in goals)
    frequencies = {r["Sessions / Frequency"] for r in report_rows(SEIS / "deliveries.csv")}
    assert {
        "15 min Weekly",
        "30 min x 2 Times = 60 min Weekly",
        "120 min Monthly",
        "300 min Yearly",
        "60 min x 2 Times = 120 min Daily",
        "30 mins served Weekly",
    } <= frequencies
    assert "13/45/2026" in {r["Date of Next Annual Plan Review"] for r in report_rows(SEIS / "iep_dates.csv")}
    assert len(report_rows(SEIS / "iep_dates.csv")[0]) == 17


def test_a_service_changed_mid_year_counts_by_its_dates():
    _, students = run(None)
    amelia = students["7300101"].values["services"]  # twice weekly until 8/11/2026, then once weekly
    assert [(s["delivery"], s["minutes"], s["times"], s["period_minutes"], s["frequency"]) for s in amelia] == [
        ("Direct", 30, 1, 30, "weekly"),
        ("Consult", 15, 1, 15, "monthly"),
    ]
    noah = students["7300110"].values  # a new IEP year began 11/18: its service and dates, none of the old year's goals
    assert [s["start"] for s in noah["services"]] == [dt.date(2026, 11, 18)]
    assert (noah["iep_date"], noah["annual_review"], noah["school_year"], noah["goals"]) == (
        dt.date(2026, 11, 18),
        dt.date(2027, 11, 17),
        "2026-2027",
        [],
    )
    assert [s["minutes"] for s in students["7300105"].values["services"]] == [45, 60]  # next IEP not started yet
    keira = students["7300107"].values["services"][0]
    assert (keira["minutes"], keira["times"], keira["period_minutes"], keira["frequency"]) == (60, 2, 120, "daily")
    later = prepare(RunOptions(mapping=MAPPING, today=dt.date(2026, 12, 10)))
    isabella = next(s for s in later.roster.students if s.key == "7300105")
    # Her IEP of record ended 12/3 and the next began 12/4: the plan covers the new period only, never the
    # new Direct service beside the old period's Consult.
    assert [(s["delivery"], s["minutes"], s["frequency"]) for s in isabella.values["services"]] == [
        ("Direct", 120, "monthly")
    ]
    assert (isabella.values["iep_date"], isabella.values["annual_review"], isabella.values["school_year"]) == (
        dt.date(2026, 12, 4),
        dt.date(2027, 12, 3),
        "2026-2027",
    )
    assert isabella.values["goals"] == []  # the goals report holds only the ended period's goals


def test_goals_other_providers_own_are_left_out_and_numbering_is_text():
    _, students = run(None)
    amelia = students["7300101"].values["goals"]  # the report lists "2 of 2" first, and a speech goal
    assert [(g["label"], g["number"], g["area"]) for g in amelia] == [
        ("OT (1 of 2)", 1, "Fine Motor"),
        ("OT (2 of 2)", 2, "Sensory Processing"),
    ]
    grace = students["7300103"].values["goals"]  # numbered as academic, owned by OT and a teacher
    assert [(g["label"], g["person"]) for g in grace] == [
        ("Academic #1: 2026 - 2027", "Occupational Therapist and General Education Teacher")
    ]
    assert [(g["label"], g["number"]) for g in students["7300106"].values["goals"]] == [("", None)]
    assert students["7300118"].values["goals"] == []
    assert "\n" in students["7300101"].values["goals"][1]["text"]


def test_students_without_plans_and_missing_rows_are_warnings_not_stops():
    prepared, students = run(None)
    assert "7300112" not in students  # speech only; its IEP Dates row has 13/45/2026, never read
    assert prepared.warnings == [
        "student_goals.csv has rows for 3 student(s) who get no plan (not in services): 7300108, 7300112, 7300119.",
        "iep_dates.csv has rows for 3 student(s) who get no plan (not in services): 7300108, 7300112, 7300119.",
        "student_goals.csv (source 'goals') has no rows for 1 of 16 students: Victor Dubois.",
        "iep_dates.csv (source 'dates') has no rows for 1 of 16 students: Quinn Sullivan.",
        "Isabella Rossi & Chen: the reports hold rows of 2 IEP periods; this plan covers only the one in effect on "
        "the plan date (iep_period: current), with its services, goals and dates.",
        "Noah Begay: the reports hold rows of 3 IEP periods; this plan covers only the one in effect on the plan "
        "date (iep_period: current), with its services, goals and dates.",
    ]


def copy_exports(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("student_goals.csv", "deliveries.csv", "iep_dates.csv"):
        shutil.copy(SEIS / name, folder / name)
    return folder


def edit_csv(path: Path, key: str, column: str, value: str) -> int:
    """Change one student's cell(s), keeping SEIS's BOM and CRLF; returns the file row number of the first."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    index = rows[0].index(column)
    numbers = [n for n, row in enumerate(rows[1:], start=2) if key in row[:2]]
    for n in numbers:
        rows[n - 1][index] = value
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return numbers[0]


def test_an_impossible_date_fails_only_a_student_who_gets_a_plan_with_its_cell(tmp_path: Path):
    folder = copy_exports(tmp_path)
    row = edit_csv(folder / "iep_dates.csv", "7300102", "Date of Next Annual Plan Review", "13/45/2026")
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            "-m",
            str(MAPPING),
            "--source",
            str(folder),
            "-o",
            str(out),
            "--today",
            "2026-11-22",
            "--skip-invalid",
        ],
    )
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith(
        "      failed  Diego Fernández\n"
        f"              iep_dates.csv, row {row}, column 'Date of Next Annual Plan Review': annual_review is not a "
        "date (use e.g. 2026-10-03 or 10/3/2026).\n"
    )
    assert "16 students: 15 created, 1 failed." in result.stdout
    assert not (out / "Fernández, Diego").exists()


def test_a_frequency_written_another_way_fails_that_student_instead_of_guessing(tmp_path: Path):
    folder = copy_exports(tmp_path)
    row = edit_csv(folder / "deliveries.csv", "7300109", "Sessions / Frequency", "2 sessions per month")
    prepared, _ = run([str(folder)])
    failure = next(f for f in prepared.roster.failures if f.key == "7300109")
    assert failure.message == (
        f"deliveries.csv, row {row}, column 'Sessions / Frequency': sessions does not have the form the mapping's "
        f"pattern expects ({MAPPING}, line {line_of('sessions:')}). Fix the cell, or widen the pattern."
    )
    assert len(prepared.roster.students) == 15


def test_an_impossible_service_date_fails_that_student_only(tmp_path: Path):
    folder = copy_exports(tmp_path)
    row = edit_csv(folder / "deliveries.csv", "7300116", "End Date", "13/45/2026")
    edit_csv(folder / "deliveries.csv", "7300108", "End Date", "13/45/2026")  # speech only: never read
    prepared, students = run([str(folder)])
    assert [(f.key, f.message) for f in prepared.roster.failures] == [
        (
            "7300116",
            f"deliveries.csv, row {row}, column 'End Date': End Date is not a date (use e.g. 2026-10-03 or 10/3/2026).",
        )
    ]
    assert len(students) == 15


def test_generate_from_named_downloads_writes_each_ot_students_plan(tmp_path: Path):
    out = tmp_path / "plans"
    args = ["generate", "-m", str(MAPPING), "-o", str(out), "--today", "2026-11-22"]
    for value in named(SEIS / "xlsx" / "student_goals.xlsx"):
        args += ["--source", value]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("16 students: 16 created.\n")
    assert len(list(out.glob("*/*.docx"))) == 16
    text = docx_text(next(out.glob("Nakamura-Lee, Keira/*.docx")))
    assert text.index("Sensory Processing") < text.index("Fine Motor") < text.index("Visual Motor")
    assert "Direct: 60 minutes, 2 times daily" in text  # SEIS's "60 min x 2 Times = 120 min Daily" in plain words


def test_a_folder_of_downloads_is_recognised_by_header_rows(tmp_path: Path):
    folder = tmp_path / "Downloads"
    folder.mkdir()
    shutil.copy(SEIS / "student_goals.csv", folder / "report (3).csv")
    shutil.copy(SEIS / "deliveries.csv", folder / "report (1).csv")
    shutil.copy(SEIS / "iep_dates.csv", folder / "report.csv")
    (folder / "~$report.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    result = CliRunner().invoke(
        cli, ["generate", "-m", str(MAPPING), "--source", str(folder), "--dry-run", "--today", "2026-11-22"]
    )
    assert result.exit_code == 0, result.output
    assert "Dry run: 16 students: 16 would create.\n" in result.stdout
    assert (
        "source 'services': report (1).csv (recognised by its header row)\n"
        "source 'goals': report (3).csv (recognised by its header row)\n"
        "source 'dates': report.csv (recognised by its header row)\n"
    ) in result.stdout


def cli_error(*source: str) -> str:
    args = ["generate", "-m", str(MAPPING), "--dry-run"]
    for value in source:
        args += ["--source", value]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    return result.output


IDENTIFY = (
    "Headers that identify each report:\n"
    "  services: 'Name', 'Service', 'Delivery', 'Sessions / Frequency'\n"
    "  goals: 'Annual Goal #', 'Area Of Need', 'Person Responsible'\n"
    "  dates: 'Date of Next Annual Plan Review', 'Date of Next Reevaluation'\n"
)


def test_a_file_that_fits_no_report_or_two_files_for_one_are_errors_naming_them(tmp_path: Path):
    folder = copy_exports(tmp_path)
    (folder / "caseload.csv").write_text("Student ID,First Name\n1,A\n", encoding="utf-8")
    shutil.copy(SEIS / "xlsx" / "student_goals.xlsx", folder / "goals again.xlsx")
    assert cli_error(str(folder)) == (
        "Error: caseload.csv: is none of the reports this mapping reads (its header row lacks the headers that "
        "identify each one).\n"
        "goals again.xlsx, sheet 'Student Goals Report' and student_goals.csv: are all the 'goals' report; keep "
        "one, or name it with --source goals=PATH.\n" + IDENTIFY
    )


def test_named_sources_must_name_every_report_and_exist_in_the_mapping(tmp_path: Path):
    assert cli_error(f"goals={SEIS / 'student_goals.csv'}", f"services={SEIS / 'deliveries.csv'}") == (
        "Error: source 'dates' was not given: add --source dates=PATH.\n"
        "With --source, every report the mapping reads comes from the command line; the mapping's own files are "
        "not used.\n"
    )
    assert cli_error(f"goal={SEIS / 'student_goals.csv'}") == (
        f"Error: --source goal={SEIS / 'student_goals.csv'}: {MAPPING} has no source 'goal'. Its sources: "
        "services, goals, dates. Did you mean 'goals'?\n"
    )
    assert cli_error(f"goals={SEIS / 'student_goals.csv'}", f"goals={SEIS / 'xlsx' / 'student_goals.xlsx'}") == (
        f"Error: two files were given for source 'goals': {SEIS / 'student_goals.csv'} and "
        f"{SEIS / 'xlsx' / 'student_goals.xlsx'}. Give one.\n"
    )
    only_goals = tmp_path / "only"
    only_goals.mkdir()
    shutil.copy(SEIS / "student_goals.csv", only_goals / "goals.csv")
    assert cli_error(str(only_goals)) == (
        "Error: source 'services' was not given (no file given has its headers: 'Name', 'Service', 'Delivery', "
        "'Sessions / Frequency'): add --source services=PATH.\n"
        "source 'dates' was not given (no file given has its headers: 'Date of Next Annual Plan Review', "
        "'Date of Next Reevaluation'): add --source dates=PATH.\n"
        "With --source, every report the mapping reads comes from the command line; the mapping's own files are "
        "not used.\n"
    )


def test_a_second_systems_layout_works_with_only_a_mapping():
    prepared = prepare(RunOptions(mapping=MAPPINGS / "powerschool-services.yaml", today=TODAY))
    students = {s.key: s for s in prepared.roster.students}
    assert sorted(students) == ["4820011", "4820012", "4820013", "4820015"]  # 4820014: speech only
    assert [s["summary"] for s in students["4820011"].values["services"]] == ["30 min, 2× weekly"]
    assert [s["summary"] for s in students["4820012"].values["services"]] == ["60 min, 1× monthly"]
    carmen = students["4820013"].values["services"]
    assert [(s["name"], s["minutes"], s["times"], s["unit"]) for s in carmen] == [
        ("Occupational Therapy", 20, 3, "weekly"),
        ("Occupational Therapy - Consult", 15, 1, "monthly"),
    ]
    assert students["4820015"].values["service_summary"] == "45 min, 1× weekly (Occupational Therapy)"
    given = prepare(
        RunOptions(
            mapping=MAPPINGS / "powerschool-services.yaml",
            source=[SAMPLES / "powerschool" / "services_list.csv"],
            today=TODAY,
        )
    )
    assert [s.key for s in given.roster.students] == list(students)  # --source FILE as before


def test_check_says_which_file_went_where_and_finds_nothing_wrong_in_the_samples():
    result = CliRunner().invoke(cli, ["check", "-m", str(MAPPING), "--source", str(DISTRICT), "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert (
        "source 'services': deliveries.csv (recognised by its header row)\n"
        "source 'goals': student_goals.csv (recognised by its header row)\n"
        "source 'dates': iep_dates.csv (recognised by its header row)\n"
        "Checked deliveries.csv, student_goals.csv, iep_dates.csv: 17 student(s) ready, 0 with errors;"
    ) in result.output


def test_exports_written_a_little_differently_still_read(tmp_path: Path):
    folder = copy_exports(tmp_path)
    edit_csv(folder / "deliveries.csv", "7300109", "Service", "450-Occupational Therapy")  # no spaces
    edit_csv(folder / "deliveries.csv", "7300109", "Start Date", "8/26/2026 12:00:00 AM")  # a time of midnight
    edit_csv(folder / "deliveries.csv", "7300109", "Sessions / Frequency", "120 MINS MONTHLY")
    prepared, students = run([str(folder)])
    assert prepared.roster.failures == []
    maya = students["7300109"].values["services"]
    assert [(s["start"], s["minutes"], s["frequency"], s["frequency_text"]) for s in maya] == [
        (dt.date(2026, 8, 26), 120, "monthly", "120 MINS MONTHLY")
    ]

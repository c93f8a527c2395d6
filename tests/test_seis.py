"""IEP-system exports: several reports, many rows per student, joined and grouped per student."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import RunOptions, prepare
from tests.helpers import MAPPINGS, SAMPLES, TODAY, docx_text

SEIS = SAMPLES / "seis"


def seis():
    prepared = prepare(RunOptions(mapping=MAPPINGS / "seis.yaml", today=TODAY))
    return prepared, {s.key: s for s in prepared.roster.students}


def csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_only_students_with_an_ot_service_get_a_plan():
    prepared, students = seis()
    services = csv_rows(SEIS / "services.csv")
    ot_ids = {r["SEIS ID"] for r in services if r["Special Education Service Code"].startswith("450 ")}
    assert set(students) == ot_ids
    assert len(students) == 16
    assert {"7300108", "7300112", "7300119"}.isdisjoint(students)  # speech only, speech only, 504-style
    assert prepared.roster.failures == []


def test_services_are_the_students_ot_rows_split_into_code_and_label_without_duplicates():
    _, students = seis()
    assert students["7300101"].values["services"] == [
        {"code": "450", "name": "Occupational therapy", "provider": "Occupational therapist",
         "location": "Resource room/service provider location", "minutes": 60, "frequency": "weekly",
         "summary": "60 min weekly"},
        {"code": "450", "name": "Occupational therapy", "provider": "Occupational therapist",
         "location": "Regular classroom/public day school", "minutes": 30, "frequency": "monthly",
         "summary": "30 min monthly"},
    ]
    assert students["7300101"].values["service_summary"] == "60 min weekly; 30 min monthly"
    assert len(students["7300103"].values["services"]) == 1  # listed twice in the report
    assert students["7300116"].values["services"][0]["summary"] == "15 min daily"
    assert students["7300118"].values["services"][0]["summary"] == "180 min yearly"


def test_service_counts_match_the_report_for_every_student():
    _, students = seis()
    distinct: dict[str, set] = {}
    for r in csv_rows(SEIS / "services.csv"):
        if r["Special Education Service Code"].startswith("450 "):
            distinct.setdefault(r["SEIS ID"], set()).add((r["Special Education Service Location Code"],
                                                          r["Service Duration"], r["Service Frequency Code"]))
    assert {k: len(s.values["services"]) for k, s in students.items()} == {k: len(v) for k, v in distinct.items()}


def test_goals_are_ot_goals_only_deduplicated_and_in_goal_number_order():
    _, students = seis()
    sheet = openpyxl.load_workbook(SEIS / "student_goals.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    ot_goals: dict[str, set] = {}
    for row in rows[1:]:
        if row[8] == "Occupational Therapist":
            ot_goals.setdefault(str(row[0]), set()).add((row[5], row[4]))
    for key, student in students.items():
        records = student.values["goals"]
        assert len(records) == len(ot_goals.get(key, ())), key
        assert [g["number"] for g in records] == sorted(g["number"] for g in records)
    amelia = students["7300101"].values["goals"]
    assert [(g["number"], g["area"], g["person"]) for g in amelia] == [
        (1, "Fine Motor", "Occupational Therapist"), (2, "Sensory Processing", "Occupational Therapist")]
    assert amelia[0]["baseline"] == "Copies 2 of 5 words legibly from a model."
    assert amelia[0]["iep_date"] == dt.date(2026, 1, 14)
    assert [g["number"] for g in students["7300107"].values["goals"]] == [1, 2, 10]
    assert students["7300104"].values["goals"][0]["iep_date"] == dt.date(2026, 9, 18)  # Excel serial
    assert students["7300118"].values["goals"] == []


def test_dates_in_both_text_styles_and_accommodations_deduplicated():
    _, students = seis()
    assert students["7300101"].values["annual_review"] == dt.date(2027, 1, 13)  # "1/13/2027"
    assert students["7300102"].values["annual_review"] == dt.date(2027, 2, 2)  # "2027-02-02"
    assert str(students["7300102"].values["annual_review"]) == "02/02/2027"
    assert students["7300105"].values["accommodation_records"] == [
        {"category": "Classroom", "text": "Adapted seating with footrest", "frequency": "Daily",
         "location": "All settings"}]
    assert students["7300103"].values["accommodations"] == ["Slant board & pencil grip <available at desk>"]
    assert students["7300113"].values["annual_review"] is None  # missing from the IEP Dates report


def test_conflicts_and_missing_students_are_reported_with_locations():
    prepared, _ = seis()
    assert prepared.warnings == [
        "student_goals.xlsx, sheet 'Student Goals' has rows for 2 student(s) who get no plan (not in services): "
        "7300108, 7300112.",
        "iep_dates.csv has rows for 3 student(s) who get no plan (not in services): 7300108, 7300112, 7300119.",
        "accommodations.csv has rows for 1 student(s) who get no plan (not in services): 7300119.",
        "student_goals.xlsx, sheet 'Student Goals' (source 'goals') has no rows for 1 of 16 students: "
        "Victor Dubois.",
        "iep_dates.csv (source 'dates') has no rows for 1 of 16 students: Quinn Sullivan.",
        "accommodations.csv (source 'accommodations') has no rows for 8 of 16 students: Hiroshi Tanaka, "
        "Jamal Washington, Maya Patel, Olivia Haddad, Quinn Sullivan, Samuel Cohen, Tala Yazzie, Victor Dubois.",
        "Isabella Rossi & Chen: field 'grade' differs between services.csv, row 11, column 'Grade' and "
        "services.csv, row 12, column 'Grade'; using services.csv, row 11, column 'Grade' (conflicts: first).",
    ]


def test_generate_writes_one_plan_per_ot_student(tmp_path: Path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", "-m", str(MAPPINGS / "seis.yaml"), "-o", str(out),
                                      "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("16 students: 16 created.\n")
    assert len(list(out.glob("*/*.docx"))) == 16
    text = docx_text(next(out.glob("Nakamura-Lee, Keira/*.docx")))
    assert text.index("Sensory Processing") < text.index("Fine Motor") < text.index("Visual Motor")
    assert "Noise-reducing headphones" in text


def test_a_second_systems_layout_works_with_only_a_mapping(tmp_path: Path):
    prepared = prepare(RunOptions(mapping=MAPPINGS / "powerschool-services.yaml", today=TODAY))
    students = {s.key: s for s in prepared.roster.students}
    assert sorted(students) == ["4820011", "4820012", "4820013", "4820015"]  # 4820014: speech only
    assert [s["summary"] for s in students["4820011"].values["services"]] == ["30 min, 2× weekly"]
    assert [s["summary"] for s in students["4820012"].values["services"]] == ["60 min, 1× monthly"]
    carmen = students["4820013"].values["services"]
    assert [(s["name"], s["minutes"], s["times"], s["unit"]) for s in carmen] == [
        ("Occupational Therapy", 20, 3, "weekly"), ("Occupational Therapy - Consult", 15, 1, "monthly")]
    assert students["4820015"].values["service_summary"] == "45 min, 1× weekly (Occupational Therapy)"

"""What every shipped mapping writes, read back as a parent would read it: no guidance for the therapist, no
"write it in" text, no statement the source does not make, no column that stays empty for every student,
and progress reports a parent can read (a legend of the ratings, the reporting period's dates).

Every shipped mapping is run on its sample data (plans, and progress reports for periods 1-3) once per module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from tests.helpers import MAPPINGS, TEMPLATES, docx_text

PLAN_MAPPINGS = ("caseload", "caseload-504", "seis", "powerschool-services")
PROGRESS_MAPPINGS = ("seis-progress", "caseload-progress")
WRITE_IN_WORDS = re.compile(r"write (it|them) in|fill (it|them) in", re.IGNORECASE)
TAG = re.compile(r"\{\{|\{%")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Mapping name -> the documents it wrote from its samples (each mapping into its own folder)."""
    found: dict[str, list[Path]] = {}
    root = tmp_path_factory.mktemp("shipped")
    runs = [(name, []) for name in PLAN_MAPPINGS] + [
        (name, ["--period", str(period)]) for name in PROGRESS_MAPPINGS for period in (1, 2, 3)
    ]
    for name, extra in runs:
        out = root / name
        args = ["generate", "-m", str(MAPPINGS / f"{name}.yaml"), "-o", str(out), "--today", "2026-11-22", *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        found[name] = sorted(out.rglob("*.docx"))
        assert found[name], name
    return found


def hint_texts(template: Path) -> list[str]:
    """The guidance a template holds for the therapist (its paragraphs in the Hint style)."""
    return [p.text for p in Document(str(template)).paragraphs if p.style.name == "Hint" and p.text.strip()]


def test_no_shipped_output_holds_guidance_write_in_text_or_statements_from_absence(outputs):
    hints = [text for template in TEMPLATES.glob("*.docx") for text in hint_texts(template)]
    assert hints  # the templates do carry guidance (shown only with 'hints: true')
    for name, paths in outputs.items():
        for path in paths:
            text = docx_text(path)
            assert not WRITE_IN_WORDS.search(text), (name, path.name)
            assert not [hint for hint in hints if hint in text], (name, path.name)
            assert "No OTA" not in text and "no OTA" not in text, (name, path.name)
            assert not TAG.search(text), (name, path.name)


def data_columns(template: Path) -> dict[tuple[str, ...], list[int]]:
    """Per table with a header and a {%tr for %} loop: its header texts -> the columns the loop fills from data."""
    columns: dict[tuple[str, ...], list[int]] = {}
    for table in Document(str(template)).tables:
        texts = [[cell.text for cell in row.cells] for row in table.rows]
        for index, row in enumerate(texts[1:-1], start=1):
            if row[0].startswith("{%tr for "):
                item = texts[index + 1]
                columns[tuple(texts[0])] = [n for n, cell in enumerate(item) if TAG.search(cell)]
                break
    return columns


def table_cells(path: Path, header: tuple[str, ...]) -> list[list[str]]:
    """The body rows of every table in a document whose header row reads ``header``."""
    rows = []
    for table in Document(str(path)).tables:
        texts = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if texts and tuple(t.strip() for t in texts[0]) == tuple(h.strip() for h in header):
            rows += texts[1:]
    return rows


@pytest.mark.parametrize("name", [*PLAN_MAPPINGS, *PROGRESS_MAPPINGS])
def test_every_data_column_of_a_template_is_filled_for_some_sample_student(outputs, name: str):
    """A column some mapping never fills reads as "nothing" to a parent: every table a mapping fills has
    every one of its data columns filled for at least one student."""
    template = {"caseload-504": "504-plan.docx"}.get(name, "ot-treatment-plan.docx")
    if name in PROGRESS_MAPPINGS:
        template = "ot-progress-report.docx"
    for header, numbers in data_columns(TEMPLATES / template).items():
        rows = [row for path in outputs[name] for row in table_cells(path, header)]
        filled = [row for row in rows if any(row[n] for n in numbers)]
        if not filled:  # this mapping fills no row of this table (e.g. a services list has no goals)
            continue
        for n in numbers:
            assert any(row[n] for row in filled), (name, header, header[n])


def test_the_goal_text_is_never_cut_where_it_tells_rows_apart(outputs):
    for path in outputs["seis"] + outputs["caseload"]:
        text = docx_text(path)
        assert "…" not in text, path.name


def test_progress_reports_explain_the_ratings_and_give_the_periods_dates(outputs):
    for name in PROGRESS_MAPPINGS:
        for path in outputs[name]:
            text = docx_text(path)
            for code in ("Emerging", "Progressing", "Met"):
                assert re.search(rf"^{code}\n.+", text, re.MULTILINE), (path.name, code)
            period = re.search(r"OT Progress Report (\d)", path.name)
            assert period is not None
            dates = {"1": "08/19/2026 – 10/02/2026", "2": "10/05/2026 – 11/20/2026", "3": "11/30/2026 – 01/22/2027"}
            assert f"Report {period[1]}: {dates[period[1]]}" in text, path.name
    reports = [docx_text(path) for path in outputs["caseload-progress"]]
    # The hand-kept sheet's reports carry the IEP date, how each goal is measured and next steps.
    assert all(re.search(r"IEP date\n\d\d/\d\d/\d{4}", text) for text in reports)
    assert all(re.search(r"How it is measured\n\S", text) for text in reports)
    assert any(re.search(r"Next steps\n\S", text) for text in reports)


def test_the_seis_samples_comments_differ_from_goal_to_goal(outputs):
    comments = []
    for path in outputs["seis-progress"]:
        text = docx_text(path)
        comments += re.findall(r"^Comment and data\n(.+)$", text, re.MULTILINE)
    written = [c for c in comments if not c.startswith("____")]
    assert len(written) > 10
    assert len(set(written)) > len(written) / 2


def test_plans_have_a_parent_signature_and_an_ota_signature_line_only_when_an_ota_serves_the_student(outputs):
    for path in outputs["caseload"]:
        text = docx_text(path)
        assert "Parent / guardian\n\nDate" in text, path.name
        ota = re.search(r"^OTA\n(.*)$", text, re.MULTILINE)
        assert ota is not None
        assert ("OTA\n\nDate" in text) == bool(ota[1]), path.name


def test_a_504_plan_prints_its_notes_limitation_and_a_nurse_signature_when_the_nurse_has_duties(outputs):
    texts = {path.parent.name: docx_text(path) for path in outputs["caseload-504"]}
    assert any("How it limits the student at school\n" in t and "unfinished" in t for t in texts.values())
    assert any("Notes: " in t for t in texts.values())
    for text in texts.values():
        duties = "School nurse\nCarries out the health accommodations" in text
        assert duties == ("School nurse\n\n" in text.split("8. Review and team signatures", 1)[1])


def test_page_one_says_plan_date_once(outputs):
    for name in PLAN_MAPPINGS:
        for path in outputs[name]:
            text = docx_text(path)
            assert text.count("Plan date") <= 1, path.name

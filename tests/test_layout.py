"""Every sample plan of every shipped mapping, printed by LibreOffice and read page by page.

One soffice run converts all of them (a probe copy of each, see tests/layout.py); the fonts are
Arial-metric (Liberation Sans, installed by scripts/ensure-libreoffice.sh), so pages break as in
Word and Google Docs. Each check is its own test, so a failure names what a reader would see.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_BREAK
from docx.shared import Inches

from generator.pipeline import RunOptions, generate, prepare
from generator.template.loader import PlanTemplate
from tests.helpers import MAPPINGS, TEMPLATES, TODAY, convert_with_libreoffice, pdf_text, soffice
from tests.layout import Layout, analyse, probe_copy

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice (soffice) or pdftotext is not installed"
)
MAPPING_FILES = sorted(MAPPINGS.glob("*.yaml"))
LEFTOVERS = ("None", "{{", "}}", "{%", "%}", "[]")


def badly_laid_out(path: Path) -> Path:
    """Every fault the checks look for, on purpose: converted in the same soffice run as the plans."""
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Ana Diaz  ·  DOB \tOT Treatment Plan"
    doc.add_paragraph("School year 2026-2027  ·    ·  Plan date 11/22/2026")
    doc.add_heading("1. Stranded heading", level=1).paragraph_format.keep_with_next = False
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    table = doc.add_table(rows=0, cols=2)
    for number in range(1, 6):  # 2" rows: four fit on a page, the fifth is left alone on the next
        row = table.add_row()
        row.height, row.height_rule = Inches(2), WD_ROW_HEIGHT_RULE.EXACTLY
        row.cells[0].text = f"Row {number}"
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("2. Signatures", level=1)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    signature = doc.add_table(rows=1, cols=2)
    signature.rows[0].cells[0].text = "Occupational therapist"
    doc.save(str(path))
    return path


def long_lists(root: Path) -> list[tuple[dict, Path]]:
    """Plans no sample has: lists long enough to run over a page (30 accommodations, 10 goals, ...)."""
    plans = []
    for mapping, template, changes in (
        (
            "caseload.yaml",
            "ot-treatment-plan.docx",
            {
                "accommodations": [f"Accommodation {n}: when and how it is given, in a sentence" for n in range(1, 31)],
                "goals": [f"Goal {n}: will do a task with a stated criterion in 4 of 5 trials" for n in range(1, 11)],
                "strategies": [f"Strategy {n}" for n in range(1, 15)],
                "referrals": [f"Referral {n}" for n in range(1, 12)],
                "notes": "\n".join(f"Note line {n}" for n in range(1, 12)),
            },
        ),
        (
            "caseload-504.yaml",
            "504-plan.docx",
            {
                "classroom_accommodations": [f"Classroom accommodation {n}" for n in range(1, 41)],
                "testing_accommodations": [f"Testing accommodation {n}" for n in range(1, 10)],
            },
        ),
    ):
        student = prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY)).roster.students[0]
        path = root / "long" / template
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(PlanTemplate(TEMPLATES / template).render({**student.context(), **changes}))
        plans.append(
            (
                {"key": Path(template).stem, "output": template, "display_name": student.display_name},
                probe_copy(path, root / "probes" / f"long-{template}"),
            )
        )
    return plans


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, list[tuple[dict, Path, Path, Layout]]]:
    """mapping name -> (manifest row, probe .docx, its PDF, its layout) for every sample plan; the
    badly laid-out document under the name "bad", plans with long lists under "long lists"."""
    root = tmp_path_factory.mktemp("layout")
    (root / "probes").mkdir()
    bad = badly_laid_out(root / "probes" / "bad.docx")
    staged: list[tuple[str, dict, Path]] = [("bad", {"key": "bad", "output": "bad.docx"}, bad)]
    staged += [("long lists", row, probe) for row, probe in long_lists(root)]
    for mapping in MAPPING_FILES:
        out = root / "plans" / mapping.stem
        period = 2 if "{period}" in mapping.read_text(encoding="utf-8") else None  # progress reports: one period
        report = generate(RunOptions(mapping=mapping, out_dir=out, today=TODAY, period=period))
        assert not [o for o in report.outcomes if o.status == "failed"], mapping.name
        with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                probe = root / "probes" / f"{mapping.stem}-{row['key']}.docx"  # unique names for one --outdir
                staged.append((mapping.stem, row, probe_copy(out / row["output"], probe)))
    pdfs = convert_with_libreoffice([probe for _m, _r, probe in staged], root / "pdf")
    results: dict[str, list[tuple[dict, Path, Path, Layout]]] = {}
    for (mapping, row, probe), pdf in zip(staged, pdfs, strict=True):
        assert pdf.exists(), f"LibreOffice did not convert {mapping}: {row['output']}"
        results.setdefault(mapping, []).append((row, probe, pdf, analyse(probe, pdf, f"{mapping} {row['key']}")))
    return results


def problems(printed, check: str) -> list[str]:
    return [
        message
        for mapping, plans in printed.items()
        if mapping != "bad"
        for *_rest, layout in plans
        for message in layout.problems.get(check, [])
    ]


def test_the_checks_find_every_fault_of_a_badly_laid_out_document(printed):
    ((_row, _probe, _pdf, layout),) = printed["bad"]
    assert layout.pages == 5
    assert layout.problems == {
        "last on a page": [
            "bad bad: page 1 ends with the heading '1. Stranded heading'",
            "bad bad: page 4 ends with the heading '2. Signatures'",
        ],
        "row alone": ["bad bad: table 1 ('Row 1 ') is split 4 / 1 rows over pages 2, 3"],
        "signature alone": ["bad bad: page 5 holds only the signature block"],
        "stub last page": ["bad bad: the last page holds only the last section ('2. Signatures')"],
        "dangling label": [
            "bad bad: two separators with nothing between: 'School year 2026-2027  ·    ·  Plan date 11/22/2026'",
            "bad bad: 'DOB' with no date: 'Ana Diaz  ·  DOB \\tOT Treatment Plan'",
        ],
    }


def test_every_shipped_mapping_has_sample_plans_to_look_at(printed):
    assert sorted(printed) == sorted(["bad", "long lists", *(m.stem for m in MAPPING_FILES)])
    samples = {m: len(p) for m, p in printed.items() if m not in ("bad", "long lists")}
    assert all(count >= 3 for count in samples.values()), samples


def test_long_lists_break_over_pages_with_at_least_two_items_each_side(printed):
    for row, _probe, _pdf, layout in printed["long lists"]:
        split = {
            p.table
            for p in layout.parts
            if p.kind == "row"
            if len({q.page for q in layout.parts if q.table == p.table and q.kind == "row"}) > 1
        }
        assert split, f"{row['output']}: no table ran over a page, so the long-list rows were not exercised"


def test_every_part_of_every_plan_is_printed(printed):
    assert problems(printed, "not printed") == []


def test_no_heading_hint_or_table_header_is_the_last_thing_on_a_page(printed):
    assert problems(printed, "last on a page") == []


def test_no_table_leaves_one_row_alone_on_either_side_of_a_page_break(printed):
    assert problems(printed, "row alone") == []


def test_the_signature_block_is_never_alone_and_the_last_page_is_never_a_stub(printed):
    assert problems(printed, "signature alone") == []
    assert problems(printed, "stub last page") == []


def test_no_label_or_separator_is_printed_without_its_value(printed):
    assert problems(printed, "dangling label") == []


def test_every_page_names_the_student_and_counts_pages_with_nothing_left_over(printed):
    for mapping, plans in printed.items():
        for row, _probe, pdf, layout in plans if mapping != "bad" else ():
            pages = pdf_text(pdf).split("\f")[:-1]
            assert len(pages) == layout.pages
            if mapping != "long lists":
                assert 1 <= len(pages) <= (4 if mapping == "caseload-504" else 6), (mapping, row["key"], len(pages))
            for number, page in enumerate(pages, 1):
                flat = " ".join(page.split())
                assert row["display_name"] in flat, f"page {number} of {row['output']} does not name the student"
                assert "Confidential student record" in flat and f"Page {number} of {len(pages)}" in flat
                for leftover in LEFTOVERS:
                    assert leftover not in flat, (leftover, row["output"], number)

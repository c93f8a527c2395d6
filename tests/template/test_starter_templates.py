"""The shipped starter templates: complete, tidy with missing data, and robust to how people type tags.

Both templates are rendered for every sample student through the CLI, read back section by
section (by heading style, not just text), and converted by LibreOffice to count pages.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

from generator.cli import cli
from generator.errors import TemplateError
from generator.jinja import make_environment
from generator.pipeline import RunOptions, prepare
from generator.template.fields import item_fields
from generator.template.loader import PlanTemplate
from tests.helpers import (
    MAPPINGS,
    ROOT,
    TEMPLATES,
    TODAY,
    convert_with_libreoffice,
    docx_text,
    make_template,
    pdf_text,
    soffice,
)

OT_SECTIONS = [
    ("Title", "Occupational Therapy Treatment Plan"),
    ("Heading 1", "1. Student and plan"),
    ("Heading 1", "2. From the IEP / 504 plan"),
    ("Heading 2", "Present levels of performance"),
    ("Heading 2", "Goals"),
    ("Heading 2", "Accommodations and supports"),
    ("Heading 2", "Services"),
    ("Heading 1", "3. Relevant evaluation findings"),
    ("Heading 1", "4. Intervention approach and strategies"),
    ("Heading 2", "Approach"),
    ("Heading 2", "Strategies, programs and activity ideas"),
    ("Heading 2", "Interests to build on"),
    ("Heading 1", "5. Collaboration plan"),
    ("Heading 1", "6. Progress-monitoring plan"),
    ("Heading 1", "7. Discharge / graduation criteria"),
    ("Heading 1", "8. Referrals and recommendations"),
    ("Heading 1", "9. Evidence supporting the plan"),
    ("Heading 1", "10. OT–OTA communication and supervision"),
    ("Heading 1", "11. Revisions and notes during the year"),
]
PLAN_504_SECTIONS = [
    ("Title", "Section 504 Plan"),
    ("Heading 1", "1. Student information"),
    ("Heading 1", "2. Eligibility"),
    ("Heading 1", "3. Accommodations"),
    ("Heading 2", "Classroom"),
    ("Heading 2", "Testing"),
    ("Heading 2", "Instructional"),
    ("Heading 2", "Physical and health"),
    ("Heading 1", "4. Consultation and related services"),
    ("Heading 1", "5. Staff responsibilities"),
    ("Heading 1", "6. Progress monitoring"),
    ("Heading 1", "7. Review and signatures"),
]
GOALS_HEADER = ("Area", "Annual goal", "Baseline", "Target / criteria", "How measured")
ACCOMMODATIONS_HEADER = ("Accommodation or support", "Notes (when, who)")
SERVICES_HEADER = ("Service", "Frequency and duration", "Setting", "Provider", "Start", "End")
MONITORING_HEADER = ("Goal", "What", "How", "When", "Where", "Data tool")
REFERRALS_HEADER = ("Referral or recommendation", "Discussed with", "Date", "Outcome")
CATEGORY_HEADER = ("Accommodation", "When / how often", "Responsible")
CATEGORIES = ("classroom_accommodations", "testing_accommodations", "instructional_accommodations",
              "health_accommodations")
LEFTOVERS = ("None", "{{", "}}", "{%", "%}", "[]")


@dataclass
class Plan:
    """One rendered plan, with the student's values the plan was filled from."""

    key: str
    name: str
    path: Path
    values: dict


def render_all(mapping: str, out: Path, expected: int) -> list[Plan]:
    result = CliRunner().invoke(cli, ["generate", "-m", str(MAPPINGS / mapping), "--out", str(out),
                                      "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    students = {s.key: s for s in prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY)).roster.students}
    assert len(rows) == len(students) == expected
    return [Plan(r["key"], r["display_name"], out / r["output"], students[r["key"]].values) for r in rows]


@pytest.fixture(scope="module")
def ot_plans(tmp_path_factory) -> list[Plan]:
    return render_all("caseload.yaml", tmp_path_factory.mktemp("ot-plans"), expected=27)


@pytest.fixture(scope="module")
def plans_504(tmp_path_factory) -> list[Plan]:
    return render_all("caseload-504.yaml", tmp_path_factory.mktemp("504-plans"), expected=4)  # Plan Type 504


def headings(path: Path) -> list[tuple[str, str]]:
    doc = Document(str(path))
    return [(p.style.name, p.text) for p in doc.paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def tables_by_header(path: Path) -> dict[tuple[str, ...], list[list[list[str]]]]:
    """Each table's data rows (header row left out), grouped by its header row."""
    found: dict[tuple[str, ...], list[list[list[str]]]] = {}
    for table in Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        found.setdefault(tuple(rows[0]), []).append(rows[1:])
    return found


def one_table(path: Path, header: tuple[str, ...]) -> list[list[str]]:
    tables = tables_by_header(path)[header]
    assert len(tables) == 1, header
    return tables[0]


# ---------------------------------------------------------------------------------------------
# Every section, every item, nothing left over


def test_every_ot_plan_has_every_section_as_a_real_heading(ot_plans: list[Plan]):
    for plan in ot_plans:
        assert headings(plan.path) == OT_SECTIONS, plan.name


def test_every_504_plan_has_every_section_as_a_real_heading(plans_504: list[Plan]):
    for plan in plans_504:
        assert headings(plan.path) == PLAN_504_SECTIONS, plan.name


def expected_rows(items: list, cells) -> list[list[str]]:
    """One row per item, or one empty row to write in."""
    return [cells(index, item) for index, item in enumerate(items, 1)] or [["" for _ in cells(1, "")]]


def test_ot_tables_have_one_row_per_item_or_one_empty_row(ot_plans: list[Plan]):
    for plan in ot_plans:
        values = plan.values
        assert one_table(plan.path, GOALS_HEADER) == expected_rows(
            values["goals"], lambda i, g: ["", f"{i}. {g}" if g else "", "", "", ""]), plan.name
        assert one_table(plan.path, ACCOMMODATIONS_HEADER) == expected_rows(
            values["accommodations"], lambda i, a: [a, ""]), plan.name
        services = one_table(plan.path, SERVICES_HEADER)
        assert [row[:4] for row in services] == [
            [s["name"], s["summary"], s["location"], s["provider"]] for s in values["services"]], plan.name
        assert [row[0] for row in one_table(plan.path, MONITORING_HEADER)] == (
            [str(i) for i in range(1, len(values["goals"]) + 1)] or [""]), plan.name
        assert [row[0] for row in one_table(plan.path, REFERRALS_HEADER)] == (values["referrals"] or [""])


def test_504_accommodation_tables_have_one_row_per_item_or_one_empty_row(plans_504: list[Plan]):
    for plan in plans_504:
        tables = tables_by_header(plan.path)[CATEGORY_HEADER]
        assert len(tables) == len(CATEGORIES)
        for rows, category in zip(tables, CATEGORIES, strict=True):
            assert rows == expected_rows(plan.values[category], lambda i, a: [a, "", ""]), (plan.name, category)


def test_a_student_with_no_goals_gets_a_tidy_plan(ot_plans: list[Plan]):
    chloe = next(p for p in ot_plans if p.key == "1004")
    assert chloe.values["goals"] == [] and chloe.values["strategies"] == []
    assert one_table(chloe.path, GOALS_HEADER) == [[""] * 5]
    assert one_table(chloe.path, MONITORING_HEADER) == [[""] * 6]
    doc = Document(str(chloe.path))
    texts = [p.text for p in doc.paragraphs]
    strategies = texts.index("Strategies, programs and activity ideas")
    assert texts[strategies + 1: strategies + 4] == ["", "", "Interests to build on"]  # two empty bullets
    assert one_table(chloe.path, SERVICES_HEADER) == [
        ["OT consultation", "15 min monthly", "Consult", "Alex Rivera, OTR/L", "09/15/2026", "09/14/2027"]]


def write_in_boxes(path: Path) -> list[str]:
    """The text of every one-cell box (present levels, interests, discharge criteria, evidence)."""
    return [table.rows[0].cells[0].text for table in Document(str(path)).tables
            if len(table.columns) == 1 and len(table.rows) == 1]


def test_blank_data_leaves_labeled_blank_areas(ot_plans: list[Plan]):
    olivia = next(p for p in ot_plans if p.key == "1013")  # no present levels, findings or discharge criteria
    values = olivia.values
    assert values["present_levels"] == values["evaluation_findings"] == values["discharge_criteria"] == ""
    assert write_in_boxes(olivia.path) == ["", values["interests"], "", ""]
    evaluation = tables_by_header(olivia.path)[("Most recent OT evaluation", str(values["evaluation_date"]))]
    assert evaluation == [[["Assessments and key results", ""]]]
    liam = next(p for p in ot_plans if p.key == "1001")
    assert write_in_boxes(liam.path) == [liam.values[name] for name in
                                         ("present_levels", "interests", "discharge_criteria", "evidence")]


def test_no_leftover_tags_or_none_anywhere(ot_plans: list[Plan], plans_504: list[Plan]):
    for plan in [*ot_plans, *plans_504]:
        text = docx_text(plan.path)
        for leftover in LEFTOVERS:
            assert leftover not in text, (leftover, plan.path.name)
        assert plan.name in text


def test_approaches_are_marked_from_the_caseload(ot_plans: list[Plan]):
    liam = next(p for p in ot_plans if p.key == "1001")
    assert liam.values["approaches"] == ["Establish/restore"]
    rows = one_table(liam.path, ("Approach", "What it means", "Focus for this student"))
    assert [row[0] for row in rows] == [
        "☐ Create / promote", "☒ Establish / restore", "☐ Maintain", "☐ Modify / adapt", "☐ Prevent"]


def test_header_names_the_student_and_footer_says_confidential(ot_plans: list[Plan]):
    doc = Document(str(ot_plans[0].path))
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == "Liam O'Brien  ·  DOB 03/14/2018\tOT Treatment Plan 2026-2027"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Confidential student record\tPage ")
    instructions = [e.text.strip() for e in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


# ---------------------------------------------------------------------------------------------
# Layout that survives Word, LibreOffice and Google Docs


@pytest.mark.parametrize("name", ["ot-treatment-plan.docx", "504-plan.docx"])
def test_template_page_fonts_and_tables(name: str):
    doc = Document(str(TEMPLATES / name))
    section = doc.sections[0]
    assert (section.page_width, section.page_height) == (Inches(8.5), Inches(11))
    assert {section.left_margin, section.right_margin, section.top_margin, section.bottom_margin} == {Inches(1)}
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # a theme font would override Arial in Word
        assert fonts.get(qn("w:ascii")) == "Arial" and not [a for a in fonts.attrib if a.lower().endswith("theme")]
    assert doc.styles["Normal"].font.name == "Arial"
    for table in doc.tables:
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= 9360, "wider than the text area between 1-inch margins"
        for row in table._tbl.tr_lst:  # each cell as wide as the grid columns it spans
            column = 0
            for cell in row.tc_lst:
                span = cell.grid_span
                assert int(cell.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == sum(grid[column:column + span])
                column += span
            assert column == len(grid)


def test_committed_templates_are_what_the_builder_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("build_templates", TEMPLATES / "build_templates.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    monkeypatch.setattr(builder, "HERE", tmp_path)
    builder.main()
    for name in ("ot-treatment-plan.docx", "504-plan.docx", "ot-progress-report.docx"):
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), \
            f"templates/{name} is out of date: run python templates/build_templates.py"


@pytest.mark.skipif(soffice() is None or shutil.which("pdftoppm") is None,
                    reason="LibreOffice (soffice) or pdftoppm is not installed")
def test_the_readme_preview_script_makes_a_png_of_page_1(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("render_preview", ROOT / "scripts" / "render_preview.py")
    preview = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(preview)
    image = tmp_path / "page1.png"
    preview.main(["--image", str(image), "--width", "300"])
    assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_every_plan_converts_with_libreoffice_to_a_sensible_page_count(ot_plans: list[Plan], plans_504: list[Plan],
                                                                       tmp_path: Path):
    plans = [*ot_plans, *plans_504]
    staged = []
    for index, plan in enumerate(plans):  # unique names: both plans of a student share a folder name
        target = tmp_path / "in" / f"{index:02d}.docx"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(plan.path.read_bytes())
        staged.append(target)
    pdfs = convert_with_libreoffice(staged, tmp_path / "pdf")  # one soffice run for all 54
    for plan, pdf in zip(plans, pdfs, strict=True):
        assert pdf.exists(), f"LibreOffice did not convert {plan.path.name}"
        pages = pdf_text(pdf).split("\f")[:-1]
        low, high = (2, 6) if plan in ot_plans else (2, 4)
        assert low <= len(pages) <= high, (plan.path.name, len(pages))
        for number, page in enumerate(pages, 1):
            flat = " ".join(page.split())
            assert plan.name in flat, f"page {number} of {plan.path.name} does not name the student"
            assert "Confidential student record" in flat and f"Page {number} of {len(pages)}" in flat
            for leftover in LEFTOVERS:
                assert leftover not in flat, (leftover, plan.path.name, number)


# ---------------------------------------------------------------------------------------------
# Every shipped mapping supplies what its template uses


@pytest.mark.parametrize("mapping", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_shipped_mappings_supply_every_field_their_template_uses(mapping: str):
    period = 2 if "progress" in mapping else None  # progress mappings read the columns of one grading period
    prepared = prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY, period=period))  # raises if one is missing
    assert prepared.roster.students and not prepared.roster.failures
    for student in prepared.roster.students:
        prepared.template.render(student.context())


def test_docs_list_every_field_the_shipped_caseload_mappings_provide():
    docs = (ROOT / "docs" / "authoring-templates.md").read_text(encoding="utf-8")
    for mapping in ("caseload.yaml", "caseload-504.yaml"):
        prepared = prepare(RunOptions(mapping=MAPPINGS / mapping, today=TODAY))
        for name in prepared.mapping.fields:
            assert f"`{name}`" in docs, f"{name} ({mapping}) is missing from docs/authoring-templates.md"


# ---------------------------------------------------------------------------------------------
# plangen fields: loops and their item fields


def test_fields_lists_loop_item_fields_of_the_shipped_template():
    result = CliRunner().invoke(cli, ["fields", str(TEMPLATES / "ot-treatment-plan.docx")])
    assert result.exit_code == 0
    names = result.output.split()
    assert names == sorted(names)
    assert {"goals", "goals[].area", "goals[].text", "goals[].baseline", "services", "services[].name",
            "services[].summary", "accommodations", "full_name"} <= set(names)
    assert not [n for n in names if n.startswith("loop") or n.startswith(("g.", "s."))]


def test_fields_lists_nested_loops_without_methods_or_loop_variables(tmp_path: Path):
    rows = [["{%tr for g in goals or [''] %}"],
            ["{{ loop.index }} {{ g.area }} {{ g['baseline'] }} {{ g.text.upper() }} {{ g.number|default('') }}"
             "{% for o in g.objectives %}{{ o.text }}{% endfor %}"],
            ["{%tr endfor %}"]]
    template = make_template(tmp_path / "t.docx", ["{{ first_name }} {{ services[0].name }}",
                                                   "{% for k, v in pairs %}{{ v.x }}{% endfor %}"], rows)
    result = CliRunner().invoke(cli, ["fields", str(template)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [
        "first_name", "goals", "goals[].area", "goals[].baseline", "goals[].number", "goals[].objectives",
        "goals[].objectives[].text", "goals[].text", "pairs", "services", "services[].name"]


def test_item_fields_follow_shadowing_and_filters():
    env = make_environment()
    tree = env.parse("{% for g in goals|sort(attribute='number') %}{{ g.area }}"
                     "{% for g in other %}{{ g.x }}{% endfor %}{% endfor %}{{ g.outside }}")
    assert item_fields(tree) == {"goals[].area", "other[].x"}


# ---------------------------------------------------------------------------------------------
# Tags as Word and Google Docs type them


def test_smart_quotes_inside_tags_work(tmp_path: Path):
    path = make_template(tmp_path / "t.docx", [
        "{{ “Section 504” if plan == ‘504’ else ‘IEP’ }} for {{ name }}",
        "{% if plan == “504” %}Accommodations only{% endif %}",
    ])
    template = PlanTemplate(path)
    assert template.fields() == {"plan", "name"}
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"plan": "504", "name": "Zoë “Zee” O’Brien"}))
    assert [p.text for p in Document(str(out)).paragraphs] == [
        "Section 504 for Zoë “Zee” O’Brien", "Accommodations only"]  # quotes in the data are kept as typed


def split_run_template(path: Path) -> Path:
    """Tags broken into runs the way Word saves them after a click on Bold halfway through typing."""
    doc = Document()
    paragraph = doc.add_paragraph()
    paragraph.add_run("Name: {{ first_")
    paragraph.add_run("name").bold = True
    paragraph.add_run(" }} grade {")
    paragraph.add_run("{ grade }")
    paragraph.add_run("}")
    table = doc.add_table(rows=3, cols=1)
    first = table.rows[0].cells[0].paragraphs[0]
    first.add_run("{%")
    first.add_run("tr for g in ").italic = True
    first.add_run("goals %}")
    table.rows[1].cells[0].paragraphs[0].add_run("{{ ")
    table.rows[1].cells[0].paragraphs[0].add_run("g").bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(" }}")
    table.rows[2].cells[0].text = "{%tr endfor %}"
    doc.save(path)
    return path


def test_tags_split_across_formatting_runs_work(tmp_path: Path):
    template = PlanTemplate(split_run_template(tmp_path / "t.docx"))
    assert template.fields() == {"first_name", "grade", "goals"}
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"first_name": "Ana", "grade": "K", "goals": ["Cut", "Button"]}))
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "Name: Ana grade K"
    assert [row.cells[0].text for row in doc.tables[0].rows] == ["Cut", "Button"]


def test_a_field_autocorrect_turned_into_a_link_works(tmp_path: Path):
    """Word and Google Docs link 's.name' as a web address (.name is a domain) while you type."""
    doc = Document()
    table = doc.add_table(rows=3, cols=1)
    table.rows[0].cells[0].text = "{%tr for s in services %}"
    paragraph = table.rows[1].cells[0].paragraphs[0]
    paragraph.add_run("{{ ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to("http://s.name", RT.HYPERLINK, is_external=True))
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "s.name"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" }}")
    table.rows[2].cells[0].text = "{%tr endfor %}"
    doc.save(tmp_path / "t.docx")
    template = PlanTemplate(tmp_path / "t.docx")
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"services": [{"name": "Direct OT"}, {"name": "Consultation"}]}))
    assert [row.cells[0].text for row in Document(str(out)).tables[0].rows] == ["Direct OT", "Consultation"]


def test_a_plain_for_across_table_rows_is_reported_with_its_location(tmp_path: Path):
    rows = [["#", "Goal"], ["{% for g in goals %}", ""], ["x", "{{ g }}"], ["{% endfor %}", ""]]
    path = make_template(tmp_path / "t.docx", ["Goals"], rows)
    with pytest.raises(TemplateError) as err:
        PlanTemplate(path)
    assert str(err.value).startswith(
        f"{path}: document body, paragraph 4 (\"{{% for g in goals %}}\"): {{% for g in goals %}} is in a table "
        "cell but its {% endfor %} (paragraph 8) is in another table cell, so the plan would come out broken. "
        "To repeat or hide table rows, put {%tr for g in goals %} and {%tr endfor %} each alone in a row")


def test_a_loop_from_a_paragraph_into_a_table_stops_the_run_before_writing(tmp_path: Path):
    template = make_template(tmp_path / "t.docx", ["{% for g in goals %}"], [["{{ g }}"], ["{% endfor %}"]])
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", "-m", str(MAPPINGS / "caseload.yaml"), "-t", str(template),
                                      "-o", str(out)])
    assert result.exit_code == 2
    assert "is in a paragraph but its {% endfor %} (paragraph 3) is in a table cell" in result.output
    assert not out.exists()


def test_plain_tags_inside_one_cell_or_across_body_paragraphs_are_fine(tmp_path: Path):
    path = make_template(tmp_path / "t.docx", ["{% if a %}", "shown", "{% endif %}"],
                         [["{% if b %}B{% else %}-{% endif %}", "{% for g in goals %}{{ g }} {% endfor %}"]])
    template = PlanTemplate(path)
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"a": True, "b": False, "goals": ["x", "y"]}))
    assert [c.text for c in Document(str(out)).tables[0].rows[0].cells] == ["-", "x y "]

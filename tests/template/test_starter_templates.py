"""The shipped starter templates: complete, tidy with missing data, and robust to how people type tags.

Both templates are rendered for every sample student through the CLI, read back section by
section (by heading style, not just text); tests/test_layout.py prints them with LibreOffice and
checks every page.
"""

from __future__ import annotations

import csv
import importlib.util
import io
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
    docx_text,
    make_template,
    soffice,
)

OT_SECTIONS = [
    ("Title", "Occupational Therapy Treatment Plan"),
    ("Heading 1", "1. Student and plan"),
    ("Heading 1", "2. From the IEP"),
    ("Heading 2", "Present levels of performance"),
    ("Heading 2", "Goals"),
    ("Heading 2", "Accommodations and supports"),
    ("Heading 2", "Services"),
    ("Heading 1", "3. Relevant evaluation findings"),
    ("Heading 1", "4. Intervention approach and strategies"),
    ("Heading 2", "Approach"),
    ("Heading 2", "Strategies, programs and activity ideas"),
    ("Heading 2", "Interests to build on"),
    ("Heading 2", "Home program"),
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
    ("Heading 1", "6. Progress monitoring and reports to parents"),
    ("Heading 1", "7. Parent and student rights"),
    ("Heading 1", "8. Review and team signatures"),
]
GOALS_HEADER = ("#", "Annual goal (area, baseline, how it is measured)")
ACCOMMODATIONS_HEADER = ("Accommodation or support",)
SERVICES_HEADER = ("Service", "Frequency and duration", "Setting", "Provider", "Dates")
REFERRALS_HEADER = ("Referral or recommendation",)
CATEGORY_HEADER = ("Accommodation", "Responsible")
CATEGORIES = (
    "classroom_accommodations",
    "testing_accommodations",
    "instructional_accommodations",
    "health_accommodations",
)
LEFTOVERS = ("None", "{{", "}}", "{%", "%}", "[]")


@dataclass
class Plan:
    """One rendered plan, with the student's values the plan was filled from."""

    key: str
    name: str
    path: Path
    values: dict


def render_all(mapping: str, out: Path, expected: int) -> list[Plan]:
    result = CliRunner().invoke(
        cli, ["generate", "-m", str(MAPPINGS / mapping), "--out", str(out), "--today", TODAY.isoformat()]
    )
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
    return [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


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
        expected = list(OT_SECTIONS)
        if "504" in plan.values["plan_type"]:  # a 504 student's OT plan names the plan it comes from
            expected[2] = ("Heading 1", "2. From the 504 plan")
        assert headings(plan.path) == expected, plan.name


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
            values["goals"], lambda i, g: [str(i) if g else "", g]
        ), plan.name
        assert one_table(plan.path, ACCOMMODATIONS_HEADER) == expected_rows(
            values["accommodations"], lambda i, a: [a]
        ), plan.name
        services = one_table(plan.path, SERVICES_HEADER)
        assert [row[:4] for row in services] == [
            [s["name"], s["summary"], s["location"], s["provider"]] for s in values["services"]
        ], plan.name
        monitoring = tables_by_header(plan.path)[("How progress is measured", values["progress_measures"])]
        assert monitoring == [[["How often, and reports to parents", values["progress_schedule"]]]], plan.name
        assert [row[0] for row in one_table(plan.path, REFERRALS_HEADER)] == (values["referrals"] or [""])


def test_504_accommodation_tables_have_one_row_per_item_or_one_empty_row(plans_504: list[Plan]):
    for plan in plans_504:
        tables = tables_by_header(plan.path)[CATEGORY_HEADER]
        assert len(tables) == len(CATEGORIES)
        for rows, category in zip(tables, CATEGORIES, strict=True):
            responsible = "School nurse" if category == "health_accommodations" else "Classroom teacher"
            if responsible != "School nurse" and plan.values["teacher"]:
                responsible += f" ({plan.values['teacher']})"
            expected = expected_rows(plan.values[category], lambda i, a, r=responsible: [a, r])
            assert rows == expected if plan.values[category] else rows == [["", ""]], (plan.name, category)


def test_a_student_with_no_goals_gets_a_tidy_plan(ot_plans: list[Plan]):
    chloe = next(p for p in ot_plans if p.key == "1004")
    assert chloe.values["goals"] == [] and chloe.values["strategies"] == []
    assert one_table(chloe.path, GOALS_HEADER) == [[""] * 2]
    doc = Document(str(chloe.path))
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    strategies = texts.index(("Heading 2", "Strategies, programs and activity ideas"))
    assert texts[strategies + 1 : strategies + 3] == [("Table Spacer", ""), ("Heading 2", "Interests to build on")]
    assert "List Bullet" not in {style for style, _text in texts}  # a box to write in, not bare bullets
    assert write_in_boxes(chloe.path)[1:3] == ["", chloe.values["interests"]]
    assert one_table(chloe.path, SERVICES_HEADER) == [
        ["OT consultation", "15 min monthly", "Consult", "Alex Rivera, OTR/L", "09/15/2026 – 09/14/2027"]
    ]


def write_in_boxes(path: Path) -> list[str]:
    """The text of every one-cell box (present levels, interests, home program, discharge criteria, evidence)."""
    return [
        table.rows[0].cells[0].text
        for table in Document(str(path)).tables
        if len(table.columns) == 1 and len(table.rows) == 1
    ]


def test_blank_data_leaves_labeled_blank_areas(ot_plans: list[Plan]):
    olivia = next(p for p in ot_plans if p.key == "1013")  # no present levels, findings or discharge criteria
    values = olivia.values
    assert values["present_levels"] == values["evaluation_findings"] == values["discharge_criteria"] == ""
    assert write_in_boxes(olivia.path) == ["", values["interests"], values["home_program"], "", ""]
    evaluation = tables_by_header(olivia.path)[("Reason for referral", values["referral_reason"])]
    assert evaluation == [
        [
            ["Most recent OT evaluation", str(values["evaluation_date"])],
            ["Assessments and key results", ""],
            ["Strengths", values["strengths"]],
        ]
    ]
    liam = next(p for p in ot_plans if p.key == "1001")
    assert write_in_boxes(liam.path) == [
        liam.values[name] for name in ("present_levels", "interests", "home_program", "discharge_criteria", "evidence")
    ]


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
        "☐ Create / promote",
        "☒ Establish / restore",
        "☐ Maintain",
        "☐ Modify / adapt",
        "☐ Prevent",
    ]


def test_header_names_the_student_and_footer_says_confidential(ot_plans: list[Plan]):
    doc = Document(str(ot_plans[0].path))
    section = doc.sections[0]
    # Liam's IEP runs 12/02/2025-12/01/2026: most of it in the 2025-2026 school year, whatever the run date.
    assert section.header.paragraphs[0].text == "Liam O'Brien  ·  DOB 03/14/2018\tOT Treatment Plan 2025-2026"
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
                assert int(cell.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == sum(grid[column : column + span])
                column += span
            assert column == len(grid)


def test_committed_templates_are_what_the_builder_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("build_templates", TEMPLATES / "build_templates.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    monkeypatch.setattr(builder, "HERE", tmp_path)
    builder.main()
    for name in ("ot-treatment-plan.docx", "504-plan.docx", "ot-progress-report.docx"):
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), (
            f"templates/{name} is out of date: run python templates/build_templates.py"
        )


@pytest.mark.skipif(
    soffice() is None or shutil.which("pdftoppm") is None, reason="LibreOffice (soffice) or pdftoppm is not installed"
)
def test_the_readme_preview_script_makes_a_png_of_page_1(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("render_preview", ROOT / "scripts" / "render_preview.py")
    preview = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(preview)
    image = tmp_path / "page1.png"
    preview.main(["--image", str(image), "--width", "300"])
    assert image.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


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
    assert {
        "goals",
        "goals[].area",
        "goals[].text",
        "goals[].baseline",
        "services",
        "services[].name",
        "services[].summary",
        "accommodations",
        "full_name",
    } <= set(names)
    assert not [n for n in names if n.startswith("loop") or n.startswith(("g.", "s."))]


def test_fields_lists_nested_loops_without_methods_or_loop_variables(tmp_path: Path):
    rows = [
        ["{%tr for g in goals or [''] %}"],
        [
            "{{ loop.index }} {{ g.area }} {{ g['baseline'] }} {{ g.text.upper() }} {{ g.number|default('') }}"
            "{% for o in g.objectives %}{{ o.text }}{% endfor %}"
        ],
        ["{%tr endfor %}"],
    ]
    template = make_template(
        tmp_path / "t.docx",
        ["{{ first_name }} {{ services[0].name }}", "{% for k, v in pairs %}{{ v.x }}{% endfor %}"],
        rows,
    )
    result = CliRunner().invoke(cli, ["fields", str(template)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [
        "first_name",
        "goals",
        "goals[].area",
        "goals[].baseline",
        "goals[].number",
        "goals[].objectives",
        "goals[].objectives[].text",
        "goals[].text",
        "pairs",
        "services",
        "services[].name",
    ]


def test_item_fields_follow_shadowing_and_filters():
    env = make_environment()
    tree = env.parse(
        "{% for g in goals|sort(attribute='number') %}{{ g.area }}"
        "{% for g in other %}{{ g.x }}{% endfor %}{% endfor %}{{ g.outside }}"
    )
    assert item_fields(tree) == {"goals[].area", "other[].x"}


# ---------------------------------------------------------------------------------------------
# Tags as Word and Google Docs type them


def test_smart_quotes_inside_tags_work(tmp_path: Path):
    path = make_template(
        tmp_path / "t.docx",
        [
            "{{ “Section 504” if plan == ‘504’ else ‘IEP’ }} for {{ name }}",
            "{% if plan == “504” %}Accommodations only{% endif %}",
        ],
    )
    template = PlanTemplate(path)
    assert template.fields() == {"plan", "name"}
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"plan": "504", "name": "Zoë “Zee” O’Brien"}))
    assert [p.text for p in Document(str(out)).paragraphs] == [
        "Section 504 for Zoë “Zee” O’Brien",
        "Accommodations only",
    ]  # quotes in the data are kept as typed


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
        f'{path}: document body, paragraph 4 ("{{% for g in goals %}}"): {{% for g in goals %}} is in a table '
        "cell but its {% endfor %} (paragraph 8) is in another table cell, so the plan would come out broken. "
        "To repeat or hide table rows, put {%tr for g in goals %} and {%tr endfor %} each alone in a row"
    )


def test_a_loop_from_a_paragraph_into_a_table_stops_the_run_before_writing(tmp_path: Path):
    template = make_template(tmp_path / "t.docx", ["{% for g in goals %}"], [["{{ g }}"], ["{% endfor %}"]])
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli, ["generate", "-m", str(MAPPINGS / "caseload.yaml"), "-t", str(template), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "is in a paragraph but its {% endfor %} (paragraph 3) is in a table cell" in result.output
    assert not out.exists()


def test_plain_tags_inside_one_cell_or_across_body_paragraphs_are_fine(tmp_path: Path):
    path = make_template(
        tmp_path / "t.docx",
        ["{% if a %}", "shown", "{% endif %}"],
        [["{% if b %}B{% else %}-{% endif %}", "{% for g in goals %}{{ g }} {% endfor %}"]],
    )
    template = PlanTemplate(path)
    out = tmp_path / "out.docx"
    out.write_bytes(template.render({"a": True, "b": False, "goals": ["x", "y"]}))
    assert [c.text for c in Document(str(out)).tables[0].rows[0].cells] == ["-", "x y "]


# ---------------------------------------------------------------------------------------------
# Wording: plan type, OTA, hints, properties, no software words


def label_rows(path: Path) -> list[list[str]]:
    """The rows of the student table (section 1), merged cells once."""
    table = Document(str(path)).tables[0]
    return [[tc.xpath("string(.)") for tc in row._tr.tc_lst] for row in table.rows]


def test_a_504_students_ot_plan_names_504_dates_and_has_no_triennial(ot_plans: list[Plan]):
    chloe = next(p for p in ot_plans if p.key == "1004")  # Plan Type 504
    rows = label_rows(chloe.path)
    assert ["504 plan date", "09/15/2026", "Next 504 review", "09/14/2027"] in rows
    assert ["Plan date", "11/22/2026"] in rows
    assert not [row for row in rows if "triennial" in " ".join(row).lower() or "IEP date" in row]
    liam = label_rows(next(p for p in ot_plans if p.key == "1001").path)
    assert ["IEP date", "12/02/2025", "Next annual review", "12/01/2026"] in liam
    assert ["Next triennial", "11/15/2027", "Plan date", "11/22/2026"] in liam


def test_new_fields_print_and_stay_blank_without_data(ot_plans: list[Plan]):
    eli = next(p for p in ot_plans if p.key == "1027")
    rows = label_rows(eli.path)
    assert ["Precautions", "Type 1 diabetes: check blood glucose before motor activity"] in rows
    assert ["Allergies", "No known allergies"] in rows
    assert ["Service model", "Consultation", "Hand dominance", eli.values["hand_dominance"]] in rows
    liam = label_rows(next(p for p in ot_plans if p.key == "1001").path)
    assert ["Precautions", ""] in liam and ["Service model", "Direct (pull-out)", "Hand dominance", "Right"] in liam


def test_the_ota_is_a_blank_without_one_and_signs_only_when_one_serves_the_student(ot_plans: list[Plan]):
    """A sheet with no OTA says nothing about one: the OTA cells are blanks to fill in, never "No OTA"."""
    for plan in ot_plans:
        text = docx_text(plan.path)
        assert "No OTA" not in text, plan.name
        assert ["Therapist (OT)", "Alex Rivera, OTR/L", "OTA", plan.values["ota"]] in label_rows(plan.path)
        supervision = tables_by_header(plan.path)[("Supervising OT", "Alex Rivera, OTR/L")]
        assert supervision[0][:2] == [["OTA", plan.values["ota"]], ["Supervision schedule", plan.values["supervision"]]]
        signatures = [[c.text for c in row.cells] for row in Document(str(plan.path)).tables[-1].rows]
        expected = [["Occupational therapist", "", "Date", ""]]
        expected += [["OTA", "", "Date", ""]] if plan.values["ota"] else []
        assert signatures == [*expected, ["Parent / guardian", "", "Date", ""]], plan.name


def test_504_plans_show_basis_rights_reports_and_team_signatures(plans_504: list[Plan]):
    for plan in plans_504:
        text = docx_text(plan.path)
        assert plan.values["eligibility_basis"] and plan.values["eligibility_basis"] in text
        assert "Notice of Parent and Student Rights under Section 504" in text
        assert plan.values["progress_reports"] in text
        signatures = tables_by_header(plan.path)[("Name", "Role", "Signature", "Date")][0]
        roles = [row[1] for row in signatures]
        assert (
            roles[:4] == ["Parent / guardian", "Student (when appropriate)", "504 coordinator", "Classroom teacher"]
            and roles[-1] == "Administrator"
        )
        assert all(len(row) == 4 and not row[2] and not row[3] for row in signatures)


def test_properties_name_the_plan_and_the_run_date_with_no_software_words(ot_plans: list[Plan], plans_504: list[Plan]):
    for plan, kind in [(p, "OT Treatment Plan") for p in ot_plans] + [(p, "Section 504 Plan") for p in plans_504]:
        properties = Document(str(plan.path)).core_properties
        assert properties.title == f"{kind} – {plan.name}"  # O'Brien as typed, not O&#39;Brien
        assert properties.created.date() == TODAY and properties.modified.date() == TODAY
        assert properties.author == properties.comments == properties.last_modified_by == ""
        assert "caseload" not in docx_text(plan.path).lower(), plan.name
        assert "plangen" not in docx_text(plan.path).lower(), plan.name


def hint_texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.style.name == "Hint"]


def test_hints_print_only_when_the_mapping_says_hints_true(sample_copy: Path, tmp_path: Path):
    mapping = sample_copy / "mappings" / "caseload.yaml"
    shipped = mapping.read_text(encoding="utf-8")
    for hints, count in (("true", 5), ("false", 0), ("", 0)):
        mapping.write_text(shipped + (f"hints: {hints}\n" if hints else ""), encoding="utf-8")
        out = tmp_path / (hints or "default")
        result = CliRunner().invoke(
            cli, ["generate", "-m", str(mapping), "--out", str(out), "--student", "1001", "--today", TODAY.isoformat()]
        )
        assert result.exit_code == 0, result.output
        (plan,) = out.glob("*/*.docx")
        assert len(hint_texts(plan)) == count, hints


@pytest.mark.parametrize("name", ["ot-treatment-plan.docx", "504-plan.docx"])
def test_starter_templates_print_values_and_tag_text_as_typed(name: str):
    template = PlanTemplate(TEMPLATES / name)
    prepared = prepare(
        RunOptions(mapping=MAPPINGS / ("caseload.yaml" if name.startswith("ot") else "caseload-504.yaml"), today=TODAY)
    )
    context = dict(prepared.roster.students[0].context())
    context.update(full_name="Ann O'Neil & <Bo>", teacher="Mr. A&B <C>", school="Lincoln & Park")
    document = Document(io.BytesIO(template.render(context)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "School year " in text and "Lincoln & Park" in text and "&amp;" not in text and "&lt;" not in text
    assert document.sections[0].header.paragraphs[0].text.startswith("Ann O'Neil & <Bo>")
    assert document.core_properties.title.endswith("– Ann O'Neil & <Bo>")
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Mr. A&B <C>" in cells and "&amp;" not in cells

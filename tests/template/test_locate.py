"""Finding a template problem the way a person looks for it: "paragraph 12", "table 2, row 3, column 1"."""

from __future__ import annotations

import io

from docx import Document

from generator.template.locate import locate_paragraph


def docx(build) -> bytes:
    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan(document) -> None:
    document.add_paragraph("OT Treatment Plan")
    document.add_paragraph("Student: {{ first_name }}   {{ last_name }}")
    goals = document.add_table(rows=2, cols=2)
    goals.cell(0, 0).text, goals.cell(0, 1).text = "#", "Goal"
    goals.cell(1, 0).text, goals.cell(1, 1).text = "1", "{{ goal_one }"
    document.add_paragraph("Signed: {{ therapist }}")
    services = document.add_table(rows=3, cols=1)
    services.cell(2, 0).text = "Minutes"
    services.cell(2, 0).add_paragraph("{% if minutes > 30 %}weekly")
    nested = services.cell(1, 0).add_table(rows=1, cols=2)
    nested.cell(0, 1).text = "{{ provider }"


DATA = docx(plan)


def test_body_paragraphs_are_numbered_as_word_shows_them() -> None:
    assert locate_paragraph(DATA, "OT Treatment Plan") == "paragraph 1"
    assert locate_paragraph(DATA, "Signed: {{ therapist }}") == "paragraph 3"  # tables are not paragraphs


def test_table_cells_are_named_by_table_row_and_column() -> None:
    assert locate_paragraph(DATA, "{{ goal_one }") == "table 1, row 2, column 2"
    assert locate_paragraph(DATA, "{% if minutes > 30 %}weekly") == "table 2, row 3, column 1"  # its 2nd paragraph


def test_a_nested_table_is_named_inside_its_cell() -> None:
    assert locate_paragraph(DATA, "{{ provider }") == "table 2, row 2, column 1, table 1, row 1, column 2"


def test_spacing_and_smart_quotes_do_not_hide_the_paragraph() -> None:
    assert locate_paragraph(DATA, "  Student:\n{{ first_name }} {{ last_name }}") == "paragraph 2"

    def quoted(document) -> None:
        document.add_paragraph("intro")
        document.add_paragraph("{% if plan_type == \u201c504\u201d %}Section 504{% endif %} \u2018ok\u2019")

    assert locate_paragraph(docx(quoted), "{% if plan_type == \"504\" %}Section 504{% endif %} 'ok'") == "paragraph 2"


def test_part_of_a_paragraph_is_enough_and_the_first_place_wins() -> None:
    def twice(document) -> None:
        table = document.add_table(rows=1, cols=1)
        table.cell(0, 0).text = "Review: {{ review_date }}"
        document.add_paragraph("Next review: {{ review_date }} at school")

    assert locate_paragraph(docx(twice), "{{ review_date }}") == "paragraph 1"  # body paragraphs are searched first
    assert locate_paragraph(DATA, "{{ last_name }}") == "paragraph 2"


def test_text_not_in_the_document_or_empty_is_none() -> None:
    assert locate_paragraph(DATA, "{{ nowhere }}") is None
    assert locate_paragraph(DATA, "") is None
    assert locate_paragraph(DATA, "   \n ") is None

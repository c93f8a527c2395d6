"""Block tags that would break the Word document, refused with the paragraph and the fix.

The XML here is shaped like a document part (``w:p`` paragraphs, ``w:tbl``/``w:tr``/``w:tc`` tables) so
each rule is checked on its own; tests/template/test_starter_templates.py covers the same check on .docx files.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from generator.errors import TemplateError
from generator.template.placement import check_tag_placement
from tests.google.gdocs_export import docs_like_docx, plan_template

PATH = Path("plan.docx")


def p(text: str) -> str:
    return (
        f'<w:p w:rsidR="00A1"><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t>'
        "</w:r></w:p>"
    )


def cell(*texts: str) -> str:
    return "<w:tc><w:tcPr/>" + "".join(p(t) for t in texts) + "</w:tc>"


def row(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def table(*rows: str) -> str:
    return "<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl>"


def body(*parts: str) -> str:
    return '<?xml version="1.0"?><w:document><w:body>' + "".join(parts) + "<w:sectPr/></w:body></w:document>"


def refusal(xml: str, part: str = "document body") -> str:
    with pytest.raises(TemplateError) as caught:
        check_tag_placement(PATH, part, xml)
    return str(caught.value)


FIX_FOR = (
    "so the plan would come out broken. To repeat or hide table rows, put {%tr for g in goals %} and "
    "{%tr endfor %} each alone in a row of its own; for paragraphs use {%p … %} alone in a paragraph. See "
    "docs/authoring-templates.md."
)


@pytest.mark.parametrize(
    "xml",
    [
        body(p("{% if a %}"), p("shown"), p("{% endif %}")),
        body(p("{% for g in goals %}{{ g }}{% endfor %}")),
        body(table(row(cell("{% if b %}B{% else %}-{% endif %}"), cell("{% for g in goals %}{{ g }} {% endfor %}")))),
        body(table(row(cell("{% for g in goals %}", "{{ g }}", "{% endfor %}")))),  # paragraphs of one cell
        body(table(row(cell("{%tr for g in goals %}")), row(cell("{{ g }}")), row(cell("{%tr endfor %}")))),
        body(p("{%p if a %}"), table(row(cell("x"))), p("{%p endif %}")),
        body(p("{% set total = 3 %}"), table(row(cell("{{ total }}")))),  # an assignment is not a block
        body(p("{% raw %}{% for %} in a cell{% endraw %}"), table(row(cell("{% endfor %}")))),
        body(p("{%- for g in goals -%}"), p("{{ g }}"), p("{%- endfor -%}")),
        body(table(row(cell(p("{% for s in services %}") + table(row(cell("{{ s }}"))) + p("{% endfor %}"))))),
    ],
)
def test_blocks_that_keep_the_document_whole_pass(xml: str) -> None:
    check_tag_placement(PATH, "document body", xml)


def test_a_for_loop_spanning_two_cells_of_a_row() -> None:
    xml = body(p("Goals"), table(row(cell("{% for g in goals %}"), cell("{{ g }}{% endfor %}"))))
    assert refusal(xml) == (
        'plan.docx: document body, paragraph 2 ("{% for g in goals %}"): {% for g in goals %} is in a table cell '
        "but its {% endfor %} (paragraph 3) is in another table cell, " + FIX_FOR
    )


def test_a_for_loop_spanning_rows() -> None:
    xml = body(
        table(
            row(cell("#"), cell("Goal")),
            row(cell("{% for g in goals %}"), cell("")),
            row(cell("{{ loop.index }}"), cell("{{ g }}")),
            row(cell("{% endfor %}"), cell("")),
        )
    )
    assert refusal(xml).startswith(
        'plan.docx: document body, paragraph 3 ("{% for g in goals %}"): {% for g in '
        "goals %} is in a table cell but its {% endfor %} (paragraph 7) is in another "
        "table cell, so the plan"
    )


def test_from_a_paragraph_into_a_table_and_out_of_one() -> None:
    into = body(p("{% for g in goals %}"), table(row(cell("{{ g }}")), row(cell("{% endfor %}"))))
    assert "{% for g in goals %} is in a paragraph but its {% endfor %} (paragraph 3) is in a table cell" in refusal(
        into
    )
    out = body(table(row(cell("{% if show %}"))), p("{% endif %}"))
    assert refusal(out) == (
        'plan.docx: document body, paragraph 1 ("{% if show %}"): {% if show %} is in a table cell but its '
        "{% endif %} (paragraph 2) is in a paragraph, so the plan would come out broken. To repeat or hide table "
        "rows, put {%tr if show %} and {%tr endif %} each alone in a row of its own; for paragraphs use {%p … %} "
        "alone in a paragraph. See docs/authoring-templates.md."
    )


def test_an_else_in_another_cell_is_refused_like_the_end() -> None:
    xml = body(table(row(cell("{% if plan_type == '504' %}504"), cell("{% else %}IEP{% endif %}"))))
    assert (
        "{% if plan_type == '504' %} is in a table cell but its {% else %} (paragraph 2) is in another table "
        "cell" in refusal(xml)
    )
    xml = body(table(row(cell("{% if a %}A{% elif b %}B"), cell("{% endif %}"))))
    assert "{% if a %} is in a table cell but its {% endif %} (paragraph 2)" in refusal(xml)


def test_a_tag_between_rows_is_named_so() -> None:
    xml = table(row(cell("{% for s in services %}")), "<w:tblGrid/>{% endfor %}")
    assert (
        "{% for s in services %} is in a table cell but its {% endfor %} (paragraph 1) is in a table, "
        "between rows" in refusal(xml, "header")
    )


def test_the_inner_block_is_checked_before_the_outer_one() -> None:
    xml = body(table(row(cell("{% for g in goals %}{% if g %}"), cell("{% endif %}{% endfor %}"))))
    assert "{% if g %} is in a table cell but its {% endif %}" in refusal(xml)


def test_a_block_set_is_a_block() -> None:
    xml = body(table(row(cell("{% set note %}"), cell("{% endset %}"))))
    assert "{% set note %} is in a table cell but its {% endset %}" in refusal(xml)


def test_the_part_name_and_a_long_paragraph_shortened() -> None:
    words = "Goal " * 40
    xml = body(table(row(cell(f"{words}{{% for g in goals %}}"), cell("{% endfor %}"))))
    message = refusal(xml, "header 1")
    assert message.startswith(f'plan.docx: header 1, paragraph 1 ("{" ".join(words.split())[:120]}"): ')


def patched_body(docx: bytes) -> str:
    """The document XML as the template loader checks it: after docxtpl joined each tag's runs."""
    template = DocxTemplate(io.BytesIO(docx))
    template.init_docx()
    return template.patch_xml(template.get_xml())


def test_a_tag_split_over_formatting_runs_in_a_real_docx() -> None:
    split = patched_body(docs_like_docx([["Goals"]], [[["{% for g in ", "goals %}"], ["{{ ", "g }}{% end", "for %}"]]]))
    assert refusal(split).startswith(
        'plan.docx: document body, paragraph 2 ("{% for g in goals %}"): {% for g in '
        "goals %} is in a table cell but its {% endfor %} (paragraph 3) is in another "
        "table cell"
    )
    check_tag_placement(PATH, "document body", patched_body(plan_template()))  # {%tr %} rows typed in Docs

"""Table grids change only where a tag changed a table's cells, each table counted on its own cells."""

from __future__ import annotations

import io
import re

from docx import Document
from lxml import etree

from generator.template.grids import MARK, mark_tables, refit_grids
from generator.template.loader import PlanTemplate
from generator.template.package import W
from tests.helpers import docx_bytes, edit_parts, zip_parts

NESTED = (
    '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/>'
    '<w:gridCol w:w="4000"/></w:tblGrid>'
    "<w:tr><w:tc><w:p><w:r><w:t>outer a</w:t></w:r></w:p>"
    "<w:tbl><w:tblGrid>" + '<w:gridCol w:w="1000"/>' * 4 + "</w:tblGrid>"
    "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
    "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    "<w:p/></w:tc><w:tc><w:p><w:r><w:t>outer b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
)


def _body(inner: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{W}">{inner}</w:body>')


def _grids(xml: bytes | etree._Element) -> list[list[str | None]]:
    tree = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    return [[c.get(f"{{{W}}}w") for c in g.iter(f"{{{W}}}gridCol")] for g in tree.iter(f"{{{W}}}tblGrid")]


def _with_body(inner: str, paragraphs: list[str]) -> bytes:
    return edit_parts(
        docx_bytes(paragraphs), word__document_xml=lambda xml: xml.replace("<w:sectPr", inner + "<w:sectPr", 1)
    )


def test_a_template_with_a_nested_table_and_no_cell_tags_keeps_every_grid(tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(_with_body(NESTED, ["Hello {{ name }}"]))
    plan = PlanTemplate(path).render({"name": "Ann"})
    assert _grids(zip_parts(plan)["word/document.xml"]) == [["4000", "4000"], ["1000"] * 4]
    assert MARK.encode() not in zip_parts(plan)["word/document.xml"]


def test_refitting_counts_only_a_tables_own_rows_and_cells_and_the_cells_rows_skip():
    body = _body(NESTED.replace("outer a", "{%tc for x in xs %}"))
    assert mark_tables(body) == 1  # the outer table, whose own cell holds the tag; not the nested one
    refit_grids(body)
    assert _grids(body) == [["4000", "4000"], ["1000"] * 4]
    assert all(MARK not in table.attrib for table in body.iter(f"{{{W}}}tbl"))
    skipped = _body(
        f'<w:tbl {MARK}="1"><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="100"/><w:gridCol w:w="100"/></w:tblGrid>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    )
    refit_grids(skipped)
    assert _grids(skipped) == [["100", "100", "100"]]


def test_columns_a_cell_loop_adds_or_removes_are_refitted_as_docxtpl_does():
    wide = _body(
        f'<w:tbl {MARK}="1"><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    refit_grids(wide)
    assert _grids(wide) == [["2000", "2000", "2000"]]
    narrow = _body(
        f'<w:tbl {MARK}="1"><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol/></w:tblGrid>'
        "<w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    refit_grids(narrow)
    assert _grids(narrow) == [["6000"]]


def test_tables_without_a_grid_render_with_row_and_cell_loops(tmp_path):
    rows = [
        ["{%tr for g in goals %}", "", ""],
        ["{{ g }}", "", ""],
        ["{%tr endfor %}", "", ""],
        ["{%tc for m in months %}", "{{ m }}", "{%tc endfor %}"],
    ]
    data = edit_parts(
        docx_bytes(["Goals"], rows), word__document_xml=lambda xml: re.sub(r"<w:tblGrid>.*?</w:tblGrid>", "", xml)
    )
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    plan = PlanTemplate(path).render({"goals": ["Cut", "Write"], "months": ["Jan", "Feb"]})
    table = Document(io.BytesIO(plan)).tables[0]
    assert [row.cells[0].text for row in table.rows[:2]] == ["Cut", "Write"]
    assert [cell.text for cell in table.rows[2].cells] == ["Jan", "Feb"]
    assert b"tblGrid" not in zip_parts(plan)["word/document.xml"]


def test_a_table_left_without_rows_loses_its_grid_as_in_docxtpl(tmp_path):
    rows = [["{%tr for g in goals %}", ""], ["{{ g }}", "x"], ["{%tr endfor %}", ""]]
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes(["Goals"], rows))
    plan = PlanTemplate(path).render({"goals": []})
    assert _grids(zip_parts(plan)["word/document.xml"]) == [[]]

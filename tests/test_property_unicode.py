"""Property: whatever Unicode a cell holds, the plan is a document LibreOffice opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.sources.cells import to_text
from generator.template.loader import PlanTemplate
from tests.helpers import convert_with_libreoffice, document_xml, make_template, pdf_text, soffice

CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


def test_any_unicode_in_any_cell_gives_a_document_libreoffice_opens(tmp_path: Path):
    rows = [["{%tr for g in goals %}"], ["{{ g }}"], ["{%tr endfor %}"]]
    template = PlanTemplate(
        make_template(tmp_path / "t.docx", ["Name: {{ name }}", "Note: {{ note }}"], rows, header="{{ name }}")
    )
    written: list[Path] = []

    @settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(name=CELL, note=CELL, goals=st.lists(CELL, max_size=3))
    def render_one(name: str, note: str, goals: list[str]) -> None:
        context = {"name": to_text(name), "note": to_text(note), "goals": [to_text(g) for g in goals]}
        path = tmp_path / f"plan{len(written)}.docx"
        path.write_bytes(template.render(context))
        etree.fromstring(document_xml(path).encode("utf-8"))  # well-formed XML, or this raises
        written.append(path)

    render_one()
    assert len(written) >= 20
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pdfs = convert_with_libreoffice(written, tmp_path / "pdf")
    for docx, pdf in zip(written, pdfs, strict=True):
        assert pdf.exists(), f"LibreOffice could not open {docx.name}"
        assert "Name:" in pdf_text(pdf)

"""Generated plans opened by a real consumer: LibreOffice converts each one to PDF."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import convert_with_libreoffice, make_template, pdf_text, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def test_every_sample_plan_converts_and_shows_the_name_as_typed(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli,
        ["generate", "-m", str(sample_copy / "mappings" / "caseload.yaml"), "--out", str(out), "--today", "2026-11-22"],
    )
    assert result.exit_code == 0, result.output
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    documents = [out / row["output"] for row in rows]
    pdfs = convert_with_libreoffice(documents, tmp_path / "pdf")
    names_seen = 0
    for row, pdf in zip(rows, pdfs, strict=True):
        assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice did not convert {row['output']}"
        text = pdf_text(pdf)
        assert row["display_name"] in " ".join(text.split()), row["display_name"]
        names_seen += 1
        for leftover in ("None", "{{", "{%", "}}", "%}"):
            assert leftover not in text, f"{leftover!r} in {row['output']}"
    assert names_seen == 27
    liam = pdf_text(pdfs[0])
    assert "Liam O'Brien" in liam and "Loves dinosaurs & trains; <5 min" in " ".join(liam.split())


def test_control_characters_emoji_and_rtl_text_still_give_a_document_libreoffice_opens(tmp_path: Path):
    forbidden = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r")
    source = tmp_path / "c.csv"
    source.write_text(
        f'ID,Name,Note\n1,Ana,"line one\x0bline two{forbidden}end & <b> ""quoted"" 🙂 שלום عربى"\n',
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "key: id\nfields:\n  id: ID\n  name: Name\n  note: Note\noutput: {folder: '{{ name }}', filename: Plan}\n"
    )
    template = make_template(tmp_path / "t.docx", ["{{ name }}: {{ note }}"])
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        cli, ["generate", "-m", str(mapping), "-s", str(source), "-t", str(template), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (pdf,) = convert_with_libreoffice([out / "Ana" / "Plan.docx"], tmp_path / "pdf")
    text = pdf_text(pdf).replace("\u202b", "").replace("\u202c", "")  # pdftotext marks RTL runs
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # \x0b (Excel's in-cell line break) and \x0c become line breaks; other control characters vanish.
    assert lines[:3] == ["Ana: line one", "line two", 'end & <b> "quoted" 🙂 שלום عربى']

"""Generated plans opened by a real consumer: LibreOffice converts each one to PDF."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.helpers import convert_with_libreoffice, pdf_text, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def test_every_sample_plan_converts_and_shows_the_name_as_typed(sample_copy: Path, tmp_path: Path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(cli, ["generate", "-m", str(sample_copy / "mappings" / "caseload.yaml"),
                                      "--out", str(out), "--today", "2026-11-22"])
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

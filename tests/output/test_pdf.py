"""--pdf: one LibreOffice call per run, PDFs beside the plans, remade only when a plan changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from generator.cli import cli
from generator.output.pdf import INSTALL_HINT
from tests.helpers import make_template, pdf_text, soffice

MAPPING = (
    "key: id\ndisplay_name: '{{ name }}'\nfields:\n  id: ID\n  name: Name\n  notes: Notes\n"
    "output: {folder: '{{ name }}', filename: OT Plan}\n"
)
ROWS = [("1", "Ana Ruiz", "likes puzzles"), ("2", "Bo Chen", "plays chess"), ("3", "Cy Park", "draws")]


def project(tmp_path: Path, rows=ROWS) -> tuple[Path, Path]:
    (tmp_path / "c.csv").write_text("ID,Name,Notes\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    make_template(tmp_path / "t.docx", ["OT plan for {{ name }}", "Notes: {{ notes }}"])
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING + "source: c.csv\ntemplate: t.docx\n")
    return mapping, tmp_path / "plans"


def generate(mapping: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["generate", "-m", str(mapping), "-o", str(out), "--pdf", *extra])


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_one_libreoffice_call_per_run_and_pdfs_remade_only_for_changed_plans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = tmp_path / "soffice-calls.txt"
    shim = tmp_path / "bin" / "soffice"  # counts LibreOffice starts, then runs the real one
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$#" >> "{calls}"\nexec "{soffice()}" "$@"\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    mapping, out = project(tmp_path)
    result = generate(mapping, out)
    assert result.exit_code == 0, result.output
    assert "PDFs: 3 made, 0 unchanged.\n" in result.output
    pdfs = {name: out / name / "OT Plan.pdf" for _id, name, _notes in ROWS}
    for _id, name, notes in ROWS:
        text = " ".join(pdf_text(pdfs[name]).split())
        assert f"OT plan for {name} Notes: {notes}" in text
    assert sorted(p.name for p in (out / "Ana Ruiz").iterdir()) == ["OT Plan.docx", "OT Plan.pdf"]
    assert calls.read_text().splitlines() == ["10"]  # one LibreOffice process: 7 options and the 3 plans
    made = {name: pdf.stat().st_mtime_ns for name, pdf in pdfs.items()}

    edited = Document(str(out / "Ana Ruiz" / "OT Plan.docx"))  # the therapist types into Ana's plan
    edited.add_paragraph("Signed at the meeting by Alex Rivera")
    edited.save(str(out / "Ana Ruiz" / "OT Plan.docx"))
    project(tmp_path, [ROWS[0], ("2", "Bo Chen", "plays chess and go"), ROWS[2]])  # Bo's data changed
    result = generate(mapping, out, "-v")
    assert result.exit_code == 0, result.output
    assert "kept-edited  Ana Ruiz" in result.output and "updated  Bo Chen" in result.output
    assert "PDFs: 2 made, 1 unchanged.\n" in result.output
    assert calls.read_text().splitlines() == ["10", "9"]  # again one process, for the two changed plans
    assert "Signed at the meeting by Alex Rivera" in pdf_text(pdfs["Ana Ruiz"])  # the edited plan is the record
    assert "Notes: plays chess and go" in pdf_text(pdfs["Bo Chen"])
    assert pdfs["Cy Park"].stat().st_mtime_ns == made["Cy Park"]

    result = generate(mapping, out)
    assert "PDFs: 0 made, 3 unchanged.\n" in result.output
    assert len(calls.read_text().splitlines()) == 2  # nothing changed: LibreOffice not started at all
    assert not (out / ".plangen" / "pdf-work").exists()


def test_pdf_without_libreoffice_is_refused_before_anything_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mapping, out = project(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = generate(mapping, out)
    assert result.exit_code == 2
    assert result.output == f"Error: {INSTALL_HINT}\n"
    assert (
        INSTALL_HINT.startswith("--pdf needs LibreOffice")
        and "apt-get install libreoffice-writer-nogui" in INSTALL_HINT
    )
    assert not out.exists()

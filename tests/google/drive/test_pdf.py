"""--pdf with --drive: each plan's Doc exported as PDF into its folder, against the loopback fake."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from docx import Document

from generator.google.auth import credentials as gcreds
from generator.google.drive.pdf import PDF_MARK, PDF_MIME
from generator.google.drive.plans import MARKER
from tests.google.drive.test_cli_drive import Project, plans_in, writes
from tests.google.fakegoogle import FakeGoogle


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr("generator.google.drive.sink.RETRY_BASE_DELAY", 0.001)


def pdfs_in(fake: FakeGoogle, folder: str) -> list:
    return [f for f in fake.files(parent=folder) if f.app_properties.get(MARKER) == PDF_MARK]


def text_of(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return " ".join(result.stdout.decode("utf-8").split())


def pdf_updates(fake: FakeGoogle, pdf_ids: set[str]) -> list:
    return [e for e in writes(fake) if any(i in e.path for i in pdf_ids)]


def creates(fake: FakeGoogle) -> list:
    return [e for e in writes(fake) if e.method == "POST" and e.path == "/upload/drive/v3/files"]


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
    reason="pdftotext (poppler-utils) is not installed",
)
def test_a_pdf_beside_every_doc_remade_only_when_the_doc_changed(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
):
    project = Project(tmp_path / "project", fake_google)
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    result = project.generate("--pdf")
    assert result.exit_code == 0, result.output
    assert "PDFs on Drive: 3 made, 0 unchanged.\n" in result.output
    folders = {"Ana Garcia": project.ana, "Kim Lee": project.kim, "Bao Nguyen": project.bao}
    pdf_ids = set()
    for name, folder in folders.items():
        (doc,) = plans_in(fake_google, folder)
        (pdf,) = pdfs_in(fake_google, folder)  # in the same folder as the plan
        assert pdf.name == f"OT Plan - {name}.pdf" and pdf.mime_type == PDF_MIME
        assert pdf.app_properties["doc"] == doc.id
        assert f"OT plan for {name}" in text_of(pdf.content)
        pdf_ids.add(pdf.id)
    assert len(creates(fake_google)) == 3 + 3  # per student a Doc and a PDF (no overview Sheet unless asked for)

    fake_google.clear_log()
    result = project.generate("--pdf")
    assert "3 students: 3 unchanged.\n" in result.output and "PDFs on Drive: 0 made, 3 unchanged.\n" in result.output
    assert pdf_updates(fake_google, pdf_ids) == [] and creates(fake_google) == []

    (ana,) = plans_in(fake_google, project.ana)
    typed = Document(io.BytesIO(ana.content))
    typed.add_paragraph("Signed at the meeting by the team")
    buffer = io.BytesIO()
    typed.save(buffer)
    fake_google.human_edit(ana.id, content=buffer.getvalue())
    fake_google.clear_log()
    result = project.generate("--pdf")
    assert result.exit_code == 0, result.output
    # the plan's data did not change, so the Doc is left alone; its PDF follows what was typed into it
    assert "3 students: 3 unchanged.\nPDFs on Drive: 1 made, 2 unchanged.\n" in result.output
    (pdf,) = pdfs_in(fake_google, project.ana)  # updated in place: still one PDF, same ID
    assert pdf.id in pdf_ids and "Signed at the meeting by the team" in text_of(pdf.content)
    assert [e.method for e in pdf_updates(fake_google, {pdf.id})] == ["PATCH"] and creates(fake_google) == []


def test_a_pdf_google_cannot_export_is_an_error_and_the_plan_stays(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
):
    project = Project(tmp_path / "project", fake_google)
    monkeypatch.setenv(gcreds.ENV_TOKEN_FILE, str(project.token))
    fake_google.fail(
        403,
        method="GET",
        path="/export",
        reason="exportSizeLimitExceeded",
        message="This file is too large to be exported.",
        times=1,
    )
    result = project.generate("--pdf")
    assert result.exit_code == 1
    assert "PDFs on Drive: 2 made, 0 unchanged.\n" in result.output
    assert "error: Ana Garcia: no PDF copy of https://docs.google.com/document/d/" in result.output
    assert "This file is too large to be exported." in result.output
    assert len(plans_in(fake_google, project.ana)) == 1 and pdfs_in(fake_google, project.ana) == []

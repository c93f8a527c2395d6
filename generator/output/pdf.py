"""PDF copies of local plans (``--pdf``): ``<file>.pdf`` beside each ``<file>.docx``, by LibreOffice.

The PDF is the record of what was actually used, so it is made from the plan file as it is on disk
after the run -- the therapist's edited copy included -- and remade only when those bytes changed
since the PDF was made (``<out>/.plangen/pdf.json`` remembers the SHA-256 each PDF came from).
LibreOffice starts slowly (seconds), so the whole run is ONE ``soffice --convert-to pdf`` call over
numbered copies in a scratch folder (two students may share a file name in different folders), and
each PDF is then renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.errors import ConfigError
from generator.output.fileio import PRIVATE_FILE, atomic_write, cause, fix, new_file_mode
from generator.output.report import FAILED, Report

STATE_FILE = ".plangen/pdf.json"
SCRATCH = ".plangen/pdf-work"
TIMEOUT_PER_PLAN = 20  # seconds; LibreOffice converts a plan in well under one
INSTALL_HINT = (
    "--pdf needs LibreOffice to make the PDFs, and 'soffice' is not installed (or not on PATH). "
    "Install it (Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; macOS: brew install "
    "--cask libreoffice; Windows: libreoffice.org, then add its 'program' folder to PATH), or run "
    "without --pdf."
)


def find_soffice() -> str:
    """The LibreOffice command; checked before anything is written, so a missing one is a config error."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConfigError(INSTALL_HINT)
    return found


@dataclass
class PdfResult:
    made: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)

    def note(self) -> str:
        return f"PDFs: {len(self.made)} made, {self.unchanged} unchanged" + (
            f", {len(self.failed)} failed." if self.failed else "."
        )


def add_pdfs(soffice: str, out_dir: Path, report: Report) -> None:
    """PDFs for the run's plans; how many were made is a note, a plan that would not convert an error (exit 1).
    A full or read-only disk is an error naming the folder: the plans are written, each PDF is whole or
    absent, and the next run makes the missing ones."""
    try:
        result = make_pdfs(soffice, out_dir, plan_paths(report))
    except OSError as exc:
        report.errors.append(
            f"could not make the PDF copies in {out_dir}: {cause(exc)}. The plans above are written; "
            f"{fix(exc)} and run again with --pdf to make the missing PDFs."
        )
        return
    report.notes.append(result.note())
    report.errors.extend(result.failed)


def plan_paths(report: Report) -> list[PurePosixPath]:
    """The local plans this run delivered (written, unchanged or kept as edited): each gets a PDF."""
    return [PurePosixPath(o.output) for o in report.outcomes if o.status != FAILED and o.output.endswith(".docx")]


def make_pdfs(soffice: str, out_dir: Path, plans: Iterable[PurePosixPath]) -> PdfResult:
    """Bring every plan's PDF up to date with one LibreOffice call; a plan it cannot convert fails alone."""
    state = _load_state(out_dir)
    result = PdfResult()
    todo: list[tuple[PurePosixPath, str]] = []
    for relpath in plans:
        docx = out_dir / relpath
        digest = hashlib.sha256(docx.read_bytes()).hexdigest()
        if state.get(str(relpath)) == digest and docx.with_suffix(".pdf").is_file():
            result.unchanged += 1
        else:
            todo.append((relpath, digest))
    if not todo:
        return result
    scratch = out_dir / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        copies = []
        for number, (relpath, _digest) in enumerate(todo):
            copy = scratch / f"{number:05d}.docx"
            shutil.copyfile(out_dir / relpath, copy)
            copies.append(copy)
        _convert(soffice, out_dir, scratch, copies)
        for copy, (relpath, digest) in zip(copies, todo, strict=True):
            pdf = copy.with_suffix(".pdf")
            if not _whole_pdf(pdf):
                result.failed.append(
                    f"{relpath}: LibreOffice could not convert it to PDF. Open it in Word or "
                    "LibreOffice to check it, then run again."
                )
                continue
            target = (out_dir / relpath).with_suffix(".pdf")
            if hasattr(os, "chmod"):
                os.chmod(pdf, new_file_mode())  # LibreOffice's file, given the mode a plan gets
            os.replace(pdf, target)
            state[str(relpath)] = digest
            result.made.append(str(relpath.with_suffix(".pdf")))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        _save_state(out_dir, state)
    return result


def _convert(soffice: str, out_dir: Path, scratch: Path, copies: list[Path]) -> None:
    """One LibreOffice process for every plan; a plan without a PDF afterwards is reported by the caller.

    LibreOffice gets a profile of its own in a temporary folder, removed afterwards, and that folder as
    its home: nothing lands in the user's ~/.config or ~/.cache, and a LibreOffice the therapist has
    open does not take the conversion over."""
    with tempfile.TemporaryDirectory(prefix="plangen-libreoffice-") as home:
        _run_soffice(soffice, Path(home), scratch, copies)


def _run_soffice(soffice: str, home: Path, scratch: Path, copies: list[Path]) -> None:
    profile = home / "profile"
    environment = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    environment["XDG_CACHE_HOME"] = str(home / ".cache")
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(scratch),
        *map(str, copies),
    ]
    try:
        subprocess.run(
            command, check=False, capture_output=True, timeout=60 + TIMEOUT_PER_PLAN * len(copies), env=environment
        )
    except (subprocess.TimeoutExpired, OSError):
        pass  # whatever was converted is kept; the plans without a PDF are reported as failed


def _whole_pdf(path: Path) -> bool:
    """A PDF LibreOffice finished: it ends with %%EOF (a full disk can leave one cut short)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(path.stat().st_size - 1024, 0))
            return b"%%EOF" in handle.read()
    except OSError:
        return False


def _load_state(out_dir: Path) -> dict[str, str]:
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_state(out_dir: Path, state: dict[str, str]) -> None:
    atomic_write(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"), mode=PRIVATE_FILE)

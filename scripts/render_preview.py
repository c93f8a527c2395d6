"""Refresh the README's picture of a generated plan: docs/images/sample-plan-page1.png.

Generates one sample student's plan with the shipped mapping and template, converts it to PDF
with LibreOffice headless and page 1 to PNG with pdftoppm. The date is fixed, so the picture
only changes when the template or the sample data does. Run after changing either:

    python scripts/render_preview.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import RunOptions, generate  # noqa: E402  (needs the repo root on the path)

DEFAULT_IMAGE = ROOT / "docs" / "images" / "sample-plan-page1.png"
PREVIEW_DAY = dt.date(2026, 11, 22)


def render_plan(mapping: Path, student: str, out_dir: Path) -> Path:
    """The student's plan, written by the same pipeline `plangen generate` runs."""
    report = generate(RunOptions(mapping=mapping, out_dir=out_dir, keys=[student], today=PREVIEW_DAY))
    outcome = report.outcomes[0]
    if outcome.status == "failed":
        raise SystemExit(f"could not render student {student}: {outcome.message}")
    return out_dir / outcome.output


def to_pdf(document: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is not installed; install it to refresh the preview.")
    profile = out_dir / "lo-profile"  # a private profile: works while another LibreOffice is open
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out_dir), str(document)], check=True, capture_output=True, timeout=300)
    return out_dir / (document.stem + ".pdf")


def first_page_png(pdf: Path, image: Path, width: int) -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm (poppler-utils) is not installed; install it to refresh the preview.")
    image.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width),
                    "-scale-to-y", "-1", str(pdf), str(image.with_suffix(""))], check=True, timeout=120)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapping", type=Path, default=ROOT / "mappings" / "caseload.yaml")
    parser.add_argument("--student", default="1008", help="key of the sample student to show")
    parser.add_argument("--image", type=Path, default=DEFAULT_IMAGE)
    parser.add_argument("--width", type=int, default=850, help="image width in pixels")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="plangen-preview-") as temp:
        work = Path(temp)
        document = render_plan(args.mapping, args.student, work / "plans")
        first_page_png(to_pdf(document, work), args.image, args.width)
    print(f"wrote {args.image}")


if __name__ == "__main__":
    main()

"""Refresh the README's pictures of generated plans: page 1 of an OT plan and of a 504 plan.

Generates one sample student's plan with the shipped mapping and template, converts it to PDF
with LibreOffice headless and page 1 to PNG with pdftoppm. The date is fixed, so the pictures
only change when a template or the sample data does. Run after changing either:

    python scripts/render_preview.py                       # both pictures
    python scripts/render_preview.py -m mappings/seis.yaml --student 7300101 --image seis.png
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
PREVIEWS = [  # (mapping, student, image) shown in the README
    (ROOT / "mappings" / "caseload.yaml", "1008", DEFAULT_IMAGE),
    (ROOT / "mappings" / "caseload-504.yaml", "1004", ROOT / "docs" / "images" / "sample-504-page1.png"),
]
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
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out_dir / (document.stem + ".pdf")


def first_page_png(pdf: Path, image: Path, width: int) -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm (poppler-utils) is not installed; install it to refresh the preview.")
    image.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-scale-to-x",
            str(width),
            "-scale-to-y",
            "-1",
            str(pdf),
            str(image.with_suffix("")),
        ],
        check=True,
        timeout=120,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-m", "--mapping", type=Path, help="default: the README's OT and 504 pictures")
    parser.add_argument("--student", default="1008", help="key of the sample student to show")
    parser.add_argument("--image", type=Path, default=DEFAULT_IMAGE)
    parser.add_argument("--width", type=int, default=850, help="image width in pixels")
    args = parser.parse_args(argv)
    one = args.mapping or args.image != DEFAULT_IMAGE or args.student != "1008"
    previews = [(args.mapping or PREVIEWS[0][0], args.student, args.image)] if one else PREVIEWS
    for mapping, student, image in previews:
        with tempfile.TemporaryDirectory(prefix="plangen-preview-") as temp:
            work = Path(temp)
            document = render_plan(mapping, student, work / "plans")
            first_page_png(to_pdf(document, work), image, args.width)
        print(f"wrote {image}")


if __name__ == "__main__":
    main()

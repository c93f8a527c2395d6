"""Refresh the README's pictures of a progress report and of caseload.html.

docs/images/sample-progress-report.png: page 1 of a sample student's progress report for period 2
(LibreOffice -> PDF -> PNG, as render_preview.py does for the plan). docs/images/caseload-overview.png:
the sample caseload's caseload.html in headless Chromium. Dates are fixed, so the pictures only change
when the templates, the page or the samples do. Run:

    python scripts/render_season_previews.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from render_preview import first_page_png, to_pdf  # noqa: E402

from generator.pipeline import RunOptions, generate  # noqa: E402  (needs the repo root on the path)

IMAGES = ROOT / "docs" / "images"
REPORT_DAY = dt.date(2026, 11, 22)
OVERVIEW_DAY = dt.date(2026, 11, 22)


def progress_report_png(work: Path, image: Path, width: int = 900) -> None:
    report = generate(
        RunOptions(
            mapping=ROOT / "mappings" / "seis-progress.yaml",
            out_dir=work / "progress",
            keys=["7300101"],
            today=REPORT_DAY,
            period=2,
        )
    )
    document = work / "progress" / report.outcomes[0].output
    first_page_png(to_pdf(document, work), image, width)


def caseload_overview_png(work: Path, image: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed; install it to refresh the overview picture.")
    generate(RunOptions(mapping=ROOT / "mappings" / "caseload.yaml", out_dir=work / "plans", today=OVERVIEW_DAY))
    page = work / "plans" / "caseload.html"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={work / 'chrome'}",
            f"--screenshot={image}",
            "--window-size=1400,1100",
            "--hide-scrollbars",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        progress_report_png(work, IMAGES / "sample-progress-report.png")
        caseload_overview_png(work, IMAGES / "caseload-overview.png")
    print(f"wrote {IMAGES / 'sample-progress-report.png'} and {IMAGES / 'caseload-overview.png'}")


if __name__ == "__main__":
    main()

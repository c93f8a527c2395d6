"""The overview workbook's writer: XlsxWriter (plangen's) against the hand-written SpreadsheetML writer.

Builds a caseload overview of N students (names, keys, plan paths and links, statuses, dates, a third
of the rows filled as urgent) and writes caseload.xlsx from it with each writer, alternating, in
one process: plangen's ``overview_xlsx`` through ``generator.output.xlsx`` (XlsxWriter), and the
same function through ``benchmarks/handwritten_xlsx.py`` (the writer plangen used before, kept
here unchanged). Prints each writer's median time, the ratio and the workbook's size; the two
workbooks are first read back with openpyxl and compared cell by cell.

  python benchmarks/overview_writer.py                     # 1,000 and 10,000 students, 5 runs each
  python benchmarks/overview_writer.py --sizes 1000 --repeat 9
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from unittest import mock

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import handwritten_xlsx  # noqa: E402

from generator.output import overview as overview_module  # noqa: E402
from generator.output import xlsx as xlsxwriter_module  # noqa: E402
from generator.output.overview import Overview, OverviewRow, overview_xlsx  # noqa: E402

TODAY = dt.date(2026, 11, 22)
STATUSES = ("created", "unchanged", "updated", "kept (edited)", "failed", "not generated yet")


def build(students: int) -> Overview:
    rows = []
    for n in range(students):
        name = f"Student{n:05d} Example"
        link = n % 4 == 0  # a quarter on Drive, the rest local plans
        plan = f"https://docs.google.com/document/d/{n:040d}/edit" if link else f"Example, Student{n}/Plan {n}.docx"
        rows.append(
            OverviewRow(
                name=name,
                key=str(100000 + n),
                plan="" if n % 10 == 9 else plan,
                status=STATUSES[n % len(STATUSES)],
                plan_type=("IEP", "Section 504 Plan")[n % 2],
                annual_review=TODAY + dt.timedelta(days=n % 400 - 60),
                reevaluation=None if n % 3 else TODAY + dt.timedelta(days=n % 900),
                minutes_per_week=(30, 60, "30 min x 2")[n % 3],
                provider="Alex Rivera, OTR/L",
            )
        )
    return Overview(rows, TODAY, "caseload")


def write_with(writer: ModuleType, overview: Overview) -> bytes:
    """plangen's overview_xlsx, its SimpleSheet and CellStyle taken from ``writer``."""
    with (
        mock.patch.object(overview_module, "SimpleSheet", writer.SimpleSheet),
        mock.patch.object(overview_module, "CellStyle", writer.CellStyle),
    ):
        return overview_xlsx(overview)


def cells(data: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    writers = {"hand-written": handwritten_xlsx, "XlsxWriter": xlsxwriter_module}
    print(f"Python {sys.version.split()[0]}, XlsxWriter {__import__('xlsxwriter').__version__}")
    print(f"{'students':>9} {'hand-written s':>15} {'XlsxWriter s':>13} {'ratio':>7} {'sizes KB':>16}")
    for size in args.sizes:
        overview = build(size)
        outputs = {label: write_with(writer, overview) for label, writer in writers.items()}
        if size <= 10000 and cells(outputs["hand-written"]) != cells(outputs["XlsxWriter"]):
            raise SystemExit(f"{size} students: the two workbooks read back with different cells")
        times: dict[str, list[float]] = {label: [] for label in writers}
        for _ in range(args.repeat):
            for label, writer in writers.items():  # alternating: both see the same machine load
                start = time.perf_counter()
                write_with(writer, overview)
                times[label].append(time.perf_counter() - start)
        old, new = (statistics.median(times[label]) for label in writers)
        sizes = "/".join(f"{len(outputs[label]) // 1024}" for label in writers)
        print(f"{size:>9,} {old:>15.4f} {new:>13.4f} {new / old:>6.2f}x {sizes:>16}")


if __name__ == "__main__":
    main()

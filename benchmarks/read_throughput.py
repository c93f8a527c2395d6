"""Sheet reading speed: plangen's reader (display formats, merges, header search) vs openpyxl alone.

Builds a caseload of N rows x 30 columns (numbers, dates, percent-formatted numbers, text) and reads
it with
  * openpyxl read-only, values only (the floor: what any reader pays for the XML);
  * plangen's read_table (visible sheet, number formats kept for display, merged cells, header row
    found below title rows, trailing rows checked).
Prints rows/s (median of --repeat runs) and the ratio. A .csv of the same rows is timed too.

  python benchmarks/read_throughput.py                  # 5,000 rows, 3 repeats
  python benchmarks/read_throughput.py --rows 50000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.sources.tables import read_table  # noqa: E402


def build(rows: int, folder: Path) -> tuple[Path, Path]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["OT Caseload"])
    sheet.append([])
    header = [f"Column {i}" for i in range(30)]
    sheet.append(header)
    data = [
        [n, f"Name {n}", dt.datetime(2018, 1, 1) + dt.timedelta(days=n % 900), 0.25 + n % 7 / 10, "text " * 5] * 6
        for n in range(rows)
    ]
    for row in data:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=4, min_col=4, max_col=4):
        cells[0].number_format = "0.0%"
    xlsx = folder / "caseload.xlsx"
    workbook.save(xlsx)
    text = folder / "caseload.csv"
    with open(text, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(data)
    return xlsx, text


def openpyxl_only(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return count


def timed(func, path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        xlsx, text = build(args.rows, Path(folder))
        assert len(read_table(xlsx).rows) == args.rows
        floor = timed(openpyxl_only, xlsx, args.repeat)
        ours = timed(read_table, xlsx, args.repeat)
        delimited = timed(read_table, text, args.repeat)
    print(f"{args.rows} rows x 30 columns (median of {args.repeat})")
    print(f"  openpyxl read-only values : {args.rows / floor:9.0f} rows/s")
    print(f"  plangen read_table (.xlsx): {args.rows / ours:9.0f} rows/s  ({ours / floor:.2f}x the openpyxl time)")
    print(f"  plangen read_table (.csv) : {args.rows / delimited:9.0f} rows/s")


if __name__ == "__main__":
    main()

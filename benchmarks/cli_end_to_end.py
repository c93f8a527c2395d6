"""The whole `plangen generate` command, as a therapist runs it, against a naive docxtpl script.

    python benchmarks/cli_end_to_end.py                          # 100, 1,000 and 10,000 students
    python benchmarks/cli_end_to_end.py --sizes 100 1000 --template shipped

For each caseload size, side by side in one run:
  * plangen: `python -m generator generate -m caseload.yaml --template T --out DIR` in a fresh
    process (interpreter start, reading the xlsx, building the students, rendering, writing the
    plans and the journal, the manifest), with its default --jobs;
  * naive: a fresh `python` running the script most people would write (NAIVE below): openpyxl
    reads the sheet, a dict per row, DocxTemplate(path).render(...).save(...) per student, a
    manifest CSV at the end.
Prints wall seconds, students per second, the ratio, and the peak memory of the whole process
tree (main process plus render workers, proportional set sizes summed, sampled every 20 ms from
/proc), so how cost grows with caseload size is visible: time should grow linearly, memory stay
flat.

The one-page template (a goals table; the naive script fills the same fields) is the default;
``--template shipped`` uses templates/ot-treatment-plan.docx, whose computed fields the naive
script cannot reproduce, so it is timed for plangen alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from render_throughput import TODAY, build_caseload, build_mapping, one_page_templates  # noqa: E402

NAIVE = """
import csv, sys, datetime as dt
from pathlib import Path
import openpyxl
from docxtpl import DocxTemplate

caseload, template, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
sheet = openpyxl.load_workbook(caseload, read_only=True, data_only=True)["Caseload"]
rows = sheet.iter_rows(values_only=True)
header = [str(h).strip() for h in next(rows)]
manifest = []
for values in rows:
    row = dict(zip(header, values))
    if row["Student ID"] is None:
        continue
    minutes = row["Session Minutes"]
    context = {
        "full_name": f"{row['First Name']} {row['Last Name']}", "student_id": row["Student ID"],
        "grade": row["Grade"], "school": row["School"], "teacher": row["Teacher"],
        "annual_review": row["Annual Review"].strftime("%m/%d/%Y") if row["Annual Review"] else "",
        "service_summary": (f"{minutes} min, {row['Sessions/Week']}x weekly ({row['Minutes/Week']} min/week)"
                            if minutes else "Consultation"),
        "goals": [row[g] for g in ("Goal 1", "Goal 2", "Goal 3") if row[g]],
        "notes": row["Notes"] or "",
    }
    folder = out / f"{row['Last Name']}, {row['First Name']}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"OT Treatment Plan - {row['First Name']} {row['Last Name']} {row['Student ID']}.docx"
    doc = DocxTemplate(template)
    doc.render(context, autoescape=True)
    doc.save(path)
    manifest.append([row["Student ID"], context["full_name"], "created", str(path)])
with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
    csv.writer(handle).writerows([["key", "name", "status", "output"], *manifest])
"""


def tree_memory_kb(pid: int) -> int:
    """Memory of a process and all its descendants (Linux /proc): proportional set sizes summed, so
    pages forked workers share with the main process are counted once, not once per process."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup")
            source, key = (rollup, "Pss:") if rollup.exists() else (Path(f"/proc/{current}/status"), "VmRSS:")
            for line in source.read_text().splitlines():
                if line.startswith(key):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(p) for p in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def timed(command: list[str], expected: int, out: Path) -> tuple[float, float]:
    """(wall seconds, peak MB of the process tree); checks every plan was written."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory_kb(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({process.returncode}): {process.stderr.read().decode()[-2000:]}")
    written = sum(1 for _ in out.glob("*/*.docx"))
    if written != expected:
        raise SystemExit(f"{command[:4]} wrote {written} plans, expected {expected}")
    return seconds, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--template", choices=["one-page", "shipped"], default="one-page")
    parser.add_argument("--jobs", type=int, help="pass --jobs to plangen (default: its own choice)")
    parser.add_argument("--only", choices=["plangen"], help="skip the naive script (it takes minutes at 10,000)")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} core(s), Python {sys.version.split()[0]}, {args.template} template; "
        f"plangen {'--jobs ' + str(args.jobs) if args.jobs else 'default --jobs'}"
    )
    print(
        f"{'students':>9} {'plangen s':>10} {'docs/s':>8} {'peak MB':>8} {'naive s':>9} {'docs/s':>8} "
        f"{'peak MB':>8} {'ratio':>6}"
    )
    per_student = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        one_page, _ = one_page_templates(work)
        template = one_page if args.template == "one-page" else ROOT / "templates" / "ot-treatment-plan.docx"
        naive_script = work / "naive.py"
        naive_script.write_text(NAIVE, encoding="utf-8")
        for size in args.sizes:
            folder = work / str(size)
            folder.mkdir()
            caseload = build_caseload(size, folder)
            mapping = build_mapping(folder, caseload)
            out = folder / "plangen"
            command = [
                sys.executable,
                "-m",
                "generator",
                "generate",
                "-m",
                str(mapping),
                "--template",
                str(template),
                "--out",
                str(out),
                "--today",
                TODAY.isoformat(),
            ]
            if args.jobs:
                command += ["--jobs", str(args.jobs)]
            seconds, peak = timed(command, size, out)
            per_student.append(seconds / size)
            line = f"{size:>9,} {seconds:>10.2f} {size / seconds:>8.1f} {peak:>8.1f}"
            if args.template == "one-page" and not args.only:
                naive_out = folder / "naive"
                naive_seconds, naive_peak = timed(
                    [sys.executable, str(naive_script), str(caseload), str(template), str(naive_out)], size, naive_out
                )
                line += (
                    f" {naive_seconds:>9.2f} {size / naive_seconds:>8.1f} {naive_peak:>8.1f}"
                    f" {naive_seconds / seconds:>5.1f}x"
                )
            print(line, flush=True)
    if len(per_student) > 1:
        print(
            "plangen ms per student at each size (flat = linear time): "
            + ", ".join(f"{1000 * s:.2f}" for s in per_student)
        )


if __name__ == "__main__":
    main()

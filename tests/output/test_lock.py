"""One run per output folder; the journal only ever grows by appends; a full disk is reported, not crashed on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.errors import ConfigError
from generator.output.local import Journal
from generator.output.lock import OutDirLock
from tests.helpers import make_template, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
MAPPING = """key: id
display_name: "{{ first }}"
fields:
  id: Student ID
  first: First
  note: Note
output: {folder: "{{ first }}", filename: Plan}
"""


def caseload(tmp: Path, students: int = 3, note: str = "x") -> list[str]:
    (tmp / "m.yaml").write_text(MAPPING, encoding="utf-8")
    write_xlsx(
        tmp / "c.xlsx",
        [["Student ID", "First", "Note"], *[[1000 + n, f"Kid{n}", note * 2000] for n in range(students)]],
    )
    make_template(tmp / "t.docx", ["{{ first }}", "{{ note }}"])
    return ["-m", str(tmp / "m.yaml"), "-s", str(tmp / "c.xlsx"), "-t", str(tmp / "t.docx"), "-o", str(tmp / "out")]


def test_a_second_run_into_a_locked_folder_waits_then_stops_writing_nothing(tmp_path: Path):
    args = caseload(tmp_path)
    (tmp_path / "out").mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from generator.output.lock import OutDirLock
        with OutDirLock(Path({str(tmp_path / "out" / ".plangen")!r}), Path('out')):
            print('locked', flush=True)
            time.sleep(30)
        """),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["generate", *args], env={"PLANGEN_LOCK_WAIT": "0.5"})
        assert result.exit_code == 2, result.output
        assert f"another plangen run is writing to {tmp_path / 'out'} right now; nothing was written." in result.output
        assert list((tmp_path / "out").glob("**/*.docx")) == []
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its process: the next run goes ahead.
    again = CliRunner().invoke(cli, ["generate", *args], env={"PLANGEN_LOCK_WAIT": "0.5"})
    assert again.exit_code == 0, again.output
    assert len(list((tmp_path / "out").glob("*/*.docx"))) == 3


def test_the_lock_is_taken_again_after_release(tmp_path: Path):
    with OutDirLock(tmp_path, tmp_path, wait=0):
        with pytest.raises(ConfigError, match="another plangen run is writing"):
            with OutDirLock(tmp_path, tmp_path, wait=0.2):
                pass
    with OutDirLock(tmp_path, tmp_path, wait=0):
        pass


def test_the_journal_keeps_what_another_writer_appended(tmp_path: Path):
    path = tmp_path / ".plangen" / "written.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"path": "a/Plan.docx", "sha256": "1" * 64}) + "\n", encoding="utf-8")
    journal = Journal(path)
    journal.record("b/Plan.docx", "2" * 64)
    with open(path, "a", encoding="utf-8") as other:  # another run's entry, appended while this one was open
        other.write(json.dumps({"path": "c/Plan.docx", "sha256": "3" * 64}) + "\n")
    journal.close()
    assert [json.loads(line)["path"] for line in path.read_text(encoding="utf-8").splitlines()] == [
        "a/Plan.docx",
        "b/Plan.docx",
        "c/Plan.docx",
    ]
    assert Journal(path).wrote("c/Plan.docx", "3" * 64)


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, like a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from generator.cli import main
sys.argv = ["plangen", "generate", *{args!r}]
main()
"""


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="RLIMIT_FSIZE needs Linux")
def test_a_full_disk_fails_the_students_it_hits_keeps_the_manifest_and_leaves_no_empty_folders(tmp_path: Path):
    args = caseload(tmp_path, students=4)
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK.format(limit=8_000, args=args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output
    assert output.count("Nothing half-written was left; free some space and run again") == 4
    assert "4 failed" in output
    manifest = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8-sig")
    assert manifest.count(",failed,") == 4
    leftovers = [p for p in (tmp_path / "out").iterdir() if p.is_dir() and p.name != ".plangen"]
    assert leftovers == []  # no empty student folders

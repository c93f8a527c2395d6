"""Zip packages are checked for what their parts inflate to before anything is read: in constant memory."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.sources.zipparts import MAX_PART_BYTES, PartTooLarge, check_sizes, read_part
from tests.helpers import make_template, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def zip_with(name: str, size: int, base: bytes | None = None) -> bytes:
    """A package (``base``'s parts, if given) with one more part ``name`` of ``size`` zero bytes, streamed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        if base is not None:
            with zipfile.ZipFile(io.BytesIO(base)) as original:
                for info in original.infolist():
                    if info.filename != name:
                        out.writestr(info, original.read(info))
        with out.open(name, "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                part.write(chunk)
    return buffer.getvalue()


def lying_zip(declared: int, actual: int) -> bytes:
    """A part whose directory entry says ``declared`` bytes while its data inflates to ``actual``."""
    data = zip_with("word/document.xml", actual)
    true_size = actual.to_bytes(4, "little")
    return data.replace(true_size, declared.to_bytes(4, "little"))


def test_parts_within_the_limit_are_read_and_larger_ones_refused_by_their_declared_size():
    small = zip_with("a.xml", 2 << 20)
    with zipfile.ZipFile(io.BytesIO(small)) as archive:
        check_sizes(archive)
        assert read_part(archive, "a.xml") == b"\0" * (2 << 20)
        with pytest.raises(PartTooLarge, match=r"its part a.xml would inflate to 2 MB \(the limit is 1 MB"):
            read_part(archive, "a.xml", limit=1 << 20)


def test_a_part_that_lies_about_its_size_is_never_inflated_past_what_it_declares():
    data = lying_zip(declared=1 << 20, actual=8 << 20)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_sizes(archive)  # the directory looks harmless
        with pytest.raises(zipfile.BadZipFile):  # zipfile stops at the declared size: the checksum fails
            read_part(archive, "word/document.xml")


BOMB = 1 << 30
assert BOMB > MAX_PART_BYTES
MEMORY_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from generator.cli import main
sys.argv = ["plangen", *{args!r}]
main()
"""


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> tuple[Path, Path]:
    """A 1 GB document.xml in a template and a 1 GB sheet in a workbook (each ~1 MB on disk): read whole,
    either takes more memory than the limit below allows."""
    folder = tmp_path_factory.mktemp("bombs")
    template = make_template(folder / "plain.docx", ["{{ first }}"])
    bomb_docx = folder / "t.docx"
    bomb_docx.write_bytes(zip_with("word/document.xml", BOMB, template.read_bytes()))
    sheet = write_xlsx(folder / "plain.xlsx", [["Student ID", "First"], [1, "Ana"]])
    bomb_xlsx = folder / "c.xlsx"
    bomb_xlsx.write_bytes(zip_with("xl/worksheets/sheet1.xml", BOMB, sheet.read_bytes()))
    return bomb_docx, bomb_xlsx


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
@pytest.mark.parametrize("which", ["template", "caseload"])
def test_a_zip_bomb_is_refused_by_check_and_generate_within_a_memory_limit(tmp_path: Path, bomb, which: str):
    bomb_docx, bomb_xlsx = bomb
    (tmp_path / "m.yaml").write_text("key: id\nfields:\n  id: Student ID\n  first: First\n", encoding="utf-8")
    good_docx = make_template(tmp_path / "good.docx", ["{{ first }}"])
    good_xlsx = write_xlsx(tmp_path / "good.xlsx", [["Student ID", "First"], [1, "Ana"]])
    template, source = (bomb_docx, good_xlsx) if which == "template" else (good_docx, bomb_xlsx)
    files = ["-m", str(tmp_path / "m.yaml"), "-s", str(source), "-t", str(template)]
    limit = 700 << 20  # the interpreter with plangen's libraries needs ~150 MB; the part alone is 1 GB
    for command in (["check", *files], ["generate", *files, "-o", str(tmp_path / "out")]):
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_LIMITED.format(limit=limit, args=command)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 2, output
        assert "would inflate to 1,024 MB (the limit is 200 MB a part)" in output, output
        assert str(template if which == "template" else source) in output
        assert "Traceback" not in output and "MemoryError" not in output and "internal error" not in output
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").glob("**/*.docx")) == []
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY  # the limit stayed in the child

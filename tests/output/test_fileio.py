"""``atomic_write``: the file is either the old one or the new one, with the mode asked for, and no debris."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator.output.fileio import atomic_write


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_the_bytes_creating_folders_with_the_default_mode(tmp_path: Path) -> None:
    target = tmp_path / "Garcia, Ana" / "deeper" / "OT Plan - Ana Garcia.docx"
    atomic_write(target, b"PK\x03\x04 plan")
    assert target.read_bytes() == b"PK\x03\x04 plan"
    assert mode(target) == 0o644
    assert os.listdir(target.parent) == [target.name]  # no temporary file left beside it


@pytest.mark.parametrize("durable", [True, False])
def test_a_private_file_is_0600_whatever_the_umask(tmp_path: Path, durable: bool) -> None:
    old = os.umask(0o000)  # a permissive umask must not widen a token file
    try:
        token = tmp_path / "token.json"
        atomic_write(token, b'{"refresh_token": "x"}', mode=0o600, durable=durable)
    finally:
        os.umask(old)
    assert mode(token) == 0o600 and token.read_bytes() == b'{"refresh_token": "x"}'


def test_replacing_a_file_changes_content_and_mode_and_leaves_only_the_file(tmp_path: Path) -> None:
    target = tmp_path / "manifest.csv"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write(target, b"new", durable=False)
    assert target.read_bytes() == b"new" and mode(target) == 0o644
    assert sorted(os.listdir(tmp_path)) == ["manifest.csv"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.docx"
    target.write_bytes(b"the old plan")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"the old plan"
    assert os.listdir(tmp_path) == ["plan.docx"]


def test_a_failed_rename_removes_the_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "plan.docx"
    (folder / "inside").mkdir(parents=True)  # a folder in the way of the file cannot be replaced
    with pytest.raises(OSError):
        atomic_write(folder, b"data")
    assert os.listdir(tmp_path) == ["plan.docx"] and os.listdir(folder) == ["inside"]


def test_a_long_name_still_gets_a_temporary_file_the_filesystem_accepts(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 240 + ".docx")  # 245 bytes: the temp name must not add to it
    atomic_write(target, b"data")
    assert target.read_bytes() == b"data" and os.listdir(tmp_path) == [target.name]

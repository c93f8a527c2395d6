"""``atomic_write``: the file is either the old one or the new one, with the mode asked for, and no debris."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from generator.output.fileio import (
    PRIVATE_FILE,
    atomic_write,
    cause,
    current_umask,
    fix,
    open_private,
    private_dir,
    remove_stale_temp_files,
)


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


@pytest.fixture
def umask():
    """Set the process umask for one test; the old one comes back afterwards."""
    old = os.umask(0o022)
    os.umask(old)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(old)


@pytest.mark.parametrize(
    ("mask", "plan", "private"), [(0o077, 0o600, 0o600), (0o022, 0o644, 0o600), (0o000, 0o666, 0o600)]
)
def test_every_file_honours_the_umask_and_state_files_are_owner_only(tmp_path: Path, umask, mask, plan, private):
    umask(mask)
    assert current_umask() == mask
    atomic_write(tmp_path / "plan.docx", b"x")
    atomic_write(tmp_path / "state.json", b"{}", mode=PRIVATE_FILE)
    private_dir(tmp_path / ".plangen")
    with open_private(tmp_path / ".plangen" / "journal") as handle:
        handle.write("line\n")
    assert mode(tmp_path / "plan.docx") == plan
    assert mode(tmp_path / "state.json") == private & ~mask
    assert mode(tmp_path / ".plangen") == 0o700 & ~mask
    assert mode(tmp_path / ".plangen" / "journal") == private & ~mask


def test_a_state_file_an_older_version_left_open_is_made_owner_only(tmp_path: Path, umask) -> None:
    umask(0o000)
    journal = tmp_path / "written.jsonl"
    journal.write_text("old\n")
    journal.chmod(0o666)
    (tmp_path / "state").mkdir(mode=0o777)
    with open_private(journal) as handle:
        handle.write("new\n")
    private_dir(tmp_path / "state")
    assert mode(journal) == 0o600 and journal.read_text() == "old\nnew\n"
    assert mode(tmp_path / "state") == 0o700


def test_a_link_in_place_of_a_state_file_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not plangen's")
    (tmp_path / "journal").symlink_to(elsewhere)
    with pytest.raises(OSError):
        open_private(tmp_path / "journal")
    assert elsewhere.read_text() == "not plangen's"


def test_only_plangens_own_temporary_files_are_removed(tmp_path: Path) -> None:
    killed = tmp_path / "Ana"
    killed.mkdir()
    leftovers = [killed / ".OT Plan - Ana.docx.k3j_x9a2.tmp", tmp_path / ".manifest.csv.abcdefgh.tmp"]
    kept = [killed / "OT Plan - Ana.docx", killed / "notes.tmp", killed / ".hidden.tmp", tmp_path / "x.abcdefgh.tmp"]
    for path in leftovers + kept:
        path.write_bytes(b"x")
    (killed / ".folder.abcdefgh.tmp").mkdir()  # a folder with the pattern's name is not plangen's file
    assert remove_stale_temp_files([tmp_path, killed, tmp_path / "missing"]) == 2
    assert not any(p.exists() for p in leftovers) and all(p.exists() for p in kept)
    assert (killed / ".folder.abcdefgh.tmp").is_dir()


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (errno.ENOSPC, ("the disk is full", "free some space")),
        (errno.EROFS, ("the disk is read-only", "choose a folder you can write to with --out")),
        (errno.EACCES, ("permission denied", "check the folder's permissions or choose another with --out")),
        (errno.EDQUOT, ("the disk quota is used up", "free some space")),
    ],
)
def test_causes_are_said_in_words(number: int, words: tuple[str, str]) -> None:
    exc = OSError(number, os.strerror(number), "/secret/path")
    assert (cause(exc), fix(exc)) == words

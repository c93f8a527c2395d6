from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from generator.errors import OutputError
from generator.output.local import JOURNAL_NAME, STATE_DIR, LocalSink
from generator.output.report import CREATED, KEPT_EDITED, REPLACED, UNCHANGED, UPDATED

PLAN = PurePosixPath("Ruiz, Ana/Plan.docx")


def deliver(out: Path, data: bytes, **options) -> tuple[str, str]:
    sink = LocalSink(out, **options)
    try:
        delivery = sink.deliver(PLAN, data)
    finally:
        sink.close()
    return delivery.status, delivery.message


def test_create_then_unchanged_then_updated(tmp_path: Path):
    target = tmp_path / "Ruiz, Ana" / "Plan.docx"
    assert deliver(tmp_path, b"v1") == (CREATED, "")
    assert target.read_bytes() == b"v1"
    mtime = target.stat().st_mtime_ns
    assert deliver(tmp_path, b"v1") == (UNCHANGED, "")
    assert target.stat().st_mtime_ns == mtime
    assert deliver(tmp_path, b"v2") == (UPDATED, "")
    assert target.read_bytes() == b"v2"


def docx_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", text)
    return buffer.getvalue()


def test_an_edited_plan_is_kept_and_replaced_only_on_request_keeping_the_edit(tmp_path: Path):
    target = tmp_path / "Ruiz, Ana" / "Plan.docx"
    edited = docx_bytes("v1 + therapist notes")
    deliver(tmp_path, b"v1")
    target.write_bytes(edited)
    status, message = deliver(tmp_path, b"v2")
    assert status == KEPT_EDITED
    assert "use --replace-edited" in message
    assert target.read_bytes() == edited
    status, message = deliver(tmp_path, b"v2", replace_edited=True)
    assert status == REPLACED
    backups = list(target.parent.glob("Plan (edited *).docx"))
    assert [b.read_bytes() for b in backups] == [edited]
    assert message == f"edited copy kept as {backups[0].name}"
    assert target.read_bytes() == b"v2"
    assert deliver(tmp_path, b"v2") == (UNCHANGED, "")


def test_a_file_plangen_never_wrote_is_treated_as_edited(tmp_path: Path):
    target = tmp_path / "Ruiz, Ana" / "Plan.docx"
    target.parent.mkdir()
    made_by_hand = docx_bytes("made by hand")
    target.write_bytes(made_by_hand)
    assert deliver(tmp_path, b"v1")[0] == KEPT_EDITED
    assert target.read_bytes() == made_by_hand


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 cut short"])
def test_a_damaged_plan_is_written_again_not_kept_as_an_edit(tmp_path: Path, damage: bytes):
    target = tmp_path / "Ruiz, Ana" / "Plan.docx"
    deliver(tmp_path, b"v1")
    target.write_bytes(damage)  # e.g. a power cut right after a run
    assert deliver(tmp_path, b"v2") == (UPDATED, "the old file was damaged (not a .docx); written again")
    assert target.read_bytes() == b"v2"


def test_journal_survives_a_line_cut_short_by_a_kill(tmp_path: Path):
    deliver(tmp_path, b"v1")
    journal = tmp_path / STATE_DIR / JOURNAL_NAME
    journal.write_text(journal.read_text() + '{"path": "Ruiz, An', encoding="utf-8")
    assert deliver(tmp_path, b"v2")[0] == UPDATED


def test_dry_run_writes_nothing(tmp_path: Path):
    out = tmp_path / "plans"
    assert deliver(out, b"v1", dry_run=True)[0] == CREATED
    assert not out.exists()


def test_no_temporary_files_are_left_behind(tmp_path: Path):
    deliver(tmp_path, b"v1")
    deliver(tmp_path, b"v2")
    assert sorted(p.name for p in (tmp_path / "Ruiz, Ana").iterdir()) == ["Plan.docx"]


def test_paths_outside_the_output_folder_are_refused(tmp_path: Path):
    sink = LocalSink(tmp_path / "out")
    with pytest.raises(OutputError, match="refusing to write outside the output folder"):
        sink.deliver(PurePosixPath("../escape.docx"), b"x")
    assert not (tmp_path / "escape.docx").exists()


def deliver_as(out: Path, relpath: str, data: bytes, key: str, **options) -> tuple[str, str]:
    sink = LocalSink(out, **options)
    try:
        delivery = sink.deliver(PurePosixPath(relpath), data, None, key)
    finally:
        sink.close()
    return delivery.status, delivery.message


def test_a_plan_written_under_an_older_name_is_moved_not_duplicated(tmp_path: Path):
    assert deliver_as(tmp_path, "Liam Smith/Plan.docx", b"v1", "A")[0] == CREATED
    status, message = deliver_as(tmp_path, "Liam Smith (A)/Plan.docx", b"v1", "A", dry_run=True)
    assert (status, message) == (UNCHANGED, "moved from Liam Smith/Plan.docx (its name changed)")
    assert (tmp_path / "Liam Smith" / "Plan.docx").is_file()  # a dry run moves nothing
    assert deliver_as(tmp_path, "Liam Smith (A)/Plan.docx", b"v1", "A")[0] == UNCHANGED
    assert not (tmp_path / "Liam Smith").exists()
    assert (tmp_path / "Liam Smith (A)" / "Plan.docx").read_bytes() == b"v1"
    assert deliver_as(tmp_path, "Liam Smith (A)/Plan.docx", b"v2", "A") == (UPDATED, "")  # still plangen's own
    assert deliver_as(tmp_path, "Liam Smith/Plan.docx", b"v1", "B")[0] == CREATED  # another student: no move
    assert (tmp_path / "Liam Smith (A)" / "Plan.docx").read_bytes() == b"v2"


def test_an_edited_plan_under_an_older_name_keeps_its_edits_when_moved(tmp_path: Path):
    deliver_as(tmp_path, "Old/Plan.docx", docx_bytes("v1"), "A")
    (tmp_path / "Old" / "Plan.docx").write_bytes(docx_bytes("edited"))
    status, _ = deliver_as(tmp_path, "New/Plan.docx", docx_bytes("v2"), "A")
    assert status == KEPT_EDITED
    assert (tmp_path / "New" / "Plan.docx").read_bytes() == docx_bytes("edited")
    assert not (tmp_path / "Old").exists()


def test_another_document_of_the_same_student_is_never_moved_onto_this_one(tmp_path: Path):
    assert deliver_as(tmp_path, "Ana/Progress P1.docx", b"p1", "A")[0] == CREATED
    assert deliver_as(tmp_path, "Ana/Progress P2.docx", b"p2", "A")[0] == CREATED  # another period: a new file
    assert deliver_as(tmp_path, "Ana (A)/Progress P2.docx", b"p2", "A")[0] == UNCHANGED  # the same one, moved
    assert (tmp_path / "Ana" / "Progress P1.docx").read_bytes() == b"p1"
    assert not (tmp_path / "Ana" / "Progress P2.docx").exists()


def docx(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", text)
    return buffer.getvalue()


def test_each_journal_line_carries_a_checksum_and_a_changed_line_is_skipped(tmp_path: Path):
    from generator.output.local import Journal

    path = tmp_path / STATE_DIR / JOURNAL_NAME
    journal = Journal(path)
    journal.record("a/Plan.docx", "1" * 64)
    journal.record("b/Plan.docx", "2" * 64)
    journal._handle.close()  # type: ignore[union-attr]
    lines = path.read_text().splitlines()
    path.write_text(lines[0].replace("1111", "1112") + "\n" + lines[1] + "\n")  # a flipped digit
    again = Journal(path)
    assert again.damaged == [1] and not again.complete
    assert not again.wrote("a/Plan.docx", "1" * 64) and again.wrote("b/Plan.docx", "2" * 64)
    assert "line(s) 1: damaged" in again.problems()[0]
    again.close()  # rewrites without the damaged line, remembering that records were lost
    assert Journal(path).damaged == [] and not Journal(path).complete


def test_a_plan_without_a_trustworthy_record_is_compared_by_content(tmp_path: Path):
    deliver(tmp_path, docx("v1"))
    (tmp_path / STATE_DIR / JOURNAL_NAME).write_text('{"path": "Ruiz, An\n', encoding="utf-8")
    same = zipfile.ZipFile  # the same parts, packed again (another zip date): plangen's own plan
    buffer = io.BytesIO()
    with same(io.BytesIO(docx("v1"))) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    assert deliver(tmp_path, buffer.getvalue())[0] == UNCHANGED
    status, message = deliver(tmp_path, docx("v2 from other data"))
    assert status == UPDATED  # re-learned by the run above, so plangen's to update


def test_an_open_plan_is_not_replaced(tmp_path: Path):
    deliver(tmp_path, b"v1")
    (tmp_path / "Ruiz, Ana" / "~$an.docx").write_bytes(b"owner")
    with pytest.raises(OutputError, match=r"is open in another program \(its lock file ~\$an.docx"):
        deliver(tmp_path, b"v2")
    assert (tmp_path / PLAN).read_bytes() == b"v1"


def test_a_plan_open_under_its_older_name_is_not_moved(tmp_path: Path):
    assert deliver_as(tmp_path, "Old/Plan.docx", b"v1", "A")[0] == CREATED
    (tmp_path / "Old" / ".~lock.Plan.docx#").write_bytes(b"owner")
    with pytest.raises(OutputError, match="is open in another program"):
        deliver_as(tmp_path, "New/Plan.docx", b"v1", "A")
    assert (tmp_path / "Old" / "Plan.docx").read_bytes() == b"v1" and not (tmp_path / "New").exists()
    (tmp_path / "Old" / ".~lock.Plan.docx#").unlink()
    assert deliver_as(tmp_path, "New/Plan.docx", b"v1", "A")[0] == UNCHANGED

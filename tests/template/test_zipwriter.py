"""The zip writer behind every plan: archives zipfile and Word read, byte-identical for identical content."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from docx import Document

from generator.template.zipwriter import ZipEntry, deflate, write_zip
from tests.helpers import docx_text, make_template


def archive(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_deflate_records_crc_size_and_raw_deflate_bytes() -> None:
    data = b"<w:document>" + b"<w:p/>" * 500 + b"</w:document>"
    entry = deflate("word/document.xml", data)
    assert entry == ZipEntry("word/document.xml", zlib.crc32(data), len(data), entry.compressed)
    assert len(entry.compressed) < len(data) / 10
    assert zlib.decompress(entry.compressed, -15) == data
    assert zlib.decompress(deflate("a", data, level=1).compressed, -15) == data


def test_zipfile_reads_back_every_entry_in_order() -> None:
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<doc>" + b"x" * 10000 + b"</doc>",
        "word/media/empty.bin": b"",
        "docProps/custom.xml": bytes(range(256)),
    }
    data = write_zip([deflate(name, content) for name, content in parts.items()])
    with archive(data) as zipped:
        assert zipped.testzip() is None  # every CRC checks out
        assert zipped.namelist() == list(parts)
        assert {name: zipped.read(name) for name in parts} == parts
        for info in zipped.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o644
            assert info.file_size == len(parts[info.filename])


def test_the_same_content_gives_the_same_bytes() -> None:
    entries = [deflate("a.xml", b"<a>one</a>"), deflate("b.xml", b"<b>two</b>")]
    first = write_zip(entries)
    assert write_zip([deflate("a.xml", b"<a>one</a>"), deflate("b.xml", b"<b>two</b>")]) == first
    assert write_zip(entries[::-1]) != first  # order is content too: entries are written as given
    assert write_zip([entries[0], deflate("b.xml", b"<b>TWO</b>")]) != first


def test_a_compressed_entry_can_be_reused_in_many_archives() -> None:
    styles = deflate("word/styles.xml", b"<w:styles>" + b"<w:style/>" * 100 + b"</w:styles>")
    plans = [write_zip([styles, deflate("word/document.xml", f"<doc>{n}</doc>".encode())]) for n in range(3)]
    for number, data in enumerate(plans):
        with archive(data) as zipped:
            assert zipped.read("word/styles.xml").startswith(b"<w:styles><w:style/>")
            assert zipped.read("word/document.xml") == f"<doc>{number}</doc>".encode()


def test_non_ascii_names_are_marked_utf8() -> None:
    data = write_zip([deflate("word/media/Niño façade.png", b"png"), deflate("plain.xml", b"x")])
    with archive(data) as zipped:
        unicode_name, plain = zipped.infolist()
        assert unicode_name.filename == "word/media/Niño façade.png" and unicode_name.flag_bits & 0x800
        assert plain.filename == "plain.xml" and not plain.flag_bits & 0x800
        assert zipped.read("word/media/Niño façade.png") == b"png"


def test_an_empty_archive_is_valid() -> None:
    data = write_zip([])
    assert len(data) == 22  # just the end-of-central-directory record
    with archive(data) as zipped:
        assert zipped.namelist() == []


def test_a_docx_rewritten_with_it_opens_in_python_docx(tmp_path: Path) -> None:
    source = make_template(tmp_path / "t.docx", ["Plan for Ana Garcia", "Goal: zip a coat"], [["#", "Goal"]])
    with zipfile.ZipFile(source) as original:
        entries = [deflate(info.filename, original.read(info)) for info in original.infolist()]
    rewritten = tmp_path / "rewritten.docx"
    rewritten.write_bytes(write_zip(entries))
    assert docx_text(rewritten) == docx_text(source)
    assert docx_text(rewritten).strip() == "Plan for Ana Garcia\nGoal: zip a coat\n#\nGoal"
    assert Document(str(rewritten)).tables[0].cell(0, 1).text == "Goal"

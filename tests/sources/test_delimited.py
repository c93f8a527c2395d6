"""CSV exports: delimiter and decimal separator recognized together, mixed encodings, files without headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.sources.cells import to_integer, to_text
from generator.sources.delimited import decimal_for_locale
from generator.sources.tables import read_table


def csv_file(tmp_path: Path, content: str | bytes, name: str = "c.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_semicolons_with_decimal_commas(tmp_path: Path):
    path = csv_file(tmp_path, "ID;Minutes;Hours;Total\n1;45,0;1,5;1.234\n2;30;2,25;12.345,5\n")
    rows = [r.values for r in read_table(path).rows]
    assert [to_integer(r[1]) for r in rows] == [45, 30]  # 45,0 minutes is 45, never 450
    assert [to_text(r[2]) for r in rows] == ["1,5", "2,25"]  # printed as the file writes them
    assert rows[0][3] == 1234 and rows[1][3] == 12345.5
    assert rows[0][0] == "1"  # plain digits stay text (keys keep their zeros)


def test_semicolons_with_decimal_points(tmp_path: Path):
    path = csv_file(tmp_path, "ID;Minutes;Hours\n1;45.0;1.5\n")
    values = read_table(path).rows[0].values
    assert values == ["1", "45.0", "1.5"] and to_integer(values[1]) == 45


def test_commas_with_quoted_decimal_commas(tmp_path: Path):
    path = csv_file(tmp_path, 'ID,Minutes\n1,"45,5"\n2,"30,0"\n')
    values = [r.values[1] for r in read_table(path).rows]
    assert values == [45.5, 30.0] and to_text(values[0]) == "45,5"


def test_thousands_with_a_comma_stay_thousands(tmp_path: Path):
    path = csv_file(tmp_path, 'ID,Minutes,Rate\n1,"1,200",2.5\n')
    assert to_integer(read_table(path).rows[0].values[1]) == 1200


def test_number_locale_forces_the_decimal_separator(tmp_path: Path):
    path = csv_file(tmp_path, "ID;Minutes\n1;1,234\n")  # a thousand and some, or one and a bit?
    assert read_table(path).rows[0].values[1] == pytest.approx(1.234)  # ";" files default to decimal comma
    assert to_integer(read_table(path, decimal=".").rows[0].values[1]) == 1234
    assert [decimal_for_locale(n) for n in ("de", "fr_FR", "de-CH", "en-US", "xx")] == [",", ",", ".", ".", None]


def test_both_decimal_separators_in_one_file_are_refused(tmp_path: Path):
    path = csv_file(tmp_path, "ID;Minutes;Hours\n1;45,5;1.5\n")
    with pytest.raises(SourceError) as err:
        read_table(path)
    assert str(err.value) == (
        f"{path}: numbers are written with a decimal comma (line 2) and with a decimal point (line 2), so they "
        "cannot be read safely. Set `number_locale:` in the mapping (e.g. 'de' for 1.234,5 or 'en' for 1,234.5), "
        "or make the numbers in the file agree."
    )
    assert read_table(path, decimal=",").rows[0].values[1] == 45.5


def test_utf8_bom_followed_by_windows_1252_lines(tmp_path: Path):
    path = csv_file(tmp_path, b"\xef\xbb\xbfID,Name\n1,Zo\xc3\xab\n2,Jos\xe9 N\xfa\xf1ez\n")
    assert [r.values[1] for r in read_table(path).rows] == ["Zoë", "José Núñez"]


def test_bytes_that_are_no_known_encoding_are_refused_with_the_line(tmp_path: Path):
    path = csv_file(tmp_path, b"ID,Name\n1,Ana\n2,Jos\x81\x8d\n")
    with pytest.raises(SourceError) as err:
        read_table(path)
    assert str(err.value).startswith(f"{path}: line 3 holds bytes that are neither UTF-8 nor Windows-1252 text")


def test_damaged_utf16_is_refused(tmp_path: Path):
    path = csv_file(tmp_path, "ID,Name\n1,Ana\n".encode("utf-16") + b"\x00\xd8")
    with pytest.raises(SourceError, match="starts as UTF-16 text but is damaged"):
        read_table(path)


@pytest.mark.parametrize(
    "first_line",
    [
        "1001,Ruiz,Ana,2018-03-04,likes trains",
        "1001,Ruiz,Ana,,30",
        "Ruiz,Ana,3/4/2018,Lincoln Elementary,Grade 2",
        "Ruiz,Ana,Lincoln," + "a very long note about the student " * 4,
    ],
)
def test_a_csv_without_a_header_line_is_refused_without_printing_it(tmp_path: Path, first_line: str):
    path = csv_file(tmp_path, first_line + "\n1002,Chen,Lucas,2017-05-06,\n")
    with pytest.raises(SourceError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith("c.csv: the first line (line 1) looks like data, not column headers: column(s) ")
    for value in first_line.split(","):
        assert len(value) < 3 or value not in message.split(": column(s)")[1]


# ------------------------------------------------------------------------------------------------
# Issue 24: every encoding a spreadsheet saves a CSV in, every line end, and refusals naming the line
# ------------------------------------------------------------------------------------------------

NAMES = [
    ("José", "Núñez", "“likes trains” – quiet"),
    ("Zoë", "Müller", "café, crème brûlée"),
    ("Françoise", "Ødegård", "naïve; Œuvre"),
    ("Ana", "Ruiz", "plain"),
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "mac_roman"]
LINE_ENDS = {"CR LF": "\r\n", "LF": "\n", "CR": "\r"}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("line_end", list(LINE_ENDS))
def test_every_encoding_and_line_end_a_spreadsheet_saves_reads_the_same(tmp_path: Path, encoding: str, line_end: str):
    lines = ["ID,First,Last,Note"] + [f'{i},{first},{last},"{note}"' for i, (first, last, note) in enumerate(NAMES, 1)]
    data = (LINE_ENDS[line_end].join(lines) + LINE_ENDS[line_end]).encode(encoding)
    table = read_table(csv_file(tmp_path, data))
    assert [c.name for c in table.columns] == ["ID", "First", "Last", "Note"]
    assert [tuple(r.values[1:]) for r in table.rows] == NAMES
    assert [r.location.row for r in table.rows] == [2, 3, 4, 5]


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_a_legacy_file_with_the_other_platform_s_line_ends_still_reads_as_words(tmp_path: Path, encoding: str):
    line_end = "\r\n" if encoding == "mac_roman" else "\r"  # each with the line ends of the other platform
    data = line_end.join(["ID,Name", "1,José Núñez", "2,Zoë"]).encode(encoding)
    assert [r.values[1] for r in read_table(csv_file(tmp_path, data)).rows] == ["José Núñez", "Zoë"]


@pytest.mark.parametrize("line_end", list(LINE_ENDS))
@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (["ID,Name", "1,Ana", "2,Be\x00n"], 3, "holds a NUL byte"),
        (["ID,Name", "1,Ana", "2,Ben", "3,Jos\x81\x8d"], 4, "neither UTF-8 nor Windows-1252"),
        (["ID,Name", "1,Ana", "2," + "x" * 140_000], 3, "field larger than field limit"),
    ],
)
def test_every_refusal_of_a_csv_names_its_line(tmp_path: Path, line_end: str, content, line: int, words: str):
    data = LINE_ENDS[line_end].join(content).encode("latin-1")
    path = csv_file(tmp_path, data)
    with pytest.raises(SourceError) as err:
        read_table(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line {line}") and words in message and "export it again" in message.lower()


def test_damaged_or_nul_holding_utf16_names_the_line(tmp_path: Path):
    path = csv_file(tmp_path, "ID,Name\r\n1,Ana\r\n2,Ben\r\n".encode("utf-16") + b"\x00\xd8")
    with pytest.raises(SourceError, match=r"line 4: starts as UTF-16 text but is damaged there"):
        read_table(path)
    path = csv_file(tmp_path, "ID,Name\n1,Ana\n2,B\x00en\n".encode("utf-16"))
    with pytest.raises(SourceError, match=r"line 3 holds a NUL character"):
        read_table(path)

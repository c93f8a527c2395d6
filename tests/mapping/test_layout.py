"""header_row and number_locale: where a sheet's headers are and how a CSV writes numbers, when the file cannot say."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import MappingError
from generator.mapping.layout import Layout
from generator.mapping.load import load_mapping

FIELDS = "key: id\nfields:\n  id: Student ID\n"


def mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("settings", "layout"),
    [
        ("", Layout()),
        ("header_row: 3\n", Layout(header_row=3)),
        ("number_locale: de\n", Layout(decimal=",")),
        ("number_locale: en-US\n", Layout(decimal=".")),
        ("number_locale: de_CH\n", Layout(decimal=".")),
        ('number_locale: {decimal: ","}\n', Layout(decimal=",")),
    ],
)
def test_one_source_layout(tmp_path: Path, settings: str, layout: Layout):
    assert load_mapping(mapping(tmp_path, "source: c.csv\n" + settings + FIELDS)).sources["main"].layout == layout


def test_each_source_has_its_own_layout(tmp_path: Path):
    loaded = load_mapping(
        mapping(
            tmp_path,
            "sources:\n  a: {file: a.xlsx, key: ID, header_row: 4}\n"
            "  b: {file: b.csv, key: ID, number_locale: fr}\n" + FIELDS,
        )
    )
    assert loaded.sources["a"].layout == Layout(header_row=4)
    assert loaded.sources["b"].layout == Layout(decimal=",")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("header_row: 0\n", "m.yaml, line 2: setting 'header_row' must be a row number (1 or more)"),
        ("header_row: true\n", "m.yaml, line 2: setting 'header_row' must be a row number"),
        ("number_locale: xx\n", "m.yaml, line 2: setting 'number_locale' must be a language code such as en, de or fr"),
        ("number_locale: {decimal: ' '}\n", "m.yaml, line 2: setting 'number_locale': decimal must be"),
        ("number_locale: {thousands: ','}\n", "unknown setting 'thousands' in setting 'number_locale'"),
    ],
)
def test_bad_layout_settings_name_the_line(tmp_path: Path, settings: str, message: str):
    with pytest.raises(MappingError) as err:
        load_mapping(mapping(tmp_path, "source: c.csv\n" + settings + FIELDS))
    assert message in str(err.value)

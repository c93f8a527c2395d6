"""Inputs opened where they live: local files directly (no Google library loaded), Google through one sign-in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.locations import GoogleSignIn, Locations
from generator.mapping.layout import Layout
from generator.mapping.load import load_mapping
from tests.helpers import ROOT, make_template


def test_a_local_caseload_and_template_are_read_from_their_files(tmp_path: Path):
    (tmp_path / "c.csv").write_text("Title row\nID,Name\n1,Ana\n", encoding="utf-8")
    make_template(tmp_path / "t.docx", ["Plan for {{ name }}"])
    locations = Locations()
    table = locations.read_source(tmp_path / "c.csv", None, Layout(header_row=2))
    assert [c.name for c in table.columns] == ["ID", "Name"] and len(table.rows) == 1
    assert locations.open_template(tmp_path / "t.docx", None).fields() == {"name"}


def test_the_run_sign_in_is_kept_for_every_google_input():
    sign_in = GoogleSignIn(token_file=Path("token.json"))
    locations = Locations(sign_in)
    assert locations.sign_in is sign_in
    assert Locations().sign_in == GoogleSignIn()  # a default sign-in: the one `plangen auth login` saved


def test_write_back_refuses_a_local_caseload_before_anything_is_written(tmp_path: Path):
    (tmp_path / "c.csv").write_text("ID,Name\n1,Ana\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("key: id\nsource: c.csv\nfields:\n  id: ID\n  name: Name\n", encoding="utf-8")
    mapping = load_mapping(tmp_path / "m.yaml")
    locations = Locations()
    tables = {"main": locations.read_source(tmp_path / "c.csv", None)}
    with pytest.raises(ConfigError, match=r"c.csv is a file on this computer, which plangen never changes"):
        locations.write_back_targets(mapping, tables, tmp_path / "plans")


def test_reading_local_inputs_loads_no_google_library(tmp_path: Path):
    (tmp_path / "c.csv").write_text("ID,Name\n1,Ana\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from generator.locations import Locations; "
        f"Locations().read_source(Path({str(tmp_path / 'c.csv')!r}), None); "
        "print(sorted(m for m in sys.modules if m.startswith(('googleapiclient', 'google.auth', 'google.oauth2'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "[]"

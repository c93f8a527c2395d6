"""The mapping settings the starter templates read: ``hints`` and ``service_period``."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import MappingError
from generator.mapping.load import load_mapping
from generator.pipeline import RunOptions, prepare
from tests.helpers import MAPPINGS, TODAY

BASE = (
    "key: id\nfields:\n  id: ID\n  start: {column: Start, type: date}\n  end: {column: End, type: date}\n  note: Note\n"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_hide_hints_and_take_the_school_year_from_today(tmp_path: Path):
    mapping = load_mapping(write(tmp_path, BASE))
    assert mapping.hints is False and mapping.service_period == []  # a plan prints clean unless asked
    mapping = load_mapping(write(tmp_path, BASE + "hints: true\nservice_period: [start, end]\n"))
    assert mapping.hints is True and mapping.service_period == ["start", "end"]
    assert "hints" in mapping.provided_names()
    assert mapping.iep_period is None
    dated = BASE.replace("key: id\n", "key: id\nsources:\n  main: {file: c.csv, key: ID, current: {start: Start}}\n")
    mapping = load_mapping(write(tmp_path, dated + "service_period: [start, end]\niep_period: upcoming\n"))
    assert mapping.iep_period == "upcoming"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hints: no thanks\n", "line 7: setting 'hints' must be true or false."),
        ("service_period: [start, note]\n", "line 7: service_period 'note' must be a field of type date."),
        (
            "service_period: [strat, end]\n",
            "line 7: service_period 'strat' must be a field of type date. Did you mean 'start'?",
        ),
        ("service_period: [start, end, start]\n", "line 7: service_period names the start and the end date field"),
        ("service_period: [start, end]\niep_period: next\n", "line 8: iep_period must be one of current, upcoming"),
        ("iep_period: current\n", "line 7: iep_period needs service_period"),
        ("service_period: [start, end]\niep_period: upcoming\n", "line 8: iep_period needs a source whose rows carry"),
    ],
)
def test_bad_settings_name_the_line_and_the_fix(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, BASE + text)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_shipped_mappings_label_plans_with_their_service_periods_school_year():
    roster = prepare(RunOptions(mapping=MAPPINGS / "caseload.yaml", today=TODAY)).roster
    years = {s.key: s.values["school_year"] for s in roster.students}
    assert years["1001"] == "2025-2026"  # IEP 12/02/2025 - 12/01/2026, plan made 11/22/2026
    assert years["1002"] == "2026-2027"  # IEP 01/20/2026 - 01/19/2027

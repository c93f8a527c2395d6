"""mapping.source_options: a source's optional / identify / current settings, read with their line."""

from __future__ import annotations

from pathlib import Path

from generator.mapping.load import load_mapping
from generator.mapping.source_options import CurrentRule, SourceOptions

MAPPING = """sources:
  services:
    file: s.csv
    key: ID
    current: {start: Start Date, per: [Service, Delivery]}
    identify: [Service, Sessions / Frequency]
  notes:
    key: ID
    optional: true
    identify: Note
key: id
fields:
  id: ID
"""


def test_settings_are_read_and_default_to_off(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    sources = load_mapping(path).sources
    assert sources["services"].options == SourceOptions(
        optional=False,
        identify=["Service", "Sessions / Frequency"],
        current=CurrentRule(start="Start Date", end=None, per=["Service", "Delivery"], line=5),
    )
    assert sources["services"].options.current.columns() == ["Start Date", "Service", "Delivery"]
    assert sources["notes"].options == SourceOptions(optional=True, identify=["Note"], current=None)
    assert sources["notes"].location is None

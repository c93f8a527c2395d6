"""Source settings for downloads as IEP systems ship them: optional reports, which headers identify a
report, and which of a student's rows is current.

An IEP system's downloads are named by the person who saved them and carry history (a service that
changed mid-year has two rows). These settings let a mapping say, for any system, how to recognise
each report in a folder and which row of a service the plan is about, so no system needs code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.mapping.yamlfile import LineDict, YamlReader

SOURCE_OPTION_KEYS = ("optional", "identify", "current")
CURRENT_KEYS = ("start", "end", "per")
PERIOD_CHOICES = ("current", "upcoming")  # the mapping's iep_period: which IEP period a plan covers


@dataclass
class CurrentRule:
    """Per student (and per ``per`` group, e.g. one service), keep the row whose dates hold today.

    With no such row, the next to start is kept (a plan written before the new IEP starts), else the
    one that ended last.
    """

    start: str | None
    end: str | None
    per: list[str]
    line: int

    def columns(self) -> list[str]:
        return [c for c in (self.start, self.end) if c] + self.per


@dataclass
class SourceOptions:
    optional: bool = False  # a report the therapist may not have: its fields are left blank
    identify: list[str] = field(default_factory=list)  # headers that tell this report apart in a folder
    current: CurrentRule | None = None


def read_source_options(reader: YamlReader, spec: LineDict, what: str) -> SourceOptions:
    options = SourceOptions(
        optional=reader.boolean(spec, "optional", f"{what}:"), identify=reader.strings(spec, "identify", f"{what}:")
    )
    if "current" in spec:
        raw = spec["current"]
        if not isinstance(raw, LineDict):
            raise reader.fail(
                spec.line_of("current"),
                f"{what}: 'current' must be a mapping like {{start: Start Date, end: End Date, per: [Service]}}.",
            )
        reader.check_keys(raw, CURRENT_KEYS, f"'current' of {what}")
        start = reader.string(raw, "start", "current:")
        end = reader.string(raw, "end", "current:")
        if start is None and end is None:
            raise reader.fail(
                raw.line,
                f"{what}: 'current' needs 'start', 'end' or both: the columns holding each row's first and last date.",
            )
        options.current = CurrentRule(start, end, reader.strings(raw, "per", "current:"), spec.line_of("current"))
    return options

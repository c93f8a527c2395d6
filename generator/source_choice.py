"""Which file feeds each source of a mapping: the mapping's own files, or the --source values.

``--source`` takes a file (a one-report mapping), ``NAME=PATH`` (one named report of several), or a
folder or files whose header rows say which report each one is. Once the command line names any
file, it names them all: a report not given is an error (or left blank when the mapping marks it
optional), so a run never mixes a fresh download with a stale default file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ConfigError
from generator.google.auth.ids import as_location
from generator.mapping.layout import Layout
from generator.mapping.load import Mapping
from generator.mapping.suggest import suggest
from generator.sources.assign import assign_tables, report_files
from generator.sources.tables import Table

Location = Path | str
Reader = Callable[..., Table]  # (location, sheet, layout) -> its table (local or Google)
_NAMED = re.compile(r"^([A-Za-z_][\w-]*)=(.+)$", re.DOTALL)


@dataclass
class ChosenSources:
    tables: dict[str, Table]
    notes: list[str] = field(default_factory=list)  # which file went where, when header rows decided it


def as_sources(value: Location | Sequence[Location] | None) -> list[Location]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, Path)) else list(value)


def choose_sources(mapping: Mapping, given: Location | Sequence[Location] | None, read: Reader) -> ChosenSources:
    """The tables of the run; an optional report not given has none (its fields are left blank)."""
    values = as_sources(given)
    if not values:
        return _from_mapping(mapping, read)
    named, unnamed = _split_named(mapping, values)
    if len(mapping.sources) == 1 and not named:  # one file: the last --source counts, as with other options
        ((name, spec),) = mapping.sources.items()
        return ChosenSources({name: read(unnamed[-1], spec.sheet, spec.layout)})
    chosen = ChosenSources({})
    origin: dict[str, str] = {}
    for name, location in named:
        _take(
            chosen,
            origin,
            name,
            read(location, mapping.sources[name].sheet, mapping.sources[name].layout),
            str(location),
        )
    if unnamed:
        identified = _identify(mapping, unnamed, read)
        for name, (location, table) in sorted(identified.items(), key=lambda i: list(mapping.sources).index(i[0])):
            spec = mapping.sources[name]
            if spec.sheet not in (None, table.sheet) or spec.layout != Layout():  # recognised on the first sheet
                table = read(location, spec.sheet, spec.layout)
            _take(chosen, origin, name, table, table.label)
            chosen.notes.append(f"source {name!r}: {table.label} (recognised by its header row)")
    _missing(mapping, chosen, unnamed)
    return chosen


def _split_named(mapping: Mapping, values: list[Location]) -> tuple[list[tuple[str, Location]], list[Location]]:
    named, unnamed = [], []
    for value in values:
        match = _NAMED.match(str(value)) if not Path(value).exists() else None
        if match is None:
            unnamed.append((as_location(value) or value) if isinstance(value, str) else value)
            continue
        name, location = match.group(1), as_location(match.group(2)) or match.group(2)
        if name not in mapping.sources:
            raise ConfigError(
                f"--source {value}: {mapping.path} has no source {name!r}. Its sources: "
                f"{', '.join(mapping.sources)}.{suggest(name, mapping.sources)}"
            )
        named.append((name, location))
    return named, unnamed


def _take(chosen: ChosenSources, origin: dict[str, str], name: str, table: Table, where: str) -> None:
    if name in chosen.tables:
        raise ConfigError(f"two files were given for source {name!r}: {origin[name]} and {where}. Give one.")
    chosen.tables[name] = table
    origin[name] = where


def _identify(mapping: Mapping, unnamed: list[Location], read: Reader) -> dict[str, tuple[Location, Table]]:
    signatures = {name: spec.options.identify for name, spec in mapping.sources.items()}
    if not any(signatures.values()):
        example = next(iter(mapping.sources))
        raise ConfigError(
            f"{mapping.path} reads several sources ({', '.join(mapping.sources)}): say which file is "
            f"which with --source NAME=PATH (e.g. --source {example}=FILE), or give each source "
            "'identify:' headers so files and folders are recognised by their header row."
        )
    files: list[Location] = []
    for value in unnamed:
        is_folder = not isinstance(value, str) and Path(value).is_dir()
        files.extend(report_files(Path(value)) if is_folder else [value])
    read_files = [(f, read(f, None)) for f in files]
    location_of = {id(table): f for f, table in read_files}
    assigned = assign_tables([table for _f, table in read_files], signatures)
    return {name: (location_of[id(table)], table) for name, table in assigned.items()}


def _missing(mapping: Mapping, chosen: ChosenSources, unnamed: list[Location]) -> None:
    required = []
    for name, spec in mapping.sources.items():
        if name in chosen.tables:
            continue
        if spec.options.optional:
            continue
        hint = (
            f" (no file given has its headers: {', '.join(repr(h) for h in spec.options.identify)})"
            if unnamed and spec.options.identify
            else ""
        )
        required.append(f"source {name!r} was not given{hint}: add --source {name}=PATH.")
    if required:
        raise ConfigError(
            "\n".join(
                required
                + [
                    "With --source, every report the mapping reads comes from the "
                    "command line; the mapping's own files are not used."
                ]
            )
        )


def _from_mapping(mapping: Mapping, read: Reader) -> ChosenSources:
    chosen = ChosenSources({})
    for name, spec in mapping.sources.items():
        if spec.location is None and spec.options.optional:
            continue
        if spec.location is None:
            where = f"--source {name}=PATH" if len(mapping.sources) > 1 else "--source"
            setting = f"'file:' under source {name!r}" if len(mapping.sources) > 1 else "'source:'"
            raise ConfigError(f"no source given: pass {where}, or set {setting} in {mapping.path}.")
        chosen.tables[name] = read(spec.location, spec.sheet, spec.layout)
    return chosen

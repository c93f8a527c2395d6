"""Where a student's plan is, for `plangen open`: the Google Doc link or the local file.

The last run's manifest is the record of where each plan went (a Drive run lists Doc links), so
it is read first. A student that run did not include may still have a local plan from an earlier
run; the mapping gives its path. Nothing here contacts Google.
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path

from generator.errors import ConfigError
from generator.locations import Locations
from generator.mapping.load import load_mapping
from generator.output.report import FAILED
from generator.pipeline import RunOptions, build, read_sources
from generator.roster.select import name_form

MANIFEST = "manifest.csv"


def plan_location(given: str, mapping: Path, out_dir: Path | None = None) -> str:
    """The URL or path to open for the student the therapist typed (key, name, "Last, First");
    a ConfigError says why there is none, and lists namesakes with what tells them apart."""
    given = given.strip()
    if out_dir is None:
        out_dir = load_mapping(mapping).default_out_dir
    rows = _manifest_rows(Path(out_dir) / MANIFEST)
    by_key = [row for row in rows if (row.get("key") or "").strip() == given]
    if len(by_key) == 1:
        return _from_manifest(by_key[0], given, Path(out_dir))
    wanted = name_form(given)
    by_name = [row for row in rows if wanted and name_form(row.get("display_name") or "") == wanted]
    if len(by_name) == 1:
        return _from_manifest(by_name[0], by_name[0]["key"], Path(out_dir))
    return _from_mapping(given, mapping, Path(out_dir))


def _manifest_rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read {path}: {exc}. Run plangen generate again to rewrite it.") from exc


def _from_manifest(row: dict[str, str], key: str, out_dir: Path) -> str:
    output = (row.get("output") or "").strip()
    if row.get("status") == FAILED:
        reason = row.get("message") or f"see {out_dir / MANIFEST}"
        raise ConfigError(f"the last run could not make student {key}'s plan: {reason}")
    if output.startswith(("https://", "http://")):
        return output
    path = out_dir / output
    if not output or not path.is_file():
        raise ConfigError(f"student {key}'s plan {path} no longer exists. Run plangen generate again.")
    return str(path)


def _from_mapping(given: str, mapping: Path, out_dir: Path) -> str:
    """Where the mapping would put the plan: the roster is built (the typed key or name chooses one
    student, namesakes are listed), the template is never opened."""
    options = RunOptions(mapping=mapping, keys=(given,))
    loaded = load_mapping(mapping)
    built = build(loaded, read_sources(loaded, None, Locations()), options)
    if not built.roster.students:
        failure = built.roster.failures[0] if built.roster.failures else None
        detail = f": {failure.message}" if failure is not None else ""
        raise ConfigError(
            f"student {given} has data errors, so plangen makes no plan for them{detail}. "
            f"Fix the sheet; 'plangen check -m {shlex.quote(str(mapping))}' lists every problem."
        )
    student = built.roster.students[0]
    path = out_dir / built.names[student.key].relpath
    if not path.is_file():
        raise ConfigError(
            f"no plan for student {given} in {out_dir}. Make it with: plangen generate -m "
            f"{shlex.quote(str(mapping))} --student {shlex.quote(student.key)}"
        )
    return str(path)

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

MANIFEST = "manifest.csv"


def plan_location(key: str, mapping: Path, out_dir: Path | None = None) -> str:
    """The URL or path to open for student ``key``; a ConfigError says why there is none."""
    key = key.strip()
    if out_dir is None:
        out_dir = load_mapping(mapping).default_out_dir
    row = _manifest_row(Path(out_dir) / MANIFEST, key)
    if row is not None:
        return _from_manifest(row, key, Path(out_dir))
    return _from_mapping(key, mapping, Path(out_dir))


def _manifest_row(path: Path, key: str) -> dict[str, str] | None:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read {path}: {exc}. Run plangen generate again to rewrite it.") from exc
    return next((row for row in rows if (row.get("key") or "").strip() == key), None)


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


def _from_mapping(key: str, mapping: Path, out_dir: Path) -> str:
    """Where the mapping would put the plan: the roster is built, the template is never opened."""
    options = RunOptions(mapping=mapping, keys=(key,))
    loaded = load_mapping(mapping)
    built = build(loaded, read_sources(loaded, None, Locations()), options)
    path = out_dir / built.names[key].relpath
    if not path.is_file():
        raise ConfigError(
            f"no plan for student {key} in {out_dir}. Make it with: plangen generate -m "
            f"{shlex.quote(str(mapping))} --student {shlex.quote(key)}"
        )
    return str(path)

"""The map in docs/architecture.md, enforced: stages import only earlier stages, Google stays behind one door."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# Each layer may import itself and the layers listed before it, never a later one.
LAYERS = [
    "errors",
    "jinja",
    "sources",
    "mapping",
    "roster",
    "template",
    "output",
    "google",
    "locations",
    "source_choice",
    "pipeline",
    "check",
    "open_plan",
    "columns",
    "explain",
    "draft",
    "cli",
    "__main__",
    "__init__",
]
CORE = {"sources", "mapping", "roster", "template", "output"}

# Inside google/, by job: auth/ first; sheets/ and drive/ each build on auth/ and never on each other;
# doctor.py checks all three. A subpackage may import its own rank and the ranks before it.
GOOGLE_RANKS = {"auth": 0, "sheets": 1, "drive": 1, "doctor": 2}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(ROOT).with_suffix("")
        name = ".".join(relative.parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every generator module this file imports, at top level or inside functions (lazy imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    modules = _modules()
    return {name for name in names if name in modules and name != "generator"}


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_later_stage(module):
    here = LAYERS.index(_layer(module))
    later = sorted(name for name in _imports(MODULES[module]) if LAYERS.index(_layer(name)) > here)
    assert later == [], f"{module} imports later stage(s) {later}; see docs/architecture.md"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in CORE))
def test_core_never_imports_google(module):
    assert not any(_layer(name) == "google" for name in _imports(MODULES[module]))
    text = MODULES[module].read_text(encoding="utf-8")
    assert "googleapiclient" not in text and "google.auth" not in text


def _google_part(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "google" else None


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _google_part(m)))
def test_google_subpackages_import_only_their_own_job_and_auth(module):
    part = _google_part(module)
    assert part in GOOGLE_RANKS, f"{module}: put it in google/auth, google/sheets or google/drive"
    wrong = sorted(
        name
        for name in _imports(MODULES[module])
        if (other := _google_part(name)) and other != part and GOOGLE_RANKS.get(other, 99) >= GOOGLE_RANKS[part]
    )
    assert wrong == [], f"{module} imports {wrong}; see docs/architecture.md (google/ by job)"


def test_the_pipeline_names_no_destination():
    """A new destination is a new Destination class chosen by the CLI, never an edit of the pipeline."""
    pipeline = MODULES["generator.pipeline"]
    assert [name for name in _imports(pipeline) if _layer(name) == "google"] == []
    assert "drive" not in pipeline.read_text(encoding="utf-8").casefold()


def test_no_import_cycles():
    graph = {name: _imports(path) - {name} for name, path in MODULES.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_google_libraries_not_imported_for_a_local_run():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import generator.cli, generator.pipeline"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    google = sorted(
        name
        for name in loaded
        if name.startswith(("googleapiclient", "google.auth", "google.oauth2", "httplib2", "google_auth"))
    )
    assert google == []


def test_every_module_is_imported_by_a_test():
    """Each module has tests of its own, not only a path through the CLI (tests/<package>/test_<module>.py)."""
    tested: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tested |= _imports(path)
    untested = sorted(
        name for name, path in MODULES.items() if path.stem not in ("__init__", "__main__") and name not in tested
    )
    assert untested == [], f"no test file imports {untested}; add tests/<package>/test_<module>.py"

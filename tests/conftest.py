from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.google.fakegoogle.fixtures import fake_google, loopback_only  # noqa: F401
from tests.helpers import MAPPINGS, SAMPLES, TEMPLATES


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of samples/, mappings/ and templates/ that a test may change."""
    root = tmp_path / "project"
    for folder in (SAMPLES, MAPPINGS, TEMPLATES):
        shutil.copytree(folder, root / folder.name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root

"""The one Jinja environment plangen renders with: strict and sandboxed.

StrictUndefined turns a misspelt field into an error instead of a silently empty plan, and the
sandbox keeps a shared template from reaching Python internals. ``None`` prints as nothing, so an
empty cell never shows up as the word "None" in a plan.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


def _finalize(value: Any) -> Any:
    return "" if value is None else value


def make_environment(autoescape: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    return env

"""The one Jinja environment plangen renders with: strict, sandboxed and bounded.

StrictUndefined turns a misspelt field into an error instead of a silently empty plan, and the
sandbox keeps a shared template from reaching Python internals. ``None`` prints as nothing, so an
empty cell never shows up as the word "None" in a plan.

Templates and mapping expressions are written by people, shared between colleagues and sometimes
downloaded: a loop over ``range(10**9)`` or a ``'x' * 10**9`` must end in a clear error, not a
hung laptop. So loops and repetition are capped, each student's render has a time limit, and the
constructs the sandbox would only refuse at render time (``include``, ``attr``, ``'{0.__class__}'
.format``) are found when the template is loaded.
"""

from __future__ import annotations

import os
import re
import signal
import string
import threading
from collections import ChainMap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

MAX_RANGE = 10_000  # a plan never needs more loop turns than this from range()
MAX_REPEAT = 100_000  # items or characters a '*' may produce
MAX_POWER = 64  # largest exponent of '**'
ENV_RENDER_SECONDS = "PLANGEN_RENDER_SECONDS"
DEFAULT_RENDER_SECONDS = 60.0


class RenderTimeout(Exception):
    """One student's render ran past the time limit (a runaway loop in the template)."""


def _finalize(value: Any) -> Any:
    return "" if value is None else value


def bounded_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SecurityError(f"range() of {len(result):,} numbers; templates may loop at most {MAX_RANGE:,} times.")
    return result


class PlangenEnvironment(SandboxedEnvironment):
    """The sandbox with '*' and '**' sized before they run (the sandbox alone lets 'x' * 10**9 through)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise SecurityError(f"'**' with an exponent over {MAX_POWER} is not allowed in templates.")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_REPEAT
                ):
                    raise SecurityError(f"'*' would make {len(sequence) * count:,} items; the limit is {MAX_REPEAT:,}.")
        return super().call_binop(context, operator, left, right)


def make_environment(autoescape: bool = False) -> SandboxedEnvironment:
    env = PlangenEnvironment(
        undefined=StrictUndefined,
        autoescape=autoescape,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.globals["range"] = bounded_range
    return env


def render_in(template: Template, *scopes: Mapping[str, Any]) -> str:
    """``template.render({**scopes...})`` without copying the scopes: a student's fields are computed
    from ~50 values about ten times per student, and ``render`` copies them twice per call (a quarter
    of building a student). The first scope wins, as with ``{**later, **first}``."""
    parent: Any = ChainMap(*scopes, template.globals)  # type: ignore[arg-type]  # only read: {% set %} goes to the context
    return template.environment.concat(template.root_render_func(template.new_context(parent, shared=True)))


def render_seconds() -> float:
    try:
        return max(0.05, float(os.environ.get(ENV_RENDER_SECONDS, DEFAULT_RENDER_SECONDS)))
    except ValueError:
        return DEFAULT_RENDER_SECONDS


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise RenderTimeout in this thread after ``seconds``; POSIX main threads only (elsewhere caps still hold)."""
    seconds = render_seconds() if seconds is None else seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise RenderTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_LOADERS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}


def unsafe_constructs(ast: nodes.Template) -> list[tuple[int, str]]:
    """(line, problem) for everything the sandbox or plangen would refuse at render time, found up front."""
    problems: list[tuple[int, str]] = []
    for statement in ast.find_all(tuple(_LOADERS)):
        problems.append(
            (
                statement.lineno,
                f"'{{% {_LOADERS[type(statement)]} %}}' is not available: a plan "
                "template is one document. Copy the text in instead",
            )
        )
    for lookup in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = (
            lookup.attr if isinstance(lookup, nodes.Getattr) else getattr(getattr(lookup, "arg", None), "value", None)
        )
        if isinstance(name, str) and name.startswith("_"):
            problems.append(
                (
                    lookup.lineno,
                    f"the template uses {name!r}; names starting with '_' are Python "
                    "internals, which templates may not reach. Remove that part of the tag",
                )
            )
    for applied in ast.find_all(nodes.Filter):
        if applied.name == "attr":
            problems.append((applied.lineno, "the 'attr' filter is not available; write the field as x.name"))
    for call in ast.find_all(nodes.Call):
        problems.extend(_call_problems(call))
    return sorted(problems, key=lambda problem: problem[0])


def _call_problems(node: nodes.Call) -> list[tuple[int, str]]:
    callee = node.node
    if isinstance(callee, nodes.Getattr) and callee.attr in ("format", "format_map"):
        target = callee.node
        if (
            not isinstance(target, nodes.Const)
            or not isinstance(target.value, str)
            or _format_reaches_attributes(target.value)
        ):
            return [
                (
                    node.lineno,
                    "str.format() with attribute or item lookups is not available; use the "
                    "'format' filter ('%.1f'|format(x)) or plain {{ }} tags",
                )
            ]
    if isinstance(callee, nodes.Name) and callee.name == "range" and node.args:
        numbers = [_constant_int(argument) for argument in node.args]
        if any(number is None for number in numbers):
            return []
        try:
            size = len(range(*numbers))  # type: ignore[arg-type]
        except (ValueError, TypeError, OverflowError):
            return [(node.lineno, "range() with these numbers is not valid")]
        if size > MAX_RANGE:
            return [(node.lineno, f"range() of {size:,} numbers; templates may loop at most {MAX_RANGE:,} times")]
    return []


_ARITHMETIC: dict[type, Any] = {
    nodes.Add: lambda a, b: a + b,
    nodes.Sub: lambda a, b: a - b,
    nodes.Mul: lambda a, b: a * b,
}


def _constant_int(node: nodes.Node) -> int | None:
    """A whole number written as a constant expression (10**9, 2 * 5000), computed safely; else None."""
    if isinstance(node, nodes.Const) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, nodes.Neg):
        value = _constant_int(node.node)
        return None if value is None else -value
    if isinstance(node, (nodes.Pow, *_ARITHMETIC)):
        left, right = _constant_int(node.left), _constant_int(node.right)  # type: ignore[attr-defined]
        if left is None or right is None:
            return None
        if isinstance(node, nodes.Pow):
            return left**right if 0 <= right <= MAX_POWER else None
        return _ARITHMETIC[type(node)](left, right)
    return None


def _format_reaches_attributes(text: str) -> bool:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return True
    return any("." in name or "[" in name for name in fields)


# Exceptions a template or computed field can raise from a student's values (besides Jinja's own):
# caught where they are rendered and reported as the template's or field's problem, never a crash.
DATA_ERRORS: tuple[type[BaseException], ...] = (
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    UnicodeError,
)
RENDER_ERRORS: tuple[type[BaseException], ...] = (TemplateError, *DATA_ERRORS)  # what rendering raises for bad input
_UNDEFINED = re.compile(r"'[A-Za-z_][A-Za-z0-9_]*' is undefined")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
_NO_ELEMENT = re.compile(r"has no (element|attribute) (?!'|<a value)(\S+)")
_PYTHON_TYPES = frozenset(
    "str int float bool NoneType list dict tuple set date datetime time timedelta Decimal Undefined "
    "StrictUndefined Markup range bytes object function method builtin_function_or_method".split()
)
HIDDEN = "<a value from the data>"


def data_free_message(exc: BaseException, source: str) -> str:
    """The error's message with every quoted piece that is not in ``source`` (the template, pattern or
    expression) replaced: Jinja's ``'dict object' has no attribute 'ZZNOTE1001Q'`` quotes a cell's value
    when a tag indexes by it. What the template itself says (names, keys, filters) is kept."""

    def keep(text: str) -> bool:
        return (
            not text
            or text in source
            or text in _PYTHON_TYPES
            or (text.endswith(" object") and text[:-7] in _PYTHON_TYPES)
        )

    def quoted(match: re.Match[str]) -> str:
        text = match.group(1) if match.group(1) is not None else match.group(2)
        return match.group(0) if keep(text) else HIDDEN

    message = " ".join(str(exc).split()) or type(exc).__name__
    undefined = _UNDEFINED.fullmatch(message)
    if undefined is not None:  # a name the template uses, never a value: "'frist' is undefined"
        return message
    message = _QUOTED.sub(quoted, message)
    message = _NO_ELEMENT.sub(lambda m: m.group(0) if keep(m.group(2)) else f"has no {m.group(1)} {HIDDEN}", message)
    if HIDDEN in message and "has no" in message:
        message += " (a key or attribute taken from a student's value is not there; the value is not shown)"
    return message if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {message}"


def template_line(exc: BaseException) -> int | None:
    """The line of the template source the error happened on (Jinja puts template lines in tracebacks)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line

"""YAML loading that keeps line numbers, so mapping errors can point at the line to fix.

Scalars are read as YAML 1.2's core schema reads them, not as PyYAML's YAML 1.1: only ``true`` and
``false`` are booleans (``yes``, ``no``, ``on``, ``off`` are words), ``12:30`` is text (not 750 in base
60), ``2027-06-01`` is text (a date field reads it), and ``0123`` is no octal. A number keeps the text
it was written as: ``0123`` or ``1.10`` used where text is wanted (a code table's key, a default, a
value) is "0123" or "1.10", as a cell shows it, and 123 or 1.1 where a number is wanted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, overload

import yaml

from generator.errors import MappingError
from generator.mapping.suggest import suggest


class LineDict(dict):
    """A YAML mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 1
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YamlInt(int):
    """A whole number as the mapping writes it: its value where a number is wanted, its text elsewhere."""

    text: str

    def __new__(cls, value: int, text: str) -> YamlInt:
        instance = super().__new__(cls, value)
        instance.text = text
        return instance

    @property
    def shown(self) -> str:  # what ``sources.cells.to_text`` prints, as for a formatted cell
        return self.text

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[YamlInt], tuple[int, str]]:
        return (YamlInt, (int(self), self.text))


class YamlFloat(float):
    """A decimal number as the mapping writes it: ``1.10`` stays "1.10" where text is wanted."""

    text: str

    def __new__(cls, value: float, text: str) -> YamlFloat:
        instance = super().__new__(cls, value)
        instance.text = text
        return instance

    @property
    def shown(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[YamlFloat], tuple[float, str]]:
        return (YamlFloat, (float(self), self.text))


_INT = re.compile(r"[-+]?[0-9]+$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|[-+]?\.(inf|Inf|INF)$|\.(nan|NaN|NAN)$")


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema scalars (see the module docstring)."""

    yaml_implicit_resolvers: dict = {}


_LineLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"~$|null$|Null$|NULL$|$"), ["~", "n", "N", ""])
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"true$|True$|TRUE$|false$|False$|FALSE$"), list("tTfF")
)
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"<<$"), ["<"])  # <<: *base


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> YamlInt:
    text = loader.construct_scalar(node)
    if not _INT.match(text):
        raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not a whole number", node.start_mark)
    if text.startswith(("0o", "0x")):
        return YamlInt(int(text[2:], 8 if text[1] == "o" else 16), text)
    return YamlInt(int(text, 10), text)  # a leading zero is no octal (YAML 1.2)


def _construct_float(loader: _LineLoader, node: yaml.ScalarNode) -> YamlFloat:
    text = loader.construct_scalar(node)
    if not _FLOAT.match(text):
        raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not a number", node.start_mark)
    lowered = text.lower()
    value = float(lowered.replace(".inf", "inf").replace(".nan", "nan"))
    return YamlFloat(value, text)


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


MAX_ALIASES = 25  # a mapping may reuse a block with &name / *name; a "billion laughs" needs far more


def _refuse_alias_bombs(path: Path, text: str) -> None:
    """Count *aliases on the event stream, before anything is built: expansion bombs never get built."""
    aliases = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise MappingError(
                    f"{path}, line {line}: more than {MAX_ALIASES} '*' aliases; "
                    "a mapping needs only a few. Write the settings out instead of nesting aliases."
                )


def load_yaml_mapping(path: Path) -> LineDict:
    """Load a YAML file whose top level must be a mapping; every error names the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found. Check the --mapping path.") from None
    except IsADirectoryError:
        raise MappingError(f"{path}: is a folder; --mapping needs a .yaml file.") from None
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: is not UTF-8 text ({exc.reason}). Save it as UTF-8.") from None
    try:
        _refuse_alias_bombs(path, text)
        data = yaml.load(text, Loader=_LineLoader) or LineDict()  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise MappingError(f"{path}{where}: {problem}. Fix the YAML syntax there.") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: invalid YAML ({exc}).") from None
    if not isinstance(data, LineDict):
        kind = next(c.__name__ for c in type(data).__mro__ if c.__module__ == "builtins")  # int, not YamlInt
        raise MappingError(f"{path}: the top level must be a mapping of settings (key: value), not a {kind}.")
    if not hasattr(data, "key_lines"):
        data.key_lines = {}
    return data


_BOOLEAN_WORDS = {"yes": True, "y": True, "on": True, "no": False, "n": False, "off": False}


class YamlReader:
    """Validation helpers that know the file, so every message names it and the line."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, line: int, message: str) -> MappingError:
        return MappingError(f"{self.path}, line {line}: {message}")

    def check_keys(self, data: LineDict, allowed: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    data.line_of(key),
                    f"unknown setting {key!r} in {what}.{suggest(str(key), allowed)} Allowed: {', '.join(allowed)}.",
                )

    def mapping(self, data: LineDict, key: str, what: str) -> LineDict:
        value = data.get(key)
        if value is None:
            empty = LineDict()
            empty.line, empty.key_lines = data.line_of(key), {}
            return empty
        if not isinstance(value, LineDict):
            raise self.fail(data.line_of(key), f"{what} {key!r} must be a mapping of settings (key: value).")
        return value

    @overload
    def string(self, data: LineDict, key: str, what: str, default: str) -> str: ...

    @overload
    def string(self, data: LineDict, key: str, what: str, default: None = None) -> str | None: ...

    def string(self, data: LineDict, key: str, what: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # as written: 0123 stays "0123"
        if not isinstance(value, str) or not value.strip():
            raise self.fail(data.line_of(key), f"{what} {key!r} must be non-empty text.")
        return value

    def strings(self, data: LineDict, key: str, what: str) -> list[str]:
        """A list of names; a single name is accepted as a list of one."""
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return [str(value)]
        if not isinstance(value, list) or not value or not all(isinstance(v, (str, int, float)) for v in value):
            raise self.fail(data.line_of(key), f"{what} {key!r} must be a name or a list of names.")
        return [str(v) for v in value]

    def boolean(self, data: LineDict, key: str, what: str) -> bool:
        """``true``/``false``; the YAML 1.1 words (yes/no, on/off) too, as nothing but a yes or no is meant here."""
        value = data.get(key, False)
        if isinstance(value, str) and value.strip().casefold() in _BOOLEAN_WORDS:
            return _BOOLEAN_WORDS[value.strip().casefold()]
        if not isinstance(value, bool):
            raise self.fail(data.line_of(key), f"{what} {key!r} must be true or false.")
        return value

    def location(self, data: LineDict, key: str) -> str | Path | None:
        """A file path relative to this file, or a URL kept as text (Google Docs/Sheets links)."""
        value = self.string(data, key, "setting")
        if value is None:
            return None
        if "://" in value:
            return value
        return (self.path.parent / value).resolve()

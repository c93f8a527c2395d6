"""YAML loading that keeps line numbers, so mapping errors can point at the line to fix."""

from __future__ import annotations

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


class _LineLoader(yaml.SafeLoader):
    pass


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
        kind = type(data).__name__
        raise MappingError(f"{path}: the top level must be a mapping of settings (key: value), not a {kind}.")
    if not hasattr(data, "key_lines"):
        data.key_lines = {}
    return data


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
            return str(value)
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
        value = data.get(key, False)
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

"""Drive v3 search-query (`q`) grammar, parsed and evaluated as Drive documents it.

Supported: ``'ID' in parents`` (also owners/writers/readers), ``name = / != / contains``,
``mimeType = / != / contains``, ``fullText contains``, ``trashed/starred/sharedWithMe = bool``,
time comparisons on ``modifiedTime``/``createdTime``, ``appProperties has { key='k' and
value='v' }`` and ``properties has {...}``, ``and``/``or``/``not``, parentheses, and string
escapes ``\\'`` and ``\\\\``. Anything else is a 400 "Invalid Value" on parameter ``q``, which
is what Drive answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.google.fakegoogle.common import invalid

Node = tuple[Any, ...]

_KEYWORDS = {"and", "or", "not", "in", "has", "contains", "true", "false"}
_OPS = ("!=", "<=", ">=", "=", "<", ">")

_STRING_FIELDS = {"name", "mimeType", "visibility", "shortcutDetails.targetId"}
_CONTAINS_FIELDS = {"name", "mimeType", "fullText"}
_BOOL_FIELDS = {"trashed", "starred", "sharedWithMe", "hidden"}
_TIME_FIELDS = {"modifiedTime", "createdTime", "viewedByMeTime", "sharedWithMeTime"}
_IN_FIELDS = {"parents", "owners", "writers", "readers"}
_HAS_FIELDS = {"appProperties", "properties"}


@dataclass(frozen=True)
class Token:
    kind: str  # "str", "word", "op", "(", ")", "{", "}"
    value: str
    pos: int


def _error(query: str, detail: str) -> Exception:
    # Drive's message is just "Invalid Value"; the detail helps whoever debugs a test.
    return invalid(f"Invalid Value ({detail} in q={query!r})", "q")


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch == "'":
            start = i
            i += 1
            out: list[str] = []
            while True:
                if i >= n:
                    raise _error(query, f"unterminated string at {start}")
                ch = query[i]
                if ch == "\\":
                    if i + 1 >= n or query[i + 1] not in ("'", "\\"):
                        raise _error(query, f"bad escape at {i}")
                    out.append(query[i + 1])
                    i += 2
                elif ch == "'":
                    i += 1
                    break
                else:
                    out.append(ch)
                    i += 1
            tokens.append(Token("str", "".join(out), start))
        elif ch in "(){}":
            tokens.append(Token(ch, ch, i))
            i += 1
        elif ch in "!=<>":
            for op in _OPS:
                if query.startswith(op, i):
                    tokens.append(Token("op", op, i))
                    i += len(op)
                    break
            else:
                raise _error(query, f"bad operator at {i}")
        else:
            match = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*").match(query, i)
            if not match:
                raise _error(query, f"unexpected {ch!r} at {i}")
            word = match.group(0)
            kind = "kw" if word.lower() in _KEYWORDS else "word"
            tokens.append(Token(kind, word.lower() if kind == "kw" else word, i))
            i = match.end()
    return tokens


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != kind or (value is not None and tok.value != value):
            where = "end of query" if tok is None else f"{tok.value!r} at {tok.pos}"
            raise _error(self.query, f"expected {value or kind}, found {where}")
        self.i += 1
        return tok

    def accept(self, kind: str, value: str | None = None) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == kind and (value is None or tok.value == value):
            self.i += 1
            return True
        return False

    def parse(self) -> Node:
        if not self.tokens:
            raise _error(self.query, "empty query")
        node = self.parse_or()
        if self.peek() is not None:
            tok = self.peek()
            assert tok is not None
            raise _error(self.query, f"unexpected {tok.value!r} at {tok.pos}")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.accept("kw", "or"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", *items)

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while self.accept("kw", "and"):
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else ("and", *items)

    def parse_unary(self) -> Node:
        if self.accept("kw", "not"):
            return ("not", self.parse_unary())
        if self.accept("("):
            node = self.parse_or()
            self.take(")")
            return node
        return self.parse_term()

    def parse_term(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error(self.query, "unexpected end of query")
        if tok.kind == "str":
            self.i += 1
            self.take("kw", "in")
            fld = self.take("word").value
            if fld not in _IN_FIELDS:
                raise _error(self.query, f"'in' does not apply to {fld}")
            return ("in", tok.value, fld)
        fld = self.take("word").value
        if self.accept("kw", "has"):
            if fld not in _HAS_FIELDS:
                raise _error(self.query, f"'has' does not apply to {fld}")
            return ("has", fld, *self.parse_has_body())
        if self.accept("kw", "contains"):
            if fld not in _CONTAINS_FIELDS:
                raise _error(self.query, f"'contains' does not apply to {fld}")
            return ("contains", fld, self.take("str").value)
        op = self.take("op").value
        if fld in _BOOL_FIELDS:
            if op not in ("=", "!="):
                raise _error(self.query, f"{fld} only supports = and !=")
            value = self.take("kw")
            if value.value not in ("true", "false"):
                raise _error(self.query, f"{fld} needs true or false")
            return ("cmp", fld, op, value.value == "true")
        if fld in _STRING_FIELDS:
            if op not in ("=", "!="):
                raise _error(self.query, f"{fld} only supports =, != and contains")
            return ("cmp", fld, op, self.take("str").value)
        if fld in _TIME_FIELDS:
            value = self.take("str").value
            if not re.match(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$", value):
                raise _error(self.query, f"bad time {value!r}")
            return ("cmp", fld, op, value)
        raise _error(self.query, f"unknown field {fld}")

    def parse_has_body(self) -> tuple[str, str]:
        self.take("{")
        found: dict[str, str] = {}
        while True:
            name = self.take("word").value
            if name not in ("key", "value") or name in found:
                raise _error(self.query, f"unexpected {name!r} in has {{...}}")
            self.take("op", "=")
            found[name] = self.take("str").value
            if self.accept("}"):
                break
            self.take("kw", "and")
        if set(found) != {"key", "value"}:
            raise _error(self.query, "has {...} needs both key and value")
        return found["key"], found["value"]


def parse(query: str) -> Node:
    """The query's syntax tree; raises the fake's 400 error for anything Drive rejects."""
    return _Parser(query).parse()


def _name_contains(name: str, needle: str) -> bool:
    # Drive matches `name contains` as a case-insensitive prefix of the name or of a word
    # in it: 'Hello' finds "HelloWorld", 'World' does not.
    hay, needle = name.lower(), needle.lower()
    if not needle:
        return True
    start = 0
    while True:
        idx = hay.find(needle, start)
        if idx < 0:
            return False
        if idx == 0 or not hay[idx - 1].isalnum():
            return True
        start = idx + 1


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _time_key(value: str) -> str:
    # Normalise to second precision so '2024-01-02' and RFC 3339 values compare sensibly.
    return value.replace("Z", "").split(".")[0].split("+")[0]


def evaluate(node: Node, item: dict[str, Any]) -> bool:
    """Whether a file (given as its v3 resource dict plus ``fullText``) matches."""
    kind = node[0]
    if kind == "and":
        return all(evaluate(child, item) for child in node[1:])
    if kind == "or":
        return any(evaluate(child, item) for child in node[1:])
    if kind == "not":
        return not evaluate(node[1], item)
    if kind == "in":
        _, value, fld = node
        if fld == "parents":
            return value in item.get("parents", [])
        return value == "me" or value in item.get(fld, [])
    if kind == "has":
        _, fld, key, value = node
        return item.get(fld, {}).get(key) == value
    if kind == "contains":
        _, fld, value = node
        if fld == "name":
            return _name_contains(item.get("name", ""), value)
        if fld == "fullText":
            text = f"{item.get('name', '')}\n{item.get('fullText', '')}".lower()
            return value.lower() in text
        return value.lower() in str(item.get(fld, "")).lower()
    _, fld, op, value = node
    if fld in _TIME_FIELDS:
        return _compare(_time_key(str(item.get(fld, ""))), op, _time_key(value))
    current = item.get(fld, False if fld in _BOOL_FIELDS else "")
    return _compare(current, op, value)


def matches(query: str | None, item: dict[str, Any]) -> bool:
    return True if not query else evaluate(parse(query), item)

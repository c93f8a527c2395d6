"""Block tags placed where they would break the Word document, found when the template is read.

docxtpl already mends what Word and Google Docs do *inside* a tag (smart quotes, a tag split
over several formatting runs). What it cannot mend is where a tag sits: a plain ``{% for %}``
in one table row and its ``{% endfor %}`` in another repeats a slice of the table's XML, which
gives stray rows at best and, when one end is inside a table and the other outside, XML that
Word refuses to open. Jinja sees nothing wrong, so without this check the template would pass
``plangen check`` and every plan would come out broken.

The rule: a plain block tag (``for``, ``if``, ...) and its ``else``/``elif``/``end`` tags must
sit at the same level of the document and in the same table cell. ``{%tr %}`` and ``{%p %}``
tags satisfy it by construction (docxtpl lifts them out of their row or paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import TemplateError

_TOKEN = re.compile(r"<(/?)([A-Za-z][\w:.-]*)[^>]*?(/?)>|\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_PARAGRAPH = re.compile(r"<w:p[ >]")
_XML_TAG = re.compile(r"<[^>]+>")
_TABLE_ELEMENTS = ("w:tbl", "w:tr", "w:tc")
_OPENERS = ("for", "if", "with", "filter", "macro", "call", "block", "autoescape")
_MIDDLES = ("else", "elif")


@dataclass(frozen=True)
class _Place:
    """Where a tag sits: the element names around it, and which table/row/cell instances."""

    names: tuple[str, ...]
    tables: tuple[int, ...]

    def describe(self) -> str:
        for name, words in (
            ("w:tc", "in a table cell"),
            ("w:tr", "in a table row"),
            ("w:tbl", "in a table, between rows"),
            ("w:p", "in a paragraph"),
        ):
            if name in self.names:
                return words
        return "between paragraphs"


@dataclass
class _Open:
    keyword: str
    tag: str
    offset: int
    place: _Place


def check_tag_placement(path: Path, part_name: str, xml: str) -> None:
    """Raise a located TemplateError for the first block tag that would break the document."""
    elements: list[tuple[str, int]] = []
    blocks: list[_Open] = []
    in_raw = False
    for serial, match in enumerate(_TOKEN.finditer(xml)):
        closing, name, self_closing, keyword, rest = match.groups()
        if name is not None:
            _track_element(elements, name, serial, closing == "/", self_closing == "/")
            continue
        if in_raw or keyword == "raw":
            in_raw = keyword != "endraw"
            continue
        place = _Place(tuple(n for n, _ in elements), tuple(s for n, s in elements if n in _TABLE_ELEMENTS))
        if keyword in _OPENERS or (keyword == "set" and "=" not in rest):
            blocks.append(_Open(keyword, match.group(0), match.start(), place))
        elif (keyword in _MIDDLES or keyword.startswith("end")) and blocks:
            opened = blocks[-1]
            if place != opened.place:
                raise _misplaced(path, part_name, xml, opened, match.group(0), match.start(), place)
            if keyword.startswith("end"):
                blocks.pop()


def _track_element(elements: list[tuple[str, int]], name: str, serial: int, closing: bool, self_closing: bool) -> None:
    if self_closing:
        return
    if not closing:
        elements.append((name, serial))
        return
    while elements:
        if elements.pop()[0] == name:
            return


def _misplaced(
    path: Path, part_name: str, xml: str, opened: _Open, tag: str, offset: int, place: _Place
) -> TemplateError:
    where_open, where_close = opened.place.describe(), place.describe()
    if where_open == where_close:
        where_close = where_close.replace("in a ", "in another ", 1)
    return TemplateError(
        f"{path}: {part_name}, paragraph {paragraph_number(xml, opened.offset)} "
        f'("{paragraph_text(xml, opened.offset)}"): {_clean(opened.tag)} is {where_open} but its '
        f"{_clean(tag)} (paragraph {paragraph_number(xml, offset)}) is {where_close}, so the plan would "
        "come out broken. To repeat or hide table rows, put {%tr " + _inner(opened.tag) + " %} and "
        "{%tr end" + opened.keyword + " %} each alone in a row of its own; for paragraphs use "
        "{%p … %} alone in a paragraph. See docs/authoring-templates.md."
    )


def paragraph_number(xml: str, offset: int) -> int:
    """Counted as the syntax-error messages count them, so both point at the same paragraph."""
    return max(len(_PARAGRAPH.findall(xml, 0, offset)), 1)


def paragraph_text(xml: str, offset: int) -> str:
    starts = [m.start() for m in _PARAGRAPH.finditer(xml, 0, offset)]
    start = starts[-1] if starts else 0
    following = _PARAGRAPH.search(xml, offset)
    end = following.start() if following else len(xml)
    return " ".join(_XML_TAG.sub("", xml[start:end]).split())[:120]


def _clean(tag: str) -> str:
    return "{% " + _inner(tag) + " %}"


def _inner(tag: str) -> str:
    return " ".join(tag.strip("{}%- \n").split())

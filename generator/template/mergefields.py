"""Word mail-merge fields (``MERGEFIELD First_Name``, shown as «First_Name») filled like ``{{ tags }}``.

Many therapists already have a mail-merge letter or form: each blank is a Word field naming a column
of the data source. Rather than have them retype every field, each MERGEFIELD becomes the ``{{ field }}``
it stands for, just before docxtpl's clean-up, in the formatting of the text Word shows for it; so the
checks, ``plangen fields`` and ``check`` see an ordinary docxtpl template. Word writes a field either
as one ``w:fldSimple`` element or as runs: ``fldChar begin``, the instruction in ``instrText``,
``fldChar separate``, the shown text, ``fldChar end``. The field's name goes through the mapping like
an Autocrat tag (``First_Name`` and ``First Name`` both name the column "First Name"); the switches
``\\* Upper``/``Lower``/``FirstCap``/``Caps`` and ``\\b``/``\\f`` (text before/after a non-blank value)
are kept; ``\\* MERGEFORMAT`` and the other formatting switches leave the value as the mapping formats it.

Fields Word would act on record by record (``NEXT``, ``SKIPIF``) or a merge field inside another field
(``IF``) cannot mean the same in a one-student plan: they are refused with what to write instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from generator.errors import TemplateError
from generator.template.package import W

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|“([^”]*)”|(\\[*@#a-zA-Z])|(\S+)')
_R, _T, _RPR, _FLDCHAR, _INSTR, _FLDSIMPLE = (
    f"{{{W}}}{n}" for n in ("r", "t", "rPr", "fldChar", "instrText", "fldSimple")
)
_TYPE, _INSTR_ATTR = f"{{{W}}}fldCharType", f"{{{W}}}instr"
_RECORD_FIELDS = ("NEXT", "NEXTIF", "SKIPIF")
_CASES = {"upper": "|upper", "lower": "|lower"}


@dataclass
class _Field:
    begin: etree._Element  # the fldChar begin
    instruction: list[str] = field(default_factory=list)
    shown: list[etree._Element] = field(default_factory=list)  # runs of the shown text
    parts: list[etree._Element] = field(default_factory=list)  # fldChar and instrText elements
    separated: bool = False
    nested: list[str] = field(default_factory=list)  # instructions of fields inside this one's instruction


def translate_merge_fields(
    xml: str, name_for: Callable[[str], str | None], where: str, mapping_name: str = "the mapping"
) -> str:
    """Every MERGEFIELD of one part as a ``{{ }}`` tag; ``name_for`` gives the plangen field a merge field
    names (None: no field reads it, which stops the run naming the field)."""
    if "instrText" not in xml and "fldSimple" not in xml:  # no field at all (a field's name may be split over runs)
        return xml
    declaration = _DECLARATION.match(xml)
    root = etree.fromstring(xml[declaration.end() :] if declaration else xml)
    unknown: list[str] = []

    def tag(instruction: str) -> str | None:
        parsed = parse_instruction(instruction)
        if parsed is None:
            return None
        name, switches = parsed
        field_name = name_for(name)
        if field_name is None:
            unknown.append(name)
            return None
        return tag_for(field_name, switches)

    _simple_fields(root, tag, where)
    _complex_fields(root, tag, where)
    if unknown:
        raise TemplateError(
            f"{where}: Word merge field(s) naming a column that no field of {mapping_name} reads: "
            + ", ".join(f"«{name}»" for name in dict.fromkeys(unknown))
            + f". Add a field for the column under 'fields:' in {mapping_name} (e.g. "
            + f"{_snake(unknown[0])}: {unknown[0].replace('_', ' ')}), or change the merge field to a column it reads."
        )
    text = etree.tostring(root, encoding="unicode")
    return (declaration.group(0) if declaration else "") + text


def parse_instruction(instruction: str) -> tuple[str, list[tuple[str, str]]] | None:
    """``MERGEFIELD "First Name" \\* Upper \\b "Dear "`` -> ("First Name", [("\\*", "Upper"), ("\\b", "Dear ")]);
    None when the field is not a merge field."""
    tokens = [next(g for g in m.groups() if g is not None) for m in _TOKEN.finditer(instruction)]
    if len(tokens) < 2 or tokens[0].upper() != "MERGEFIELD":
        return None
    name, switches = tokens[1], []
    rest = tokens[2:]
    for index, token in enumerate(rest):
        if token.startswith("\\") and len(token) == 2:
            argument = rest[index + 1] if index + 1 < len(rest) and not _is_switch(rest[index + 1]) else ""
            switches.append((token.lower() if token[1].isalpha() else token, argument))
    return name, switches


def _is_switch(token: str) -> bool:
    return token.startswith("\\") and len(token) == 2


def tag_for(name: str, switches: list[tuple[str, str]]) -> str:
    """The Jinja text a merge field becomes, its case and before/after switches included."""
    value = name
    for switch, argument in switches:
        if switch == "\\*":
            case = argument.lower()
            if case in _CASES:
                value += _CASES[case]
            elif case == "firstcap":
                value = f"(({value})|string)[:1]|upper ~ (({value})|string)[1:]"
            elif case == "caps":
                value = f"(({value})|string).split(' ')|map('capitalize')|join(' ')"
    before = next((argument for switch, argument in switches if switch == "\\b"), "")
    after = next((argument for switch, argument in switches if switch == "\\f"), "")
    text = "{{ " + value + " }}"
    if before or after:
        blank = f"({name}) in (none, '')"
        text = (
            ("{{ '' if " + blank + " else " + json.dumps(before) + " }}" if before else "")
            + text
            + ("{{ '' if " + blank + " else " + json.dumps(after) + " }}" if after else "")
        )
    return text


def _snake(name: str) -> str:
    snake = re.sub(r"\W+", "_", name.casefold()).strip("_") or "column"
    return snake if not snake[0].isdigit() else "col_" + snake


def default_field_name(name: str) -> str:
    """Without a mapping (``plangen fields``, ``init``), a merge field stands for the field of its own name,
    written as plangen fields are (``First_Name`` -> ``first_name``)."""
    return _snake(name)


def _record_field(instruction: str, where: str) -> None:
    keyword = (instruction.split() or [""])[0].upper()
    if keyword in _RECORD_FIELDS:
        raise TemplateError(
            f"{where}: a Word {keyword} field moves the mail merge to the next record; a plan is one student's, "
            "so it would print this student again. Remove the field (Alt+F9 in Word shows field codes)."
        )


def _simple_fields(root: etree._Element, tag: Callable[[str], str | None], where: str) -> None:
    for simple in list(root.iter(_FLDSIMPLE)):
        instruction = simple.get(_INSTR_ATTR, "")
        _record_field(instruction, where)
        outer = next(simple.iterancestors(_FLDSIMPLE), None)
        if outer is not None and parse_instruction(instruction) is not None:
            raise _nested(where, outer.get(_INSTR_ATTR, ""))
        text = tag(instruction)
        if text is None:
            continue
        runs = [child for child in simple if child.tag == _R]
        run = runs[0] if runs else etree.SubElement(simple, _R)
        _set_text(run, text)
        parent = simple.getparent()
        assert parent is not None
        index = parent.index(simple)
        parent.remove(simple)
        parent.insert(index, run)
        run.tail = simple.tail


def _set_text(run: etree._Element, text: str) -> None:
    """The run keeps its formatting (``w:rPr``) and shows ``text`` only."""
    for child in list(run):
        if child.tag != _RPR:
            run.remove(child)
    t = etree.SubElement(run, _T)
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _complex_fields(root: etree._Element, tag: Callable[[str], str | None], where: str) -> None:
    open_fields: list[_Field] = []
    for element in list(root.iter(_FLDCHAR, _INSTR, _T)):
        if element.tag == _FLDCHAR:
            kind = element.get(_TYPE)
            if kind == "begin":
                open_fields.append(_Field(element, parts=[element]))
            elif kind == "separate" and open_fields:
                open_fields[-1].separated = True
                open_fields[-1].parts.append(element)
            elif kind == "end" and open_fields:
                done = open_fields.pop()
                done.parts.append(element)
                instruction = "".join(done.instruction)
                _record_field(instruction, where)
                if open_fields and not open_fields[-1].separated and parse_instruction(instruction) is not None:
                    raise _nested(where, "".join(open_fields[-1].instruction) or instruction)
                if open_fields:
                    open_fields[-1].shown.extend(done.shown)
                text = tag(instruction)
                if text is not None:
                    _replace_field(done, text)
        elif open_fields:
            current = open_fields[-1]
            if element.tag == _INSTR and not current.separated:
                current.instruction.append(element.text or "")
                current.parts.append(element)
            elif element.tag == _T and current.separated:
                run = element.getparent()
                if run is not None and run.tag == _R and run not in current.shown:
                    current.shown.append(run)


def _replace_field(done: _Field, text: str) -> None:
    """The field's shown text becomes ``text`` in the first shown run's formatting; its codes go."""
    begin_run = done.begin.getparent()
    if done.shown:
        _set_text(done.shown[0], text)
        for run in done.shown[1:]:
            _remove(run)
    elif begin_run is not None and begin_run.getparent() is not None:
        run = etree.Element(_R)
        properties = begin_run.find(_RPR)
        if properties is not None:
            run.append(etree.fromstring(etree.tostring(properties)))
        _set_text(run, text)
        begin_run.addprevious(run)
    for element in done.parts:
        run = element.getparent()
        if run is None:
            continue
        run.remove(element)
        if run.tag == _R and all(child.tag == _RPR for child in run):
            _remove(run)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def _nested(where: str, instruction: str) -> TemplateError:
    outer = " ".join(instruction.split())[:80]
    return TemplateError(
        f"{where}: a Word merge field sits inside another Word field ({outer}); plangen fills merge fields but "
        "not Word's IF and other fields around them. Replace the outer field with a tag, e.g. "
        "{% if field == 'value' %}...{% endif %} (Alt+F9 in Word shows field codes)."
    )

"""Folder and file names for each student's plan.

Names come from the mapping's patterns and student data, so they must be made safe for every
filesystem the plans may be copied to (Windows forbids ``<>:"/\\|?*`` and names like ``CON``; macOS
and Windows ignore case) and must never escape the output folder. Two students whose names would
land on the same path both get their key appended, so the result does not depend on row order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from jinja2 import TemplateError as JinjaTemplateError

from generator.errors import MappingError
from generator.jinja import make_environment
from generator.mapping.load import Mapping
from generator.roster.students import Student

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])(\..*)?$", re.IGNORECASE)
MAX_COMPONENT = 120


def safe_component(text: str, fallback: str = "_") -> str:
    """One path component that every common filesystem accepts."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", " ".join(text.split()))
    text = text.strip(" .")
    if len(text) > MAX_COMPONENT:
        text = text[:MAX_COMPONENT].rstrip(" .")
    if not text or set(text) <= {"_"}:
        text = fallback
    if _RESERVED.match(text):
        text = "_" + text
    return text


@dataclass(frozen=True)
class PlanName:
    folder: str
    filename: str
    collided: bool = False  # another student's name gave the same path; the key was appended

    @property
    def relpath(self) -> PurePosixPath:
        return PurePosixPath(self.folder, self.filename + ".docx")


def plan_names(mapping: Mapping, students: list[Student]) -> dict[str, PlanName]:
    """Student key -> safe, unique folder and file name."""
    env = make_environment(autoescape=False)
    try:
        folder_tpl = env.from_string(mapping.folder_pattern)
        file_tpl = env.from_string(mapping.filename_pattern)
    except JinjaTemplateError as exc:
        raise MappingError(f"{mapping.path}: output pattern is not valid: {exc}.") from None
    names: dict[str, PlanName] = {}
    for student in students:
        try:
            folder = folder_tpl.render(student.values)
            filename = file_tpl.render(student.values)
        except JinjaTemplateError as exc:
            raise MappingError(
                f"{mapping.path}: output folder/filename pattern uses something the mapping does "
                f"not provide: {exc}. Use field names from 'fields:'."
            ) from None
        names[student.key] = PlanName(
            safe_component(folder, safe_component(student.key)),
            safe_component(filename, "Plan"),
        )
    return _disambiguate(names)


def _disambiguate(names: dict[str, PlanName]) -> dict[str, PlanName]:
    by_path: dict[str, list[str]] = {}
    for key, name in names.items():
        by_path.setdefault(str(name.relpath).casefold(), []).append(key)
    result = dict(names)
    for keys in by_path.values():
        if len(keys) < 2:
            continue
        for key in keys:
            name = names[key]
            suffix = f" ({safe_component(key)})"
            result[key] = PlanName(safe_component(name.folder[: MAX_COMPONENT - len(suffix)] + suffix),
                                   name.filename, collided=True)
    return result

"""Folder and file names for each student's plan.

Names come from the mapping's patterns and student data, so they must be made safe for every
filesystem the plans may be copied to (Windows forbids ``<>:"/\\|?*`` and names like ``CON``; macOS
and Windows ignore case) and must never escape the output folder. Two students whose names would
land on the same path both get their key appended, so the result does not depend on row order.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from jinja2 import TemplateError as JinjaTemplateError

from generator.errors import MappingError
from generator.jinja import RENDER_ERRORS, data_free_message, make_environment, render_in
from generator.mapping.load import Mapping
from generator.roster.students import Student

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Windows device names, as CPython 3.13's ntpath.isreserved lists them: a name is reserved when the part
# before its first dot, trailing spaces removed, is one of these ("CON .v2" and "com¹.txt" included).
_RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{p}{c}" for p in ("COM", "LPT") for c in "123456789\u00b9\u00b2\u00b3"}
)
# What plangen itself keeps at the top of the output folder: a student folder never takes these names
# (compared as macOS and Windows do, ignoring case); output/ checks its own names are listed here.
OWN_NAMES = frozenset({"manifest.csv", "caseload.xlsx", "caseload.html", ".plangen"})
MAX_COMPONENT = 120  # characters: long names are hard to read in a folder listing
MAX_COMPONENT_BYTES = 200  # UTF-8 bytes: filesystems allow 255; room is left for " (KEY)", " (edited ...)", ".docx"


def is_reserved(name: str) -> bool:
    """True for names Windows refuses or silently changes (ntpath.isreserved of CPython 3.13)."""
    if name[-1:] in (".", " "):
        return name not in (".", "..")
    if _UNSAFE.search(name):
        return True
    return name.partition(".")[0].rstrip(" ").upper() in _RESERVED_NAMES


def cut_to_bytes(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, cut on a character boundary (never half a letter)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def encodable(text: str) -> str:
    """The name as this system can write it: unchanged where file names are Unicode (every usual setup);
    where they are not (a C/POSIX locale without UTF-8, whose file names are ASCII) accents are dropped
    (Zoë -> Zoe) and any other letter it cannot hold becomes ``_``, rather than failing to write the plan."""
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    try:
        text.encode(encoding, errors)
        return text
    except UnicodeEncodeError:
        pass
    return "".join(char if _can_encode(char, encoding) else _folded(char, encoding) for char in text)


def _folded(char: str, encoding: str) -> str:
    """One letter the encoding lacks, without its accent (ë -> e, Ł -> L, ß -> ss); else ``_``."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", char.translate(_LATIN)) if not unicodedata.combining(c))
    return plain if plain and _can_encode(plain, encoding) else "_"


# Latin letters that have no accent to drop (NFKD leaves them whole): their usual plain spelling.
_LATIN = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE"}
    | {"œ": "oe", "Þ": "Th", "þ": "th", "ı": "i", "Ð": "D", "ð": "d", "Ħ": "H", "ħ": "h", "Ŋ": "N", "ŋ": "n"}
)


def _can_encode(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def safe_component(text: str, fallback: str = "_") -> str:
    """One path component that every common filesystem accepts, and this system can write."""
    text = encodable(unicodedata.normalize("NFC", text))
    text = _UNSAFE.sub("_", " ".join(text.split()))
    text = text.strip(" .")
    if len(text) > MAX_COMPONENT:
        text = text[:MAX_COMPONENT]
    text = cut_to_bytes(text, MAX_COMPONENT_BYTES).rstrip(" .")
    if not text or set(text) <= {"_"}:
        text = fallback
    if is_reserved(text):
        text = "_" + text
    return text


@dataclass(frozen=True)
class PlanName:
    folder: str
    filename: str
    collided: bool = False  # another student's name gave the same path; the key was appended
    key: str = ""  # the student's key: the journal remembers which student a path was written for
    title: str = ""  # the folder name as the pattern gave it, before it was made safe for file systems

    @property
    def relpath(self) -> PurePosixPath:
        return PurePosixPath(self.folder, self.filename + ".docx")


def plan_names(mapping: Mapping, students: list[Student]) -> dict[str, PlanName]:
    """Student key -> safe, unique folder and file name. Pass the whole roster, not a selection: two
    namesakes are told apart (by their keys) whether or not both are in this run, so a student's plan
    keeps one name whoever else is selected."""
    env = make_environment(autoescape=False)
    try:
        folder_tpl = env.from_string(mapping.folder_pattern)
        file_tpl = env.from_string(mapping.filename_pattern)
    except JinjaTemplateError as exc:
        raise MappingError(f"{mapping.path}: output pattern is not valid: {exc}.") from None
    names: dict[str, PlanName] = {}
    for student in students:
        try:
            folder = render_in(folder_tpl, student.values)
            filename = render_in(file_tpl, student.values)
        except RENDER_ERRORS as exc:
            patterns = f"{mapping.folder_pattern}\n{mapping.filename_pattern}"
            raise MappingError(
                f"{mapping.path}: output folder/filename pattern failed for {student.display_name}: "
                f"{data_free_message(exc, patterns)}. Use field names from 'fields:'."
            ) from None
        names[student.key] = PlanName(
            safe_component(folder, safe_component(student.key)),
            safe_component(filename, "Plan"),
            key=student.key,
            title=" ".join(unicodedata.normalize("NFC", folder).split()),
        )
    return _disambiguate(names)


def _disambiguate(names: dict[str, PlanName]) -> dict[str, PlanName]:
    """Two students on one path, or a student folder named like one of plangen's own files: the key is
    appended to the folder."""
    by_path: dict[str, list[str]] = {}
    for key, name in names.items():
        by_path.setdefault(str(name.relpath).casefold(), []).append(key)
    result = dict(names)
    for keys in by_path.values():
        if len(keys) < 2 and names[keys[0]].folder.casefold() not in OWN_NAMES:
            continue
        for key in keys:
            name = names[key]
            suffix = f" ({safe_component(key)})"
            room = cut_to_bytes(
                name.folder[: MAX_COMPONENT - len(suffix)], MAX_COMPONENT_BYTES - len(suffix.encode("utf-8"))
            )
            result[key] = PlanName(safe_component(room.rstrip(" .") + suffix), name.filename, collided=True, key=key)
    return result

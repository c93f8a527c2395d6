"""Autocrat's ``<<Column Header>>`` tags, translated to plangen fields when a template is read.

Therapists moving from Autocrat (the Google Sheets add-on) have templates full of
``<<First Name>>``-style tags that name a column of the sheet. Rather than asking them to retype
every tag, each one becomes the ``{{ field }}`` whose mapping column has that header, just before
docxtpl's own clean-up of the XML (``patch_xml``), so the rest of plangen -- checks, field lists,
the compile-once renderer -- sees an ordinary docxtpl template. Word and Google Docs split typed
text into runs wherever formatting, spell-checking or editing history changes, so a tag may be
spread over several runs; those are joined the way docxtpl joins a split ``{{ }}``.

A tag that no mapped column matches stops the run with the tag and the closest columns: printing
``<<Favorite Color>>`` into forty plans would be worse.
"""

from __future__ import annotations

import difflib
import html
import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docxtpl import DocxTemplate

from generator.errors import TemplateError
from generator.sources.cells import normalize_header
from generator.template.mergefields import default_field_name
from generator.template.tags import PlanDocxTemplate

if TYPE_CHECKING:
    from generator.mapping.load import Mapping

# XML tags that may sit between two characters of one tag: anything but a paragraph or table boundary.
_INLINE_TAGS = r"(?:<(?!/?w:(?:p|tc|tr|tbl)\b)[^>]*>)+"
_SPLIT_OPEN = re.compile(rf"&lt;{_INLINE_TAGS}(?=&lt;)")
_SPLIT_CLOSE = re.compile(rf"&gt;{_INLINE_TAGS}(?=&gt;)")
_TAG = re.compile(r"&lt;&lt;((?:(?!&lt;|&gt;|</w:p>).)*?)&gt;&gt;", re.DOTALL)
# Between two runs of one typed tag: run boundaries, formatting, spelling marks, bookmarks; not a
# hyperlink's or a field's edge, which a tag typed by hand never straddles.
_RUN_BREAK = re.compile(
    r"</w:t>(?:</w:r>|<w:r(?: [^>]*)?>|<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>|<w:proofErr[^>]*/>"
    r"|<w:bookmark(?:Start|End)[^>]*/>|<w:lastRenderedPageBreak/>|\s)*<w:t(?: [^>]*)?>",
    re.DOTALL,
)
_ANY_TAG = re.compile(r"<[^>]*>")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
MAX_HEADER = 200
# A column header has a letter or digit and none of the brackets and angle quotes that make "<<" text
# something else (a shift in a code sample, quoted guillemets, a Jinja tag inside angle brackets).
_HEADER_LIKE = re.compile(r"^(?=.*\w)[^<>‹›«»{}]+$", re.DOTALL)


def header_key(text: str) -> str:
    """Headers compared as the source reader compares them, plus the quotes Google Docs curls."""
    return normalize_header(html.unescape(text).translate(_QUOTES))


@dataclass(frozen=True)
class AutocratTags:
    """Which field each mapped column header becomes; picklable, so worker processes get it too."""

    mapping_name: str
    fields: dict[str, str] = field(default_factory=dict)  # header key -> field name
    headers: dict[str, str] = field(default_factory=dict)  # header key -> header as the mapping writes it
    names: frozenset[str] = frozenset()  # every field of the mapping, which a Word merge field may name too

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> AutocratTags:
        """The first field reading a column wins, as Autocrat has one value per column."""
        fields: dict[str, str] = {}
        headers: dict[str, str] = {}
        for spec in mapping.fields.values():
            if spec.column is None or spec.kind.items:
                continue
            key = header_key(spec.column)
            if key not in fields:
                fields[key] = spec.name
                headers[key] = spec.column
        return cls(mapping.path.name, fields, headers, frozenset(mapping.fields))

    def merge_field(self, name: str) -> str | None:
        """The field a Word merge field names: a column's header as Word writes it in a merge field
        (``First_Name`` for "First Name"), or a field of the mapping by name."""
        for candidate in (name, name.replace("_", " ")):
            found = self.fields.get(header_key(candidate))
            if found is not None:
                return found
        for candidate in (name, default_field_name(name)):
            if candidate in self.names:
                return candidate
        return None

    def translate(self, xml: str, where: str) -> str:
        """``<<Header>>`` -> ``{{ field }}`` in one XML part; unknown headers are a TemplateError."""
        if "&lt;" not in xml:
            return xml
        original = xml
        xml = _SPLIT_CLOSE.sub("&gt;", _SPLIT_OPEN.sub("&lt;", xml))
        unknown: list[str] = []
        found: list[str] = []

        def replace(match: re.Match) -> str:
            header = _tag_text(xml, match)
            if header is None:
                return match.group(0)
            name = self.fields.get(header_key(header))
            if name is None:
                unknown.append(header)
                return match.group(0)
            found.append(name)
            return "{{ " + name + " }}"

        translated = _TAG.sub(replace, xml)
        if unknown:
            raise TemplateError(self._unknown_message(where, unknown))
        return translated if found else original  # no tag: runs joined only to look for one are left as they were

    def _unknown_message(self, where: str, headers: list[str]) -> str:
        lines = [f"{where}: Autocrat tag(s) naming a column that no field of {self.mapping_name} reads:"]
        for header in dict.fromkeys(headers):
            lines.append(f"  <<{header}>>{self._closest(header)}")
        example = headers[0]
        lines.append(
            f"Add a field for the column under 'fields:' in {self.mapping_name} (e.g. "
            f"{_field_name(example)}: {example}), or change the tag to a column the mapping reads."
        )
        return "\n".join(lines)

    def _closest(self, header: str) -> str:
        close = difflib.get_close_matches(header_key(header), list(self.headers), n=3, cutoff=0.6)
        if close:
            return ": closest columns " + ", ".join(self._describe(key) for key in close)
        shown = [self._describe(key) for key in list(self.headers)[:8]]
        more = ", ..." if len(self.headers) > 8 else ""
        return ": no column is close; the mapping reads " + ", ".join(shown) + more if shown else ""

    def _describe(self, key: str) -> str:
        return f"{self.headers[key]!r} ({self.fields[key]})"


def _tag_text(xml: str, match: re.Match) -> str | None:
    """The header typed between ``<<`` and ``>>``, or None when this is not a tag in document text."""
    start = match.start()
    if xml.rfind("<", 0, start) > xml.rfind(">", 0, start):
        return None  # inside an XML attribute (alt text and the like), not typed text
    inner = _RUN_BREAK.sub("", match.group(1))
    if _ANY_TAG.search(inner):
        return None  # spans something other than runs of text: leave it alone
    header = html.unescape(inner).strip()
    if not header or len(header) > MAX_HEADER or not _HEADER_LIKE.match(header):
        return None  # "a << b >> c", "<<‹x›>>", "<<{{ name }}>>": typed text, not a column's name
    return header


def _field_name(header: str) -> str:
    name = re.sub(r"\W+", "_", header.casefold()).strip("_") or "column"
    return name if not name[0].isdigit() else "col_" + name


class AutocratDocxTemplate(PlanDocxTemplate):
    """docxtpl with Autocrat tags translated first, in every part docxtpl patches."""

    def __init__(self, template_file: io.BytesIO, tags: AutocratTags, where: str):
        super().__init__(template_file)
        self.autocrat = tags
        self.where = where
        self.mapping_name = tags.mapping_name

    def merge_field(self, name: str) -> str | None:
        return self.autocrat.merge_field(name)

    def patch_xml(self, src_xml: str) -> str:
        return super().patch_xml(self.autocrat.translate(src_xml, self.where))


def docx_template(data: bytes, tags: AutocratTags | None, where: str) -> DocxTemplate:
    """Without a mapping no Autocrat tags are translated, so a template read on its own is as before."""
    if tags is None:
        template = PlanDocxTemplate(io.BytesIO(data))
        template.where = where
        return template
    return AutocratDocxTemplate(io.BytesIO(data), tags, where)

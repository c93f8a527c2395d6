"""docxtpl with the text typed inside tags read as typed.

Word stores a typed ``&`` as ``&amp;`` in the XML, also inside ``{{ }}`` and ``{% %}``; docxtpl
turns ``&lt;``/``&gt;`` inside tags back into ``<``/``>`` but leaves ``&amp;`` (and quotes) alone.
With autoescaping on, ``{{ 'Fine & gross motor' if both else 'Fine motor' }}`` would then print
``Fine &amp; gross motor``, and ``{% if area == 'Fine & gross' %}`` would never be true. Here the
tag text is unescaped once more, so a literal in a tag is the text the author typed; the output is
escaped exactly once by autoescaping, like any field value.
"""

from __future__ import annotations

import re

from docxtpl import DocxTemplate

from generator.template.mergefields import default_field_name, translate_merge_fields

_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")  # the span docxtpl's own clean-up works on
_ENTITIES = (("&quot;", '"'), ("&apos;", "'"), ("&#39;", "'"), ("&#34;", '"'), ("&amp;", "&"))


def unescape_tags(xml: str) -> str:
    """XML entities inside every ``{{ }}``/``{% %}`` back to the characters typed; ``&amp;`` last, so
    ``&amp;lt;`` (a typed ``&lt;``) stays the four characters typed."""
    if "&" not in xml:
        return xml

    def clean(match: re.Match) -> str:
        text = match.group(0)
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        return text

    return _INSIDE_TAG.sub(clean, xml)


# docxtpl's first clean-up joins ``{`` and ``}`` typed in separate runs by deleting the XML between them.
# Between two braces that are not one tag (a code sample's closing braces, one per line) that deleted
# what lay between them: a line or paragraph break, a tab, a picture, a field.
_JOINED_BRACES = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.DOTALL)
_CONTENT = re.compile(
    r"<w:(?:p|tc|tr|tbl|br|cr|tab|ptab|drawing|pict|object|sym|fldChar|instrText|fldSimple|hyperlink|"
    r"footnoteReference|endnoteReference|noBreakHyphen|softHyphen)[ />]"
)


def keep_braces_apart(xml: str) -> str:
    """A space (ignorable between elements) after the first ``</w:t>`` of each run of XML between two braces
    that holds content (a break, a tab, a picture, a field, another paragraph), so docxtpl does not delete it.
    A tag split by formatting alone has only runs and run properties between its braces, and is joined."""
    if "}" not in xml and "{" not in xml:
        return xml

    def apart(match: re.Match) -> str:
        span = match.group(0)
        if not _CONTENT.search(span):
            return span
        end = span.find(">") + 1  # the span opens with the </w:t> closing the first brace's text
        return span[:end] + " " + span[end:]

    return _JOINED_BRACES.sub(apart, xml)


class PlanDocxTemplate(DocxTemplate):
    """docxtpl whose ``patch_xml`` also fills Word merge fields in as tags (``mergefields``) and unescapes
    the text typed inside tags."""

    where = "template"
    mapping_name = "the mapping"

    def merge_field(self, name: str) -> str | None:
        """The plangen field a Word merge field stands for; without a mapping, the field of its own name."""
        return default_field_name(name)

    def patch_xml(self, src_xml: str) -> str:
        src_xml = translate_merge_fields(src_xml, self.merge_field, self.where, self.mapping_name)
        return unescape_tags(super().patch_xml(keep_braces_apart(src_xml)))

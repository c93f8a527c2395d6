"""Tags in hyperlink addresses, filled per student and escaped for a URL.

A link's address is not in the document's text but in its part's relationships
(``word/_rels/document.xml.rels``), which docxtpl never renders: a link to
``https://portal.example.org/students/{{ sid }}`` reached every plan as typed. Here each external
hyperlink whose address holds a tag is compiled once; per student the value of every ``{{ }}`` is
percent-encoded (``/``, ``?``, ``&``, ``#`` and ``:`` included), so a value can neither leave its place
in the address nor change where the link goes, and the address must start with its scheme
(``https://``, ``mailto:``) before the first tag. Word writes the braces of a typed address as
``%7B%7B``; those are read back as the tag typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import Template, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator.errors import TemplateError
from generator.jinja import make_environment

HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ENCODED_TAG = re.compile(r"(?:\{|%7B)(?:\{|%7B|%25|%)(?:(?!(?:\}|%7D)(?:\}|%7D)).)*?(?:\}|%7D|%25|%)(?:\}|%7D)", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = "plangen-link-{}-a7c3"  # where a filled address goes in the saved part


def decode_tags(target: str) -> str:
    """``%7B%7Bsid%7D%7D`` -> ``{{sid}}``; only inside tags, so the rest of the address stays as written."""
    return _ENCODED_TAG.sub(lambda match: unquote(match.group(0)), target)


def has_tag(target: str) -> bool:
    decoded = decode_tags(target)
    return "{{" in decoded or "{%" in decoded


def _url_value(value: Any) -> str:
    return "" if value is None else quote(str(value), safe="")


def link_environment() -> SandboxedEnvironment:
    """The sandboxed environment, printing each value percent-encoded instead of XML-escaped."""
    env = make_environment(autoescape=False)
    env.finalize = _url_value
    return env


@dataclass
class LinkTargets:
    """The hyperlink addresses of one relationships part that hold tags, compiled; the part itself kept with
    a placeholder where each address goes."""

    rels_name: str  # zip member, e.g. word/_rels/document.xml.rels
    xml: str  # the part as python-docx saves it, with placeholders
    templates: dict[str, Template]  # relationship id -> compiled address

    def addresses(self, context: dict[str, Any]) -> dict[str, str]:
        """Relationship id -> this student's address."""
        return {rid: template.render(context) for rid, template in self.templates.items()}

    def render(self, addresses: dict[str, str]) -> bytes:
        xml = self.xml
        for rid, address in addresses.items():
            xml = xml.replace(_PLACEHOLDER.format(rid), _attribute(address), 1)
        return xml.encode("utf-8")


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace(">", "&gt;")


def check_address(target: str, where: str) -> str:
    """The address as typed (tags decoded); refused when a tag could choose the scheme."""
    decoded = decode_tags(target)
    first = min(i for i in (decoded.find("{{"), decoded.find("{%")) if i >= 0)
    if not _SCHEME.match(decoded[:first]):
        raise TemplateError(
            f"{where}: the hyperlink address {decoded[:120]!r} starts with a tag, so a cell could decide what kind of "
            "link every plan holds. Type the address's beginning in the link (https://...) and the tag after it."
        )
    return decoded


def compile_links(rels_name: str, rels_xml: bytes, where: str) -> LinkTargets | None:
    """The tagged external hyperlinks of one relationships part, compiled; None when it has none."""
    if b"{" not in rels_xml and b"%7" not in rels_xml.lower():
        return None
    root = etree.fromstring(rels_xml)
    env = link_environment()
    templates: dict[str, Template] = {}
    for rel in root.iter(f"{{{_RELS_NS}}}Relationship"):
        target, rid = rel.get("Target", ""), rel.get("Id", "")
        if rel.get("Type") != HYPERLINK or rel.get("TargetMode") != "External" or not has_tag(target):
            continue
        address = check_address(target, where)
        placeholder = _PLACEHOLDER.format(rid)
        try:
            templates[rid] = env.from_string(address)
        except TemplateSyntaxError as exc:
            raise syntax_error(where, address, exc) from None
        rel.set("Target", placeholder)
    if not templates:
        return None
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")
    return LinkTargets(rels_name, xml, templates)


def syntax_error(where: str, address: str, exc: TemplateSyntaxError) -> TemplateError:
    return TemplateError(
        f"{where}: the address {address[:120]!r} is a template syntax error: {(exc.message or '').rstrip('.')}. "
        "Edit the link (right-click > Edit Hyperlink) so each {{ has its }}."
    )


def rels_name(part_name: str) -> str:
    """``word/document.xml`` -> ``word/_rels/document.xml.rels``."""
    folder, _, base = part_name.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"

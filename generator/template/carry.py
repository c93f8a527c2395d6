"""What library code adds to the template's package while plans are made, carried into each plan or refused.

The compiled renderer writes each plan from the template's parts as they were when it was compiled, so
that per student only the rendered XML is new. Through the library API a caller can add to the package
later: a ``RichText`` link (``build_url_id`` adds a relationship), an ``InlineImage`` (an image part and
its relationship, added while the body renders), a ``Subdoc`` (styles, numbering, images). Left out of
the plan, each would leave the rendered XML pointing at a relationship the plan does not have, which Word
reports as unreadable content. Here, after each render, a plan whose XML refers to relationships the
template did not have gets them, with the parts they point to, and the XML parts the caller changed; only
what this plan refers to is carried, so one student's image never travels in another's plan. A
reference to a relationship the package does not have at all (an object built for another template) is
refused with what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from generator.errors import RenderError

_REFERENCE = re.compile(rb'\br:(?:id|embed|link|pict|dm|lo|qs|cs|href)="([^"]+)"')
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def referenced_ids(xml: bytes) -> set[str]:
    return {match.decode("utf-8") for match in _REFERENCE.findall(xml)}


def package_signature(package: Any) -> tuple:
    """Cheap to compute per plan, and different once a part or a relationship was added, or a caller grew an XML
    part (a Subdoc adds styles and numbering definitions)."""
    return tuple(
        (str(part.partname), len(part.rels), len(getattr(part, "_element", ()))) for part in package.iter_parts()
    )


def rels_name(part_name: str) -> str:
    folder, _, base = part_name.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


class Carrier:
    """The template package's state when compiled, and the additions a plan needs since then."""

    def __init__(self, package: Any, rendered_parts: dict[str, Any], sources: dict[str, bytes]):
        self.package = package
        self.parts = rendered_parts  # zip name -> python-docx part, of the parts rendered per student
        self.signature = package_signature(package)
        # Relationship ids each rendered part's own XML already refers to, or its package already has: a
        # template's own dangling reference is the template's business, not a caller's addition.
        self.known = {
            name: set(part.rels) | referenced_ids(sources.get(name, b"")) for name, part in rendered_parts.items()
        }
        self.blobs = {  # the parts not rendered per student, to tell which a caller changed
            str(part.partname).lstrip("/"): _blob(part)
            for part in package.iter_parts()
            if str(part.partname).lstrip("/") not in rendered_parts
        }
        self.content_types = b""  # the compiled template's [Content_Types].xml, set once it is saved

    def extra_parts(
        self, rendered: dict[str, bytes], where: str, addresses: dict[str, dict[str, str]]
    ) -> dict[str, bytes]:
        """Zip name -> bytes of what this plan needs beyond the compiled template; empty in the usual case.
        ``addresses``: per relationships part, this student's filled link addresses (``links``)."""
        wanted: dict[str, set[str]] = {}
        for name, part in self.parts.items():
            if name not in rendered:
                continue
            new = referenced_ids(rendered[name]) - self.known[name]
            if new:
                missing = sorted(new - set(part.rels))
                if missing:
                    raise RenderError(
                        f"template {where}: the plan refers to relationship {missing[0]} in {name}, which the "
                        "template does not have: a RichText link, InlineImage or Subdoc was made with another "
                        "template. Make it with this template's PlanTemplate.docx_template."
                    )
                wanted[name] = new
        if not wanted and package_signature(self.package) == self.signature:
            return {}
        for name, part in self.parts.items():  # parts found by type, not by reference (a Subdoc's numbering)
            implicit = {rid for rid, rel in part.rels.items() if rid not in self.known[name] and _implicit(rel)}
            if implicit:
                wanted[name] = wanted.get(name, set()) | implicit
        return self._carry(wanted, addresses)

    def _carry(self, wanted: dict[str, set[str]], addresses: dict[str, dict[str, str]]) -> dict[str, bytes]:
        extra: dict[str, bytes] = {}
        new_parts: list = []
        for name, ids in wanted.items():
            part = self.parts[name]
            keep = self.known[name] | ids
            filled = addresses.get(rels_name(name), {})
            extra[rels_name(name)] = _rels_xml((rel for rid, rel in part.rels.items() if rid in keep), filled)
            for rid in ids:
                rel = part.rels[rid]
                if not rel.is_external:
                    new_parts += _with_related(rel.target_part, self.blobs)
        for part in new_parts:
            name = str(part.partname).lstrip("/")
            extra[name] = _blob(part)
            if len(part.rels):
                extra[rels_name(name)] = _rels_xml(part.rels.values())
        for part in self.package.iter_parts():  # XML parts a caller changed (a Subdoc's styles)
            name = str(part.partname).lstrip("/")
            if name in self.blobs and _blob(part) != self.blobs[name]:
                extra[name] = _blob(part)
        if new_parts:
            extra["[Content_Types].xml"] = self._content_types(new_parts)
        return extra

    def _content_types(self, new_parts: list) -> bytes:
        """The template's content types, with an entry for each part carried in."""
        root = etree.fromstring(self.content_types)
        listed = {element.get("PartName") for element in root}
        for part in new_parts:
            if str(part.partname) not in listed:
                etree.SubElement(
                    root, f"{{{_CT_NS}}}Override", PartName=str(part.partname), ContentType=part.content_type
                )
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_related(part: Any, known: dict[str, bytes], seen: set[str] | None = None) -> list:
    """A part new since compiling and the new parts it relates to (an image has none)."""
    seen = seen if seen is not None else set()
    name = str(part.partname).lstrip("/")
    if name in known or name in seen:
        return []
    seen.add(name)
    found = [part]
    for rel in part.rels.values():
        if not rel.is_external:
            found += _with_related(rel.target_part, known, seen)
    return found


def _blob(part: Any) -> bytes:
    blob = part.blob
    return blob if isinstance(blob, bytes) else str(blob).encode("utf-8")


_IMPLICIT = ("/styles", "/numbering", "/footnotes", "/endnotes", "/fontTable", "/settings", "/theme", "/webSettings")


def _implicit(rel: Any) -> bool:
    return not rel.is_external and rel.reltype.endswith(_IMPLICIT)


def _rels_xml(rels: Iterable, filled: dict[str, str] | None = None) -> bytes:
    """A relationships part as python-docx writes one; ``filled``: addresses to write instead of the typed ones."""
    filled = filled or {}
    root = etree.Element(f"{{{_RELS_NS}}}Relationships", nsmap={None: _RELS_NS})
    for rel in sorted(rels, key=lambda r: (len(r.rId), r.rId)):
        element = etree.SubElement(root, f"{{{_RELS_NS}}}Relationship", Id=rel.rId, Type=rel.reltype)
        element.set("Target", filled.get(rel.rId, rel.target_ref))
        if rel.is_external:
            element.set("TargetMode", "External")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

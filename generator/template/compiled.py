"""A docxtpl template prepared once and rendered many times.

The obvious loop (load the .docx, patch its XML, compile Jinja, render, save) redoes for every
student the work that depends only on the template. Here the XML parts are patched the way
docxtpl patches them and compiled once; per student only the compiled templates run, and the
untouched parts' compressed bytes are reused. Each step mirrors ``DocxTemplate.render`` and
``save`` so the rendered XML is what plain docxtpl produces (tests compare them), with two
deliberate differences: text typed inside tags is read as typed (``tags.PlanDocxTemplate``), and
document properties, which python-docx stores as plain text, are rendered without XML escaping
(docxtpl escapes them, so a title read ``O&#39;Brien &amp; Sons``) and dated on the run date.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml import parse_xml
from jinja2 import Environment, Template
from lxml import etree

from generator.jinja import make_environment
from generator.template.autocrat import AutocratTags, docx_template
from generator.template.carry import Carrier
from generator.template.grids import mark_tables, refit_grids
from generator.template.links import HYPERLINK, LinkTargets, check_address, compile_links, has_tag, rels_name
from generator.template.package import CORE_TYPE, normalize_package
from generator.template.placement import paragraph_number, paragraph_text
from generator.template.zipwriter import ZipEntry, deflate, write_zip

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # the pattern resolve_listing uses
_TBL = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl"
_TR = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr"
_LISTING_CHARS = re.compile("[\t\a\n\f]")
# Parts rendered per student are compressed at zlib's fastest level (a third of the time of level 6,
# the plan a few percent larger: benchmarks/README.md); parts compressed once per template keep level 6.
RENDERED_LEVEL = 1
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl renders


@dataclass
class CompiledPart:
    """One XML part: its zip name and its compiled Jinja template."""

    name: str
    template: Template
    kind: str  # "header/footer" (re-serialized like python-docx) or "footnotes" (written as rendered)
    encoding: str = "utf-8"


@dataclass(frozen=True)
class SourcePart:
    """One part Jinja renders, as docxtpl's clean-up left it: what the loader checks and this compiles."""

    where: str  # "document body", "header (word/header1.xml)", ...
    name: str  # the zip member
    xml: str
    kind: str  # "body", "header/footer" or "footnotes"
    encoding: str = "utf-8"


def _compile_xml(env: Environment, xml: str, label: str) -> Template:
    """One paragraph a line, so an error's template line is its paragraph; the source and ``label``
    (where in the document) stay with the template for error messages (``RenderPlace``)."""
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
    template = env.from_string(source)
    template.plangen_place = RenderPlace(label, source)  # type: ignore[attr-defined]
    return template


@dataclass(frozen=True)
class RenderPlace:
    """Where a rendering error happened: the part of the document and its template source."""

    label: str
    source: str

    def paragraph(self, line: int | None) -> tuple[int, str] | None:
        """(paragraph number, the template's text there) of a template line."""
        if line is None:
            return None
        lines = self.source.split("\n")
        if not 1 <= line <= len(lines):
            return None
        offset = sum(len(text) + 1 for text in lines[: line - 1]) + 1  # inside the line's paragraph
        return paragraph_number(self.source, offset), paragraph_text(self.source, offset)


class CompiledTemplate:
    """Everything about a template that does not depend on the student, computed once.

    ``compile=False`` stops after reading the package and patching its parts (``sources``), so the
    loader can check them and name a syntax error's paragraph before Jinja compiles them (``compile()``).
    """

    def __init__(
        self, data: bytes, autocrat: AutocratTags | None = None, where: str = "template", compile: bool = True
    ):
        self.env = make_environment(autoescape=True)
        self.text_env = make_environment(autoescape=False)  # document properties are plain text, not XML
        self.data = normalize_package(data, where)
        self.where = where
        self.tpl = docx_template(self.data, autocrat, where)
        self.tpl.init_docx()
        document = self.tpl.docx
        root = document.element
        self.tables_need_fixing = mark_tables(root.body) > 0
        self.document_name = document.part.partname.lstrip("/")
        self.sources = [SourcePart("document body", self.document_name, self.tpl.patch_xml(self.tpl.get_xml()), "body")]
        self.sources += self._patched_parts()
        self.link_addresses = self._link_addresses()  # (where, address) of links whose address holds a tag
        self.core_name = _core_part_name(document)
        self.core = _core_values(document) if self.core_name else {}
        self.core_has_tags = any("{{" in v or "{%" in v for v in self.core.values())
        self.core_element = document.core_properties._element if self.core_name else None
        self._core_by_day: dict[tuple[int, int, int] | None, bytes] = {}  # without tags: one per run date
        self.body_index = list(root).index(root.body)
        self.shell = _shell(root)
        if compile:
            self.compile()

    def compile(self) -> None:
        """The Jinja templates of every rendered part, and the unrendered parts compressed once."""
        self.body = _compile_xml(self.env, self.sources[0].xml, self.sources[0].where)
        self.parts = [
            CompiledPart(source.name, _compile_xml(self.env, source.xml, source.where), source.kind, source.encoding)
            for source in self.sources[1:]
        ]
        self.core_templates = (
            {name: self.text_env.from_string(value) for name, value in self.core.items()} if self.core_has_tags else {}
        )
        self.entries = self._canonical_entries()
        names = {source.name for source in self.sources}
        package = self.tpl.docx.part.package
        self.docx_parts = {p.partname.lstrip("/"): p for p in package.iter_parts() if p.partname.lstrip("/") in names}
        self.carrier = Carrier(
            package, self.docx_parts, {source.name: source.xml.encode("utf-8") for source in self.sources}
        )
        self.carrier.content_types = self._content_types

    def _patched_parts(self) -> list[SourcePart]:
        parts = []
        for uri, kind in ((self.tpl.HEADER_URI, "header"), (self.tpl.FOOTER_URI, "footer")):
            for _rel, part in self.tpl.get_headers_footers(uri):
                xml = self.tpl.get_part_xml(part)
                name = part.partname.lstrip("/")
                encoding = self.tpl.get_headers_footers_encoding(xml)
                parts.append(SourcePart(f"{kind} ({name})", name, self.tpl.patch_xml(xml), "header/footer", encoding))
        for part in self.tpl.docx.part.package.iter_parts():
            if part.content_type == FOOTNOTES_TYPE:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                name = part.partname.lstrip("/")
                parts.append(SourcePart(f"footnotes ({name})", name, self.tpl.patch_xml(blob), "footnotes"))
        return parts

    def _link_addresses(self) -> list[tuple[str, str]]:
        found = []
        package = self.tpl.docx.part.package
        names = {source.name for source in self.sources}
        for part in package.iter_parts():
            name = part.partname.lstrip("/")
            if name not in names:
                continue
            for rel in part.rels.values():
                if rel.reltype == HYPERLINK and rel.is_external and has_tag(rel.target_ref):
                    where = f"{self.where}: hyperlink in {name}"
                    found.append((where, check_address(rel.target_ref, where)))
        return found

    def _canonical_entries(self) -> list[ZipEntry | str]:
        """The template as python-docx saves it, compressed once; rendered parts are placeholders."""
        if self.core_name:
            for name, value in self.core.items():  # docxtpl sets every property, which normalizes the XML
                set_property(self.tpl.docx.core_properties, name, value)
        buffer = io.BytesIO()
        self.tpl.docx.save(buffer)
        rendered = {self.document_name, *(p.name for p in self.parts)} | ({self.core_name} if self.core_name else set())
        self.links: list[LinkTargets] = []
        entries: list[ZipEntry | str] = []
        with zipfile.ZipFile(buffer) as archive:
            if self.link_addresses:
                for source in self.sources:
                    name = rels_name(source.name)
                    links = compile_links(name, archive.read(name), f"{self.where}: hyperlink in {source.name}")
                    if links is not None:
                        self.links.append(links)
                        rendered.add(name)
            self._content_types = archive.read("[Content_Types].xml")
            for info in archive.infolist():
                if info.filename in rendered:
                    entries.append(info.filename)
                else:
                    entries.append(deflate(info.filename, archive.read(info.filename)))
        return entries

    def render_xml(self, template: Template, context: dict[str, Any]) -> str:
        """docxtpl's render_xml_part, minus the per-call compile."""
        try:
            xml = template.render(context)
        except Exception as exc:  # said where by the loader, without the student's values
            exc.plangen_place = getattr(template, "plangen_place", None)  # type: ignore[attr-defined]
            raise
        xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # re.sub(r"\n<w:p([ >])", ...)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        declaration_end = xml.find("?>") + 1 if xml.startswith("<?xml") else 0
        if not _LISTING_CHARS.search(xml, declaration_end):  # nothing for resolve_listing to change
            return xml
        return _PARAGRAPH.sub(self._resolve_paragraph, xml)

    def _resolve_paragraph(self, match: re.Match) -> str:
        """docxtpl's resolve_listing, run only on paragraphs that hold a line break, tab or page break."""
        paragraph = match.group(0)
        if not _LISTING_CHARS.search(paragraph):
            return paragraph
        return self.tpl.resolve_listing(paragraph)

    def render_parts(self, context: dict[str, Any]) -> dict[str, bytes]:
        """Zip member name -> bytes of every part that depends on the student."""
        self.tpl.current_rendering_part = self.tpl.docx.part  # where an InlineImage adds its picture
        body_xml = self.render_xml(self.body, context)
        tree = etree.fromstring(body_xml, parser=etree.XMLParser(recover=True))  # as fix_tables parses it
        if self.tables_need_fixing or any(t.find(_TR) is None for t in tree.iter(_TBL)):
            refit_grids(tree)  # tables whose cells a tag changed; a table left with no rows loses its grid
        self.tpl.docx_ids_index = 1000
        self.tpl.fix_docpr_ids(tree)
        document = copy.deepcopy(self.shell)
        document.insert(self.body_index, tree)
        rendered = {self.document_name: serialize_part_xml(document)}
        for part in self.parts:
            self.tpl.current_rendering_part = self.docx_parts[part.name]
            xml = self.render_xml(part.template, context)
            if part.kind == "footnotes":
                rendered[part.name] = xml.encode("utf-8")
            else:
                rendered[part.name] = serialize_part_xml(parse_xml(xml.encode(part.encoding)))
        if self.core_name:
            rendered[self.core_name] = self.render_properties(context)
        addresses = {links.rels_name: links.addresses(context) for links in self.links}
        for links in self.links:
            rendered[links.rels_name] = links.render(addresses[links.rels_name])
        rendered.update(self.carrier.extra_parts(rendered, self.where, addresses))
        return rendered

    def render_properties(self, context: dict[str, Any]) -> bytes:
        """File > Properties of the plan: tags filled in, and created/modified on the run date (``today``),
        not the day the template was first made. Without tags they are the same for every student of a
        run, so made once."""
        if self.core_has_tags:
            return self._properties(context)
        today = context.get("today")
        day = (today.year, today.month, today.day) if isinstance(today, dt.date) else None
        if day not in self._core_by_day:
            self._core_by_day[day] = self._properties(context)
        return self._core_by_day[day]

    def _properties(self, context: dict[str, Any]) -> bytes:
        assert self.core_element is not None
        properties = CoreProperties(copy.deepcopy(self.core_element))
        for name, value in self.core.items():  # every one set, as docxtpl does, which normalizes the XML
            set_property(properties, name, self.core_templates[name].render(context) if self.core_has_tags else value)
        today = context.get("today")
        if isinstance(today, dt.date):
            stamp = dt.datetime(today.year, today.month, today.day)
            properties.created = properties.modified = stamp
        return serialize_part_xml(properties._element)

    def render(self, context: dict[str, Any]) -> bytes:
        rendered = self.render_parts(context)
        entries = [
            e
            if isinstance(e, ZipEntry) and e.name not in rendered
            else deflate(_name(e), rendered.pop(_name(e)), RENDERED_LEVEL)
            for e in self.entries
        ]
        entries += [deflate(name, blob, RENDERED_LEVEL) for name, blob in rendered.items()]  # parts carried in
        return write_zip(entries)


def _name(entry: ZipEntry | str) -> str:
    return entry if isinstance(entry, str) else entry.name


_CORE_ELEMENTS = {"author": "creator", "comments": "description"}  # python-docx's name -> the XML element's


def set_property(properties: CoreProperties, name: str, value: str) -> None:
    """Set a document property as docxtpl does; python-docx refuses text over 255 characters, which Word
    writes (a long Comments property), so such a value is written to its element directly."""
    if len(value) <= 255:
        setattr(properties, name, value)
        return
    element = properties._element._get_or_add(_CORE_ELEMENTS.get(name, name))
    element.text = value


def _shell(root: etree._Element) -> etree._Element:
    """The document element without its body, which each student's rendered body goes into. Built child
    by child: copying the whole element, or detaching the body to copy the rest, took seconds on a long
    template (linear only in the parts that are not the body)."""
    shell = root.makeelement(root.tag, dict(root.attrib), nsmap=root.nsmap)
    shell.text, shell.tail = root.text, root.tail
    for child in root:
        if child is not root.body:
            shell.append(copy.deepcopy(child))
    return shell


def _core_part_name(document: DocxDocument) -> str | None:
    """The template's core-properties part; None when it has none (python-docx would invent one, authored
    'python-docx', in every plan)."""
    package = document.part.package
    if not any(rel.reltype == CORE_TYPE for rel in package.rels.values()):
        return None
    part = package.part_related_by(CORE_TYPE)
    if not isinstance(part, CorePropertiesPart):  # listed, but not a properties part: left as it is
        return None
    return part.partname.lstrip("/")


def _core_values(document: DocxDocument) -> dict[str, str]:
    properties = document.core_properties
    return {name: getattr(properties, name) or "" for name in CORE_PROPERTIES}

"""A Word package put in the shape the rest of the template stage expects, before anything parses it.

Real templates come from many tools, and each writes the same document a little differently:
Word's own template (.dotx) declares its main part as a template, some producers spell the
core-properties relationship ``.../officedocument/...`` or list it twice, some (Python's
ElementTree among them) name the WordprocessingML namespace ``ns0:`` instead of ``w:``, and a
mail-merge main document points Word at a data source it would ask about on every plan.
python-docx and docxtpl assume Word's usual spelling (docxtpl's clean-up works on the literal
``<w:p``), so these differences would end as "not a Word file", two ``docProps/core.xml``, tags
left unfilled or an internal error. Here the package is rewritten once into that usual spelling,
changing nothing a reader of the document would see; what cannot be read is refused in one line
that says what to do. A package that needs none of this comes back as the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from generator.errors import TemplateError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
CORE_TYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MACRO_MAIN = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
SETTINGS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"
_STRICT = b"http://purl.oclc.org/ooxml/"
_STRICT_W = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_W_PREFIXES = re.compile(rb'xmlns(?::([\w.-]+))?\s*=\s*["\']' + re.escape(W.encode()) + rb'["\']')
_MAIL_MERGE_SOURCE = re.compile(r"/mailMerge(Header)?Source$|/recipientData$", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, remove_blank_text=False, huge_tree=True)


def normalize_package(data: bytes, where: str) -> bytes:
    """The package in Word's usual spelling (see the module docstring), or ``data`` itself if it already is."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TemplateError(f"{where}: is not a .docx file (it is not a Word zip package). {_SAVE_AS}") from None
    with archive:
        names = {info.filename: info for info in archive.infolist()}
        if CONTENT_TYPES not in names or PACKAGE_RELS not in names:
            raise TemplateError(f"{where}: is not a Word document (the zip holds no Word package). {_SAVE_AS}")
        parts = {name: archive.read(name) for name in names if not name.endswith("/")}
    changed = _main_content_type(parts, where)
    changed |= _core_relationship(parts)
    changed |= _missing_targets(parts, where)
    changed |= _mail_merge_source(parts)
    for name, blob in list(parts.items()):
        if name.endswith((".xml", ".rels")) and _needs_w_prefix(blob):
            parts[name] = _with_w_prefix(blob, where, name)
            changed = True
    if not changed:
        return data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, blob in parts.items():
            out.writestr(names[name].filename, blob)
    return buffer.getvalue()


_SAVE_AS = "Open it in Word (or LibreOffice) and save it as Word Document (.docx)."


def _parse(blob: bytes, where: str, name: str) -> etree._Element:
    try:
        return etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError:
        raise TemplateError(
            f"{where}: its part {name} is not valid XML, so Word cannot open it either. {_SAVE_AS}"
        ) from None


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _main_content_type(parts: dict[str, bytes], where: str) -> bool:
    """A .dotx's main part becomes a document's (plans are documents); Strict and macro files are refused."""
    main = [n for n in parts if n.endswith("document.xml") and not n.startswith("docProps/")]
    if (
        _STRICT in parts[PACKAGE_RELS]
        or _STRICT in parts[CONTENT_TYPES]
        or any(_STRICT_W in parts[n][:8192] for n in main)
    ):
        raise TemplateError(
            f"{where}: is saved as Strict Open XML, which plangen cannot read. Open it in Word and use File > "
            "Save As > Word Document (.docx), not 'Strict Open XML Document'."
        )
    types = _parse(parts[CONTENT_TYPES], where, CONTENT_TYPES)
    changed = False
    for override in types.iter(f"{{{_CT_NS}}}Override"):
        kind = override.get("ContentType", "")
        if kind in MACRO_MAIN:
            raise TemplateError(
                f"{where}: is a macro-enabled Word file (.docm/.dotm); plans are not given macros. Open it in "
                "Word and use File > Save As > Word Document (.docx)."
            )
        if kind == TEMPLATE_MAIN:
            override.set("ContentType", DOCUMENT_MAIN)
            changed = True
    if changed:
        parts[CONTENT_TYPES] = _serialize(types)
    return changed


def _core_relationship(parts: dict[str, bytes]) -> bool:
    """One core-properties relationship, of the type python-docx looks for, pointing at a part that exists."""
    rels = _parse(parts[PACKAGE_RELS], "template", PACKAGE_RELS)
    changed = False
    seen = False
    for rel in list(rels.iter(f"{{{_PKG_RELS_NS}}}Relationship")):
        kind = rel.get("Type", "")
        if not kind.lower().endswith("/metadata/core-properties"):
            continue
        target = rel.get("Target", "").lstrip("/")
        if seen or target not in parts:
            rels.remove(rel)  # a second (or dangling) one: python-docx would refuse or add a blank part
            changed = True
            continue
        seen = True
        if kind != CORE_TYPE:
            rel.set("Type", CORE_TYPE)
            changed = True
    if changed:
        parts[PACKAGE_RELS] = _serialize(rels)
    return changed


def _missing_targets(parts: dict[str, bytes], where: str) -> bool:
    """Relationships to parts the zip does not hold (a thumbnail or docProps/app.xml a tool listed but did
    not write; a link to ``#bookmark`` written as an internal part), which python-docx cannot open. Word
    opens such files; here a package-level one is dropped and a part's link is made the external address
    it was meant to be, so the XML that refers to it still finds it."""
    changed = False
    by_lower = {name.lower(): name for name in parts}
    for name in [n for n in parts if n.endswith(".rels") and (n == PACKAGE_RELS or "/_rels/" in n)]:
        source_folder = "" if name == PACKAGE_RELS else name.split("/_rels/")[0]
        rels = _parse(parts[name], where, name)
        edited = False
        for rel in list(rels.iter(f"{{{_PKG_RELS_NS}}}Relationship")):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(source_folder, rel.get("Target", ""))
            if target in parts:
                continue
            if target.lower() in by_lower:  # part names are case-insensitive; python-docx's lookups are not
                rel.set("Target", "/" + by_lower[target.lower()])
            elif name != PACKAGE_RELS and rel.get("Type", "").endswith("/hyperlink"):
                rel.set("TargetMode", "External")
            else:
                rels.remove(rel)
            edited = True
        if edited:
            parts[name] = _serialize(rels)
            changed = True
    return changed


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a zip member name (targets are relative to the source part's folder)."""
    target = target.split("#", 1)[0]
    path = (
        target.lstrip("/").split("/")
        if target.startswith("/")
        else [*filter(None, folder.split("/")), *target.split("/")]
    )
    resolved: list[str] = []
    for step in path:
        if step == "..":
            if resolved:
                resolved.pop()
        elif step not in ("", "."):
            resolved.append(step)
    return "/".join(resolved)


def _mail_merge_source(parts: dict[str, bytes]) -> bool:
    """A plan is a finished document, not a mail-merge main document: without this, Word asks on opening every
    plan to run a query against the template's data source (a file on the author's computer)."""
    settings = next((name for name in parts if name.endswith("settings.xml") and b"mailMerge" in parts[name]), None)
    if settings is None:
        return False
    root = _parse(parts[settings], "template", settings)
    merge = root.find(f"{{{W}}}mailMerge")
    if merge is None:
        return False
    root.remove(merge)
    parts[settings] = _serialize(root)
    folder, _, base = settings.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name in parts:
        rels = _parse(parts[rels_name], "template", rels_name)
        for rel in list(rels):
            if _MAIL_MERGE_SOURCE.search(rel.get("Type", "")):
                rels.remove(rel)
        parts[rels_name] = _serialize(rels)
    return True


def _needs_w_prefix(blob: bytes) -> bool:
    return any(prefix != b"w" for prefix in _W_PREFIXES.findall(blob))


def _with_w_prefix(blob: bytes, where: str, name: str) -> bytes:
    """The part with the WordprocessingML namespace written ``w:`` everywhere (moving the children under a root
    that declares ``w`` makes lxml re-point each of them at that declaration)."""
    root = _parse(blob, where, name)
    nsmap = {prefix: uri for prefix, uri in root.nsmap.items() if uri != W and prefix != "w"}
    nsmap["w"] = W
    renamed = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    renamed.text = root.text
    for child in list(root):
        renamed.append(child)
    return _serialize(renamed)

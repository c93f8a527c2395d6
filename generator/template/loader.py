"""A Word template loaded and checked once per run, then rendered for each student.

The template is read and checked once per run: a Jinja syntax error or a field the mapping does
not provide stops the run before anything is written, with the paragraph it is in. Rendering uses
the compile-once ``CompiledTemplate``; its zips have fixed timestamps, so the same data always
gives the same bytes, which is what lets a re-run say "unchanged" instead of rewriting every plan.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateSyntaxError, meta, nodes
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from generator.errors import RenderError, TemplateError
from generator.jinja import (
    RENDER_ERRORS,
    RenderTimeout,
    data_free_message,
    make_environment,
    template_line,
    time_limit,
    unsafe_constructs,
)
from generator.sources.zipparts import PartTooLarge, check_sizes
from generator.template.autocrat import AutocratTags
from generator.template.compiled import CompiledTemplate
from generator.template.links import syntax_error
from generator.template.locate import locate_paragraph
from generator.template.placement import check_tag_placement

_TAG = re.compile(r"<[^>]+>")
_OBJECT_REPR = re.compile(r"'?<[\w.]+ object at 0x[0-9a-fA-F]+>'?")


def describe_error(exc: Exception) -> str:
    """A library's message about the package without the internal names it may hold
    (``file '<_io.BytesIO object at 0x7f...>' is not a Word file``)."""
    text = _OBJECT_REPR.sub("the file", str(exc)).strip() or type(exc).__name__
    return text[:300]


@dataclass(frozen=True)
class TemplatePart:
    """One XML part of the template after docxtpl's tag clean-up, ready for Jinja."""

    name: str
    xml: str


_BLOCK_TAG = re.compile(r"\{%-?\s*(end)?(if|for|with|filter|macro|call|block)\b")


def _unclosed_block_line(lines: list[str]) -> int | None:
    """The line (1-based) of the innermost block tag that is never closed."""
    opened: list[int] = []
    for number, line in enumerate(lines, start=1):
        for match in _BLOCK_TAG.finditer(line):
            if match.group(1):
                if opened:
                    opened.pop()
            else:
                opened.append(number)
    return opened[-1] if opened else None


_UNRENDERED_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": "endnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml": "comments",
}


def _syntax_advice(message: str, env: Environment) -> str:
    if message.startswith("No filter named"):
        return "Filters you can use: " + ", ".join(sorted(env.filters)) + "."
    if message.startswith("No test named"):
        return "Tests you can use: " + ", ".join(sorted(env.tests)) + "."
    return "Check that every {{ has a matching }}, every {% if %} an {% endif %} and every {% for %} an {% endfor %}."


def paragraph_text(xml_line: str) -> str:
    return " ".join(_TAG.sub("", xml_line).split())


def check_template_sizes(path: Path, data: bytes) -> None:
    """A template whose parts would inflate past the limit is refused before any part is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_sizes(archive)
    except PartTooLarge as exc:
        raise TemplateError(f"{path}: cannot be used as a template: {exc}. Save it again from Word as .docx.") from None
    except zipfile.BadZipFile:
        return  # said by the loader when it opens the package


class PlanTemplate:
    """A .docx template, validated once, rendered once per student.

    ``autocrat`` (from the mapping) lets Autocrat-style ``<<Column Header>>`` tags stand for fields.
    """

    def __init__(self, path: Path, data: bytes | None = None, autocrat: AutocratTags | None = None):
        self.path = Path(path)
        self.autocrat = autocrat
        self.data = data if data is not None else self._read_bytes()
        check_template_sizes(self.path, self.data)
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        # Compiled here, once, not on the first student's render: a long template's compile then neither
        # counts against that student's time limit nor happens again in each worker forked from this process.
        self.compiled = self._open()
        self.parts = self._load_parts()
        self._asts = [self._parse(part) for part in self.parts] + self._parse_properties() + self._parse_links()
        for part in self.parts:
            check_tag_placement(self.path, part.name, part.xml)
        self._compile()

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def docx_template(self) -> DocxTemplate:
        """The docxtpl template the plans are made from, for library code that builds docxtpl objects for the
        context: ``RichText().add(..., url_id=t.docx_template.build_url_id(url))``,
        ``InlineImage(t.docx_template, path)``, ``t.docx_template.new_subdoc(path)``. What they add to the
        package is carried into the plans that refer to it (``carry``)."""
        return self.compiled.tpl

    def _read_bytes(self) -> bytes:
        suffix = self.path.suffix.lower()
        if suffix in (".doc", ".dot", ".odt", ".ott", ".rtf"):
            raise TemplateError(
                f"{self.path}: {suffix} templates are not supported. Open it in Word or LibreOffice "
                "and save it as Word Document (.docx)."
            )
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise TemplateError(
                f"{self.path}: template not found. Check --template or the mapping's 'template:' path."
            ) from None
        except IsADirectoryError:
            raise TemplateError(f"{self.path}: is a folder; --template needs a .docx file.") from None
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TemplateError(
                f"{self.path}: is not a .docx file (it is not a Word zip package). "
                "Save the template from Word or Google Docs as .docx."
            )
        return data

    def _open(self) -> CompiledTemplate:
        try:
            return CompiledTemplate(self.data, self.autocrat, str(self.path), compile=False)
        except TemplateError:
            raise
        except Exception as exc:  # python-docx raises many types for a broken package
            raise self._cannot_open(exc) from exc

    def _compile(self) -> None:
        try:
            self.compiled.compile()
        except (TemplateError, JinjaTemplateError):
            raise
        except Exception as exc:  # saving the package once, as every plan will be saved
            raise self._cannot_open(exc) from exc

    def _cannot_open(self, exc: Exception) -> TemplateError:
        return TemplateError(
            f"{self.path}: the Word document cannot be opened ({describe_error(exc)}). "
            "Open it in Word, repair it if asked, and save it again as Word Document (.docx)."
        )

    def _load_parts(self) -> list[TemplatePart]:
        parts = [TemplatePart(source.where, source.xml) for source in self.compiled.sources]
        for package_part in self.compiled.tpl.docx.part.package.iter_parts():
            if package_part.content_type not in _UNRENDERED_PARTS:
                continue
            blob = package_part.blob
            text = blob.decode("utf-8", "replace") if isinstance(blob, bytes) else str(blob)
            if "{{" in text or "{%" in text:
                raise TemplateError(
                    f"{self.path}: the {_UNRENDERED_PARTS[package_part.content_type]} hold a {{{{ }}}} or {{% %}} "
                    "tag, which plangen does not fill in there (it would print as typed in every plan). Move "
                    "the tag into the body, a header, a footer or a footnote."
                )
        return parts

    def _parse(self, part: TemplatePart) -> nodes.Template:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", part.xml)
        env = make_environment(autoescape=True)
        try:
            ast = env.parse(source)
            env.compile(ast)  # unknown filters and tests are only found when compiling
        except TemplateSyntaxError as exc:
            lines = source.splitlines()
            lineno = exc.lineno
            if (exc.message or "").startswith("Unexpected end of template"):
                lineno = _unclosed_block_line(lines) or lineno  # point at the opening tag, not the end
            line = paragraph_text(lines[lineno - 1]) if lineno and lineno <= len(lines) else ""
            place = locate_paragraph(self.compiled.data, line) if part.name == "document body" else None
            place = place or f"paragraph {max((lineno or 1) - 1, 1)}"
            raise TemplateError(
                f"{self.path}: {part.name}, {place} "
                f'("{line[:120]}"): template syntax error: {(exc.message or "").rstrip(".")}. '
                + _syntax_advice(exc.message or "", env)
            ) from None
        problems = unsafe_constructs(ast)
        if problems:
            lineno, problem = problems[0]
            lines = source.splitlines()
            line = paragraph_text(lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
            place = locate_paragraph(self.compiled.data, line) if part.name == "document body" else None
            place = place or f"paragraph {max(lineno - 1, 1)}"
            raise TemplateError(f'{self.path}: {part.name}, {place} ("{line[:120]}"): {problem}.')
        return ast

    def _parse_properties(self) -> list:
        """docxtpl renders the document properties (File > Properties) too; a stray tag there fails every plan."""
        env = make_environment(autoescape=True)
        asts = []
        for name, text in self.compiled.core.items():
            try:
                ast = env.parse(text)
                env.compile(text)
            except TemplateSyntaxError as exc:
                raise TemplateError(
                    f"{self.path}: document property {name!r} (File > Properties) holds {text[:80]!r}, which "
                    f"is a template syntax error: {(exc.message or '').rstrip('.')}. Remove the braces from the "
                    "property, or make it a valid tag."
                ) from None
            for _line, problem in unsafe_constructs(ast)[:1]:
                raise TemplateError(f"{self.path}: document property {name!r} (File > Properties): {problem}.")
            asts.append(ast)
        return asts

    def _parse_links(self) -> list:
        """Tags in hyperlink addresses: checked like the document's, and the fields they read are the template's."""
        env = make_environment(autoescape=False)
        asts = []
        for where, address in self.compiled.link_addresses:
            try:
                ast = env.parse(address)
                env.compile(ast)
            except TemplateSyntaxError as exc:
                raise syntax_error(where, address, exc) from None
            for _line, problem in unsafe_constructs(ast)[:1]:
                raise TemplateError(f"{where}: the address {address[:120]!r}: {problem}.")
            asts.append(ast)
        return asts

    def fields(self) -> set[str]:
        """Names the template reads from the context (loop variables excluded)."""
        names: set[str] = set()
        for ast in self._asts:
            names |= meta.find_undeclared_variables(ast)
        return names

    def _render_failure(self, exc: BaseException, context: dict[str, Any]) -> str:
        """Where the tag that failed is and which fields it uses; the student's values never (a tag that
        indexes by a cell would put the cell in Jinja's message)."""
        place = getattr(exc, "plangen_place", None)
        found = place.paragraph(template_line(exc)) if place is not None else None
        where = ""
        if found is not None and place is not None:
            number, text = found
            fields = sorted(name for name in set(re.findall(r"[A-Za-z_]\w*", text)) if name in context)
            used = f"; it uses {', '.join(fields)}" if fields else ""
            where = f'{place.label}, paragraph {number} ("{text}"{used}): '
        source = place.source if place is not None else ""
        return (
            f"template {self.name}: {where}{data_free_message(exc, source)}. Check that tag against this "
            "student's values in the sheet."
        )

    def render(self, context: dict[str, Any]) -> bytes:
        """The student's plan as .docx bytes; identical context gives identical bytes."""
        try:
            with time_limit():
                return self.compiled.render(context)
        except RenderTimeout as exc:
            raise RenderError(
                f"template {self.name}: this student's plan {exc}; a loop in the template probably "
                "runs far too often. Check the {% for %} tags."
            ) from None
        except (OverflowError, RecursionError, MemoryError) as exc:
            raise RenderError(
                f"template {self.name}: the template asks for too much ({type(exc).__name__}); "
                "check its loops and repeated text."
            ) from None
        except RENDER_ERRORS as exc:  # after OverflowError (an ArithmeticError) has had its own message
            raise RenderError(self._render_failure(exc, context)) from None
        except etree.XMLSyntaxError as exc:
            raise RenderError(
                f"template {self.name}: the filled-in document is not valid XML ({exc}). "
                "A tag probably sits across table cells or paragraphs; see "
                "docs/authoring-templates.md."
            ) from None

"""Packages written by other tools are put in Word's usual spelling before the template is read."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document

from generator.errors import TemplateError
from generator.template.loader import PlanTemplate
from generator.template.package import CORE_TYPE, DOCUMENT_MAIN, TEMPLATE_MAIN, normalize_package
from tests.helpers import docx_bytes, edit_parts, zip_parts

CORE_REL = re.compile(r'<Relationship [^>]*core-properties"/>')


def test_a_package_in_the_usual_spelling_comes_back_as_the_same_bytes():
    data = docx_bytes(["Hello {{ name }}"])
    assert normalize_package(data, "t.docx") is data


def test_a_word_template_dotx_is_read_and_its_plans_are_documents(tmp_path):
    dotx = edit_parts(
        docx_bytes(["Hello {{ name }}"]), content_types=lambda xml: xml.replace(DOCUMENT_MAIN, TEMPLATE_MAIN)
    )
    path = tmp_path / "Plan.dotx"
    path.write_bytes(dotx)
    plan = PlanTemplate(path).render({"name": "Ann"})
    types = zip_parts(plan)["[Content_Types].xml"].decode()
    assert DOCUMENT_MAIN in types and TEMPLATE_MAIN not in types
    assert Document(io.BytesIO(plan)).paragraphs[0].text == "Hello Ann"


def test_a_document_in_the_strict_namespace_is_refused_whatever_its_relationships_say():
    strict = edit_parts(
        docx_bytes(["x"]),
        word__document_xml=lambda xml: xml.replace(
            "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
            "http://purl.oclc.org/ooxml/wordprocessingml/main",
        ),
    )
    with pytest.raises(TemplateError, match="is saved as Strict Open XML"):
        normalize_package(strict, "t.docx")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            {
                "rels": lambda xml: xml.replace(
                    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
                )
            },
            "t.docx: is saved as Strict Open XML, which plangen cannot read. Open it in Word and use File > Save As > "
            "Word Document (.docx), not 'Strict Open XML Document'.",
        ),
        (
            {
                "content_types": lambda xml: xml.replace(
                    DOCUMENT_MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml"
                )
            },
            "t.docx: is a macro-enabled Word file (.docm/.dotm); plans are not given macros. Open it in Word and use "
            "File > Save As > Word Document (.docx).",
        ),
        (
            {"content_types": lambda xml: xml.replace("<Override", "<Override<")},
            "t.docx: its part [Content_Types].xml is not valid XML, so Word cannot open it either. Open it in Word "
            "(or LibreOffice) and save it as Word Document (.docx).",
        ),
    ],
)
def test_packages_that_cannot_be_read_are_refused_in_one_line_saying_what_to_do(edit, message):
    with pytest.raises(TemplateError) as err:
        normalize_package(edit_parts(docx_bytes(["x"]), **edit), "t.docx")
    assert str(err.value) == message


def test_a_zip_that_is_not_a_word_package_is_refused_without_internal_names(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    path = tmp_path / "t.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(TemplateError) as err:
        PlanTemplate(path)
    assert str(err.value) == (
        f"{path}: is not a Word document (the zip holds no Word package). Open it in Word (or LibreOffice) and "
        "save it as Word Document (.docx)."
    )


def test_a_main_part_python_docx_refuses_is_described_without_object_names(tmp_path):
    odd = edit_parts(docx_bytes(["x"]), content_types=lambda xml: xml.replace(DOCUMENT_MAIN, "application/xml"))
    path = tmp_path / "t.docx"
    path.write_bytes(odd)
    with pytest.raises(TemplateError) as err:
        PlanTemplate(path)
    message = str(err.value)
    assert message.startswith(f"{path}: the Word document cannot be opened (")
    assert "object at 0x" not in message and "BytesIO" not in message
    assert message.endswith("Open it in Word, repair it if asked, and save it again as Word Document (.docx).")


def _with_title(xml: str) -> str:
    return re.sub(r"<dc:title>.*?</dc:title>|<dc:title/>", "<dc:title>Therapy plan {{ name }}</dc:title>", xml)


@pytest.mark.parametrize(
    "rels",
    [
        lambda xml: xml.replace(
            CORE_TYPE, CORE_TYPE.replace("package/2006/relationships", "officedocument/2006/relationships")
        ),
        lambda xml: xml.replace(
            CORE_TYPE, CORE_TYPE.replace("package/2006/relationships", "officeDocument/2006/relationships")
        ),
        lambda xml: CORE_REL.sub(lambda m: m.group(0) + m.group(0).replace('Id="', 'Id="x'), xml),
        lambda xml: CORE_REL.sub(
            lambda m: m.group(0) + m.group(0).replace('Id="', 'Id="x').replace("core.xml", "gone.xml"), xml
        ),
    ],
    ids=["lowercase-officedocument", "officeDocument", "listed-twice", "second-one-dangling"],
)
def test_one_core_properties_part_whatever_the_relationship_and_the_templates_properties_kept(tmp_path, rels):
    data = edit_parts(docx_bytes(["Hello {{ name }}"]), rels=rels, docProps__core_xml=_with_title)
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    plan = PlanTemplate(path).render({"name": "Ann"})
    with zipfile.ZipFile(io.BytesIO(plan)) as archive:
        names = archive.namelist()
    assert names.count("docProps/core.xml") == 1 and len(names) == len(set(names))
    assert Document(io.BytesIO(plan)).core_properties.title == "Therapy plan Ann"
    assert zip_parts(plan)["_rels/.rels"].decode().count("/metadata/core-properties") == 1


def test_a_mail_merge_main_document_becomes_a_plain_document():
    settings_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/mailMergeSource" Target="file:///C:/Users/ot/caseload.xlsx" TargetMode="External"/>'
        "</Relationships>"
    )
    data = edit_parts(
        docx_bytes(["Hello"]),
        word__settings_xml=lambda xml: xml.replace(
            "</w:settings>",
            '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:dataType w:val="native"/>'
            '<w:query w:val="SELECT * FROM `Sheet1$`"/><w:dataSource r:id="rId1"/></w:mailMerge></w:settings>',
        ),
    )
    parts = zip_parts(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, blob in {**parts, "word/_rels/settings.xml.rels": settings_rels.encode()}.items():
            archive.writestr(name, blob)
    normalized = zip_parts(normalize_package(buffer.getvalue(), "t.docx"))
    assert b"mailMerge" not in normalized["word/settings.xml"]
    assert b"caseload.xlsx" not in normalized["word/_rels/settings.xml.rels"]
    assert {name for name in normalized} == {*parts, "word/_rels/settings.xml.rels"}


def test_a_document_naming_the_wordprocessingml_namespace_ns0_is_filled_like_any_other(tmp_path):
    def ns0(xml: str) -> str:
        return (
            xml.replace("<w:", "<ns0:")
            .replace("</w:", "</ns0:")
            .replace(" w:", " ns0:")
            .replace('xmlns:w="', 'xmlns:ns0="')
        )

    path = tmp_path / "t.docx"
    path.write_bytes(edit_parts(docx_bytes(["Hello {{ name }}"], [["{{ name }}", "b"]]), word__document_xml=ns0))
    assert b"<ns0:p" in zip_parts(path.read_bytes())["word/document.xml"]
    template = PlanTemplate(path)
    assert template.fields() == {"name"}
    plan = Document(io.BytesIO(template.render({"name": "Ann"})))
    assert plan.paragraphs[0].text == "Hello Ann"
    assert plan.tables[0].cell(0, 0).text == "Ann"

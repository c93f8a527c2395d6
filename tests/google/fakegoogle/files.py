"""Drive file records and the fixed facts about them (types, links, fields Drive knows)."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from tests.google.fakegoogle.common import DEFAULT_PROJECT, rfc3339

FOLDER = "application/vnd.google-apps.folder"
DOCUMENT = "application/vnd.google-apps.document"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
SHORTCUT = "application/vnd.google-apps.shortcut"

# target Google type -> media types Drive converts into it (those the fake can model)
CONVERTIBLE = {
    DOCUMENT: {DOCX, "application/msword", "text/plain"},
    SPREADSHEET: {XLSX, "text/csv"},
}
EXPORT_LIMIT = 10 * 1024 * 1024
ME = {"kind": "drive#user", "displayName": "Plangen Tester", "emailAddress": "me@example.org", "me": True}


def new_id(prefix: str = "1") -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(32))


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: float
    modified: float
    seq: int
    version: int = 1
    private: dict[str, dict[str, str]] = field(default_factory=dict)  # Cloud project -> its appProperties
    properties: dict[str, str] = field(default_factory=dict)  # public: every app sees them
    description: str | None = None
    trashed: bool = False
    drive_id: str | None = None
    content: bytes | None = None  # binary content, or the original bytes of a converted file
    content_type: str | None = None
    converted_from: str | None = None  # media type Drive converted from, when it did
    conversions: int = 0
    modifier: dict[str, Any] = field(default_factory=lambda: dict(ME))
    hidden: bool = False  # root folders: gettable, never listed
    role: str = "owner"  # the signed-in user's access: owner, writer or reader (view-only)
    made_by: str | None = None  # the Cloud project whose app created it (drive.file sees only its own)
    shortcut_target: str | None = None  # a shortcut's target file ID
    shortcut_target_mime: str | None = None
    permissions: list[dict[str, str]] = field(default_factory=list)  # shares beyond the owner / drive members
    indexed_at: float = 0.0  # time.time() from which files.list finds it (Drive's search lags behind writes)

    @property
    def app_properties(self) -> dict[str, str]:
        """The appProperties of the default project (the one most tests sign in with)."""
        return self.private.setdefault(DEFAULT_PROJECT, {})

    @app_properties.setter
    def app_properties(self, value: dict[str, str]) -> None:
        self.private[DEFAULT_PROJECT] = value

    def resource(self, project: str = DEFAULT_PROJECT) -> dict[str, Any]:
        """The file as the API shows it to an app of ``project``: only that app's appProperties."""
        res: dict[str, Any] = {
            "kind": "drive#file",
            "id": self.id,
            "name": self.name,
            "mimeType": self.mime_type,
            "trashed": self.trashed,
            "explicitlyTrashed": self.trashed,
            "version": str(self.version),
            "createdTime": rfc3339(self.created),
            "modifiedTime": rfc3339(self.modified),
            "modifiedByMe": bool(self.modifier.get("me")),
            "lastModifyingUser": dict(self.modifier),
            "webViewLink": web_view_link(self.id, self.mime_type),
            "ownedByMe": self.drive_id is None,
            "appProperties": dict(self.private.get(project, {})),
            "properties": dict(self.properties),
        }
        if self.parents:
            res["parents"] = list(self.parents)
        if self.drive_id:
            res["driveId"] = self.drive_id
        if self.description is not None:
            res["description"] = self.description
        if self.mime_type == SHORTCUT:
            res["shortcutDetails"] = {"targetId": self.shortcut_target, "targetMimeType": self.shortcut_target_mime}
        google_type = self.mime_type.startswith("application/vnd.google-apps.")
        if not google_type and self.content is not None:
            res["size"] = str(len(self.content))
            res["md5Checksum"] = hashlib.md5(self.content).hexdigest()
            res["headRevisionId"] = f"rev{self.version}"
        if not res["appProperties"]:
            del res["appProperties"]
        if not res["properties"]:
            del res["properties"]
        return res


def web_view_link(file_id: str, mime: str) -> str:
    if mime == FOLDER:
        return f"https://drive.google.com/drive/folders/{file_id}"
    if mime == DOCUMENT:
        return f"https://docs.google.com/document/d/{file_id}/edit?usp=drivesdk"
    if mime == SPREADSHEET:
        return f"https://docs.google.com/spreadsheets/d/{file_id}/edit?usp=drivesdk"
    return f"https://drive.google.com/file/d/{file_id}/view?usp=drivesdk"


def docx_text(data: bytes) -> str:
    """Paragraph text of a .docx, enough for export to text/plain and fullText search."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            xml = zf.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return ""
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    texts = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs]
    return "\n".join(texts)


def text_pdf(text: str) -> bytes:
    """A small valid PDF showing ``text`` line by line (Helvetica, WinAnsi), as Drive's PDF export of a Doc
    would show its words: enough for pdftotext to read back, no layout beyond that."""
    lines = [line for line in text.splitlines() if line.strip()] or [""]
    pages = [lines[i : i + 50] for i in range(0, len(lines), 50)]
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in pages:
        body = (
            "BT /F1 10 Tf 14 TL 50 760 Td "
            + " ".join(
                "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in page
            )
            + " ET"
        )
        stream = body.encode("cp1252", "replace")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n" + stream.decode("latin-1") + "\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("latin-1")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("latin-1")
    return bytes(out)


def _schema_fields(schema: str) -> set[str]:
    """Property names of a Drive v3 schema, from the discovery document the client ships."""
    from googleapiclient import discovery_cache

    doc = json.loads(discovery_cache.get_static_doc("drive", "v3"))
    return set(doc["schemas"][schema]["properties"])


FILE_FIELDS = _schema_fields("File")
LIST_FIELDS = _schema_fields("FileList")

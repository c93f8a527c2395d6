"""The loopback fake behaves like Google's documented APIs, checked through the real client."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import time
import urllib.parse
import urllib.request
import zipfile

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload
from hypothesis import given
from hypothesis import strategies as st

from generator.google.auth import client as g
from tests.google.fakegoogle import FakeGoogle, fixtures
from tests.google.fakegoogle import query as q
from tests.google.fakegoogle.common import ApiError

fake_google = fixtures.fake_google  # until tests/conftest.py provides it

DOCX = g.DOCX_MIME
XLSX = g.XLSX_MIME


def drive() -> discovery.Resource:
    return g.build_service(*g.DRIVE, Credentials(token="t"))


def sheets() -> discovery.Resource:
    return g.build_service(*g.SHEETS, Credentials(token="t"))


def run(request: object) -> object:
    return g.execute(request, retries=0)


def quote(text: str) -> str:
    """Drive query string literal, escaped as Drive documents it."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_docx(text: str) -> bytes:
    """The same bytes for the same text (a fixed zip time), so uploads compare with a remake."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 1, 1, 0, 0, 0)), "<Types/>")
        zf.writestr(
            zipfile.ZipInfo("word/document.xml", (2026, 1, 1, 0, 0, 0)),
            f"<w:document><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
            '<w:p><w:r><w:t xml:space="preserve">second </w:t></w:r>'
            "<w:r><w:t>line</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


def list_all(svc: discovery.Resource, query: str, **kw: object) -> list[dict]:
    out: list[dict] = []
    token = None
    while True:
        page = run(svc.files().list(q=query, pageToken=token, fields="nextPageToken,files(id,name)", **kw))
        out += page["files"]
        token = page.get("nextPageToken")
        if not token:
            return out


# --------------------------------------------------------------------------------------------
# Query grammar
# --------------------------------------------------------------------------------------------

ITEM = {
    "name": "Plan - O'Brien \\ 2024",
    "mimeType": g.DOC_MIME,
    "trashed": False,
    "parents": ["P1"],
    "appProperties": {"plangen": "1", "student": "abc"},
    "properties": {"team": "OT"},
    "modifiedTime": "2024-03-05T10:00:00.000Z",
    "createdTime": "2024-01-01T00:00:00.000Z",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("'P1' in parents", True),
        ("'P2' in parents", False),
        (r"name = 'Plan - O\'Brien \\ 2024'", True),
        (r"name != 'Plan - O\'Brien \\ 2024'", False),
        ("name contains 'plan'", True),
        (r"name contains 'O\'Brien'", True),
        ("name contains 'rien'", False),  # prefix of a word only, as Drive documents
        ("name contains 'Brien'", True),
        ("mimeType = 'application/vnd.google-apps.document'", True),
        ("mimeType != 'application/vnd.google-apps.folder'", True),
        ("trashed = false", True),
        ("trashed = true", False),
        ("appProperties has { key='plangen' and value='1' }", True),
        ("appProperties has {key='plangen' and value='2'}", False),
        ("appProperties has { value='abc' and key='student' }", True),
        ("properties has { key='team' and value='OT' }", True),
        ("properties has { key='plangen' and value='1' }", False),
        ("modifiedTime > '2024-03-01T00:00:00'", True),
        ("modifiedTime < '2024-03-01'", False),
        ("not trashed = true", True),
        ("not 'P1' in parents", False),
        ("'P2' in parents or 'P1' in parents", True),
        ("'P1' in parents and trashed = true", False),
        ("('P2' in parents or name contains 'Plan') and not trashed = true", True),
        ("'P1' in parents or 'P2' in parents and trashed = true", True),  # and binds tighter
        ("'P1' IN parents AND trashed = false", True),
    ],
)
def test_query_evaluation(query: str, expected: bool) -> None:
    assert q.matches(query, ITEM) is expected


@pytest.mark.parametrize(
    "query",
    [
        "name = 'unterminated",
        r"name = 'bad \n escape'",
        "colour = 'red'",
        "name > 'x'",
        "trashed = 'false'",
        "appProperties has { key='k' }",
        "appProperties has { key='k' and value='v' and key='j' }",
        "name contains",
        "'P1' in name",
        "name = 'a' and",
        "(name = 'a'",
        "name = 'a')",
        "fullText = 'x'",
        "",
    ],
)
def test_bad_queries_are_invalid(query: str) -> None:
    with pytest.raises(ApiError) as info:
        q.parse(query)
    assert (info.value.code, info.value.reason, info.value.location) == (400, "invalid", "q")


@given(st.text(min_size=1, max_size=40))
def test_escaped_names_match_exactly(name: str) -> None:
    item = {"name": name}
    assert q.matches(f"name = {quote(name)}", item)
    assert not q.matches(f"name = {quote(name + 'x')}", item)
    assert q.matches(f"name contains {quote(name)}", item)


def test_query_through_the_api(fake_google: FakeGoogle) -> None:
    fake = fake_google
    svc = drive()
    folder = fake.add_folder("Students")
    other = fake.add_folder("Elsewhere")
    tricky = "O'Brien, Liam \\ plan"
    fake.add_folder(tricky, folder)
    fake.add_folder("Smith, Ann", folder)
    fake.add_folder(tricky, other)
    marked = fake.add_file("plan.docx", b"x", DOCX, folder, app_properties={"plangen": "v1"})
    trashed = fake.add_folder("Old", folder)
    fake.file(trashed).trashed = True
    found = list_all(svc, f"{quote(folder)} in parents and name = {quote(tricky)}")
    assert [f["name"] for f in found] == [tricky]
    found = list_all(svc, f"{quote(folder)} in parents and mimeType = {quote(g.FOLDER_MIME)} and trashed = false")
    assert sorted(f["name"] for f in found) == sorted([tricky, "Smith, Ann"])
    found = list_all(svc, "appProperties has { key='plangen' and value='v1' }")
    assert [f["id"] for f in found] == [marked]
    assert len(list_all(svc, f"{quote(folder)} in parents")) == 4  # trashed included by default
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().list(q="name = 'x"))
    assert (info.value.status, info.value.reason) == (400, "invalid")


# --------------------------------------------------------------------------------------------
# Listing, fields, pagination
# --------------------------------------------------------------------------------------------


def test_pagination_with_small_server_pages(fake_google: FakeGoogle) -> None:
    fake_google.max_page_size = 2
    folder = fake_google.add_folder("Root")
    names = [f"Student {i}" for i in range(5)]
    for name in names:
        fake_google.add_folder(name, folder)
    fake_google.clear_log()
    svc = drive()
    found = list_all(svc, f"'{folder}' in parents", pageSize=1000)
    assert [f["name"] for f in found] == names
    assert fake_google.count("GET", "/drive/v3/files$") == 3
    first = run(svc.files().list(q=f"'{folder}' in parents", fields="nextPageToken,files(id)"))
    with pytest.raises(g.GoogleApiError) as info:  # a token only works with its own query
        run(svc.files().list(q="trashed = false", pageToken=first["nextPageToken"]))
    assert info.value.status == 400


def test_default_and_explicit_fields(fake_google: FakeGoogle) -> None:
    svc = drive()
    folder = fake_google.add_folder("F", app_properties={"k": "v"})
    assert set(run(svc.files().get(fileId=folder))) == {"kind", "id", "name", "mimeType"}
    full = run(
        svc.files().get(fileId=folder, fields="id,version,modifiedTime,appProperties,webViewLink,parents,trashed")
    )
    assert full["appProperties"] == {"k": "v"}
    assert full["version"].isdigit()
    assert full["modifiedTime"].endswith("Z")
    assert full["webViewLink"] == f"https://drive.google.com/drive/folders/{folder}"
    listing = run(svc.files().list())
    assert set(listing) == {"kind", "incompleteSearch", "files"}
    assert set(listing["files"][0]) == {"kind", "id", "name", "mimeType"}
    assert set(run(svc.files().list(fields="*"))["files"][0]) >= {"version", "parents"}
    with pytest.raises(g.GoogleApiError, match="Invalid field selection"):
        run(svc.files().get(fileId=folder, fields="id,versoin"))
    with pytest.raises(g.GoogleApiError, match="Invalid field selection"):
        run(svc.files().list(fields="files(id,nmae)"))


# --------------------------------------------------------------------------------------------
# Uploads, conversion, updates, export
# --------------------------------------------------------------------------------------------

AWKWARD = bytes(range(256)) * 4 + b"\r\n--boundary\r\n\n\r" + b"\n--===============\n" + b"\r"


def test_multipart_upload_is_byte_exact(fake_google: FakeGoogle) -> None:
    svc = drive()
    media = MediaInMemoryUpload(AWKWARD, mimetype="application/octet-stream")
    made = run(svc.files().create(body={"name": "a.bin"}, media_body=media, fields="id,size,md5Checksum"))
    assert fake_google.file(made["id"]).content == AWKWARD
    assert made["size"] == str(len(AWKWARD))
    assert run(svc.files().get_media(fileId=made["id"])) == AWKWARD
    assert fake_google.calls("POST", api="upload")[0].upload_type == "multipart"


def test_resumable_upload_in_chunks_is_byte_exact(fake_google: FakeGoogle) -> None:
    data = AWKWARD * 700  # ~700 KiB -> 3 chunks of 256 KiB
    media = MediaInMemoryUpload(data, mimetype="application/octet-stream", resumable=True, chunksize=256 * 1024)
    made = run(drive().files().create(body={"name": "big.bin"}, media_body=media, fields="id"))
    assert fake_google.file(made["id"]).content == data
    puts = [e for e in fake_google.calls("PUT") if "upload_id" in e.query]
    assert len(puts) == 3
    assert fake_google.count("POST", upload_type="resumable") == 1


def test_docx_upload_converts_and_exports_original(fake_google: FakeGoogle) -> None:
    svc = drive()
    folder = fake_google.add_folder("Ann")
    docx = make_docx("Goals for Ann")
    media = MediaInMemoryUpload(docx, mimetype=DOCX)
    made = run(
        svc.files().create(
            body={"name": "Plan", "mimeType": g.DOC_MIME, "parents": [folder], "appProperties": {"plangen": "1"}},
            media_body=media,
            fields="id,mimeType,webViewLink,version",
        )
    )
    stored = fake_google.file(made["id"])
    assert made["mimeType"] == g.DOC_MIME
    assert stored.converted_from == DOCX and stored.conversions == 1
    assert made["webViewLink"].startswith(f"https://docs.google.com/document/d/{made['id']}/")
    assert run(svc.files().export(fileId=made["id"], mimeType=DOCX)) == docx
    text = run(svc.files().export(fileId=made["id"], mimeType="text/plain")).decode()
    assert text.splitlines() == ["Goals for Ann", "second line"]
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().get_media(fileId=made["id"]))
    assert info.value.reason == "fileNotDownloadable"
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().export(fileId=made["id"], mimeType="image/png"))
    assert info.value.status == 400
    found = list_all(svc, "fullText contains 'goals for ann'")
    assert [f["id"] for f in found] == [made["id"]]


def test_update_with_media_keeps_id_and_moves_version(fake_google: FakeGoogle) -> None:
    svc = drive()
    fields = "id,version,modifiedTime,webViewLink,appProperties"
    first = run(
        svc.files().create(
            body={"name": "Plan", "mimeType": g.DOC_MIME, "appProperties": {"hash": "a", "keep": "y"}},
            media_body=MediaInMemoryUpload(make_docx("v1"), mimetype=DOCX),
            fields=fields,
        )
    )
    time.sleep(0.002)
    second = run(
        svc.files().update(
            fileId=first["id"],
            body={"appProperties": {"hash": "b", "keep": None}},
            media_body=MediaInMemoryUpload(make_docx("v2"), mimetype=DOCX),
            fields=fields,
        )
    )
    assert second["id"] == first["id"]
    assert second["webViewLink"] == first["webViewLink"]
    assert int(second["version"]) > int(first["version"])
    assert second["modifiedTime"] > first["modifiedTime"]
    assert second["appProperties"] == {"hash": "b"}
    assert run(svc.files().export(fileId=first["id"], mimeType=DOCX)) == make_docx("v2")
    assert fake_google.file(first["id"]).conversions == 2


def test_resumable_update_keeps_id(fake_google: FakeGoogle) -> None:
    svc = drive()
    made = run(svc.files().create(body={"name": "n.bin"}, media_body=MediaInMemoryUpload(b"1"), fields="id,version"))
    media = MediaInMemoryUpload(b"2" * 1000, resumable=True)
    updated = run(svc.files().update(fileId=made["id"], media_body=media, fields="id,version"))
    assert updated["id"] == made["id"]
    assert int(updated["version"]) == int(made["version"]) + 1
    assert fake_google.file(made["id"]).content == b"2" * 1000
    assert len(fake_google.files(name="n.bin")) == 1


def test_human_edit_is_visible(fake_google: FakeGoogle) -> None:
    doc = fake_google.add_doc("Plan", make_docx("mine"))
    svc = drive()
    before = run(svc.files().get(fileId=doc, fields="version,modifiedTime,lastModifyingUser"))
    fake_google.human_edit(doc, content=make_docx("teacher notes"))
    after = run(svc.files().get(fileId=doc, fields="version,modifiedTime,lastModifyingUser"))
    assert int(after["version"]) > int(before["version"])
    assert after["modifiedTime"] > before["modifiedTime"]
    assert before["lastModifyingUser"]["me"] is True
    assert after["lastModifyingUser"]["me"] is False
    assert run(svc.files().export(fileId=doc, mimeType=DOCX)) == make_docx("teacher notes")


def test_metadata_rules(fake_google: FakeGoogle) -> None:
    svc = drive()
    a, b = fake_google.add_folder("A"), fake_google.add_folder("B")
    made = run(svc.files().create(body={"name": "x", "parents": [a]}, fields="id"))
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().update(fileId=made["id"], body={"parents": [b]}))
    assert (info.value.status, info.value.reason) == (403, "fieldNotWritable")
    moved = run(svc.files().update(fileId=made["id"], addParents=b, removeParents=a, body={}, fields="parents"))
    assert moved["parents"] == [b]
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().create(body={"name": "y", "appProperties": {"k": "v" * 124}}))
    assert info.value.status == 400
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().create(body={"name": "z", "parents": ["noSuchFolder123456"]}))
    assert info.value.status == 404
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().create(body={"id": "notGeneratedByDrive12345", "name": "w"}))
    assert (info.value.status, info.value.reason) == (400, "invalid")
    ids = run(svc.files().generateIds(count=3))["ids"]
    assert len(set(ids)) == 3
    run(svc.files().delete(fileId=made["id"]))
    assert fake_google.files(name="x") == []


def test_shared_drive_needs_supports_all_drives(fake_google: FakeGoogle) -> None:
    svc = drive()
    shared = fake_google.add_shared_drive("District")
    folder = fake_google.add_folder("Caseload", shared)
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.files().get(fileId=folder))
    assert info.value.status == 404
    got = run(svc.files().get(fileId=folder, supportsAllDrives=True, fields="id,driveId"))
    assert got["driveId"] == shared
    made = run(
        svc.files().create(body={"name": "Plan", "parents": [folder]}, supportsAllDrives=True, fields="id,driveId")
    )
    assert made["driveId"] == shared
    assert list_all(svc, f"'{folder}' in parents") == []
    found = list_all(
        svc,
        f"'{folder}' in parents",
        corpora="drive",
        driveId=shared,
        supportsAllDrives=True,
        includeItemsFromAllDrives=True,
    )
    assert [f["id"] for f in found] == [made["id"]]
    with pytest.raises(g.GoogleApiError):
        run(svc.files().list(corpora="drive", driveId=shared))


# --------------------------------------------------------------------------------------------
# Sheets
# --------------------------------------------------------------------------------------------

ROSTER = [["Name", "ID", "Grade"], ["Ann", 101, 3], ["Ben", 102, 4.5], ["", "", ""], ["Cy", 103, True]]


def test_sheets_get_and_values(fake_google: FakeGoogle) -> None:
    book = fake_google.add_sheet("Caseload", {"Fall 2024 OT": ROSTER, "It's B": [["x"]]})
    svc = sheets()
    meta = run(svc.spreadsheets().get(spreadsheetId=book))
    tabs = [s["properties"] for s in meta["sheets"]]
    assert [t["title"] for t in tabs] == ["Fall 2024 OT", "It's B"]
    assert tabs[0]["sheetId"] == 0 and tabs[0]["gridProperties"]["columnCount"] == 26
    got = run(svc.spreadsheets().values().get(spreadsheetId=book, range="'Fall 2024 OT'"))
    assert got["range"] == "'Fall 2024 OT'!A1:Z1000"
    assert got["values"] == [
        ["Name", "ID", "Grade"],
        ["Ann", "101", "3"],
        ["Ben", "102", "4.5"],
        [],
        ["Cy", "103", "TRUE"],
    ]
    raw = run(
        svc.spreadsheets()
        .values()
        .get(spreadsheetId=book, range="'Fall 2024 OT'!B2:C3", valueRenderOption="UNFORMATTED_VALUE")
    )
    assert raw == {"range": "'Fall 2024 OT'!B2:C3", "majorDimension": "ROWS", "values": [[101, 3], [102, 4.5]]}
    col = run(svc.spreadsheets().values().get(spreadsheetId=book, range="'Fall 2024 OT'!A:A"))
    assert col["values"] == [["Name"], ["Ann"], ["Ben"], [], ["Cy"]]
    quoted = run(svc.spreadsheets().values().get(spreadsheetId=book, range="'It''s B'!A1"))
    assert quoted["values"] == [["x"]]
    first_tab = run(svc.spreadsheets().values().get(spreadsheetId=book, range="A1:B1"))
    assert first_tab["values"] == [["Name", "ID"]]
    paths = [e.path for e in fake_google.calls("GET", "/values/")]
    # percent-encoded by the client, decoded by the fake after splitting the path
    assert any(p.endswith("/values/%27Fall%202024%20OT%27%21B2%3AC3") for p in paths)
    batch = run(svc.spreadsheets().values().batchGet(spreadsheetId=book, ranges=["'It''s B'!A1", "'Fall 2024 OT'!A5"]))
    assert [r.get("values") for r in batch["valueRanges"]] == [[["x"]], [["Cy"]]]
    with pytest.raises(g.GoogleApiError, match="Unable to parse range"):
        run(svc.spreadsheets().values().get(spreadsheetId=book, range="Nope!A1"))
    with pytest.raises(g.GoogleApiError) as info:
        run(svc.spreadsheets().get(spreadsheetId="noSuchSheet1234567"))
    assert info.value.status == 404


def test_sheets_write_touches_only_given_cells(fake_google: FakeGoogle) -> None:
    book = fake_google.add_sheet("Caseload", {"Fall 2024 OT": ROSTER, "Other": [["keep"]]})
    before = fake_google.sheets.grid(book, "Fall 2024 OT")
    version = fake_google.file(book).version
    svc = sheets()
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "'Fall 2024 OT'!D1:E1", "values": [["Plan Link", "Plan Status"]]},
            {"range": "'Fall 2024 OT'!D2:E3", "values": [["http://x/1", None], [None, "created"]]},
        ],
    }
    out = run(svc.spreadsheets().values().batchUpdate(spreadsheetId=book, body=body))
    assert out["totalUpdatedCells"] == 4
    assert [r["updatedRange"] for r in out["responses"]] == ["'Fall 2024 OT'!D1:E1", "'Fall 2024 OT'!D2:E3"]
    after = fake_google.sheets.grid(book, "Fall 2024 OT")
    for r, row in enumerate(before):
        for c, value in enumerate(row):
            assert after[r][c] == value
    assert [row[3:5] for row in after[:3]] == [["Plan Link", "Plan Status"], ["http://x/1", ""], ["", "created"]]
    assert fake_google.sheets.grid(book, "Other") == [["keep"]]
    assert fake_google.file(book).version > version
    run(
        svc.spreadsheets()
        .values()
        .update(
            spreadsheetId=book, range="'Fall 2024 OT'!F2", valueInputOption="USER_ENTERED", body={"values": [["42"]]}
        )
    )
    assert fake_google.sheets.grid(book, "Fall 2024 OT")[1][5] == 42
    with pytest.raises(g.GoogleApiError, match="exceeds grid limits"):
        run(
            svc.spreadsheets()
            .values()
            .batchUpdate(
                spreadsheetId=book,
                body={"valueInputOption": "RAW", "data": [{"range": "'Fall 2024 OT'!AA1", "values": [["x"]]}]},
            )
        )
    run(
        svc.spreadsheets().batchUpdate(
            spreadsheetId=book,
            body={"requests": [{"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}}]},
        )
    )
    run(
        svc.spreadsheets()
        .values()
        .batchUpdate(
            spreadsheetId=book,
            body={"valueInputOption": "RAW", "data": [{"range": "'Fall 2024 OT'!AB1", "values": [["y"]]}]},
        )
    )
    with pytest.raises(g.GoogleApiError, match="valueInputOption"):
        run(svc.spreadsheets().values().batchUpdate(spreadsheetId=book, body={"data": []}))


def test_sheet_export_as_xlsx(fake_google: FakeGoogle) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = fake_google.add_sheet("Caseload", {"Fall": ROSTER})
    data = run(drive().files().export(fileId=book, mimeType=XLSX))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = [list(r) for r in wb["Fall"].iter_rows(values_only=True)]
    assert rows[1] == ["Ann", 101, 3]
    assert rows[4] == ["Cy", 103, True]


def test_xlsx_upload_converts_to_a_sheet(fake_google: FakeGoogle) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Roster"
    wb.active.append(["Name", "ID"])
    wb.active.append(["Dee", 7])
    buf = io.BytesIO()
    wb.save(buf)
    made = run(
        drive()
        .files()
        .create(
            body={"name": "Roster", "mimeType": g.SHEET_MIME},
            media_body=MediaInMemoryUpload(buf.getvalue(), XLSX),
            fields="id",
        )
    )
    got = run(sheets().spreadsheets().values().get(spreadsheetId=made["id"], range="Roster"))
    assert got["values"] == [["Name", "ID"], ["Dee", "7"]]


# --------------------------------------------------------------------------------------------
# Errors, faults, limits, log, OAuth
# --------------------------------------------------------------------------------------------


def raw(
    fake: FakeGoogle, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(fake.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request(method, path, body=body, headers={"Authorization": "Bearer t", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_error_body_has_googles_shape(fake_google: FakeGoogle) -> None:
    status, headers, body = raw(fake_google, "GET", "/drive/v3/files/nope")
    assert status == 404
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {
        "error": {
            "code": 404,
            "message": "File not found: nope.",
            "status": "NOT_FOUND",
            "errors": [
                {
                    "domain": "global",
                    "reason": "notFound",
                    "message": "File not found: nope.",
                    "location": "fileId",
                    "locationType": "parameter",
                }
            ],
        }
    }
    status, _, body = raw(fake_google, "GET", "/drive/v3/files", headers={"Authorization": ""})
    assert status == 401
    assert json.loads(body)["error"]["errors"][0]["reason"] == "required"


@pytest.mark.parametrize(
    ("status", "reason"), [(429, "rateLimitExceeded"), (403, "userRateLimitExceeded"), (500, "backendError")]
)
def test_injected_status_faults(fake_google: FakeGoogle, status: int, reason: str) -> None:
    fake_google.fail(status, method="GET", path="/drive/v3/files$")
    code, _, body = raw(fake_google, "POST", "/drive/v3/files", b"{}", {"Content-Type": "application/json"})
    assert code == 200  # the fault only matches GET
    code, _, body = raw(fake_google, "GET", "/drive/v3/files")
    err = json.loads(body)["error"]
    assert (code, err["code"], err["errors"][0]["reason"]) == (status, status, reason)
    assert raw(fake_google, "GET", "/drive/v3/files")[0] == 200  # used up
    assert [e.fault for e in fake_google.calls("GET")] == [str(status), None]


def test_drop_faults(fake_google: FakeGoogle) -> None:
    fake_google.fail("drop", method="POST")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        raw(fake_google, "POST", "/drive/v3/files", b'{"name": "a"}', {"Content-Type": "application/json"})
    assert fake_google.files(name="a") == []
    fake_google.fail("drop_after", method="POST")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        raw(fake_google, "POST", "/drive/v3/files", b'{"name": "b"}', {"Content-Type": "application/json"})
    assert len(fake_google.files(name="b")) == 1  # it took effect before the drop


def test_latency_is_applied(fake_google: FakeGoogle) -> None:
    fake_google.latency = 0.15
    start = time.monotonic()
    run(drive().files().list())
    assert time.monotonic() - start >= 0.15


@pytest.mark.parametrize(("status", "reason"), [(403, "userRateLimitExceeded"), (429, "rateLimitExceeded")])
def test_write_rate_limit(fake_google: FakeGoogle, status: int, reason: str) -> None:
    fake_google.set_write_limit(2, status=status)
    svc = drive()
    run(svc.files().create(body={"name": "1"}))
    run(svc.files().create(body={"name": "2"}))
    run(svc.files().list())  # reads are not limited
    with pytest.raises(HttpError) as info:  # the raw answer: plangen's execute would wait it out
        svc.files().create(body={"name": "3"}).execute(num_retries=0)
    assert g.error_details(info.value)[:2] == (status, reason)
    assert info.value.resp.get("retry-after") is None  # Drive says nothing of when to try again
    time.sleep(1.0)
    run(svc.files().create(body={"name": "3"}))
    assert len(fake_google.files()) == 3


def test_batch_parts_are_logged_and_limited(fake_google: FakeGoogle) -> None:
    fake_google.set_write_limit(1)
    svc = drive()
    results: list[tuple[object, object]] = []
    batch = svc.new_batch_http_request(callback=lambda _i, r, e: results.append((r, e)))
    batch.add(svc.files().create(body={"name": "p1"}, fields="id"))
    batch.add(svc.files().create(body={"name": "p2"}, fields="id"))
    batch.execute()
    assert results[0][1] is None
    assert results[1][1] is not None and results[1][1].resp.status == 403
    assert fake_google.count("POST", api="drive", in_batch=True) == 2
    assert fake_google.count("POST", api="batch") == 1


def test_log_keeps_no_bodies_and_server_prints_nothing(
    fake_google: FakeGoogle, capfd: pytest.CaptureFixture[str]
) -> None:
    svc = drive()
    media = MediaInMemoryUpload(b"Secret Student Name", mimetype="text/plain")
    run(svc.files().create(body={"name": "Jane Doe plan"}, media_body=media))
    out, err = capfd.readouterr()
    assert "Jane" not in out + err and "Secret" not in out + err
    entry = fake_google.calls("POST")[0]
    assert "Secret Student Name" not in repr(entry)
    assert entry.size > 0 and entry.upload_type == "multipart"


def test_token_endpoint_grants(fake_google: FakeGoogle) -> None:
    oauth = fake_google.oauth
    refresh = oauth.issue_refresh_token()
    form = urllib.parse.urlencode(
        {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "c", "client_secret": "s"}
    ).encode()
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = raw(fake_google, "POST", "/token", form, ctype)
    token = json.loads(body)
    assert status == 200 and token["token_type"] == "Bearer" and token["expires_in"] > 0
    assert (
        raw(fake_google, "GET", "/drive/v3/files", headers={"Authorization": f"Bearer {token['access_token']}"})[0]
        == 200
    )
    oauth.expire(token["access_token"])
    assert (
        raw(fake_google, "GET", "/drive/v3/files", headers={"Authorization": f"Bearer {token['access_token']}"})[0]
        == 401
    )
    oauth.revoke(refresh)
    status, _, body = raw(fake_google, "POST", "/token", form, ctype)
    assert (status, json.loads(body)["error"]) == (400, "invalid_grant")
    bad = urllib.parse.urlencode(
        {"grant_type": "authorization_code", "code": "made-up", "client_id": "c", "client_secret": "s"}
    ).encode()
    assert raw(fake_google, "POST", "/token", bad, ctype)[0] == 400


def test_create_and_update_may_set_modified_time(fake_google: FakeGoogle) -> None:
    svc = drive()
    media = MediaInMemoryUpload(b"plan", mimetype=DOCX)
    body = {"name": "Plan", "mimeType": g.DOC_MIME, "modifiedTime": "2026-01-02T03:04:05.678Z"}
    made = run(svc.files().create(body=body, media_body=media, fields="id,modifiedTime,version"))
    assert made["modifiedTime"] == "2026-01-02T03:04:05.678Z"
    body = {"modifiedTime": "2026-02-03T04:05:06.789Z"}
    updated = run(svc.files().update(fileId=made["id"], body=body, media_body=media, fields="modifiedTime,version"))
    assert updated["modifiedTime"] == "2026-02-03T04:05:06.789Z" and updated["version"] != made["version"]
    fake_google.human_edit(made["id"])
    edited = run(svc.files().get(fileId=made["id"], fields="modifiedTime"))
    assert edited["modifiedTime"] != updated["modifiedTime"]
    with pytest.raises(g.GoogleApiError, match="Invalid value for modifiedTime"):
        run(svc.files().update(fileId=made["id"], body={"modifiedTime": "yesterday"}))


def test_sheets_dates_read_as_shown_or_as_serial_numbers(fake_google: FakeGoogle) -> None:
    when = dt.datetime(2027, 3, 15)
    book = fake_google.add_sheet("Dates", {"Tab": [["Review", "At"], [when, dt.datetime(2027, 3, 15, 14, 5)]]})
    values = sheets().spreadsheets().values()
    shown = run(values.get(spreadsheetId=book, range="Tab!A2:B2"))
    assert shown["values"] == [["3/15/2027", "3/15/2027 14:05:00"]]
    serial = run(values.get(spreadsheetId=book, range="Tab!A2:B2", valueRenderOption="UNFORMATTED_VALUE"))
    assert serial["values"] == [[46461, 46461 + (14 * 60 + 5) / 1440]]
    as_text = run(
        values.get(
            spreadsheetId=book,
            range="Tab!A2",
            valueRenderOption="UNFORMATTED_VALUE",
            dateTimeRenderOption="FORMATTED_STRING",
        )
    )
    assert as_text["values"] == [["3/15/2027"]]


# --------------------------------------------------------------------------------------------
# Documented behaviour issue 26 relies on: shortcuts, trash, search lag, roles, sharing, disabled APIs, revoke
# --------------------------------------------------------------------------------------------


def test_shortcuts_name_their_target(fake_google: FakeGoogle) -> None:
    target = fake_google.add_folder("Garcia, Ana")
    svc = drive()
    made = run(
        svc.files().create(
            body={
                "name": "Ana",
                "mimeType": "application/vnd.google-apps.shortcut",
                "shortcutDetails": {"targetId": target},
            },
            fields="id,mimeType,shortcutDetails",
        )
    )
    assert made["shortcutDetails"] == {"targetId": target, "targetMimeType": "application/vnd.google-apps.folder"}
    with pytest.raises(g.GoogleApiError) as missing:
        run(svc.files().create(body={"name": "x", "mimeType": "application/vnd.google-apps.shortcut"}))
    assert missing.value.status == 400


def test_trash_is_inherited_by_what_a_folder_holds(fake_google: FakeGoogle) -> None:
    parent = fake_google.add_folder("Last year")
    child = fake_google.add_folder("Garcia, Ana", parent)
    fake_google.trash(parent)
    got = run(drive().files().get(fileId=child, fields="trashed,explicitlyTrashed"))
    assert got == {"trashed": True, "explicitlyTrashed": False}
    listed = run(drive().files().list(q=f"'{parent}' in parents and trashed = false", fields="files(id)"))
    assert listed["files"] == []


def test_search_lags_behind_creates_but_get_does_not(fake_google: FakeGoogle) -> None:
    fake_google.drive.search_lag = 0.5
    made = run(drive().files().create(body={"name": "new"}, fields="id"))
    assert run(drive().files().list(q="name = 'new'", fields="files(id)"))["files"] == []
    assert run(drive().files().get(fileId=made["id"], fields="id"))["id"] == made["id"]
    time.sleep(0.6)
    assert run(drive().files().list(q="name = 'new'", fields="files(id)"))["files"] == [{"id": made["id"]}]


def test_a_shared_drive_contributor_cannot_trash_and_sees_who_can(fake_google: FakeGoogle) -> None:
    team = fake_google.add_shared_drive("Related services")
    fake_google.join_shared_drive(team, "writer", members=(("lead@district.org", "organizer"),))
    folder = fake_google.add_folder("Caseload", team)
    svc = drive()
    made = run(
        svc.files().create(body={"name": "x", "parents": [folder]}, fields="id,capabilities", supportsAllDrives=True)
    )
    assert made["capabilities"]["canTrash"] is False and made["capabilities"]["canEdit"] is True
    with pytest.raises(g.GoogleApiError) as refused:
        run(svc.files().update(fileId=made["id"], body={"trashed": True}, supportsAllDrives=True))
    assert (refused.value.status, refused.value.reason) == (403, "insufficientFilePermissions")
    perms = run(svc.files().get(fileId=made["id"], fields="permissions(role,emailAddress)", supportsAllDrives=True))
    assert perms["permissions"] == [{"role": "organizer", "emailAddress": "lead@district.org"}]


def test_sharing_is_inherited_from_the_folders_above(fake_google: FakeGoogle) -> None:
    root = fake_google.add_folder("OT Caseload")
    fake_google.share(root, "reader", domain="district.org")
    inner = fake_google.add_folder("Garcia, Ana", root)
    got = run(drive().files().get(fileId=inner, fields="shared,permissions(type,role,domain,emailAddress)"))
    assert got["shared"] is True
    assert got["permissions"] == [
        {"type": "user", "role": "owner", "emailAddress": "me@example.org"},
        {"type": "domain", "role": "reader", "domain": "district.org"},
    ]
    fake_google.share_as(inner, "reader")  # a viewer may not see the sharing
    assert "permissions" not in run(drive().files().get(fileId=inner, fields="permissions"))


def test_a_disabled_api_answers_every_call_with_its_console_link(fake_google: FakeGoogle) -> None:
    fake_google.disable_api("sheets")
    status, _, body = raw(fake_google, "GET", "/v4/spreadsheets/no-such-sheet")
    error = json.loads(body)["error"]
    assert status == 403 and error["errors"][0]["reason"] == "accessNotConfigured"  # before any 404
    assert "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=" in error["message"]
    assert raw(fake_google, "GET", "/drive/v3/files")[0] == 200  # Drive is still on


def test_revoke_ends_the_refresh_token_and_its_access_tokens(fake_google: FakeGoogle) -> None:
    refresh = fake_google.oauth.issue_refresh_token()
    form = urllib.parse.urlencode(
        {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "c", "client_secret": "s"}
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    access = json.loads(raw(fake_google, "POST", "/token", form, headers)[2])["access_token"]
    assert raw(fake_google, "GET", "/drive/v3/files", headers={"Authorization": f"Bearer {access}"})[0] == 200
    revoke = urllib.parse.urlencode({"token": refresh}).encode()
    assert raw(fake_google, "POST", "/revoke", revoke, headers)[0] == 200
    assert raw(fake_google, "GET", "/drive/v3/files", headers={"Authorization": f"Bearer {access}"})[0] == 401
    status, _, body = raw(fake_google, "POST", "/revoke", revoke, headers)
    assert status == 400 and json.loads(body)["error"] == "invalid_token"  # already revoked
    assert raw(fake_google, "POST", "/token", form, headers)[0] == 400  # invalid_grant

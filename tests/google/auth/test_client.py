"""generator.google.auth.client against the loopback fake, through the real google-api-python-client."""

from __future__ import annotations

import threading
import time

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient import discovery
from googleapiclient.http import MediaInMemoryUpload
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import AuthError, ConfigError, GoogleError
from generator.google.auth import client as g
from generator.google.auth import ids
from tests.google.fakegoogle import FakeGoogle, fixtures
from tests.google.fakegoogle.fixtures import LoopbackViolation

fake_google = fixtures.fake_google  # until tests/conftest.py provides it

DOCX = g.DOCX_MIME


def creds(token: str = "test-token") -> Credentials:
    return Credentials(token=token)


def drive() -> discovery.Resource:
    return g.build_service(*g.DRIVE, creds())


def sleeps_recorder() -> tuple[list[float], object]:
    slept: list[float] = []
    return slept, slept.append


# --------------------------------------------------------------------------------------------
# Discovery documents and routing
# --------------------------------------------------------------------------------------------


def test_bundled_document_is_untouched_without_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(g.ENV_API_ROOT, raising=False)
    assert g.api_root() is None
    doc = g.load_discovery("drive", "v3", g.api_root())
    assert doc["rootUrl"] == "https://www.googleapis.com/"
    assert doc["batchPath"] == "batch/drive/v3"


def test_rewrite_root_covers_json_media_mtls_and_batch() -> None:
    doc = g.load_discovery("drive", "v3", "http://127.0.0.1:9/prefix/")
    assert doc["rootUrl"] == "http://127.0.0.1:9/prefix/"
    assert doc["mtlsRootUrl"] == "http://127.0.0.1:9/prefix/"
    assert doc["baseUrl"] == "http://127.0.0.1:9/prefix/drive/v3/"
    assert doc["basePath"] == "/prefix/drive/v3/"
    sheets = g.load_discovery("sheets", "v4", "http://127.0.0.1:9")
    assert sheets["rootUrl"] == "http://127.0.0.1:9/"
    assert sheets["baseUrl"] == "http://127.0.0.1:9/"


@pytest.mark.parametrize("value", ["ftp://127.0.0.1:1/", "127.0.0.1:8765", "http://", "http://h/?a=1"])
def test_bad_api_root_is_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(g.ENV_API_ROOT, value)
    with pytest.raises(ConfigError, match=g.ENV_API_ROOT):
        g.api_root()


def test_api_root_gains_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(g.ENV_API_ROOT, " http://127.0.0.1:8765 ")
    assert g.api_root() == "http://127.0.0.1:8765/"
    assert g.token_uri_override() == "http://127.0.0.1:8765/token"


def test_every_kind_of_call_goes_to_the_loopback_root(fake_google: FakeGoogle) -> None:
    fake = fake_google
    svc = drive()
    folder = fake.add_folder("Caseload")
    g.execute(svc.files().list(q=f"'{folder}' in parents", fields="files(id)"))
    small = MediaInMemoryUpload(b"multipart body", mimetype="text/plain")
    made = g.execute(svc.files().create(body={"name": "m.txt", "parents": [folder]}, media_body=small, fields="id"))
    big = MediaInMemoryUpload(b"r" * 300_000, mimetype="application/octet-stream", resumable=True, chunksize=256 * 1024)
    g.execute(svc.files().create(body={"name": "r.bin", "parents": [folder]}, media_body=big, fields="id"))
    assert g.execute(svc.files().get_media(fileId=made["id"])) == b"multipart body"
    doc = fake.add_doc("Template", b"PK fake docx", folder)
    assert g.execute(svc.files().export(fileId=doc, mimeType=DOCX)) == b"PK fake docx"
    results: list[object] = []
    batch = svc.new_batch_http_request(callback=lambda _id, resp, exc: results.append(resp))
    batch.add(svc.files().get(fileId=folder, fields="id"))
    batch.add(svc.files().get(fileId=doc, fields="id"))
    g.execute(batch)
    sheet = fake.add_sheet("Roster", {"Kids": [["Name"], ["Ann"]]})
    sheets = g.build_service(*g.SHEETS, creds())
    g.execute(sheets.spreadsheets().values().get(spreadsheetId=sheet, range="Kids!A1:A2"))

    port = fake.url.rsplit(":", 1)[1].rstrip("/")
    assert {e.host for e in fake.log} == {f"127.0.0.1:{port}"}
    assert {e.api for e in fake.log} >= {"drive", "upload", "batch", "sheets"}
    assert {e.upload_type for e in fake.calls("POST", api="upload")} == {"multipart", "resumable"}
    chunk_puts = [e for e in fake.calls("PUT", api="upload") if "upload_id" in e.query]
    assert len(chunk_puts) == 2  # 300 000 bytes in 256 KiB chunks
    assert fake.count("POST", r"^/batch/drive/v3$") == 1
    assert fake.count("GET", r"/export$") == 1
    assert [r["id"] for r in results] == [folder, doc]
    assert fake.guard.blocked == []


def test_without_override_the_client_would_reach_google(
    fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Control for the test above: the guard really stops traffic that leaves loopback.
    monkeypatch.delenv(g.ENV_API_ROOT)
    svc = g.build_service(*g.DRIVE, creds())
    with pytest.raises(LoopbackViolation):
        g.execute(svc.files().list(), retries=0)
    assert any("googleapis.com" in b for b in fake_google.guard.blocked)
    fake_google.guard.blocked.clear()


def test_api_endpoint_option_alone_would_misroute_batch(
    fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why the design rewrites rootUrl: client_options moves JSON calls but not batch.
    monkeypatch.delenv(g.ENV_API_ROOT)
    doc = g.load_discovery("drive", "v3")
    svc = discovery.build_from_document(
        doc, http=g.new_http(), client_options={"api_endpoint": fake_google.url + "drive/v3/"}
    )
    batch = svc.new_batch_http_request()
    batch.add(svc.files().get(fileId="x"))
    with pytest.raises(LoopbackViolation):
        batch.execute()
    assert any("www.googleapis.com" in b for b in fake_google.guard.blocked)
    fake_google.guard.blocked.clear()


def test_thread_service_is_per_thread_and_per_credentials(fake_google: FakeGoogle) -> None:
    c1, c2 = creds("a"), creds("b")
    here = g.thread_service(*g.DRIVE, c1)
    assert g.thread_service(*g.DRIVE, c1) is here
    assert g.thread_service(*g.DRIVE, c2) is not here
    other: list[object] = []
    t = threading.Thread(target=lambda: other.append(g.thread_service(*g.DRIVE, c1)))
    t.start()
    t.join()
    assert other[0] is not here
    assert other[0]._http.http is not here._http.http  # one httplib2.Http per thread


# --------------------------------------------------------------------------------------------
# Retries and errors
# --------------------------------------------------------------------------------------------


def test_429_and_500_are_retried_without_duplicate_creates(fake_google: FakeGoogle) -> None:
    fake_google.fail(429, method="POST", path="/files$")
    fake_google.fail(500, method="POST", path="/files$")
    slept, sleep = sleeps_recorder()
    svc = drive()
    body = {"name": "Ann Smith", "mimeType": g.FOLDER_MIME}
    made = g.execute(svc.files().create(body=body, fields="id,name"), sleep=sleep, rng=lambda: 1.0)
    assert made["name"] == "Ann Smith"
    assert len(fake_google.files(name="Ann Smith")) == 1
    assert fake_google.count("POST", "/drive/v3/files$") == 3
    assert slept == [1.0, 2.0]


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_rate_limit_403_is_retried(fake_google: FakeGoogle, reason: str) -> None:
    fake_google.fail(403, reason=reason, method="GET")
    slept, sleep = sleeps_recorder()
    out = g.execute(drive().files().list(), sleep=sleep)
    assert out["files"] == []
    assert len(slept) == 1


def test_permission_403_is_not_retried_and_explains(fake_google: FakeGoogle) -> None:
    fake_google.fail(403, reason="insufficientFilePermissions", message="No access to folder", method="GET")
    slept, sleep = sleeps_recorder()
    with pytest.raises(g.GoogleApiError) as info:
        g.execute(drive().files().list(), sleep=sleep)
    assert slept == []
    assert info.value.status == 403
    assert info.value.reason == "insufficientFilePermissions"
    assert "No access to folder" in str(info.value)
    assert "permission" in str(info.value)


def test_not_found_names_the_call_and_is_not_retried(fake_google: FakeGoogle) -> None:
    slept, sleep = sleeps_recorder()
    with pytest.raises(g.GoogleApiError) as info:
        g.execute(drive().files().get(fileId="missingFolderId12345"), sleep=sleep)
    err = info.value
    assert isinstance(err, GoogleError)
    assert (err.status, err.reason) == (404, "notFound")
    assert "drive.files.get" in str(err)
    assert "File not found: missingFolderId12345" in str(err)
    assert "Google Drive" in str(err)
    assert slept == []
    assert fake_google.count("GET", "/files/missingFolderId12345") == 1


def test_giving_up_reports_attempts(fake_google: FakeGoogle) -> None:
    fake_google.fail(503, method="GET", times=10)
    slept, sleep = sleeps_recorder()
    with pytest.raises(g.GoogleApiError, match=r"after 4 attempts: 503") as info:
        g.execute(drive().files().list(), retries=3, sleep=sleep)
    assert info.value.status == 503
    assert len(slept) == 3
    assert fake_google.count("GET", "/drive/v3/files$") == 4


def test_retry_after_header_is_honoured(fake_google: FakeGoogle) -> None:
    fake_google.fail(429, method="GET", retry_after=7)
    slept, sleep = sleeps_recorder()
    g.execute(drive().files().list(), sleep=sleep, rng=lambda: 0.0)
    assert slept == [7.0]


def test_dropped_connections_are_retried_once_created(fake_google: FakeGoogle) -> None:
    # httplib2 silently resends once after a dropped connection; the second drop reaches
    # execute(), which must retry. The fake drops before processing, so nothing is created.
    fake_google.fail("drop", method="POST", path="/files$", times=2)
    slept, sleep = sleeps_recorder()
    body = {"name": "Dropped", "mimeType": g.FOLDER_MIME}
    made = g.execute(drive().files().create(body=body, fields="id"), sleep=sleep)
    assert len(slept) == 1
    assert [f.id for f in fake_google.files(name="Dropped")] == [made["id"]]
    assert fake_google.count("POST", "/files$") == 3


def test_generated_id_makes_an_ambiguous_create_safe(fake_google: FakeGoogle) -> None:
    svc = drive()
    new_id = g.execute(svc.files().generateIds(count=1))["ids"][0]
    # The create takes effect but the answer is lost; the resend then meets 409.
    fake_google.fail("drop_after", method="POST", path="/upload/drive/v3/files$")
    media = MediaInMemoryUpload(b"plan bytes", mimetype="text/plain")
    request = svc.files().create(body={"id": new_id, "name": "plan.txt"}, media_body=media, fields="id,name")
    got = g.execute(
        request, sleep=lambda s: None, on_conflict=lambda: g.execute(svc.files().get(fileId=new_id, fields="id,name"))
    )
    assert got == {"id": new_id, "name": "plan.txt"}
    assert [f.id for f in fake_google.files(name="plan.txt")] == [new_id]
    assert fake_google.file(new_id).content == b"plan bytes"


def test_conflict_without_handler_is_an_error(fake_google: FakeGoogle) -> None:
    svc = drive()
    new_id = g.execute(svc.files().generateIds(count=1))["ids"][0]
    g.execute(svc.files().create(body={"id": new_id, "name": "a"}))
    with pytest.raises(g.GoogleApiError) as info:
        g.execute(svc.files().create(body={"id": new_id, "name": "a"}), sleep=lambda s: None)
    assert (info.value.status, info.value.reason) == (409, "duplicate")


def test_resumable_upload_resumes_after_a_failed_chunk(fake_google: FakeGoogle) -> None:
    data = bytes(range(256)) * 3000  # 768 000 bytes -> 3 chunks
    fake_google.fail(500, method="PUT", match=lambda r: "upload_id" in r.query, times=1)
    media = MediaInMemoryUpload(data, mimetype="application/octet-stream", resumable=True, chunksize=256 * 1024)
    slept, sleep = sleeps_recorder()
    made = g.execute(drive().files().create(body={"name": "big.bin"}, media_body=media, fields="id,size"), sleep=sleep)
    assert made["size"] == str(len(data))
    assert fake_google.file(made["id"]).content == data
    assert fake_google.count("POST", upload_type="resumable") == 1  # session reused
    assert len(fake_google.files(name="big.bin")) == 1
    assert len(slept) == 1


def test_unreachable_server_gives_connection_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeGoogle().start()
    url = fake.url
    fake.stop()  # nothing listens there now
    monkeypatch.setenv(g.ENV_API_ROOT, url)
    slept, sleep = sleeps_recorder()
    with pytest.raises(g.GoogleApiError, match="connection to Google kept failing") as info:
        g.execute(drive().files().list(), retries=2, sleep=sleep)
    assert info.value.reason == "connectionError"
    assert len(slept) == 2


def test_rejected_token_is_an_auth_error(fake_google: FakeGoogle) -> None:
    fake_google.oauth.revoke("revoked-token")
    svc = g.build_service(*g.DRIVE, creds("revoked-token"))
    with pytest.raises(AuthError, match="plangen auth login"):
        g.execute(svc.files().list())


def test_limiter_is_used_for_writes_only(fake_google: FakeGoogle) -> None:
    class Counting(g.RateLimiter):
        calls = 0

        def acquire(self) -> float:
            Counting.calls += 1
            return 0.0

    limiter = Counting(1000)
    svc = drive()
    g.execute(svc.files().list(), limiter=limiter)
    assert Counting.calls == 0
    g.execute(svc.files().create(body={"name": "x"}), limiter=limiter)
    assert Counting.calls == 1
    batch = svc.new_batch_http_request()
    batch.add(svc.files().create(body={"name": "y"}))
    batch.add(svc.files().create(body={"name": "z"}))
    batch.add(svc.files().list())
    g.execute(batch, limiter=limiter)
    assert Counting.calls == 3  # one per write inside the batch


def test_backoff_grows_and_is_capped() -> None:
    assert g.backoff_delay(0, rng=lambda: 1.0) == 1.0
    assert g.backoff_delay(3, rng=lambda: 1.0) == 8.0
    assert g.backoff_delay(3, rng=lambda: 0.0) == 4.0
    assert g.backoff_delay(10, rng=lambda: 1.0) == 32.0
    assert g.is_retryable(429, None) and g.is_retryable(502, "backendError")
    assert g.is_retryable(403, "userRateLimitExceeded")
    assert not g.is_retryable(403, "insufficientFilePermissions")
    assert not g.is_retryable(400, "invalid")


# --------------------------------------------------------------------------------------------
# Client-side write pacing
# --------------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rate_limiter_spaces_writes() -> None:
    clock = FakeClock()
    limiter = g.RateLimiter(3, clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire() for _ in range(6)]
    assert waits[0] == 0
    assert clock.now == pytest.approx(100 + 5 / 3)
    assert all(w == pytest.approx(1 / 3) for w in waits[1:])


def test_rate_limiter_allows_a_burst_then_paces() -> None:
    clock = FakeClock()
    limiter = g.RateLimiter(2, burst=3, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire() == pytest.approx(0.5)
    clock.now += 10  # idle time refills the burst, but never beyond it
    assert [limiter.acquire() for _ in range(3)] == [0, 0, 0]
    assert limiter.acquire() > 0


def test_rate_limiter_is_thread_safe() -> None:
    limiter = g.RateLimiter(50)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(6)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stamps) == 18
    assert time.monotonic() - start >= 17 / 50 - 0.01
    stamps.sort()
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert sum(gaps) / len(gaps) >= 1 / 50 * 0.9


def test_rate_limiter_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        g.RateLimiter(0)
    with pytest.raises(ValueError):
        g.RateLimiter(3, burst=0)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------

FID = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"


@pytest.mark.parametrize(
    "text",
    [
        FID,
        f"  {FID}\n",
        f"https://drive.google.com/drive/folders/{FID}",
        f"https://drive.google.com/drive/folders/{FID}?usp=sharing",
        f"https://drive.google.com/drive/u/0/folders/{FID}?resourcekey=0-abcDEF",
        f"https://drive.google.com/drive/u/2/folders/{FID}",
        f"drive.google.com/drive/folders/{FID}",
        f"https://drive.google.com/open?id={FID}",
        f"https://drive.google.com/open?id={FID}&authuser=0",
        f"https://drive.google.com/file/d/{FID}/view?usp=drive_link",
        f"https://drive.google.com/file/d/{FID}",
        f"https://docs.google.com/document/d/{FID}/edit",
        f"https://docs.google.com/document/u/1/d/{FID}/edit?tab=t.0",
        f"https://docs.google.com/spreadsheets/d/{FID}/edit#gid=123",
        f"https://docs.google.com/a/school.org/document/d/{FID}/edit",
        f"<https://drive.google.com/drive/folders/{FID}>",
    ],
)
def test_parse_drive_id_accepts_usual_forms(text: str) -> None:
    assert ids.parse_drive_id(text) == FID


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ann Smith folder",
        "short",
        "https://drive.google.com/drive/my-drive",
        f"https://example.com/drive/folders/{FID}",
        "https://drive.google.com/open?id=bad id",
    ],
)
def test_parse_drive_id_rejects_other_text(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        ids.parse_drive_id(text, what="student folder link")
    assert "student folder link" in str(info.value)
    assert "address bar" in str(info.value)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=15, max_size=60))
def test_parse_drive_id_round_trips(file_id: str) -> None:
    assert ids.parse_drive_id(file_id) == file_id
    assert ids.parse_drive_id(f"https://drive.google.com/drive/folders/{file_id}?x=1") == file_id
    assert ids.parse_drive_id(f"https://docs.google.com/document/d/{file_id}/edit") == file_id


def test_parse_sheet_gid() -> None:
    base = f"https://docs.google.com/spreadsheets/d/{FID}/edit"
    assert ids.parse_sheet_gid(base + "#gid=123") == 123
    assert ids.parse_sheet_gid(base + "?gid=5#gid=5") == 5
    assert ids.parse_sheet_gid(base + "#gid=0&range=A1") == 0
    assert ids.parse_sheet_gid(base) is None
    assert ids.parse_sheet_gid(FID) is None
    with pytest.raises(ConfigError, match="gid"):
        ids.parse_sheet_gid(base + "#gid=abc")


def test_web_link_by_type() -> None:
    assert ids.web_link("F", g.FOLDER_MIME) == "https://drive.google.com/drive/folders/F"
    assert ids.web_link("D", g.DOC_MIME) == "https://docs.google.com/document/d/D/edit"
    assert ids.web_link("S", g.SHEET_MIME) == "https://docs.google.com/spreadsheets/d/S/edit"
    assert ids.web_link("B", "application/pdf") == "https://drive.google.com/file/d/B/view"

"""The loopback server: routing, request log, latency, scripted faults and write-rate limits.

It answers Drive v3, Sheets v4, batch and OAuth requests on ``127.0.0.1`` at an ephemeral port.
Request bodies are never printed or logged (they hold student data); the log keeps method,
path, query, upload type, time and status so tests can count calls.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.google.fakegoogle import batch, routes
from tests.google.fakegoogle.common import DEFAULT_PROJECT, ApiError, Request, Response
from tests.google.fakegoogle.drive import DriveStore
from tests.google.fakegoogle.oauth import OAuthServer
from tests.google.fakegoogle.seed import Seeding
from tests.google.fakegoogle.sheets import SheetsStore
from tests.google.fakegoogle.uploads import ResumableSessions

DROP = "drop"
_SERVICES = {
    "drive": ("Google Drive API", "drive.googleapis.com"),
    "sheets": ("Google Sheets API", "sheets.googleapis.com"),
}
DROP_AFTER = "drop_after"


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    upload_type: str | None
    time: float  # time.monotonic() when the request arrived
    host: str
    api: str  # "drive", "upload", "batch", "sheets", "oauth" or "other"
    in_batch: bool = False
    status: int | None = None
    fault: str | None = None
    size: int = 0  # request body length; the body itself is never kept


@dataclass
class Fault:
    action: int | str
    method: str | None
    path: re.Pattern[str] | None
    match: Callable[[Request], bool] | None
    remaining: int
    reason: str | None
    message: str | None
    retry_after: float | None

    def applies(self, req: Request) -> bool:
        if self.method and req.method != self.method.upper():
            return False
        if self.path and not self.path.search(req.raw_path):
            return False
        return self.match is None or bool(self.match(req))

    def error(self) -> ApiError:
        assert isinstance(self.action, int)
        reason = self.reason
        if reason is None and self.action == 403:
            reason = "userRateLimitExceeded"
        headers = {"Retry-After": f"{self.retry_after:g}"} if self.retry_after is not None else None
        return ApiError(self.action, reason, self.message, headers=headers)


def api_of(path: str) -> str:
    if path.startswith("/drive/"):
        return "drive"
    if path.startswith("/upload/"):
        return "upload"
    if path.startswith("/batch"):
        return "batch"
    if path.startswith("/v4/spreadsheets"):
        return "sheets"
    if path in ("/token", "/o/oauth2/auth", "/revoke"):
        return "oauth"
    return "other"


class FakeGoogle(Seeding):
    """Drive v3 + Sheets v4 + OAuth on loopback; see ``tests/google/fakegoogle/__init__.py``."""

    def __init__(self, *, max_page_size: int = 1000, require_auth: bool = True):
        self.lock = threading.RLock()
        self.drive = DriveStore(self.lock, max_page_size)
        self.sheets = SheetsStore(self.lock, on_change=self.drive.touch)
        self.drive.sheets = self.sheets
        self.oauth = OAuthServer(self.lock)
        self.uploads = ResumableSessions(self.lock)
        self.require_auth = require_auth
        self.latency: float | Callable[[Request], float] = 0.0
        self.log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._write_limit: tuple[float, int] | None = None
        self.disabled_apis: set[str] = set()  # "drive" or "sheets": switched off in the Cloud project
        self._writes: deque[float] = deque()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeGoogle:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fakegoogle", kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeGoogle is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    @property
    def max_page_size(self) -> int:
        return self.drive.max_page_size

    @max_page_size.setter
    def max_page_size(self, value: int) -> None:
        self.drive.max_page_size = value

    # -- faults and limits ---------------------------------------------------------------------

    def fail(
        self,
        action: int | str,
        *,
        method: str | None = None,
        path: str | None = None,
        match: Callable[[Request], bool] | None = None,
        times: int = 1,
        reason: str | None = None,
        message: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Script the next ``times`` matching requests to fail.

        ``action`` is an HTTP status (answered in Google's error shape without touching any
        state), ``"drop"`` (connection closed before processing) or ``"drop_after"`` (the
        request takes effect, then the connection is closed before the response).
        """
        if not (isinstance(action, int) or action in (DROP, DROP_AFTER)):
            raise ValueError(f"unknown fault {action!r}")
        with self.lock:
            self._faults.append(
                Fault(action, method, re.compile(path) if path else None, match, times, reason, message, retry_after)
            )

    def clear_faults(self) -> None:
        """Forget every scripted fault not used up yet."""
        with self.lock:
            self._faults.clear()

    def set_write_limit(self, per_second: float | None, *, status: int = 403) -> None:
        """Reject writes beyond ``per_second`` in any 1 s window (403 userRateLimitExceeded
        or 429 rateLimitExceeded), like Drive's per-user write quota."""
        with self.lock:
            self._write_limit = None if per_second is None else (per_second, status)
            self._writes.clear()

    def _take_fault(self, req: Request, *, statuses_only: bool = False) -> Fault | None:
        with self.lock:
            for fault in self._faults:
                if statuses_only and not isinstance(fault.action, int):
                    continue
                if fault.remaining > 0 and fault.applies(req):
                    fault.remaining -= 1
                    return fault
        return None

    def _allow_write(self, req: Request) -> None:
        with self.lock:
            if self._write_limit is None:
                return
            per_second, status = self._write_limit
            now = time.monotonic()
            while self._writes and self._writes[0] <= now - 1.0:
                self._writes.popleft()
            if len(self._writes) >= per_second:
                reason = "rateLimitExceeded" if status == 429 else "userRateLimitExceeded"
                text = "Rate Limit Exceeded" if status == 429 else "User Rate Limit Exceeded"
                raise ApiError(status, reason, text, domain="usageLimits")
            self._writes.append(now)

    def disable_api(self, api: str) -> None:
        """Switch an API off in the Cloud project, as an admin or a new project leaves it."""
        if api not in _SERVICES:
            raise ValueError(f"unknown API {api!r}")
        with self.lock:
            self.disabled_apis.add(api)

    def _check_enabled(self, req: Request, api: str) -> None:
        """A disabled API answers every call 403 accessNotConfigured, naming the console page that enables it
        (Google checks this before it looks at the file, so a missing file is no 404 then)."""
        service = "drive" if api == "upload" else api
        if service not in self.disabled_apis:
            return
        title, host = _SERVICES[service]
        project = req.caller.project if req.caller is not None else DEFAULT_PROJECT
        raise ApiError(
            403,
            "accessNotConfigured",
            f"{title} has not been used in project {project} before or it is disabled. Enable it by visiting "
            f"https://console.developers.google.com/apis/api/{host}/overview?project={project} then retry. If "
            "you enabled this API recently, wait a few minutes for the action to propagate to our systems and "
            "retry.",
            domain="usageLimits",
        )

    # -- request log ---------------------------------------------------------------------------

    def calls(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        api: str | None = None,
        in_batch: bool | None = None,
        upload_type: str | None = None,
    ) -> list[LoggedRequest]:
        """Logged requests matching all given filters (``path`` is a regex searched)."""
        pattern = re.compile(path) if path else None
        with self.lock:
            entries = list(self.log)
        return [
            e
            for e in entries
            if (method is None or e.method == method.upper())
            and (pattern is None or pattern.search(e.path))
            and (api is None or e.api == api)
            and (in_batch is None or e.in_batch == in_batch)
            and (upload_type is None or e.upload_type == upload_type)
        ]

    def count(self, method: str | None = None, path: str | None = None, **filters: Any) -> int:
        return len(self.calls(method, path, **filters))

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()

    # -- request handling ----------------------------------------------------------------------

    def handle(self, req: Request) -> Response | str:
        entry = self._log(req, in_batch=False)
        delay = self.latency(req) if callable(self.latency) else self.latency
        if delay:
            time.sleep(delay)
        fault = self._take_fault(req)
        if fault is not None and fault.action == DROP:
            entry.fault = DROP
            return DROP
        if fault is not None and isinstance(fault.action, int):
            entry.fault = str(fault.action)
            resp = fault.error().response()
        else:
            resp = self._serve(req)
        entry.status = resp.status
        if fault is not None and fault.action == DROP_AFTER:
            entry.fault = DROP_AFTER
            return DROP
        return resp

    def _dispatch_inner(self, req: Request) -> Response:
        entry = self._log(req, in_batch=True)
        fault = self._take_fault(req, statuses_only=True)
        if fault is not None and isinstance(fault.action, int):
            entry.fault = str(fault.action)
            resp = fault.error().response()
        else:
            resp = self._serve(req)
        entry.status = resp.status
        return resp

    def _log(self, req: Request, *, in_batch: bool) -> LoggedRequest:
        entry = LoggedRequest(
            req.method,
            req.raw_path,
            req.query,
            req.upload_type,
            time.monotonic(),
            req.headers.get("host", ""),
            api_of(req.raw_path),
            in_batch=in_batch,
            size=len(req.body),
        )
        with self.lock:
            self.log.append(entry)
        return entry

    def _serve(self, req: Request) -> Response:
        api = api_of(req.raw_path)
        try:
            if api == "oauth":
                if req.raw_path == "/token" and req.method == "POST":
                    return self.oauth.token(req)
                if req.raw_path == "/revoke" and req.method == "POST":
                    return self.oauth.revoke_endpoint(req)
                if req.method == "GET":
                    return self.oauth.authorize(req)
                raise ApiError(405, "badRequest", "Method not allowed")
            if self.require_auth and api != "batch":
                req.caller = self.oauth.check(req)
            self._check_enabled(req, api)
            is_chunk = req.method == "PUT" and req.param("upload_id")
            if api != "batch" and req.method != "GET" and not is_chunk:
                self._allow_write(req)
            if api in ("drive", "upload"):
                return routes.drive(self, req, api)
            if api == "batch":
                return batch.handle(req, self._dispatch_inner)
            if api == "sheets":
                return routes.sheets(self, req)
            raise ApiError(404, "notFound", f"Not Found: {req.method} {req.raw_path}")
        except ApiError as exc:
            return exc.response()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGoogle

    def __init__(self, *args: Any, **kwargs: Any):
        self.conns: set[socket.socket] = set()
        self.conns_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def close_connections(self) -> None:
        with self.conns_lock:
            conns = list(self.conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.conns_lock:
            self.server.conns.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conns_lock:
                self.server.conns.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence: request lines can carry student names in queries."""

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        req = Request.from_target(self.command, self.path, dict(self.headers.items()), body)
        result = self.server.fake.handle(req)
        if isinstance(result, str):  # DROP: close without answering
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(result.status)
        for key, value in result.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(result.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

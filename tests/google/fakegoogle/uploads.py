"""Drive media uploads: multipart bodies, simple media, and resumable sessions, byte-exact.

Resumable sessions follow Drive's protocol: the initiating POST/PATCH returns a session URI in
``Location``; chunks are PUT with ``Content-Range: bytes a-b/total`` and answered ``308`` with
``Range: bytes=0-n`` until complete; ``Content-Range: bytes */total`` asks for the status; a
completed session answers its final response again, so a retried last chunk cannot create a
second file.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.google.fakegoogle.common import ApiError, Request, Response


def header_param(value: str, name: str) -> str | None:
    m = re.search(rf'{name}="([^"]*)"', value) or re.search(rf"{name}=([^;\s]+)", value)
    return m.group(1) if m else None


def parse_headers(lines: list[str]) -> dict[str, str]:
    """Header lines to a dict, unfolding continuation lines (long Content-Types get folded)."""
    unfolded: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] += " " + line.strip()
        else:
            unfolded.append(line)
    headers: dict[str, str] = {}
    for line in unfolded:
        if ":" in line:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
    return headers


def parse_multipart(body: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart body into (headers, payload) without touching payload bytes.

    The line break before each delimiter belongs to the delimiter (RFC 2046); whether it is
    CRLF or a bare LF (googleapiclient writes LF) is taken from the part's own header lines.
    """
    boundary = header_param(content_type, "boundary")
    if not boundary:
        raise ApiError(400, "badContent", "Missing multipart boundary.")
    delim = b"--" + boundary.encode("latin-1")
    chunks = body.split(delim)
    parts: list[tuple[dict[str, str], bytes]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        eol = b"\r\n" if chunk.startswith(b"\r\n") else b"\n"
        if not chunk.startswith(eol):
            raise ApiError(400, "badContent", "Malformed multipart body.")
        chunk = chunk[len(eol) :]
        if chunk.startswith(eol):
            head, payload = b"", chunk[len(eol) :]
        else:
            head, sep, payload = chunk.partition(eol + eol)
            if not sep:
                raise ApiError(400, "badContent", "Malformed multipart body.")
        if payload.endswith(eol):
            payload = payload[: -len(eol)]
        parts.append((parse_headers(head.decode("latin-1").split(eol.decode())), payload))
    if not parts:
        raise ApiError(400, "badContent", "Malformed multipart body.")
    return parts


def multipart_upload(req: Request) -> tuple[dict[str, Any], tuple[bytes, str]]:
    parts = parse_multipart(req.body, req.headers.get("content-type", ""))
    if len(parts) != 2:
        raise ApiError(400, "badContent", "Multipart upload needs metadata and media parts.")
    (meta_headers, meta_raw), (media_headers, media) = parts
    try:
        meta = json.loads(meta_raw.decode("utf-8")) if meta_raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "parseError", "Parse Error") from exc
    if media_headers.get("content-transfer-encoding", "").lower() == "base64":
        media = base64.b64decode(media)
    media_type = media_headers.get("content-type", "application/octet-stream").split(";")[0]
    del meta_headers
    return meta, (media, media_type)


def simple_upload(req: Request) -> tuple[dict[str, Any], tuple[bytes, str]]:
    media_type = req.headers.get("content-type", "application/octet-stream").split(";")[0]
    return {}, (req.body, media_type)


@dataclass
class Session:
    id: str
    file_id: str | None
    params: dict[str, str]
    meta: dict[str, Any]
    media_type: str
    total: int | None
    data: bytearray = field(default_factory=bytearray)
    result: Response | None = None
    puts: int = 0


class ResumableSessions:
    def __init__(self, lock: threading.RLock):
        self.lock = lock
        self.sessions: dict[str, Session] = {}

    def start(self, req: Request, file_id: str | None, params: dict[str, str]) -> Response:
        meta = req.json()
        media_type = req.headers.get("x-upload-content-type") or meta.get("mimeType") or ("application/octet-stream")
        length = req.headers.get("x-upload-content-length")
        total = int(length) if length and length.isdigit() else None
        sid = secrets.token_urlsafe(24)
        with self.lock:
            self.sessions[sid] = Session(sid, file_id, params, meta, media_type, total)
        host = req.headers.get("host", "127.0.0.1")
        target = "/upload/drive/v3/files" + (f"/{file_id}" if file_id else "")
        location = f"http://{host}{target}?uploadType=resumable&upload_id={sid}"
        return Response(200, b"", {"Location": location, "X-GUploader-UploadID": sid})

    def session(self, sid: str) -> Session:
        with self.lock:
            found = self.sessions.get(sid)
        if found is None:
            raise ApiError(404, "notFound", "The upload session was not found or has expired.", location="upload_id")
        return found

    def put(self, req: Request, sid: str, finish: Any) -> Response:
        """Store a chunk; ``finish(session)`` creates/updates the file once all bytes are in."""
        s = self.session(sid)
        with self.lock:
            if s.result is not None:
                return s.result
            s.puts += 1
            crange = req.headers.get("content-range")
            if crange is None:
                s.data[:] = req.body
                s.total = len(req.body)
            else:
                m = re.fullmatch(r"bytes (\*|(\d+)-(\d+))/(\*|\d+)", crange.strip())
                if not m:
                    raise ApiError(400, "badRequest", f"Invalid Content-Range: {crange}")
                if m.group(4) != "*":
                    s.total = int(m.group(4))
                if m.group(1) != "*":
                    start, end = int(m.group(2)), int(m.group(3))
                    if start > len(s.data) or end - start + 1 != len(req.body):
                        raise ApiError(400, "badRequest", "Content-Range does not match the bytes already received.")
                    s.data[start:] = req.body
            if s.total is not None and len(s.data) > s.total:
                raise ApiError(400, "badRequest", "More bytes than X-Upload-Content-Length.")
            if s.total is None or len(s.data) < s.total:
                headers = {"Range": f"bytes=0-{len(s.data) - 1}"} if s.data else {}
                return Response(308, b"", headers)
            s.result = finish(s)
            return s.result

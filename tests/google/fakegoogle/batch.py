"""Batch requests (``POST /batch/drive/v3``, ``/batch``): multipart/mixed of application/http."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from http import HTTPStatus

from tests.google.fakegoogle.common import ApiError, Request, Response
from tests.google.fakegoogle.uploads import parse_headers, parse_multipart


def parse_http(payload: bytes, outer: Request) -> Request:
    """One embedded request: request line, headers, blank line, body."""
    eol = b"\r\n" if b"\r\n" in payload.split(b"\n", 1)[0] + b"\n" else b"\n"
    head, _, body = payload.partition(eol + eol)
    lines = head.decode("utf-8").split(eol.decode())
    try:
        method, target, _version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise ApiError(400, "badRequest", "Malformed batch part.") from exc
    headers = parse_headers(lines[1:])
    headers.setdefault("host", outer.headers.get("host", ""))
    if "content-length" in headers and headers["content-length"].isdigit():
        body = body[: int(headers["content-length"])]
    return Request.from_target(method, target, headers, body)


def handle(outer: Request, dispatch: Callable[[Request], Response]) -> Response:
    parts = parse_multipart(outer.body, outer.headers.get("content-type", ""))
    if len(parts) > 100:
        raise ApiError(400, "badRequest", "A batch request may hold at most 100 calls.")
    boundary = "batch_" + secrets.token_hex(12)
    out: list[bytes] = []
    for headers, payload in parts:
        inner = parse_http(payload, outer)
        resp = dispatch(inner)
        cid = headers.get("content-id", "")
        if cid.startswith("<"):
            cid = "<response-" + cid[1:]
        try:
            phrase = HTTPStatus(resp.status).phrase
        except ValueError:
            phrase = "Unknown"
        head = [f"HTTP/1.1 {resp.status} {phrase}"]
        head += [f"{k}: {v}" for k, v in resp.headers.items()]
        inner_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + resp.body
        out.append(
            (f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {cid}\r\n\r\n").encode()
            + inner_bytes
            + b"\r\n"
        )
    body = b"".join(out) + f"--{boundary}--\r\n".encode()
    return Response(200, body, {"Content-Type": f"multipart/mixed; boundary={boundary}"})

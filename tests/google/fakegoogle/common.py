"""Request/response types, Google-shaped errors and `fields` selection shared by the fake."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# Default (reason, domain, message) Google uses for an HTTP status when nothing more is known.
DEFAULT_REASONS = {
    400: ("badRequest", "global", "Bad Request"),
    401: ("authError", "global", "Invalid Credentials"),
    403: ("userRateLimitExceeded", "usageLimits", "User Rate Limit Exceeded"),
    404: ("notFound", "global", "Not Found"),
    409: ("conflict", "global", "Conflict"),
    429: ("rateLimitExceeded", "usageLimits", "Rate Limit Exceeded"),
    500: ("backendError", "global", "Backend Error"),
    502: ("backendError", "global", "Bad Gateway"),
    503: ("backendError", "global", "Service Unavailable"),
    504: ("backendError", "global", "Gateway Timeout"),
}


class ApiError(Exception):
    """An error the fake answers in Google's JSON shape."""

    def __init__(
        self,
        code: int,
        reason: str | None = None,
        message: str | None = None,
        *,
        domain: str | None = None,
        location: str | None = None,
        location_type: str = "parameter",
        headers: dict[str, str] | None = None,
    ):
        d_reason, d_domain, d_message = DEFAULT_REASONS.get(code, ("error", "global", "Error"))
        self.code = code
        self.reason = reason or d_reason
        self.domain = domain or d_domain
        self.message = message or d_message
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}
        super().__init__(f"{code} {self.reason}: {self.message}")

    def payload(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.message,
        }
        if self.location:
            item["location"] = self.location
            item["locationType"] = self.location_type
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": [item],
                "status": STATUS_NAMES.get(self.code, "UNKNOWN"),
            }
        }

    def response(self) -> Response:
        return Response.json(self.payload(), self.code, headers=self.headers)


def invalid(message: str = "Invalid Value", location: str | None = None) -> ApiError:
    return ApiError(400, "invalid", message, location=location)


def not_found(file_id: str, location: str = "fileId") -> ApiError:
    return ApiError(404, "notFound", f"File not found: {file_id}.", location=location)


DEFAULT_PROJECT = "plangen-project"  # the Cloud project of tokens the fake did not issue


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the OAuth client's Cloud project (appProperties are private to it), and
    whether a service account acts as itself (it owns no My Drive storage)."""

    project: str = DEFAULT_PROJECT
    client_id: str | None = None
    service_account: bool = False
    file_only: bool = False  # drive.file without drive: sees only files its project's app created


@dataclass
class Request:
    """One HTTP request as the fake sees it (also used for each part of a batch)."""

    method: str
    raw_path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    caller: Caller = field(default_factory=Caller)

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        path, _, qs = target.partition("?")
        query = urllib.parse.parse_qs(qs, keep_blank_values=True)
        return cls(method.upper(), path, query, {k.lower(): v for k, v in headers.items()}, body)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def flag(self, name: str) -> bool:
        return (self.param(name, "false") or "").lower() == "true"

    @property
    def segments(self) -> list[str]:
        """Path segments, each percent-decoded after splitting so %2F stays inside one."""
        return [urllib.parse.unquote(s) for s in self.raw_path.strip("/").split("/")]

    @property
    def upload_type(self) -> str | None:
        return self.param("uploadType")

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "parseError", "Parse Error") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "parseError", "Parse Error")
        return data


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(data, indent=1).encode("utf-8")
        hdrs = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
        return cls(status, body, hdrs)

    @classmethod
    def raw(cls, data: bytes, content_type: str, status: int = 200) -> Response:
        return cls(status, data, {"Content-Type": content_type})


def parse_time(value: Any, location: str) -> float:
    """An RFC 3339 time a client wrote (e.g. ``modifiedTime``), as epoch seconds."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid(f"Invalid value for {location}: {value}", location) from exc
    if when.tzinfo is None:
        raise invalid(f"Invalid value for {location}: {value}", location)
    return when.timestamp()


def rfc3339(ts: float) -> str:
    """Google's timestamp form: UTC, milliseconds, trailing Z."""
    when = dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------------
# Partial responses (`fields=`)
# --------------------------------------------------------------------------------------------

FieldTree = dict[str, "FieldTree"]


def parse_fields(spec: str) -> FieldTree | None:
    """``"nextPageToken, files(id,name)"`` -> nested dict; None selects everything."""
    spec = spec.strip()
    if spec in ("", "*"):
        return None
    pos = 0

    def parse_list(end: str | None) -> FieldTree:
        nonlocal pos
        tree: FieldTree = {}
        while True:
            start = pos
            while pos < len(spec) and spec[pos] not in ",()":
                pos += 1
            path = spec[start:pos].strip()
            if not path:
                raise invalid(f"Invalid field selection {spec}", "fields")
            node = tree
            for part in path.split("/"):
                node = node.setdefault(part.strip(), {})
            if pos < len(spec) and spec[pos] == "(":
                pos += 1
                sub = parse_list(")")
                for key, value in sub.items():
                    node.setdefault(key, {}).update(value)
                if sub and "*" in sub:
                    node.clear()
            if pos >= len(spec):
                if end is not None:
                    raise invalid(f"Invalid field selection {spec}", "fields")
                return tree
            if spec[pos] == ",":
                pos += 1
                continue
            if spec[pos] == ")" and end == ")":
                pos += 1
                return tree
            raise invalid(f"Invalid field selection {spec}", "fields")

    return parse_list(None)


def check_fields(tree: FieldTree | None, allowed: dict[str, set[str] | None]) -> None:
    """Reject unknown names the way Drive does, so a typo in `fields` fails in tests too.

    ``allowed`` maps a top-level name to the allowed names one level down (None: anything).
    """
    if tree is None:
        return
    for name, sub in tree.items():
        if name == "*":
            continue
        if name not in allowed:
            raise invalid(f"Invalid field selection {name}", "fields")
        inner = allowed[name]
        if inner is not None and sub:
            for child in sub:
                if child != "*" and child not in inner:
                    raise invalid(f"Invalid field selection {child}", "fields")


def select(data: Any, tree: FieldTree | None) -> Any:
    if tree is None or not tree:
        return data
    if isinstance(data, list):
        return [select(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    if "*" in tree:
        return data
    return {k: select(data[k], tree[k]) for k in tree if k in data}

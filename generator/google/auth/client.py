"""Google API clients that can be pointed at a loopback fake, retried, and paced.

Everything plangen sends to Google goes through :func:`build_service` and :func:`execute`, so
three properties hold for the whole program rather than per call site:

* ``PLANGEN_GOOGLE_API_ROOT`` redirects *every* request -- JSON calls, media uploads (multipart
  and resumable), downloads, exports, batch and OAuth token refreshes -- to one root. Passing
  ``client_options.api_endpoint`` is not enough: googleapiclient builds upload and batch URLs
  from the discovery document's ``rootUrl``, so that is what gets rewritten here.
* Transient failures (429, rate-limit 403s, 5xx, dropped connections) are retried with
  exponential backoff and jitter; what is left is a :class:`GoogleApiError` with a message a
  therapist can act on.
* Writes can be paced by a shared :class:`RateLimiter`, which can learn the pace Google allows
  (slower on each rate-limit refusal, faster while writes succeed).

httplib2 objects are not thread-safe, so each thread gets its own service (:func:`thread_service`).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import ssl
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from typing import Any

import google.auth.exceptions
import google_auth_httplib2
import httplib2
from googleapiclient import discovery, discovery_cache
from googleapiclient.errors import HttpError

from generator.errors import AuthError, ConfigError, GoogleApiError, GoogleError
from generator.google.auth.ids import (  # noqa: F401  (re-exported: callers of the API name these with it)
    DOC_MIME,
    DOCX_MIME,
    FOLDER_MIME,
    SHEET_MIME,
    XLSX_MIME,
)

ENV_API_ROOT = "PLANGEN_GOOGLE_API_ROOT"

DRIVE = ("drive", "v3")
SHEETS = ("sheets", "v4")


DEFAULT_TIMEOUT = 120.0
DEFAULT_RETRIES = 6

_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})
# Google's guidance for rate limits: back off exponentially up to a maximum delay, then keep retrying at
# that delay. A rate-limited request was not carried out, so waiting is always safe; it is bounded only
# so a run whose quota is gone for the day ends. Refusals do not count against ``retries``.
RATE_LIMIT_PATIENCE = 15 * 60.0  # seconds of waiting on rate limits per request
_SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientScopes"})
_API_NAMES = {"drive": "Google Drive", "sheets": "Google Sheets", "docs": "Google Docs"}


# --------------------------------------------------------------------------------------------
# Discovery documents and clients
# --------------------------------------------------------------------------------------------


def api_root() -> str | None:
    """The override root from the environment, validated so a typo cannot reach Google."""
    raw = os.environ.get(ENV_API_ROOT, "").strip()
    if not raw:
        return None
    parts = urllib.parse.urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"{ENV_API_ROOT}={raw!r} is not a usable API root: give a URL such as "
            "http://127.0.0.1:8765/ (scheme, host and port, no query), or unset it to use Google."
        )
    return raw if raw.endswith("/") else raw + "/"


def token_uri_override() -> str | None:
    """Where OAuth token requests go when the API root is overridden (tests, emulators)."""
    root = api_root()
    return None if root is None else root + "token"


def revoke_uri() -> str:
    """Google's token revocation endpoint (under the overridden root in tests and emulators)."""
    root = api_root()
    return "https://oauth2.googleapis.com/revoke" if root is None else root + "revoke"


def auth_uri_override() -> str | None:
    """Where the browser sign-in page is when the API root is overridden."""
    root = api_root()
    return None if root is None else root + "o/oauth2/auth"


def _static_document(api: str, version: str) -> str:
    text = None
    get_static = getattr(discovery_cache, "get_static_doc", None)
    if get_static is not None:
        text = get_static(api, version)
    if text is None:
        path = os.path.join(discovery_cache.DISCOVERY_DOC_DIR, f"{api}.{version}.json")
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError:
            text = None
    if text is None:
        raise GoogleError(
            f"google-api-python-client has no bundled description of the {api} {version} API; "
            "reinstall or upgrade google-api-python-client."
        )
    return text


def rewrite_root(doc: dict[str, Any], root: str) -> dict[str, Any]:
    """Point a discovery document at ``root`` for JSON, media, mTLS and batch URLs alike.

    googleapiclient derives the JSON base from ``rootUrl + servicePath``, the upload URL from
    ``rootUrl + "upload/" + servicePath`` and the batch URL from ``rootUrl + batchPath``; the
    mTLS root is used instead when a client certificate is configured, so it is rewritten too.
    """
    if not root.endswith("/"):
        root += "/"
    doc = dict(doc)
    service_path = doc.get("servicePath", "")
    root_path = urllib.parse.urlsplit(root).path
    doc["rootUrl"] = root
    doc["mtlsRootUrl"] = root
    doc["baseUrl"] = root + service_path
    doc["basePath"] = root_path + service_path
    return doc


def load_discovery(api: str, version: str, root: str | None = None) -> dict[str, Any]:
    """A fresh copy of the bundled discovery document, so no network fetch is ever needed."""
    doc = json.loads(_static_document(api, version))
    return rewrite_root(doc, root) if root else doc


def new_http(timeout: float = DEFAULT_TIMEOUT) -> httplib2.Http:
    """An httplib2 connection object configured the way googleapiclient needs it.

    308 must not be followed: Drive answers resumable-upload chunks with "308 Resume
    Incomplete" and no Location. With an overridden root, proxies from the environment are
    ignored so loopback traffic cannot be sent to a proxy.
    """
    if api_root() is not None:
        http_obj = httplib2.Http(timeout=timeout, proxy_info=None)
    else:
        http_obj = httplib2.Http(timeout=timeout)
    http_obj.redirect_codes = set(http_obj.redirect_codes) - {308}
    return http_obj


def build_service(api: str, version: str, credentials: Any, *, timeout: float = DEFAULT_TIMEOUT) -> discovery.Resource:
    """Build a client from the bundled discovery document, honouring the root override.

    ``credentials`` may be ``None`` for an anonymous client (only useful against a fake).
    The returned object owns one ``httplib2.Http``; use it from one thread only.
    """
    doc = load_discovery(api, version, api_root())
    http_obj: Any = new_http(timeout)
    if credentials is not None:
        http_obj = google_auth_httplib2.AuthorizedHttp(credentials, http=http_obj)
    return discovery.build_from_document(doc, http=http_obj)


_local = threading.local()


def thread_service(api: str, version: str, credentials: Any, *, timeout: float = DEFAULT_TIMEOUT) -> discovery.Resource:
    """This thread's client for ``api``, built once, because httplib2 is not thread-safe."""
    cache: dict[tuple[Any, ...], tuple[Any, discovery.Resource]]
    cache = _local.__dict__.setdefault("services", {})
    key = (api, version, id(credentials), api_root())
    hit = cache.get(key)
    if hit is not None and hit[0] is credentials:
        return hit[1]
    service = build_service(api, version, credentials, timeout=timeout)
    cache[key] = (credentials, service)
    return service


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------

_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    http.client.HTTPException,
    TimeoutError,
    ssl.SSLError,
    httplib2.ServerNotFoundError,
    google.auth.exceptions.TransportError,
)


def error_details(exc: HttpError) -> tuple[int, str | None, str]:
    """(status, reason, message) from Google's JSON error body, tolerating odd bodies."""
    status = int(getattr(exc.resp, "status", 0) or 0)
    reason: str | None = None
    message = ""
    content = exc.content or b""
    try:
        payload = json.loads(content.decode("utf-8") if isinstance(content, bytes) else content)
    except (ValueError, UnicodeDecodeError):
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        err = payload["error"]
        message = str(err.get("message") or "")
        errors = err.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            reason = errors[0].get("reason")
            message = message or str(errors[0].get("message") or "")
        if reason is None and isinstance(err.get("status"), str):
            reason = err["status"]
    if not message:
        message = getattr(exc.resp, "reason", "") or f"HTTP {status}"
    return status, reason, message


def refresh_detail(exc: BaseException) -> str:
    """The readable part of a google-auth error (its str() is a tuple repr)."""
    return str(exc.args[0]) if exc.args else type(exc).__name__


def is_retryable(status: int, reason: str | None) -> bool:
    """Google's documented transient answers: retry these, and only these."""
    if status == 429 or status == 408 or status >= 500:
        return True
    return status == 403 and reason in _RATE_LIMIT_REASONS


def backoff_delay(
    attempt: int,
    *,
    base: float = 1.0,
    maximum: float = 32.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with jitter (between half and all of the capped exponential)."""
    capped = min(maximum, base * (2**attempt))
    return capped * (0.5 + 0.5 * rng())


def _retry_after(exc: HttpError) -> float | None:
    value = exc.resp.get("retry-after") if hasattr(exc.resp, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _describe(request: Any) -> tuple[str, str]:
    method_id = getattr(request, "methodId", None) or "batch request"
    api_name = _API_NAMES.get(str(method_id).split(".", 1)[0], "Google")
    return api_name, str(method_id)


def _hint(status: int, reason: str | None) -> str:
    if status == 404:
        return (
            " Check the link or ID, and that the signed-in Google account can open it "
            "(items in shared drives need the account to be a member)."
        )
    if status == 403 and reason in _RATE_LIMIT_REASONS:
        return " Google kept rate-limiting; wait a few minutes and run again."
    if status == 403 and reason in DISABLED_REASONS:
        return (
            " The API is turned off in the Google Cloud project of plangen's OAuth client (or service account): "
            "whoever manages that project enables it at the link above; this is not about sharing."
        )
    if status == 403 and reason in _SCOPE_REASONS:
        return " The sign-in lacks a scope this needs: sign in again with `plangen auth login --scope full`."
    if status == 403:
        return (
            " The signed-in account lacks permission: ask the owner to share it with you (with edit access to write)."
        )
    if status == 429:
        return " Google kept rate-limiting; wait a few minutes and run again."
    if status >= 500:
        return " Google's servers kept failing; try again later."
    return ""


def _is_write(request: Any) -> bool:
    return str(getattr(request, "method", "POST")).upper() not in ("GET", "HEAD")


def _writes_in(request: Any) -> int:
    """Google counts each call inside a batch against the write quota, not the batch."""
    parts = getattr(request, "_requests", None)
    if isinstance(parts, dict):
        return sum(1 for part in parts.values() if _is_write(part))
    return 1 if _is_write(request) else 0


def execute(
    request: Any,
    *,
    retries: int = DEFAULT_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
    base_delay: float = 1.0,
    max_delay: float = 32.0,
    rng: Callable[[], float] = random.random,
    limiter: RateLimiter | None = None,
    on_conflict: Callable[[], Any] | None = None,
) -> Any:
    """Run a googleapiclient request, retrying what Google says is transient.

    Retrying re-sends the same request, so a create retried after a dropped connection may
    create twice. Give creates an ID from ``files.generateIds``: a repeat then gets 409, and
    ``on_conflict`` (e.g. a ``files.get`` of that ID) supplies the result instead of an error
    (Google refuses generated IDs for uploads it converts into Docs or Sheets: ``drive.create``).
    Rate-limit refusals (429, 403 ``rateLimitExceeded``/``userRateLimitExceeded``) were not carried
    out: they are waited out with backoff for up to ``RATE_LIMIT_PATIENCE`` s, outside ``retries``.
    A resumable upload resumes its session on retry instead of starting over.
    ``limiter`` is acquired before every write attempt, retries included (once per write
    inside a batch). Failures of single calls inside a batch reach the batch's callbacks.
    """
    call = _Call(request, limiter if limiter is not None and _writes_in(request) > 0 else None)
    attempt = limited = 0  # failures counted against ``retries``; rate-limit refusals, which are not
    waited = 0.0
    while True:
        asked = call.reserve()
        try:
            return call.send()
        except HttpError as exc:
            status, reason, _ = error_details(exc)
            if status == 409 and on_conflict is not None:
                return on_conflict()
            rate = status == 429 or reason in _RATE_LIMIT_REASONS
            last = waited >= RATE_LIMIT_PATIENCE if rate else attempt >= retries
            wait = call.refused(exc, attempt + limited, asked, last)
            delay = backoff_delay(attempt + limited, base=base_delay, maximum=max_delay, rng=rng)
            delay = max(delay, wait) if wait is not None else delay
        except google.auth.exceptions.RefreshError as exc:
            raise AuthError(
                f"Google refused to renew the sign-in ({refresh_detail(exc)}). "
                "Run `plangen auth login` again, or check the service-account key."
            ) from exc
        except _CONNECTION_ERRORS as exc:
            if attempt >= retries:
                raise call.connection_failed(exc, attempt) from exc
            rate, delay = False, backoff_delay(attempt + limited, base=base_delay, maximum=max_delay, rng=rng)
        if rate:
            limited, waited = limited + 1, waited + delay
        else:
            attempt += 1
        sleep(delay)


class _Call:
    """One request as :func:`execute` sends it: paced when it writes, its failures worded for a therapist."""

    def __init__(self, request: Any, limiter: RateLimiter | None) -> None:
        self.request = request
        self.limiter = limiter
        self.api_name, self.method_id = _describe(request)

    def reserve(self) -> float:
        """Wait for the pace's slots (one per write); returns when they were asked for."""
        if self.limiter is None:
            return 0.0
        asked = self.limiter.now()  # a slot reserved before a slow-down was given at the old pace
        for _ in range(_writes_in(self.request)):
            self.limiter.acquire()
        return asked

    def send(self) -> Any:
        if hasattr(self.request, "resumable") or hasattr(self.request, "methodId"):
            result = self.request.execute(num_retries=0)
        else:
            result = self.request.execute()
        if self.limiter is not None:
            self.limiter.succeeded()
        return result

    def refused(self, exc: HttpError, attempt: int, asked: float, last: bool) -> float | None:
        """A retryable HTTP error: the Retry-After Google asked for (None: none). A final one is raised,
        worded for a therapist."""
        status, reason, message = error_details(exc)
        if status == 401:
            raise AuthError(
                f"{self.api_name} rejected the credentials ({message}). "
                "Sign in again with `plangen auth login`, or check the service-account key."
            ) from exc
        after = _retry_after(exc)
        if self.limiter is not None and (status == 429 or reason in _RATE_LIMIT_REASONS):
            self.limiter.refused(asked, after)
        if is_retryable(status, reason) and not last:
            return after
        tries = f" after {attempt + 1} attempts" if attempt else ""
        raise GoogleApiError(
            f"{self.api_name} call {self.method_id} failed{tries}: {status} "
            f"{reason or 'error'}: {message.rstrip('.')}.{_hint(status, reason)}",
            status=status,
            reason=reason,
        ) from exc

    def connection_failed(self, exc: BaseException, attempt: int) -> GoogleApiError:
        last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return GoogleApiError(
            f"{self.api_name} call {self.method_id} failed after {attempt + 1} attempts: the "
            f"connection to Google kept failing ({last}). Check the internet connection "
            "and run again.",
            status=None,
            reason="connectionError",
        )


class RateLimiter:
    """Spaces writes so one process stays under Google's per-account write rate.

    Shared by all worker threads; each ``acquire`` reserves the next free slot under a lock
    and sleeps outside it, so waiting threads do not block each other's bookkeeping.

    ``adaptive``: Google does not publish the sustained write rate it allows (folklore says ~3/s,
    the documented quota is far higher), so the pace is learned (AIMD): a write refused for rate
    slows the pace by ``SLOW_DOWN`` (once per overshoot: writes asked for at the old pace, or while
    Google's window still holds them, do not count again) and pauses every writer for the answer's
    Retry-After; each write that succeeds speeds it up a little, quickly back to just under the pace
    last refused, then slowly beyond it.
    """

    SLOW_DOWN = 0.9  # multiplicative decrease on a rate-limit refusal
    SETTLE = 1.0  # seconds after a slow-down in which refusals are of writes made at the old pace
    PROBE = 1.08  # per successful write while no refusal has been seen yet
    MEASURE = 1.0  # seconds: the most writes that went through in any such window is the pace Google allows
    RECOVER = 0.1  # per successful write, this share of the way back to the pace last refused
    CREEP = 1.003  # per successful write at or above the pace last refused

    def __init__(
        self,
        rate: float = 3.0,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        adaptive: bool = False,
        floor: float = 0.5,
        ceiling: float = 50.0,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = rate
        self.burst = burst
        self.adaptive = adaptive
        self.floor = min(floor, rate)
        self.ceiling = max(ceiling, rate)
        self.refusals = 0
        self.slowdowns = 0
        self._successes: deque[float] = deque()  # when writes went through, for the last MEASURE s
        self._peak = 0  # the most writes that went through within MEASURE s since the last slow-down
        self._refused_at: float | None = None  # the pace Google last refused
        self._slowed = float("-inf")  # when the pace was last slowed down
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: float | None = None

    def now(self) -> float:
        return self._clock()

    def acquire(self) -> float:
        """Block until this caller may write; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            earliest = now - (self.burst - 1) * self._interval
            slot = earliest if self._next is None else max(earliest, self._next)
            self._next = slot + self._interval
            wait = max(0.0, slot - now)
        if wait > 0:
            self._sleep(wait)
        return wait

    def _set_rate(self, rate: float) -> None:
        self.rate = min(self.ceiling, max(self.floor, rate))
        self._interval = 1.0 / self.rate

    def succeeded(self) -> None:
        """A paced write went through."""
        if not self.adaptive:
            return
        with self._lock:
            now = self._clock()
            self._successes.append(now)
            while self._successes[0] <= now - self.MEASURE:
                self._successes.popleft()
            self._peak = max(self._peak, len(self._successes))
            if self._refused_at is None:
                self._set_rate(self.rate * self.PROBE)
            elif self.rate < self._refused_at * self.SLOW_DOWN**0.25:
                target = self._refused_at * self.SLOW_DOWN**0.25  # just under the pace refused
                self._set_rate(max(self.rate * self.CREEP, self.rate + (target - self.rate) * self.RECOVER))
            else:
                self._set_rate(self.rate * self.CREEP)

    def refused(self, asked: float, retry_after: float | None = None) -> None:
        """A write was refused for rate; ``asked``: ``now()`` before its ``acquire``."""
        with self._lock:
            self.refusals += 1
            if retry_after:
                now = self._clock()
                self._next = max(self._next or now, now + retry_after)
            if not self.adaptive or asked < self._slowed + self.SETTLE:
                return
            # The pace asked for can run well past the limit before the first refusal comes back
            # (threads queue for slots, requests take time): what went through is the better guide.
            allowed = self._peak / self.MEASURE if self._peak >= 2 else self.rate
            self._refused_at = min(self.rate, allowed)
            self._set_rate(self._refused_at * self.SLOW_DOWN)
            self._slowed = self._clock()
            self._peak = 0
            self.slowdowns += 1

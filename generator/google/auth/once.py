"""Google API clients whose requests are sent once: for the few writes that must not be repeated.

httplib2, under googleapiclient, silently sends a request again when its connection closes before
the answer arrives (it takes that for a stale keep-alive connection). That is harmless for a create
with a generated ID (a repeat is refused with 409) but not for a create without one, or for an
appendDimension: the request may have taken effect, and a second copy would make a second file or
add the columns twice. These clients run on a requests session, which never re-sends a POST, so a
lost answer surfaces as a connection error and the caller looks at Drive or Sheets before trying
again.
"""

from __future__ import annotations

import threading
from typing import Any

import httplib2
import requests
from google.auth.transport.requests import AuthorizedSession
from googleapiclient import discovery

from generator.google.auth import client as google


class SendOnceHttp:
    """The part of httplib2.Http that googleapiclient uses, over a requests session."""

    def __init__(self, credentials: Any, timeout: float = google.DEFAULT_TIMEOUT):
        self.session = AuthorizedSession(credentials)
        self.session.trust_env = google.api_root() is None  # a loopback root: never through a proxy
        self.timeout = timeout

    def request(
        self, uri: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None, **_: Any
    ) -> tuple[httplib2.Response, bytes]:
        try:
            answer = self.session.request(
                method, uri, data=body, headers=headers, timeout=self.timeout, allow_redirects=False
            )
        except requests.RequestException as exc:  # what googleapiclient and plangen treat as a lost connection
            raise ConnectionError(f"{type(exc).__name__}: {exc}") from exc
        fields = {
            k.lower(): v for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")
        }
        response = httplib2.Response({**fields, "status": str(answer.status_code)})
        response.reason = answer.reason or ""
        return response, answer.content

    def close(self) -> None:
        self.session.close()


_local = threading.local()


def once_service(api: tuple[str, str], credentials: Any) -> discovery.Resource:
    """This thread's send-once client for ``api`` (a ``google.DRIVE``/``google.SHEETS`` pair)."""
    cache: dict[tuple[Any, ...], tuple[Any, discovery.Resource]] = _local.__dict__.setdefault("services", {})
    key = (api, id(credentials), google.api_root())
    hit = cache.get(key)
    if hit is not None and hit[0] is credentials:
        return hit[1]
    doc = google.load_discovery(*api, google.api_root())
    service = discovery.build_from_document(doc, http=SendOnceHttp(credentials))
    cache[key] = (credentials, service)
    return service

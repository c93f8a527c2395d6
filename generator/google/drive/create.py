"""Creating a Google Doc or Sheet from an upload exactly once, under Google's documented behaviour.

Three things Google documents make the obvious ways unsafe:

* a create that converts an upload (a .docx into a Doc, an .xlsx into a Sheet) does not accept an ID
  from ``files.generateIds`` (``generatedIdNotSupported``), so a retried create cannot be refused as
  a repeat;
* an answer can be lost after Drive made the file (a dropped connection, a 5xx), so "no answer" does
  not mean "not made";
* search lags behind writes: ``files.list`` may not find a file made a few seconds ago.

So each create carries a random *create token* in its private ``appProperties``, is sent once (never
re-sent by the HTTP layer, ``auth.once``), and when its outcome is unknown the folder is searched for
the token with growing pauses for ``SEARCH_PATIENCE`` seconds before the create is sent again. A
rate-limit refusal (403 ``userRateLimitExceeded``/``rateLimitExceeded``, 429) means Drive did not carry
the request out, so it is waited out (``auth.client.execute``) and re-sent at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from generator.errors import GoogleApiError
from generator.google.auth import client as google
from generator.google.auth.once import once_service
from generator.google.drive.api import DriveApi

CREATE_MARK = "create"
SEARCH_PATIENCE = 45.0  # seconds spent looking for a create whose answer was lost, before sending it again
_FIRST_PAUSE = 0.5
_LONGEST_PAUSE = 8.0


def create_token() -> str:
    return secrets.token_urlsafe(12)


def create_once(
    api: DriveApi, body: dict[str, Any], media: Callable[[], Any], folder_id: str, fields: str
) -> dict[str, Any]:
    """``files.create`` of ``body`` + ``media()`` in ``folder_id`` that never leaves two files behind
    while Drive behaves as documented; returns the file resource (``fields``)."""
    token = create_token()
    body = {**body, "appProperties": {**(body.get("appProperties") or {}), CREATE_MARK: token}}
    files = once_service(google.DRIVE, api.credentials).files()
    for attempt in range(api.retries + 1):
        request = files.create(body=body, media_body=media(), fields=fields, supportsAllDrives=True)
        try:
            return dict(api.run(request, retries=0))
        except GoogleApiError as exc:
            if not _unknown_outcome(exc) or attempt == api.retries:
                raise
        found = find_created(api, folder_id, token, fields)
        if found is not None:
            return found
    raise AssertionError("unreachable")  # pragma: no cover


def _unknown_outcome(exc: GoogleApiError) -> bool:
    """True when Drive may have made the file although plangen got no answer saying so."""
    if exc.status is None:
        return True  # the connection failed: the request may have been carried out
    if exc.status == 429 or exc.reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        return False  # refused before it was carried out
    return exc.status == 408 or exc.status >= 500


def find_created(api: DriveApi, folder_id: str, token: str, fields: str) -> dict[str, Any] | None:
    """The file a create with ``token`` made, looked for until search has had ``SEARCH_PATIENCE`` s to catch up."""
    query = (
        f"'{folder_id}' in parents and appProperties has {{ key='{CREATE_MARK}' and value='{token}' }} "
        "and trashed = false"
    )
    waited, pause = 0.0, _FIRST_PAUSE
    while True:
        found = api.list_all(query, fields, corpora="allDrives").items
        if found:
            return dict(found[0])
        if waited >= SEARCH_PATIENCE:
            return None
        api.sleep(pause)
        waited += pause
        pause = min(pause * 2, _LONGEST_PAUSE)

"""Drive v3 calls as the Drive sink makes them: per-thread clients, paced writes, whole listings.

Every request goes through :func:`generator.google.auth.client.execute`, so retries, backoff and the shared
write pace apply everywhere; this module only adds what the sink needs on top: which client a
thread uses, listings read to the last page, and a pool of pre-generated file IDs that makes
creates of folders and PDFs safe to retry (a repeated create with the same ID is refused with 409
instead of making a second file). Google refuses generated IDs for uploads it converts into a Doc
or Sheet; those go through ``drive.create``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.google.auth import client as google

MAX_PAGE_SIZE = 1000  # the most Drive returns per page
MAX_IDS_PER_CALL = 1000  # files.generateIds' upper bound


@dataclass
class Listing:
    """Every item a query matched, and whether Drive admitted leaving some drives unsearched."""

    items: list[dict[str, Any]] = field(default_factory=list)
    incomplete: bool = False


class DriveApi:
    """One place that knows the credentials, the write pace and the retry policy of a run."""

    def __init__(
        self,
        credentials: Any,
        *,
        limiter: google.RateLimiter | None,
        retries: int = google.DEFAULT_RETRIES,
        base_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.credentials = credentials
        self.limiter = limiter
        self.retries = retries
        self.base_delay = base_delay
        self.sleep = sleep

    def files(self) -> Any:
        """This thread's ``files()`` collection: httplib2 connections cannot be shared."""
        return google.thread_service(*google.DRIVE, self.credentials).files()

    def run(self, request: Any, *, on_conflict: Callable[[], Any] | None = None, retries: int | None = None) -> Any:
        return google.execute(
            request,
            retries=self.retries if retries is None else retries,
            base_delay=self.base_delay,
            sleep=self.sleep,
            limiter=self.limiter,
            on_conflict=on_conflict,
        )

    def get(self, file_id: str, fields: str) -> dict[str, Any]:
        return self.run(self.files().get(fileId=file_id, fields=fields, supportsAllDrives=True))

    def list_all(self, query: str, fields: str, **params: Any) -> Listing:
        """All pages of one query; shared-drive items included, since plans may live there."""
        listing = Listing()
        token: str | None = None
        while True:
            request = self.files().list(
                q=query,
                fields=f"nextPageToken,incompleteSearch,files({fields})",
                pageSize=MAX_PAGE_SIZE,
                pageToken=token,
                supportsAllDrives=True,
                includeItemsFromAllDrives=True,
                **params,
            )
            page = self.run(request)
            listing.items.extend(page.get("files", []))
            listing.incomplete = listing.incomplete or bool(page.get("incompleteSearch"))
            token = page.get("nextPageToken")
            if not token:
                return listing


class IdPool:
    """File IDs from ``files.generateIds``, fetched in blocks so creates cost no extra call each."""

    def __init__(self, api: DriveApi, block: int):
        self.api = api
        self.block = max(1, min(MAX_IDS_PER_CALL, block))
        self._ids: list[str] = []
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            if not self._ids:
                request = self.api.files().generateIds(count=self.block, space="drive", type="files")
                self._ids = list(reversed(self.api.run(request)["ids"]))
            return self._ids.pop()

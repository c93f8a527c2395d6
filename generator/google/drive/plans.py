"""Which Google Docs are plangen's plans, whose plan each is, and whether someone edited it.

plangen marks every Doc it writes twice, with the same keys and values (at most 124 bytes per key
and value): as public ``properties``, which any OAuth client that can see the Doc reads, so a plan
is found whoever signs in (a new OAuth client, a district's own client, a service account); and as
``appProperties``, private to the OAuth client's Cloud project, which older plangen versions wrote
alone and still read (an untouched plan with only private marks gets public ones on its next run).
When both are there the public ones are the newer (every write sets both):

``plangen``  ``plan`` -- found by one ``appProperties has`` query per run; ``edited-copy`` once an
             edited Doc was set aside by ``--replace-edited``, so it is never matched again
``student``  keyed hash of the student key
``plan``     keyed hash of the student key and the plan's file name: which of the student's plans
             (another template or school year has another file name, so another Doc)
``template`` SHA-256 prefix of the template, ``content`` SHA-256 of the rendered .docx
``written``  the ``modifiedTime`` plangen gave the Doc in the same request that wrote it

Student keys are personal data, so they are hashed with HMAC-SHA256 keyed by the student's Drive
folder ID: a folder ID is long, random and stable through renames and moves, and a per-folder key
means nobody can tabulate hashes of all possible student IDs once and look every plan up.

A Doc in the student's folder that carries no marker this sign-in can read (written under another
OAuth client by an older plangen, or made by a person) but has the plan's file name is taken as the
plan and kept: never overwritten, and no second plan is made beside it (``PlanIndex.unmarked``).

Edits are told apart by ``modifiedTime``. Drive lets a create or update set it, so plangen sets it
and records the same value in the same request: one write per plan, and nothing to reconcile if
the run dies between two calls. Any later change by anyone moves ``modifiedTime`` to the time of
that change. A Doc whose ``modifiedTime`` differs from ``written`` -- or lacks ``written``, or
carries a time plangen cannot read -- counts as edited: when plangen cannot tell, it keeps the Doc.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.google.auth.ids import DOC_MIME
from generator.google.drive.api import DriveApi
from generator.google.drive.folders import Folder, folder_key

MARKER = "plangen"
PLAN = "plan"
EDITED_COPY = "edited-copy"
_HAS_MARKER = f"has {{ key='{MARKER}' and value='{PLAN}' }}"
PLAN_QUERY = f"(properties {_HAS_MARKER} or appProperties {_HAS_MARKER}) and trashed = false"
DOC_FIELDS = "id,name,parents,driveId,modifiedTime,webViewLink,properties,appProperties"
# URL-encoded characters of names in one query: googleapiclient turns a GET longer than 2048 characters
# into a POST with X-HTTP-Method-Override, so a query stays well under that.
NAMES_PER_QUERY = 1200


def markers(resource: dict[str, Any]) -> dict[str, str]:
    """The plangen marks of a Doc as this sign-in reads them: public ones first (any client wrote them)."""
    public = dict(resource.get("properties") or {})
    if public.get(MARKER):
        return public
    return dict(resource.get("appProperties") or {})


def marked(properties: Mapping[str, str | None]) -> dict[str, Any]:
    """A request body's marks: the same keys public and private (see the module docstring)."""
    return {"properties": dict(properties), "appProperties": dict(properties)}


def quote(text: str) -> str:
    """A string literal in a Drive query."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def keyed_hash(secret: str, *parts: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), "\0".join(parts).encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode("ascii")


def content_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode("ascii").rstrip("=")


def write_stamp(now: dt.datetime | None = None) -> str:
    """A ``modifiedTime`` in Drive's own form (UTC, milliseconds), so it reads back unchanged."""
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def parse_stamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


FIELDS_PREFIX = "fields"
FIELDS_CHUNK = 110  # Drive allows 124 bytes per property, key and value together
FIELDS_CHUNKS = 20  # 30 properties per app and file; plangen's own markers use 6


def field_properties(fields: str, old: dict[str, str]) -> dict[str, str | None]:
    """The sheet fields' fingerprint as properties ``fields0``, ``fields1``...; leftovers of a longer one cleared."""
    chunks = [fields[i : i + FIELDS_CHUNK] for i in range(0, len(fields), FIELDS_CHUNK)][:FIELDS_CHUNKS]
    properties: dict[str, str | None] = {f"{FIELDS_PREFIX}{i}": chunk for i, chunk in enumerate(chunks)}
    for key in old:
        if key.startswith(FIELDS_PREFIX) and key not in properties:
            properties[key] = None
    return properties


def stored_fields(properties: dict[str, str]) -> str:
    """The fingerprint a Doc was written with; empty for Docs written before plangen stored it."""
    return "".join(properties.get(f"{FIELDS_PREFIX}{i}", "") for i in range(FIELDS_CHUNKS))


@dataclass(frozen=True)
class PlanIdentity:
    student: str
    plan: str

    @classmethod
    def of(cls, folder_id: str, key: str, filename: str) -> PlanIdentity:
        name = " ".join(filename.split()).casefold()
        return cls(keyed_hash(folder_id, "student", key), keyed_hash(folder_id, "plan", key, name))

    def properties(self, *, template: str, content: str, written: str) -> dict[str, str]:
        return {
            MARKER: PLAN,
            "student": self.student,
            "plan": self.plan,
            "template": template,
            "content": content,
            "written": written,
        }


@dataclass
class ExistingPlan:
    """A plan Doc as Drive described it."""

    id: str
    name: str
    link: str
    modified: str
    properties: dict[str, str]
    public: bool = True  # False: only private marks (an older plangen), which other sign-ins cannot read

    @classmethod
    def from_resource(cls, resource: dict[str, Any]) -> ExistingPlan:
        return cls(
            resource["id"],
            resource.get("name", ""),
            resource.get("webViewLink", ""),
            resource.get("modifiedTime", ""),
            markers(resource),
            bool((resource.get("properties") or {}).get(MARKER)),
        )

    @property
    def content(self) -> str | None:
        return self.properties.get("content")

    @property
    def untouched(self) -> bool:
        """True only when Drive proves nobody changed the Doc since plangen wrote it."""
        written = parse_stamp(self.properties.get("written"))
        modified = parse_stamp(self.modified)
        return written is not None and modified is not None and written == modified


class PlanIndex:
    """Every plangen plan the account can see, from one paginated query at the start of a run.

    Drive may answer a query over all drives with ``incompleteSearch`` when it skipped some
    shared drives. Then the index re-searches My Drive and each shared drive separately, the
    drives of students' folders included as they come up, so a plan is never missed (a missed
    plan would be created a second time).
    """

    def __init__(self, api: DriveApi):
        self.api = api
        self.by_plan: dict[str, list[ExistingPlan]] = {}
        self.by_name: dict[tuple[str, str], list[ExistingPlan]] = {}  # (folder ID, name key): unmarked Docs
        self.complete = True
        self.searched_drives: set[str | None] = set()
        self.drives: set[str | None] = set()  # the drives of ROOT, known before any student's folder
        self._lock = threading.Lock()

    def load(self, drives: set[str | None]) -> None:
        self.drives = set(drives)
        listing = self.api.list_all(PLAN_QUERY, DOC_FIELDS, corpora="allDrives")
        if not listing.incomplete:
            self._add(listing.items)
            return
        self.complete = False
        self._add(listing.items)
        for drive_id in drives | {None}:
            self._search(drive_id)

    def _search(self, drive_id: str | None) -> None:
        if drive_id in self.searched_drives:
            return
        params = {"corpora": "drive", "driveId": drive_id} if drive_id else {"corpora": "user"}
        self._add(self.api.list_all(PLAN_QUERY, DOC_FIELDS, **params).items)
        self.searched_drives.add(drive_id)

    def load_names(self, names: set[str]) -> None:
        """Docs named like a plan of this run that carry no marker this sign-in can read.

        A few queries for the whole run (names ORed, in chunks), not one per student."""
        chunk: list[str] = []
        size = 0
        for name in sorted(names):
            term = f"name = {quote(name)}"
            length = len(urllib.parse.quote(term + " or "))
            if chunk and size + length > NAMES_PER_QUERY:
                self._add_unmarked(chunk)
                chunk, size = [], 0
            chunk.append(term)
            size += length
        if chunk:
            self._add_unmarked(chunk)

    def _add_unmarked(self, terms: list[str]) -> None:
        query = f"mimeType = '{DOC_MIME}' and trashed = false and ({' or '.join(terms)})"
        listing = self.api.list_all(query, DOC_FIELDS, corpora="allDrives")
        items = list(listing.items)
        if listing.incomplete:  # Drive skipped some shared drives: ask My Drive and each known drive too
            for drive_id in self.drives | self.searched_drives | {None}:
                params = {"corpora": "drive", "driveId": drive_id} if drive_id else {"corpora": "user"}
                items.extend(self.api.list_all(query, DOC_FIELDS, **params).items)
        seen: set[str] = set()
        for item in items:
            if item["id"] in seen:
                continue
            seen.add(item["id"])
            if markers(item).get(MARKER):
                continue  # plangen's: found by its marker, or an edited copy set aside
            plan = ExistingPlan.from_resource(item)
            for parent in item.get("parents", []):
                self.by_name.setdefault((parent, folder_key(plan.name)), []).append(plan)

    def unmarked(self, folder_id: str, filename: str) -> list[ExistingPlan]:
        return list(self.by_name.get((folder_id, folder_key(filename)), []))

    def _add(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            plan = ExistingPlan.from_resource(item)
            if plan.properties.get(MARKER) != PLAN:
                continue  # set aside as an edited copy (its public marks say so), or not plangen's
            known = self.by_plan.setdefault(plan.properties.get("plan", ""), [])
            if all(p.id != plan.id for p in known):
                known.append(plan)

    def find(self, identity: PlanIdentity, folder: Folder) -> list[ExistingPlan]:
        """Plans with this identity, searching the folder's shared drive first if need be."""
        if not self.complete:
            with self._lock:
                drive_id = folder.drive_id
                if not folder.drive_known:
                    drive_id = self.api.get(folder.id or "", "id,driveId").get("driveId")
                self._search(drive_id)
        return list(self.by_plan.get(identity.plan, []))

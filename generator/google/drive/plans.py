"""Which Google Docs are plangen's plans, whose plan each is, and whether someone edited it.

Every Doc plangen writes carries two sets of marks (at most 124 bytes per key and value):

* public ``properties``, which any app and anyone who can open the Doc reads, hold only the plan's
  identity: ``plangen`` (``plan``; ``edited-copy`` once ``--replace-edited`` set an edited Doc
  aside), ``student`` and ``plan`` -- HMACs of the student key (and the plan's file name) under the
  mark key (``drive.marks``), a secret that is never in Drive. Nothing in them can be turned back
  into a student's data, and any sign-in on a computer holding the key finds the plan by them.
* ``appProperties``, private to the OAuth client's Cloud project, add what tells an edit or a stale
  plan: ``template`` (SHA-256 prefix of the template), ``content`` (keyed hash of the rendered
  .docx), ``written`` (the ``modifiedTime`` plangen gave the Doc in the same request that wrote it)
  and ``fields0``, ``fields1``... (each sheet field's keyed 24-bit token).

Under another OAuth client (another Cloud project) the private marks are invisible: the plan is still
found by its public identity, and, with no proof that nobody edited it, it is kept as is (never
overwritten). The identity does not depend on the folder, so a plan moved to the student's new
folder is found there.

Plans written by older plangen versions carry the identity keyed by the folder ID (readable by
anyone who sees the folder) and unkeyed field hashes in public ``properties``. They are still found
(by the old identity in the student's current folder) and their marks are rewritten the first time
plangen sees them: public ones cleared down to the new identity, keeping the Doc's modification time.

A Doc in the student's folder with the plan's file name whose marks this sign-in cannot match
(made by a person, or written with another mark key or by an older plangen under another OAuth
client) is taken as the plan and kept: never overwritten, and no second plan is made beside it.

Edits are told apart by ``modifiedTime``. Drive lets a create or update set it, so plangen sets it
and records the same value in the same request. Any later change by anyone moves ``modifiedTime``.
A Doc whose ``modifiedTime`` differs from ``written`` -- or lacks ``written``, or carries a time
plangen cannot read -- counts as edited: when plangen cannot tell, it keeps the Doc.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import GoogleApiError
from generator.google.auth.ids import DOC_MIME
from generator.google.drive.api import DriveApi
from generator.google.drive.folders import Folder, folder_key, join_links
from generator.google.drive.marks import MarkKey

MARKER = "plangen"
PLAN = "plan"
EDITED_COPY = "edited-copy"
_HAS_MARKER = f"has {{ key='{MARKER}' and value='{PLAN}' }}"
PLAN_QUERY = f"(properties {_HAS_MARKER} or appProperties {_HAS_MARKER}) and trashed = false"
DOC_FIELDS = "id,name,parents,driveId,modifiedTime,webViewLink,properties,appProperties"
# URL-encoded characters of names in one query: googleapiclient turns a GET longer than 2048 characters
# into a POST with X-HTTP-Method-Override, so a query stays well under that.
NAMES_PER_QUERY = 1200


FORMAT = "marks"  # private: KEYED when content and fields are keyed by the mark key (older plangen: unkeyed)
KEYED = "keyed"
PUBLIC_MARKS = frozenset({MARKER, "student", "plan"})  # a plan's identity: all its public properties hold


def markers(resource: dict[str, Any]) -> dict[str, str]:
    """The plangen marks of a file as this sign-in reads them: private ones over public ones."""
    public = dict(resource.get("properties") or {})
    private = dict(resource.get("appProperties") or {})
    if not public.get(MARKER) and not private.get(MARKER):
        return {}
    return {**public, **private}


def marked(
    marks: Mapping[str, str | None], old_public: Mapping[str, str] | None = None, public: frozenset[str] = PUBLIC_MARKS
) -> dict[str, Any]:
    """A request body's marks: all of them private, only ``public`` keys public; any other key an older
    plangen left public is cleared (Drive deletes a property set to null)."""
    shown: dict[str, str | None] = {k: v for k, v in marks.items() if k in public}
    shown.update({k: None for k in old_public or {} if _older_mark(k) and k not in public})
    return {"properties": shown, "appProperties": dict(marks)}


def _older_mark(key: str) -> bool:
    """A public property an older plangen wrote beside the identity (other apps' properties are left alone)."""
    return key in ("template", "content", "written", "doc", "source", "mapping") or key.startswith(FIELDS_PREFIX)


def leaks(public: Mapping[str, Any]) -> bool:
    """True when a plan's public properties hold more than its identity (an older plangen's marks)."""
    return any(_older_mark(key) for key in public)


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


def field_properties(fields: str, old: Mapping[str, str]) -> dict[str, str | None]:
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
    def of(cls, key: MarkKey, student_key: str, filename: str) -> PlanIdentity:
        """The identity under the mark key: the same wherever the Doc or the student's folder is."""
        name = " ".join(filename.split()).casefold()
        return cls(key.mark("student", student_key), key.mark("plan", student_key, name))

    @classmethod
    def legacy(cls, folder_id: str, student_key: str, filename: str) -> PlanIdentity:
        """The identity older plangen versions wrote, keyed by the folder ID (which readers see)."""
        name = " ".join(filename.split()).casefold()
        return cls(keyed_hash(folder_id, "student", student_key), keyed_hash(folder_id, "plan", student_key, name))

    def properties(self, *, template: str, content: str, written: str) -> dict[str, str]:
        return {
            MARKER: PLAN,
            "student": self.student,
            "plan": self.plan,
            FORMAT: KEYED,
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
    public: dict[str, str] = field(default_factory=dict)  # the public properties as they are now
    parents: tuple[str, ...] = ()

    @classmethod
    def from_resource(cls, resource: dict[str, Any]) -> ExistingPlan:
        return cls(
            resource["id"],
            resource.get("name", ""),
            resource.get("webViewLink", ""),
            resource.get("modifiedTime", ""),
            markers(resource),
            dict(resource.get("properties") or {}),
            tuple(resource.get("parents") or ()),
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
            if markers(item).get(MARKER) == EDITED_COPY:
                continue  # an edited Doc set aside by --replace-edited: never the plan again
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

    def recall(self, made: dict[str, str]) -> None:
        """Plans this computer created that the search did not return (Drive's search lags behind its
        writes): each looked up by its ID, and taken when it still is a plan, not in the trash."""
        known = {p.id for plans in self.by_plan.values() for p in plans}
        for file_id in sorted(set(made) - known):
            try:
                resource = self.api.get(file_id, DOC_FIELDS + ",trashed")
            except GoogleApiError as exc:
                if exc.status == 404:
                    continue
                raise
            if not resource.get("trashed"):
                self._add([resource])

    def find(self, identities: list[PlanIdentity], folder: Folder) -> list[ExistingPlan]:
        """The plan with one of these identities, searching the folder's shared drive first if need be.

        Plans in the student's folder come first; a single plan elsewhere is the plan moved (or the
        student's folder made anew). Several anywhere: that student fails, naming them."""
        if not self.complete:
            with self._lock:
                drive_id = folder.drive_id
                if not folder.drive_known:
                    drive_id = self.api.get(folder.id or "", "id,driveId").get("driveId")
                self._search(drive_id)
        found: list[ExistingPlan] = []
        for identity in identities:
            found.extend(p for p in self.by_plan.get(identity.plan, []) if all(p.id != f.id for f in found))
        here = [p for p in found if folder.id in p.parents]
        return here or found


def several(found: list[ExistingPlan]) -> str:
    """Why a student with more than one plan Doc fails, naming them."""
    return (
        f"{len(found)} Google Docs are this student's plan: {join_links([p.link for p in found])}. "
        "Move all but one to the trash and run again."
    )

"""Drive v3 file store: the state behind files.list/get/create/update/delete/export/generateIds.

Behaviour follows Drive's documentation where tests could notice the difference: default
partial responses (``kind,id,name,mimeType`` unless ``fields`` asks for more), ``version`` and
``modifiedTime`` moving on every change (or set to the time a create/update writes, as Drive
allows), ``parents`` not writable in update, shared-drive items
invisible without ``supportsAllDrives``, IDs from ``generateIds`` usable exactly once (and refused
for a create that converts an upload into a Google Doc or Sheet), media of Google-type files only via
export, the documented appProperties limits, ``trashed`` inherited from a trashed folder
(``explicitlyTrashed`` only for the file itself), shortcuts (``shortcutDetails``), ``capabilities``
by role (a shared-drive Contributor cannot trash), ``permissions`` inherited from the folders above,
and search that finds a new file only ``search_lag`` seconds after it was created.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.google.fakegoogle import query as q
from tests.google.fakegoogle.common import ApiError, Caller, FieldTree, invalid, not_found, parse_time
from tests.google.fakegoogle.files import (
    CONVERTIBLE,
    DOCUMENT,
    DOCX,
    EXPORT_LIMIT,
    FOLDER,
    ME,
    PDF,
    SHORTCUT,
    SPREADSHEET,
    XLSX,
    DriveFile,
    docx_text,
    new_id,
    text_pdf,
)


class DriveStore:
    """All Drive state; every public method takes the shared lock."""

    def __init__(self, lock: threading.RLock, max_page_size: int = 1000):
        self.lock = lock
        self.files: dict[str, DriveFile] = {}
        self.drives: dict[str, str] = {}
        self.generated: set[str] = set()
        self.max_page_size = max_page_size
        self.export_limit = EXPORT_LIMIT
        self.sheets: Any = None  # SheetsStore, attached by the server
        # Behaviour Google documents loosely, switchable to test plangen's fallbacks:
        self.keeps_modified_time = True  # False: a converting create/update ignores a client-set modifiedTime
        # Google documents generated IDs as unsupported for uploads converted to Docs editors files; True:
        # accept them anyway (what plangen must not rely on).
        self.generated_ids_on_convert = False
        self.search_lag = 0.0  # seconds before files.list finds a newly created file (get finds it at once)
        self.drive_roles: dict[str, str] = {}  # shared drive -> the signed-in user's role (organizer if unset)
        self.drive_members: dict[str, list[dict[str, str]]] = {}  # shared drive -> its members' permissions
        self._seq = 0
        self._last_time = 0.0
        self.root_id = new_id("0A")
        self._add(DriveFile(self.root_id, "My Drive", FOLDER, [], *self._stamp(), hidden=True))

    # -- internals -----------------------------------------------------------------------------

    def _stamp(self) -> tuple[float, float, int]:
        now = max(time.time(), self._last_time + 0.001)
        self._last_time = now
        self._seq += 1
        return now, now, self._seq

    def _now(self) -> float:
        return self._stamp()[0]

    def _add(self, f: DriveFile) -> DriveFile:
        self.files[f.id] = f
        return f

    # -- what the API shows of a file ------------------------------------------------------------

    def is_trashed(self, f: DriveFile) -> bool:
        """Trashed itself or inside a trashed folder: Drive reports both as ``trashed``."""
        seen: set[str] = set()
        while f is not None and f.id not in seen:
            if f.trashed:
                return True
            seen.add(f.id)
            f = self.files.get(f.parents[0]) if f.parents else None  # type: ignore[assignment]
        return False

    def role_of(self, f: DriveFile) -> str:
        """The signed-in user's role on a file: a shared drive's files take the drive membership's role."""
        if f.drive_id is not None and f.role == "owner":
            return self.drive_roles.get(f.drive_id, "organizer")
        return f.role

    def capabilities(self, f: DriveFile) -> dict[str, bool]:
        role = self.role_of(f)
        edit = role in ("owner", "organizer", "fileOrganizer", "writer")
        return {
            "canEdit": edit,
            "canAddChildren": edit and f.mime_type == FOLDER,
            "canTrash": role in ("owner", "organizer", "fileOrganizer"),
            "canDelete": role in ("owner", "organizer"),
            "canShare": edit,
        }

    def permissions_of(self, f: DriveFile) -> list[dict[str, str]]:
        """Who can open the file: its owner (or the shared drive's members) and every share on it or above it."""
        if f.drive_id is not None:
            perms = [dict(p) for p in self.drive_members.get(f.drive_id, [])]
        else:
            perms = [{"kind": "drive#permission", "type": "user", "role": "owner", "emailAddress": ME["emailAddress"]}]
        node: DriveFile | None = f
        seen: set[str] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            perms.extend(dict(p) for p in node.permissions if p not in perms)
            node = self.files.get(node.parents[0]) if node.parents else None
        return perms

    def view(self, f: DriveFile, project: str) -> dict[str, Any]:
        """The file resource as an app of ``project`` sees it through the API."""
        res = f.resource(project)
        res["trashed"] = self.is_trashed(f)
        res["capabilities"] = self.capabilities(f)
        perms = self.permissions_of(f)
        res["shared"] = len(perms) > 1
        if res["capabilities"]["canShare"]:
            res["permissions"] = perms
        return res

    def _visible(self, f: DriveFile, all_drives: bool) -> bool:
        return f.drive_id is None or all_drives

    def lookup(self, file_id: str, all_drives: bool = True, caller: Caller | None = None) -> DriveFile:
        fid = self.root_id if file_id == "root" else file_id
        f = self.files.get(fid)
        if f is None or not self._visible(f, all_drives) or not self._granted(f, caller):
            raise not_found(file_id)
        return f

    @staticmethod
    def _granted(f: DriveFile, caller: Caller | None) -> bool:
        """With drive.file alone an app sees only the files it created (and the root of My Drive)."""
        return caller is None or not caller.file_only or f.hidden or f.made_by == caller.project

    def touch(self, file_id: str, by: dict[str, Any] | None = None, bump: int = 1) -> None:
        with self.lock:
            f = self.files[file_id]
            f.version += bump
            f.modified = self._now()
            f.modifier = dict(by or ME)

    def _check_properties(self, props: dict[str, str], label: str) -> None:
        if len(props) > 30:
            raise ApiError(
                403,
                "appPropertyLimitExceeded" if label == "appProperties" else "propertyLimitExceeded",
                f"The limit of 30 {label} was exceeded.",
            )
        for key, value in props.items():
            if len(key.encode()) + len(value.encode()) > 124:
                raise invalid(f"The {label} key/value pair for {key!r} exceeds 124 bytes.", label)

    def _merge_props(self, current: dict[str, str], update: Any, label: str) -> dict[str, str]:
        if update is None:
            return current
        if not isinstance(update, dict):
            raise invalid(f"Invalid value for {label}", label)
        merged = dict(current)
        for key, value in update.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[str(key)] = str(value)
        self._check_properties(merged, label)
        return merged

    @staticmethod
    def _converts(target: str | None, media: tuple[bytes, str] | None) -> bool:
        return media is not None and bool(target) and str(target).startswith("application/vnd.google-apps.")

    def _set_modified(self, f: DriveFile, meta: dict[str, Any], converted: bool) -> None:
        if meta.get("modifiedTime") is None:
            return
        when = parse_time(meta["modifiedTime"], "modifiedTime")  # validated even when not kept
        if self.keeps_modified_time or not converted:
            f.modified = when

    @staticmethod
    def _check_writable(f: DriveFile) -> None:
        if f.role == "reader":
            raise ApiError(
                403, "insufficientFilePermissions", f"The user does not have sufficient permissions for file {f.id}."
            )

    def _apply_media(self, f: DriveFile, target: str | None, media: bytes, media_type: str) -> None:
        goal = target or f.mime_type
        if goal == FOLDER:
            raise invalid("A folder cannot have content.", "media")
        if goal.startswith("application/vnd.google-apps."):
            if media_type not in CONVERTIBLE.get(goal, set()):
                raise ApiError(400, "badRequest", "The requested conversion is not supported.")
            f.mime_type = goal
            f.converted_from = media_type
            f.conversions += 1
            if goal == SPREADSHEET and self.sheets is not None:
                self.sheets.load_from_upload(f.id, f.name, media, media_type)
        else:
            f.mime_type = goal if target else media_type
            f.converted_from = None
        f.content = bytes(media)
        f.content_type = media_type

    def _resolve_parents(
        self, parents: Any, all_drives: bool, caller: Caller | None = None
    ) -> tuple[list[str], str | None]:
        if not parents:
            return [self.root_id], None
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            raise invalid("Invalid value for parents", "parents")
        if len(parents) > 1:
            raise ApiError(
                403,
                "cannotAddParent",
                "Increasing the number of parents is not allowed. A file can only have one parent.",
            )
        parent = self.lookup(parents[0], all_drives, caller)
        if parent.mime_type != FOLDER:
            raise ApiError(403, "insufficientFilePermissions", "The parent is not a folder.")
        return [parent.id], parent.drive_id

    # -- API operations ------------------------------------------------------------------------

    def create(
        self,
        params: dict[str, str],
        meta: dict[str, Any],
        media: tuple[bytes, str] | None,
        caller: Caller | None = None,
    ) -> dict[str, Any]:
        caller = caller or Caller()
        all_drives = params.get("supportsAllDrives") == "true"
        converts = self._converts(meta.get("mimeType"), media)
        with self.lock:
            wanted = meta.get("id")
            if wanted is not None:
                if converts and not self.generated_ids_on_convert:
                    raise ApiError(
                        400,
                        "generatedIdNotSupported",
                        "Generated IDs are not supported for this request.",
                        location="file.id",
                    )
                if wanted in self.files:
                    raise ApiError(409, "duplicate", "A file already exists with the provided ID.", location="file.id")
                if wanted not in self.generated:
                    raise invalid("The provided file ID is not usable.", "file.id")
            parents, drive_id = self._resolve_parents(meta.get("parents"), all_drives, caller)
            target = self._shortcut_target(meta, all_drives, caller)
            if caller.service_account and drive_id is None:
                raise ApiError(
                    403,
                    "storageQuotaExceeded",
                    "Service Accounts do not have storage quota. "
                    "Leverage shared drives, or use OAuth delegation instead.",
                )
            parent = self.files[parents[0]]
            if not self.capabilities(parent)["canAddChildren"]:
                raise ApiError(
                    403,
                    "insufficientFilePermissions",
                    f"The user does not have sufficient permissions for file {parent.id}.",
                )
            created, modified, seq = self._stamp()
            mime = meta.get("mimeType") or (media[1] if media else "application/octet-stream")
            f = DriveFile(
                id=wanted or new_id(),
                name=str(meta.get("name") or "Untitled"),
                mime_type=mime,
                parents=parents,
                created=created,
                modified=modified,
                seq=seq,
                drive_id=drive_id,
                description=meta.get("description"),
                made_by=caller.project,
                indexed_at=created + self.search_lag,
            )
            if target is not None:
                f.mime_type, f.shortcut_target, f.shortcut_target_mime = SHORTCUT, target.id, target.mime_type
            if drive_id is not None:
                f.role = self.drive_roles.get(drive_id, "owner")
            f.private[caller.project] = self._merge_props({}, meta.get("appProperties"), "appProperties")
            f.properties = self._merge_props({}, meta.get("properties"), "properties")
            self._set_modified(f, meta, converts)
            if media is not None:
                self._apply_media(f, meta.get("mimeType"), *media)
            elif mime == SPREADSHEET and self.sheets is not None:
                self.sheets.load_from_upload(f.id, f.name, b"", "text/csv")
            if wanted is not None:
                self.generated.discard(wanted)
            self._add(f)
            return self.view(f, caller.project)

    def _shortcut_target(self, meta: dict[str, Any], all_drives: bool, caller: Caller) -> DriveFile | None:
        details = meta.get("shortcutDetails")
        if meta.get("mimeType") != SHORTCUT and not details:
            return None
        target_id = (details or {}).get("targetId") if isinstance(details, dict) else None
        if not target_id:
            raise invalid("A shortcut must have a target.", "shortcutDetails.targetId")
        return self.lookup(str(target_id), all_drives, caller)

    def update(
        self,
        file_id: str,
        params: dict[str, str],
        meta: dict[str, Any],
        media: tuple[bytes, str] | None,
        caller: Caller | None = None,
    ) -> dict[str, Any]:
        caller = caller or Caller()
        all_drives = params.get("supportsAllDrives") == "true"
        with self.lock:
            f = self.lookup(file_id, all_drives, caller)
            self._check_writable(f)
            for key in ("parents", "id", "driveId", "version"):
                if key in meta:
                    raise ApiError(
                        403,
                        "fieldNotWritable",
                        f"The resource body includes fields which are not directly writable: {key}.",
                    )
            if "name" in meta:
                f.name = str(meta["name"])
            if "description" in meta:
                f.description = meta["description"]
            if "trashed" in meta:
                if bool(meta["trashed"]) != f.trashed and not self.capabilities(f)["canTrash"]:
                    raise ApiError(
                        403,
                        "insufficientFilePermissions",
                        f"The user does not have sufficient permissions for file {f.id}.",
                    )
                f.trashed = bool(meta["trashed"])
            f.private[caller.project] = self._merge_props(
                f.private.get(caller.project, {}), meta.get("appProperties"), "appProperties"
            )
            f.properties = self._merge_props(f.properties, meta.get("properties"), "properties")
            for pid in filter(None, (params.get("removeParents") or "").split(",")):
                if pid in f.parents:
                    f.parents.remove(pid)
            for pid in filter(None, (params.get("addParents") or "").split(",")):
                new_parents, drive_id = self._resolve_parents([pid], all_drives, caller)
                f.parents = new_parents
                f.drive_id = drive_id
            if media is not None:
                self._apply_media(f, meta.get("mimeType"), *media)
            elif meta.get("mimeType") and meta["mimeType"] != f.mime_type:
                f.mime_type = meta["mimeType"]
            f.version += 1
            f.modified = self._now()
            # writable: the caller's time wins (unless switched off for converting writes)
            self._set_modified(f, meta, self._converts(f.mime_type, media))
            f.modifier = dict(ME)
            return self.view(f, caller.project)

    def get(self, file_id: str, params: dict[str, str], caller: Caller | None = None) -> DriveFile:
        with self.lock:
            return self.lookup(file_id, params.get("supportsAllDrives") == "true", caller)

    def media(self, file_id: str, params: dict[str, str], caller: Caller | None = None) -> tuple[bytes, str]:
        with self.lock:
            f = self.lookup(file_id, params.get("supportsAllDrives") == "true", caller)
            if f.mime_type.startswith("application/vnd.google-apps."):
                raise ApiError(
                    403,
                    "fileNotDownloadable",
                    "Only files with binary content can be downloaded. Use Export with Docs Editors files.",
                    location="alt",
                )
            return f.content or b"", f.content_type or f.mime_type

    def delete(self, file_id: str, params: dict[str, str]) -> None:
        with self.lock:
            f = self.lookup(file_id, params.get("supportsAllDrives") == "true")
            if f.hidden or not self.capabilities(f)["canDelete"]:
                raise ApiError(
                    403,
                    "insufficientFilePermissions",
                    f"The user does not have sufficient permissions for file {f.id}.",
                )
            del self.files[f.id]

    def generate_ids(self, params: dict[str, str]) -> dict[str, Any]:
        try:
            count = int(params.get("count") or 10)
        except ValueError as exc:
            raise invalid("Invalid value for count", "count") from exc
        if not 1 <= count <= 1000:
            raise invalid("Invalid value for count", "count")
        with self.lock:
            ids = [new_id() for _ in range(count)]
            self.generated.update(ids)
        return {"kind": "drive#generatedIds", "space": params.get("space") or "drive", "ids": ids}

    def export(self, file_id: str, params: dict[str, str], caller: Caller | None = None) -> tuple[bytes, str]:
        mime = params.get("mimeType")
        if not mime:
            raise ApiError(400, "required", "Required parameter: mimeType", location="mimeType")
        with self.lock:
            f = self.lookup(file_id, params.get("supportsAllDrives") == "true", caller)
            if not f.mime_type.startswith("application/vnd.google-apps.") or f.mime_type == FOLDER:
                raise ApiError(403, "fileNotExportable", "Export only supports Docs Editors files.", location="fileId")
            data = self._export_bytes(f, mime)
        if len(data) > self.export_limit:
            raise ApiError(403, "exportSizeLimitExceeded", "This file is too large to be exported.")
        return data, mime

    def _export_bytes(self, f: DriveFile, mime: str) -> bytes:
        if f.mime_type == DOCUMENT:
            if mime == DOCX and f.content_type in (DOCX, None):
                return f.content or b""
            if mime == PDF:
                text = (
                    (f.content or b"").decode("utf-8")
                    if f.content_type == "text/plain"
                    else docx_text(f.content or b"")
                )
                return text_pdf(text)
            if mime == "text/plain":
                if f.content_type == "text/plain":
                    return f.content or b""
                return docx_text(f.content or b"").encode("utf-8")
        if f.mime_type == SPREADSHEET and self.sheets is not None and mime in (XLSX, "text/csv"):
            return self.sheets.export(f.id, mime)
        raise ApiError(400, "badRequest", "The requested conversion is not supported.", location="convertTo")

    def list(self, params: dict[str, str], fields: FieldTree | None, caller: Caller | None = None) -> dict[str, Any]:
        del fields  # selection is applied by the caller
        caller = caller or Caller()
        project = caller.project
        query = params.get("q")
        tree = q.parse(query) if query else None
        all_drives = params.get("supportsAllDrives") == "true"
        include_all = params.get("includeItemsFromAllDrives") == "true"
        corpora = params.get("corpora") or "user"
        drive_id = params.get("driveId")
        if corpora not in ("user", "drive", "allDrives", "domain"):
            raise invalid("Invalid value for corpora", "corpora")
        if corpora == "drive":
            if not drive_id:
                raise invalid(
                    "The driveId parameter must be specified if and only if corpora is set to drive.", "driveId"
                )
            if not (include_all and all_drives):
                raise ApiError(
                    403,
                    "teamDrivesParameterNotSupported",
                    "includeItemsFromAllDrives and supportsAllDrives must be true when corpora is drive.",
                )
            if drive_id not in self.drives:
                raise ApiError(404, "notFound", f"Shared drive not found: {drive_id}", location="driveId")
        try:
            size = int(params.get("pageSize") or 100)
        except ValueError as exc:
            raise invalid("Invalid value for pageSize", "pageSize") from exc
        if not 1 <= size <= 1000:
            raise invalid("Invalid value for pageSize", "pageSize")
        size = min(size, self.max_page_size)
        fingerprint = hashlib.sha1(json.dumps([query, params.get("orderBy"), corpora, drive_id]).encode()).hexdigest()[
            :12
        ]
        offset = self._decode_token(params.get("pageToken"), fingerprint)
        now = time.time()
        with self.lock:
            found = []
            for f in sorted(self.files.values(), key=lambda x: x.seq):
                if f.hidden or not self._granted(f, caller) or f.indexed_at > now:
                    continue
                if f.drive_id is not None:
                    if not (include_all and all_drives):
                        continue
                    if corpora == "drive" and f.drive_id != drive_id:
                        continue
                elif corpora == "drive":
                    continue
                res = self.view(f, project)
                if tree is not None:
                    view = {**res, "fullText": self._full_text(f)}
                    if not q.evaluate(tree, view):
                        continue
                found.append(res)
        found = _order(found, params.get("orderBy"))
        page = found[offset : offset + size]
        out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False, "files": page}
        if offset + size < len(found):
            out["nextPageToken"] = self._encode_token(offset + size, fingerprint)
        return out

    def _full_text(self, f: DriveFile) -> str:
        if f.content is None:
            return ""
        if f.content_type == DOCX:
            return docx_text(f.content)
        if (f.content_type or "").startswith("text/"):
            return f.content.decode("utf-8", "replace")
        return ""

    @staticmethod
    def _encode_token(offset: int, fingerprint: str) -> str:
        return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")

    @staticmethod
    def _decode_token(token: str | None, fingerprint: str) -> int:
        if not token:
            return 0
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            offset, fp = raw.split(":", 1)
            if fp != fingerprint:
                raise ValueError
            return int(offset)
        except (ValueError, UnicodeDecodeError) as exc:
            raise invalid("Invalid Value", "pageToken") from exc


def _order(found: list[dict[str, Any]], order_by: str | None) -> list[dict[str, Any]]:
    if not order_by:
        return found
    keys: list[tuple[Callable[[dict[str, Any]], Any], bool]] = []
    for part in order_by.split(","):
        words = part.strip().split()
        if not words or words[0] not in (
            "name",
            "createdTime",
            "modifiedTime",
            "folder",
            "name_natural",
            "recency",
            "starred",
            "quotaBytesUsed",
            "viewedByMeTime",
            "sharedWithMeTime",
            "modifiedByMeTime",
        ):
            raise invalid("Invalid Value", "orderBy")
        name = words[0]
        desc = len(words) > 1 and words[1].lower() == "desc"
        if name in ("name", "name_natural"):
            keys.append((lambda r: r["name"].lower(), desc))
        elif name == "folder":
            keys.append((lambda r: r["mimeType"] != FOLDER, desc))
        elif name in ("createdTime", "modifiedTime"):
            keys.append((lambda r, n=name: r[n], desc))
        else:
            keys.append((lambda r: r["modifiedTime"], desc))
    for key, desc in reversed(keys):
        found = sorted(found, key=key, reverse=desc)
    return found

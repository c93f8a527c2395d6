"""Seeding and inspection helpers of FakeGoogle: what tests set up and assert on."""

from __future__ import annotations

import threading
from typing import Any

from tests.google.fakegoogle.drive import DriveStore
from tests.google.fakegoogle.files import DOCUMENT, DOCX, FOLDER, SHORTCUT, SPREADSHEET, DriveFile, new_id
from tests.google.fakegoogle.sheets import SheetsStore


class Seeding:
    """Mixed into FakeGoogle; works on its stores directly, bypassing HTTP and faults."""

    lock: threading.RLock
    drive: DriveStore
    sheets: SheetsStore

    def _seed(
        self,
        name: str,
        mime: str,
        parent: str,
        app_properties: dict[str, str] | None,
        properties: dict[str, str] | None,
        file_id: str | None = None,
    ) -> DriveFile:
        with self.lock:
            par = self.drive.lookup(parent)
            created, modified, seq = self.drive._stamp()
            f = DriveFile(
                file_id or new_id(),
                name,
                mime,
                [par.id],
                created,
                modified,
                seq,
                drive_id=par.drive_id,
                properties=dict(properties or {}),
            )
            if app_properties:
                f.app_properties = dict(app_properties)
            self.drive.files[f.id] = f
            return f

    def add_shared_drive(self, name: str) -> str:
        drive_id = new_id("0A")[:19]
        with self.lock:
            self.drive.drives[drive_id] = name
            created, modified, seq = self.drive._stamp()
            self.drive.files[drive_id] = DriveFile(
                drive_id, name, FOLDER, [], created, modified, seq, drive_id=drive_id, hidden=True
            )
        return drive_id

    def add_folder(
        self,
        name: str,
        parent: str = "root",
        *,
        app_properties: dict[str, str] | None = None,
        properties: dict[str, str] | None = None,
    ) -> str:
        return self._seed(name, FOLDER, parent, app_properties, properties).id

    def add_file(
        self,
        name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        parent: str = "root",
        *,
        app_properties: dict[str, str] | None = None,
        properties: dict[str, str] | None = None,
    ) -> str:
        f = self._seed(name, mime_type, parent, app_properties, properties)
        f.content, f.content_type = bytes(content), mime_type
        return f.id

    def add_doc(
        self, name: str, docx: bytes, parent: str = "root", *, app_properties: dict[str, str] | None = None
    ) -> str:
        """A native Google Doc whose .docx export is ``docx``."""
        f = self._seed(name, DOCUMENT, parent, app_properties, None)
        f.content, f.content_type, f.converted_from = bytes(docx), DOCX, DOCX
        return f.id

    def add_sheet(
        self, name: str, tabs: dict[str, list[list[Any]]], parent: str = "root", hidden: tuple[str, ...] = ()
    ) -> str:
        """A native Google Sheet with the given tabs (title -> rows of cell values), some of them hidden."""
        f = self._seed(name, SPREADSHEET, parent, None, None)
        self.sheets.add(f.id, name, tabs, hidden)
        return f.id

    def human_edit(
        self,
        file_id: str,
        *,
        content: bytes | None = None,
        name: str | None = None,
        bump: int = 3,
        by: str = "teacher@example.org",
    ) -> None:
        """Simulate a person editing in the browser: new version(s), time and modifier."""
        with self.lock:
            f = self.drive.files[file_id]
            if content is not None:
                f.content = bytes(content)
            if name is not None:
                f.name = name
        self.drive.touch(
            file_id, {"kind": "drive#user", "displayName": by.split("@")[0], "emailAddress": by, "me": False}, bump
        )

    def add_shortcut(self, name: str, target: str, parent: str = "root") -> str:
        """A Drive shortcut to ``target`` (what "Add shortcut to Drive" makes)."""
        f = self._seed(name, SHORTCUT, parent, None, None)
        with self.lock:
            goal = self.drive.files[target]
            f.shortcut_target, f.shortcut_target_mime = goal.id, goal.mime_type
        return f.id

    def trash(self, file_id: str) -> None:
        """Move a file (or a folder, with everything in it) to the trash, as a person does in the browser."""
        with self.lock:
            self.drive.files[file_id].trashed = True
        self.drive.touch(file_id, bump=1)

    def share(self, file_id: str, role: str = "reader", *, email: str | None = None, domain: str | None = None) -> None:
        """Share a file or folder with a person (``email``), a domain, or anyone with the link (neither)."""
        if email:
            perm = {"kind": "drive#permission", "type": "user", "role": role, "emailAddress": email}
        elif domain:
            perm = {"kind": "drive#permission", "type": "domain", "role": role, "domain": domain}
        else:
            perm = {"kind": "drive#permission", "type": "anyone", "role": role}
        with self.lock:
            self.drive.files[file_id].permissions.append(perm)

    def join_shared_drive(self, drive_id: str, role: str, members: tuple[tuple[str, str], ...] = ()) -> None:
        """The signed-in user's role in a shared drive (organizer = Manager, fileOrganizer = Content
        manager, writer = Contributor, commenter, reader) and the drive's other members (email, role)."""
        with self.lock:
            self.drive.drive_roles[drive_id] = role
            self.drive.drive_members[drive_id] = [
                {"kind": "drive#permission", "type": "user", "role": r, "emailAddress": e} for e, r in members
            ]

    def share_as(self, file_id: str, role: str) -> None:
        """Make the signed-in user's access to a file ``reader`` (view-only), ``writer`` or ``owner``."""
        with self.lock:
            self.drive.files[file_id].role = role

    def file(self, file_id: str) -> DriveFile:
        with self.lock:
            return self.drive.files[file_id]

    def files(
        self, *, name: str | None = None, parent: str | None = None, include_trashed: bool = False
    ) -> list[DriveFile]:
        """Stored files (folders included), in creation order, for assertions."""
        with self.lock:
            out = sorted((f for f in self.drive.files.values() if not f.hidden), key=lambda f: f.seq)
        return [
            f
            for f in out
            if (name is None or f.name == name)
            and (parent is None or parent in f.parents)
            and (include_trashed or not f.trashed)
        ]

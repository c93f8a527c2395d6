"""Each student's Drive folder: the link in the caseload, else the folder named like theirs in ROOT.

A caseload column (the mapping's ``destination_folder``) wins because the therapist chose it. Without
one, the folder is the child of ROOT whose name matches the plan's folder name after trimming,
collapsing spaces and ignoring case -- names typed by people differ in exactly those ways. Two
such folders make that student fail (plangen cannot pick the right one); a missing one is created
only with ``--create-folders``, once however many students share it. One paginated listing of
ROOT serves the whole run, so lookups do not cost a request per student.
"""

from __future__ import annotations

import threading
import unicodedata
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from generator.errors import ConfigError, GoogleApiError, OutputError
from generator.google.auth.ids import FOLDER_MIME, parse_drive_id, web_link
from generator.google.drive.api import DriveApi, IdPool
from generator.sources.cells import is_blank
from generator.template.job import PlanJob

FOLDER_FIELDS = "id,name,mimeType,driveId,webViewLink"
MY_DRIVE = "root"  # Drive's alias for the top of My Drive; with drive.file, the one ROOT plangen can see


@dataclass(frozen=True)
class Folder:
    """A student's folder; ``id`` is None only in a dry run, for a folder not created yet."""

    id: str | None
    link: str
    drive_id: str | None = None  # the shared drive it is in; None: My Drive
    drive_known: bool = True  # False for links from the caseload (not looked up)
    created: bool = False


def folder_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def folder_link(resource: dict[str, Any]) -> str:
    return resource.get("webViewLink") or web_link(resource["id"], FOLDER_MIME)


def join_links(links: list[str]) -> str:
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]


@dataclass(frozen=True)
class Root:
    id: str
    link: str
    drive_id: str | None


def open_root(api: DriveApi, text: str) -> Root:
    """The --drive folder, checked before anything is rendered: a wrong root is a config error.

    ``root`` means the top of My Drive: with the drive.file scope plangen sees only what it
    created, so ``--drive root --create-folders`` is how that scope gets folders it can see.
    """
    my_drive = text.strip().casefold() == MY_DRIVE
    root_id = MY_DRIVE if my_drive else parse_drive_id(text, what="Google Drive folder link")
    link = "My Drive" if my_drive else web_link(root_id, FOLDER_MIME)
    try:
        resource = api.get(root_id, FOLDER_FIELDS)
    except GoogleApiError as exc:
        if exc.status != 404:
            raise
        raise ConfigError(
            f"--drive: the folder {link} was not found, or the signed-in Google account cannot open "
            "it. Check the link and that the account can open the folder (for a shared drive: is a "
            "member). Signed in with the drive.file scope, plangen sees only folders it created."
        ) from exc
    if resource.get("mimeType") != FOLDER_MIME:
        raise ConfigError(
            f"--drive: {link} is not a folder. Give the link of the folder that holds the students' folders."
        )
    return Root(resource["id"], link if my_drive else folder_link(resource), resource.get("driveId"))


class FolderResolver:
    """Finds (or, when asked, creates) the folder of each plan; safe to call from many threads."""

    def __init__(
        self,
        api: DriveApi,
        ids: IdPool,
        *,
        root: Root | None,
        field: str | None,
        column: str,
        create: bool,
        dry_run: bool,
    ):
        self.api = api
        self.ids = ids
        self.root = root
        self.field = field
        self.column = column
        self.create = create
        self.dry_run = dry_run
        self.by_name: dict[str, list[Folder]] = {}
        self._creating: dict[str, Future[Folder]] = {}
        self._lock = threading.Lock()

    def load(self) -> None:
        """List ROOT's sub-folders once, for every student matched by name."""
        if self.root is None:
            return
        query = f"'{self.root.id}' in parents and mimeType = '{FOLDER_MIME}' and trashed = false"
        corpus = {"corpora": "drive", "driveId": self.root.drive_id} if self.root.drive_id else {}
        for item in self.api.list_all(query, FOLDER_FIELDS, **corpus).items:
            folder = Folder(item["id"], folder_link(item), item.get("driveId"))
            self.by_name.setdefault(folder_key(item.get("name", "")), []).append(folder)

    def resolve(self, job: PlanJob) -> Folder:
        value = job.student.values.get(self.field) if self.field else None
        if not is_blank(value):
            return self._from_caseload(str(value))
        if self.root is None:
            raise OutputError(
                f"no Drive folder: the {self.column} is blank. Fill it in, or run with "
                "--drive ROOT to find the student's folder by name in ROOT."
            )
        return self._by_name(job.name.folder)

    def _from_caseload(self, value: str) -> Folder:
        try:
            folder_id = parse_drive_id(value)
        except ConfigError:
            raise OutputError(
                f"the {self.column} does not hold a Google Drive folder link or ID. Copy "
                "the link from the browser's address bar while the folder is open."
            ) from None
        return Folder(folder_id, web_link(folder_id, FOLDER_MIME), drive_known=False)

    def _by_name(self, name: str) -> Folder:
        assert self.root is not None
        matches = self.by_name.get(folder_key(name), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise OutputError(
                f"{len(matches)} folders in {self.root.link} are named '{name}': "
                f"{join_links([m.link for m in matches])}. Rename or remove all but one, or put the "
                f"right folder's link in the {self.column}."
            )
        if not self.create:
            where = f", put the folder's link in the {self.column}," if self.field else ""
            raise OutputError(
                f"no folder named '{name}' in {self.root.link}. Create it{where} or run with --create-folders."
            )
        return self._created_once(name)

    def _created_once(self, name: str) -> Folder:
        """Students sharing a folder name wait for the first one's create instead of racing it."""
        key = folder_key(name)
        with self._lock:
            pending = self._creating.get(key)
            owner = pending is None
            if pending is None:
                pending = self._creating[key] = Future()
        if owner:
            try:
                pending.set_result(self._create(name))
            except BaseException as exc:
                pending.set_exception(exc)
        return pending.result()

    def _create(self, name: str) -> Folder:
        assert self.root is not None
        if self.dry_run:
            return Folder(None, f"{self.root.link} (new folder '{name}')", self.root.drive_id, created=True)
        file_id = self.ids.take()
        body = {"id": file_id, "name": name, "mimeType": FOLDER_MIME, "parents": [self.root.id]}
        request = self.api.files().create(body=body, fields=FOLDER_FIELDS, supportsAllDrives=True)
        resource = self.api.run(request, on_conflict=lambda: self.api.get(file_id, FOLDER_FIELDS))
        return Folder(resource["id"], folder_link(resource), resource.get("driveId"), created=True)

r"""Each student's Drive folder: the link in the caseload, else the folder named like theirs in ROOT.

A caseload column (the mapping's ``destination_folder``) wins because the therapist chose it; the linked
folder is looked up once (a shortcut followed to its folder) and a student fails, saying why, when it
is missing, in the trash (itself or a folder above it), not a folder, or not writable.

Without a link, the folder is the child of ROOT -- or the folder a shortcut in ROOT points to -- whose
name matches the student's folder name as people type it: Unicode-normalised (NFKC), curly quotes and
apostrophes as straight ones (Drive's web UI types ’), spaces collapsed, case ignored, and the
characters a file system refuses but Drive allows (``/``, ``\``, ``:``, a trailing dot...) taken as
the same as plangen's stand-in for them. Two such folders make that student fail, naming both; a
missing one is created only with ``--create-folders`` (named as the pattern gave it: Drive allows
every character), once however many students share it. One paginated listing of ROOT serves the whole
run, so matching by name does not cost a request per student.
"""

from __future__ import annotations

import re
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
SHORTCUT_MIME = "application/vnd.google-apps.shortcut"
LISTED_FIELDS = FOLDER_FIELDS + ",shortcutDetails"
CHECK_FIELDS = FOLDER_FIELDS + ",trashed,shortcutDetails,capabilities(canAddChildren)"
_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    }
)
_REFUSED_BY_FILE_SYSTEMS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u2215\u2216]')
MY_DRIVE = "root"  # Drive's alias for the top of My Drive; with drive.file, the one ROOT plangen can see


@dataclass(frozen=True)
class Folder:
    """A student's folder; ``id`` is None only in a dry run, for a folder not created yet."""

    id: str | None
    link: str
    drive_id: str | None = None  # the shared drive it is in; None: My Drive
    drive_known: bool = True  # False: the shared drive it is in was not looked up
    created: bool = False
    checked: bool = True  # False: a shortcut's target, not looked up yet (trash, access)


def folder_key(name: str) -> str:
    """A folder or file name as compared: the same for every way people and plangen write one name."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    text = _REFUSED_BY_FILE_SYSTEMS.sub("_", " ".join(text.split()))
    return text.strip(" .").casefold()


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
        file_only: bool = False,
    ):
        self.api = api
        self.file_only = file_only  # drive.file: folders people made cannot be seen
        self._checked: dict[str, Future[Folder]] = {}
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
        kinds = f"(mimeType = '{FOLDER_MIME}' or mimeType = '{SHORTCUT_MIME}')"
        query = f"'{self.root.id}' in parents and {kinds} and trashed = false"
        corpus = {"corpora": "drive", "driveId": self.root.drive_id} if self.root.drive_id else {}
        for item in self.api.list_all(query, LISTED_FIELDS, **corpus).items:
            target = item.get("shortcutDetails") or {}
            if item.get("mimeType") == SHORTCUT_MIME and target.get("targetMimeType") != FOLDER_MIME:
                continue  # a shortcut to a file
            if item.get("mimeType") == SHORTCUT_MIME:
                goal = str(target.get("targetId"))
                folder = Folder(goal, web_link(goal, FOLDER_MIME), drive_known=False, checked=False)
            else:
                folder = Folder(item["id"], folder_link(item), item.get("driveId"))
            known = self.by_name.setdefault(folder_key(item.get("name", "")), [])
            if all(f.id != folder.id for f in known):
                known.append(folder)

    def resolve(self, job: PlanJob) -> Folder:
        value = job.student.values.get(self.field) if self.field else None
        if not is_blank(value):
            return self._from_caseload(str(value))
        if self.root is None:
            raise OutputError(
                f"no Drive folder: the {self.column} is blank. Fill it in, or run with "
                "--drive ROOT to find the student's folder by name in ROOT."
            )
        return self._by_name(job.name.title if job.name.title and not job.name.collided else job.name.folder)

    def _from_caseload(self, value: str) -> Folder:
        try:
            folder_id = parse_drive_id(value)
        except ConfigError:
            raise OutputError(
                f"the {self.column} does not hold a Google Drive folder link or ID. Copy "
                "the link from the browser's address bar while the folder is open."
            ) from None
        return self.checked(Folder(folder_id, web_link(folder_id, FOLDER_MIME), drive_known=False, checked=False))

    def checked(self, folder: Folder) -> Folder:
        """The folder looked up (once per run): a shortcut followed, and refused when it is gone, in the
        trash, not a folder or not writable."""
        if folder.checked or folder.id is None:
            return folder
        with self._lock:
            pending = self._checked.get(folder.id)
            owner = pending is None
            if pending is None:
                pending = self._checked[folder.id] = Future()
        if owner:
            try:
                pending.set_result(self._look_up(folder.id, folder.link))
            except BaseException as exc:
                pending.set_exception(exc)
        return pending.result()

    def _look_up(self, file_id: str, link: str, shortcut: bool = False) -> Folder:
        try:
            item = self.api.get(file_id, CHECK_FIELDS)
        except GoogleApiError as exc:
            if exc.status != 404:
                raise
            if self.file_only:
                raise OutputError(
                    f"the student's folder {link} cannot be seen with the drive.file scope: plangen sees only "
                    "folders it created. Clear the folder link so plangen makes the folder in ROOT "
                    "(--create-folders), or sign in with the full drive scope."
                ) from exc
            raise OutputError(
                f"the student's folder {link} was not found, or the signed-in Google account cannot open it. "
                f"Check the link in the {self.column}, and that the folder is shared with the account."
            ) from exc
        details = item.get("shortcutDetails") or {}
        if item.get("mimeType") == SHORTCUT_MIME and not shortcut:
            return self._look_up(str(details.get("targetId")), link, shortcut=True)
        if item.get("mimeType") != FOLDER_MIME:
            raise OutputError(f"{link} is not a folder. Put the link of the student's folder in the {self.column}.")
        if item.get("trashed"):
            raise OutputError(
                f"the student's folder {folder_link(item)} is in the trash (it, or a folder it is in, was moved "
                f"there). Restore it from the trash in Google Drive, or put the link of the student's current "
                f"folder in the {self.column}."
            )
        if not (item.get("capabilities") or {}).get("canAddChildren", True):
            raise OutputError(
                f"the signed-in Google account can open the student's folder {folder_link(item)} but not add "
                "files to it. Ask its owner for Editor access (Contributor in a shared drive)."
            )
        return Folder(item["id"], folder_link(item), item.get("driveId"))

    def _by_name(self, name: str) -> Folder:
        assert self.root is not None
        matches = self.by_name.get(folder_key(name), [])
        if len(matches) == 1:
            return self.checked(matches[0])
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

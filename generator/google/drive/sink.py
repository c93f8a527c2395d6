"""Google Drive as a destination: each student's plan as a native Google Doc in their folder.

Before any plan is rendered, a run asks Drive for the ROOT folder, ROOT's sub-folders and every
plan plangen wrote (``drive.folders``, ``drive.plans``), each a fixed number of paginated
requests however many students there are. Plans are then delivered by a few threads -- Drive
calls are mostly waiting -- under one shared write pace, and outcomes come back in job order.

For each plan:

* no plan yet: ``files.create`` (multipart, converted to a Doc), sent once with a create token
  (``drive.create``): created
* same content as plangen last wrote: nothing: unchanged
* new content, Doc untouched since plangen wrote it: ``files.update`` with media, which keeps
  the Doc's ID, link and sharing: updated
* new content, Doc edited (or plangen cannot tell): nothing: kept-edited; with
  ``--replace-edited`` the edited Doc is renamed "... (edited <time>)" and retired, and a new Doc
  is created: replaced

Every write is one request carrying its own bookkeeping, and a create whose answer is lost is looked
for before it is sent again, so a run killed at any point leaves work undone but never a second plan:
the next run finds what the killed one wrote. plangen never changes sharing; a Doc inherits its
folder's. What the marks hold, and why nothing in them tells about a student: ``drive.plans``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from googleapiclient.http import MediaInMemoryUpload

from generator.errors import ConfigError, GoogleApiError, OutputError, StudentError
from generator.google.auth.client import RateLimiter
from generator.google.auth.credentials import service_account_email
from generator.google.auth.ids import DOC_MIME, DOCX_MIME, web_link
from generator.google.auth.options import GoogleSignIn
from generator.google.auth.scopes import only_file_scope
from generator.google.drive.api import DriveApi, IdPool
from generator.google.drive.create import create_once
from generator.google.drive.folders import Folder, FolderResolver, Root, join_links, open_root
from generator.google.drive.marks import MarkKey
from generator.google.drive.modes import DriveModes
from generator.google.drive.overview import publish_overview
from generator.google.drive.pdf import publish_pdfs
from generator.google.drive.plans import (
    DOC_FIELDS,
    EDITED_COPY,
    FORMAT,
    KEYED,
    MARKER,
    ExistingPlan,
    PlanIdentity,
    PlanIndex,
    content_hash,
    field_properties,
    leaks,
    marked,
    several,
    stored_fields,
    write_stamp,
)
from generator.mapping.load import Mapping
from generator.output.fingerprint import changed_fields, stale_message
from generator.output.local import STATE_DIR
from generator.output.report import CREATED, KEPT_EDITED, REPLACED, STALE, UNCHANGED, UPDATED
from generator.output.sink import Delivery, RunEnd, SinkRequest
from generator.template.job import PlanJob

# Where the learned write pace starts: above the ~3 writes/s folklore, well below Drive's documented
# quota; a refusal or two costs less than a run held at a pace Google does not need
# (benchmarks/drive_throughput.py).
DEFAULT_WRITES_PER_SECOND = 4.0
DEFAULT_WORKERS = 8  # uploads in flight: enough that 150 ms per request does not cap the pace
RETRY_BASE_DELAY = 1.0
RESUMABLE_ABOVE = 5 * 1024 * 1024  # Drive's limit for multipart uploads
UNMARKED_MESSAGE = (
    "a Google Doc with this plan's name is already in the folder, without plangen marks this "
    "sign-in can match (made by a person, or written by plangen on another computer, whose Drive mark "
    "key this one lacks, or by an older plangen under another OAuth client); kept as is and no second "
    "plan made (use --replace-edited to put a new Doc beside it)"
)
KEPT_MESSAGE = "edited since plangen wrote it; kept as is (use --replace-edited to put a new Doc beside it)"
UNREADABLE_MESSAGE = (
    "written by plangen under another OAuth client (another Cloud project), whose private marks this sign-in "
    "cannot read, so plangen cannot tell whether it was edited; kept as is (sign in through the OAuth client "
    "that wrote it to update it, or use --replace-edited to put a new Doc beside it)"
)
UNKEPT_STAMP = " Drive did not keep plangen's write time, so later runs will treat this Doc as edited and keep it."


class DriveDestination:
    """--drive: each student's plan a Google Doc in their Drive folder, through the run's one sign-in."""

    def __init__(self, options: DriveOptions, sign_in: GoogleSignIn):
        self.options = options
        self.sign_in = sign_in

    def check(self, pdf: bool) -> None:
        """Nothing to find on this computer: Google makes the PDFs (an export of each Doc)."""

    def open(self, request: SinkRequest) -> DriveSink:
        """Signed in, ROOT checked, folders listed and existing plans found, before anything is rendered."""
        return open_drive_sink(
            self.options,
            self.sign_in,
            request.mapping,
            template_sha256=request.template_sha256,
            replace_edited=request.replace_edited,
            dry_run=request.dry_run,
            expected=len(request.names),
            names=[name.filename for name in request.names],
            journal=request.out_dir / STATE_DIR / "drive-times.jsonl",
            data_fields=request.mapping.data_fields(),
        )


@dataclass
class DriveOptions:
    """What was asked for with --drive (the sign-in is the run's one ``GoogleSignIn``)."""

    root: str | None = None  # folder link or ID; None: every student's folder is in the caseload
    create_folders: bool = False
    writes_per_second: float = DEFAULT_WRITES_PER_SECOND  # the starting pace
    workers: int = DEFAULT_WORKERS
    adaptive: bool = True  # learn the pace from Google's answers; False: hold writes_per_second
    overview_sheet: bool = False  # the caseload overview as a Google Sheet in ROOT (--overview-sheet): off by default


class DriveSink:
    """Delivers rendered plans as Google Docs; in a dry run it reads Drive but writes nothing."""

    def __init__(
        self,
        api: DriveApi,
        folders: FolderResolver,
        index: PlanIndex,
        ids: IdPool,
        *,
        template_sha256: str,
        replace_edited: bool,
        dry_run: bool,
        workers: int,
        owner: str | None = None,
        file_only: bool = False,
        modes: DriveModes | None = None,
        data_fields: tuple[str, ...] = (),
        key: MarkKey | None = None,
        overview_sheet: bool = False,
    ):
        self.api = api
        self.overview_sheet = overview_sheet  # the therapist asked for the overview as a Sheet in ROOT
        self.key = key or MarkKey.load()  # keys every mark that could tell something about a student
        self.data_fields = data_fields  # sheet fields fingerprinted on each Doc, to tell a stale edit
        self.folders = folders
        self.index = index
        self.ids = ids
        self.template = template_sha256[:16]
        self.replace_edited = replace_edited
        self.dry_run = dry_run
        self.workers = max(1, workers)
        self.owner = owner  # a service account acting as itself: it can create only in shared drives
        self.file_only = file_only  # drive.file: folders people made are invisible
        self.modes = modes or DriveModes()  # fallbacks when Drive does not behave as assumed

    @property
    def notes(self) -> list[str]:
        """Which fallback modes the run switched to, and the write pace learned (the report shows them)."""
        return self.modes.notes() + self._pace_notes()

    def deliver_all(self, jobs: Iterable[PlanJob]) -> Iterator[tuple[PlanJob, Delivery | StudentError]]:
        window: deque[tuple[PlanJob, Future[Delivery]]] = deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="plangen-drive") as pool:
            try:
                for job in jobs:
                    window.append((job, pool.submit(self.deliver, job)))
                    if len(window) >= 2 * self.workers:
                        yield self._outcome(*window.popleft())
                while window:
                    yield self._outcome(*window.popleft())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    @staticmethod
    def _outcome(job: PlanJob, future: Future[Delivery]) -> tuple[PlanJob, Delivery | StudentError]:
        try:
            return job, future.result()
        except StudentError as exc:
            return job, exc

    def writer(self) -> None:
        """Uploads stay in this process, under one shared write pace: workers hand plans back."""
        return None

    def _pace_notes(self) -> list[str]:
        """The write pace learned, when Google pushed back: a slow run is then told from a slow plangen."""
        limiter = self.api.limiter
        if limiter is None or not limiter.adaptive or not limiter.refusals:
            return []
        return [
            f"Google Drive: writes paced at {limiter.rate:.1f}/s by the end of the run, learned from Google's "
            f"rate limit ({limiter.refusals} write(s) refused and retried, slowed down {limiter.slowdowns} "
            "time(s))."
        ]

    def close(self) -> None:
        """Nothing to flush: everything plangen needs next time is stored on the Docs."""

    def finish(self, end: RunEnd) -> None:
        """Each Doc exported as PDF beside it (--pdf), then the caseload overview: written in the run's local
        folder as on every run, and kept in ROOT as a Google Sheet when asked for (--overview-sheet)."""
        if end.pdf:
            publish_pdfs(self.api, end.report)
        files = end.write_overview()
        if files is not None and self.overview_sheet:
            publish_overview(self.api, self.folders.root, files, end.report)

    def deliver(self, job: PlanJob) -> Delivery:
        """One plan; a Google failure fails this student only (auth problems stop the run)."""
        try:
            return self._deliver(job)
        except GoogleApiError as exc:
            raise OutputError(str(exc)) from exc

    def _deliver(self, job: PlanJob) -> Delivery:
        folder = self.folders.resolve(job)
        content = self.key.mark("content", content_hash(job.data))
        identities = self._identities(job, folder)
        found = [] if folder.id is None else self.index.find(identities, folder)
        if len(found) > 1:
            raise OutputError(several(found))
        if not found:
            return self._unmarked(job, folder, content) or self._create(job, folder, content, CREATED)
        plan: ExistingPlan | None = found[0]
        if not self._same(found[0], job):
            plan = self._reread(found[0])  # a person may have typed into it since the run began
        if plan is None:
            return self._create(job, folder, content, CREATED)
        if self._outdated(plan, identities[0]) and not self.dry_run:
            plan = self._migrate(plan, identities[0])
        if self._same(plan, job):
            return Delivery(UNCHANGED, plan.link)
        if plan.untouched or self.modes.recorded(plan.id, plan.modified):
            return self._update(job, plan, identities[0], content)
        changed = self._changed(job, plan, identities[0])
        if not self.replace_edited:
            if changed:
                return Delivery(STALE, plan.link, stale_message(changed))
            return Delivery(
                KEPT_EDITED, plan.link, KEPT_MESSAGE if "written" in plan.properties else UNREADABLE_MESSAGE
            )
        return self._replace(job, folder, plan, content, changed)

    def _identities(self, job: PlanJob, folder: Folder) -> list[PlanIdentity]:
        """The plan's identity under the mark key, then (for plans an older plangen wrote) the one keyed
        by the student's folder."""
        current = PlanIdentity.of(self.key, job.student.key, job.name.filename)
        if folder.id is None:
            return [current]
        return [current, PlanIdentity.legacy(folder.id, job.student.key, job.name.filename)]

    def _same(self, plan: ExistingPlan, job: PlanJob) -> bool:
        """The Doc holds what this run would write (marks of this key, or an older plangen's unkeyed hash)."""
        data = content_hash(job.data)
        return plan.content is not None and plan.content in (self.key.mark("content", data), data)

    @staticmethod
    def _outdated(plan: ExistingPlan, identity: PlanIdentity) -> bool:
        """Marks an older plangen wrote: identity keyed by the folder, or more than an identity in public."""
        return plan.properties.get("plan") != identity.plan or leaks(plan.public) or not plan.public.get(MARKER)

    def _changed(self, job: PlanJob, plan: ExistingPlan, identity: PlanIdentity) -> list[str]:
        """Sheet fields changed since the plan was written; none known (nothing recorded, or recorded
        under another key) is the safe side: the plan is kept, only without the list."""
        stored = stored_fields(plan.properties)
        if plan.properties.get(FORMAT) != KEYED:  # an older plangen's unkeyed tokens (kept private)
            return changed_fields(stored, job.student.values, self.data_fields)
        return self.key.changed(stored, job.student.values, self.data_fields)

    def _unmarked(self, job: PlanJob, folder: Folder, content: str) -> Delivery | None:
        """A Doc named like the plan, with no marks this sign-in matches: the plan, kept (never a second one)."""
        same_name = self.index.unmarked(folder.id or "", job.name.filename)
        if not same_name:
            return None
        if len(same_name) > 1:
            raise OutputError(
                f"{len(same_name)} Google Docs in the student's folder are named '{job.name.filename}' "
                f"and carry no plangen marks this sign-in can match: "
                f"{join_links([p.link for p in same_name])}. Move all but one to the trash and run "
                "again."
            )
        if self.replace_edited:
            return self._replace(job, folder, same_name[0], content, [])
        return Delivery(KEPT_EDITED, same_name[0].link, UNMARKED_MESSAGE)

    def _reread(self, plan: ExistingPlan) -> ExistingPlan | None:
        try:
            resource = self.api.get(plan.id, DOC_FIELDS + ",trashed")
        except GoogleApiError as exc:
            if exc.status == 404:
                return None
            raise
        return None if resource.get("trashed") else ExistingPlan.from_resource(resource)

    def _create(self, job: PlanJob, folder: Folder, content: str, status: str, note: str = "") -> Delivery:
        if self.owner and folder.id is not None and self._in_my_drive(folder):
            raise OutputError(f"the student's folder {folder.link} is in a My Drive. {no_storage(self.owner)}")
        if self.dry_run or folder.id is None:
            return Delivery(status, folder.link, note)
        stamp = write_stamp()
        identity = PlanIdentity.of(self.key, job.student.key, job.name.filename)
        marks = {**identity.properties(template=self.template, content=content, written=stamp), **self._fields(job, {})}
        body = {
            "name": job.name.filename,
            "mimeType": DOC_MIME,
            "parents": [folder.id],
            "modifiedTime": stamp,
            **marked(marks),
        }
        try:
            resource = create_once(self.api, body, lambda: _media(job.data), folder.id, DOC_FIELDS)
        except GoogleApiError as exc:
            if exc.status == 404 and self.file_only:
                raise OutputError(
                    f"the student's folder {folder.link} cannot be seen with the drive.file scope: "
                    "plangen sees only folders it created. Clear the folder link so plangen makes "
                    "the folder in ROOT (--create-folders), or sign in with the full drive scope."
                ) from exc
            raise
        self.modes.created(resource["id"], identity.plan)
        return Delivery(status, _link(resource), self._stamp_note(note, resource, stamp))

    def _stamp_note(self, note: str, resource: dict[str, Any], stamp: str) -> str:
        if self.modes.written(resource["id"], stamp, resource.get("modifiedTime")) or self.modes.keeps_journal:
            return note
        return (note + UNKEPT_STAMP).strip()

    def _migrate(self, plan: ExistingPlan, identity: PlanIdentity) -> ExistingPlan:
        """A plan an older plangen marked, the first time plangen sees it: public marks cut down to the
        keyed identity (the rest stays private), keeping its modification time, so an untouched plan
        still counts as untouched and an edited one as edited."""
        marks = {**plan.properties, "student": identity.student, "plan": identity.plan}
        body = {"modifiedTime": plan.modified, **marked(marks, plan.public)}
        resource = self.api.run(
            self.api.files().update(fileId=plan.id, body=body, fields=DOC_FIELDS, supportsAllDrives=True)
        )
        self.modes.written(plan.id, plan.modified, resource.get("modifiedTime"))
        return ExistingPlan.from_resource(resource)

    def _in_my_drive(self, folder: Folder) -> bool:
        if folder.drive_known:
            return folder.drive_id is None
        return self.api.get(folder.id or "", "id,driveId").get("driveId") is None

    def _update(self, job: PlanJob, plan: ExistingPlan, identity: PlanIdentity, content: str) -> Delivery:
        if self.dry_run:
            return Delivery(UPDATED, plan.link)
        stamp = write_stamp()
        marks = {
            **plan.properties,
            **identity.properties(template=self.template, content=content, written=stamp),
            **self._fields(job, plan.properties),
        }
        body = {"modifiedTime": stamp, **marked(marks, plan.public)}
        request = self.api.files().update(
            fileId=plan.id, body=body, media_body=_media(job.data), fields=DOC_FIELDS, supportsAllDrives=True
        )
        resource = self.api.run(request)
        return Delivery(UPDATED, _link(resource), self._stamp_note("", resource, stamp))

    def _fields(self, job: PlanJob, old: dict[str, str]) -> dict[str, str | None]:
        return field_properties(self.key.fields(job.student.values, self.data_fields), old)

    def _replace(self, job: PlanJob, folder: Folder, plan: ExistingPlan, content: str, changed: list[str]) -> Delivery:
        """Retire the edited Doc first: if the run dies before the new Doc exists, the next run
        simply creates it, and the edited Doc is never mistaken for the plan again."""
        aside = f"{plan.name} (edited {dt.datetime.now().strftime('%Y-%m-%d %H%M%S')})"
        if not self.dry_run:
            body = {"name": aside, **marked({MARKER: EDITED_COPY}, plan.public)}
            self.api.run(self.api.files().update(fileId=plan.id, body=body, fields="id", supportsAllDrives=True))
        changes = f" (the sheet changed since: {', '.join(changed)})" if changed else ""
        return self._create(job, folder, content, REPLACED, f"edited Doc kept as '{aside}': {plan.link}{changes}")


def _media(data: bytes) -> MediaInMemoryUpload:
    return MediaInMemoryUpload(data, mimetype=DOCX_MIME, resumable=len(data) > RESUMABLE_ABOVE)


def _link(resource: dict[str, Any]) -> str:
    return resource.get("webViewLink") or web_link(resource["id"], DOC_MIME)


# --------------------------------------------------------------------------------------------
# Opening a run's connection to Drive
# --------------------------------------------------------------------------------------------


def folder_column(mapping: Mapping) -> str:
    """How messages name the caseload column holding students' folder links."""
    if mapping.destination_folder is None:
        return "Drive folder column"
    spec = mapping.fields[mapping.destination_folder]
    return f"'{spec.column}' column" if spec.column else f"'{mapping.destination_folder}' field"


def open_drive_sink(
    options: DriveOptions,
    sign_in: GoogleSignIn,
    mapping: Mapping,
    *,
    template_sha256: str,
    replace_edited: bool,
    dry_run: bool,
    expected: int,
    names: Iterable[str] = (),
    journal: Path | None = None,
    data_fields: tuple[str, ...] = (),
) -> DriveSink:
    """Check the options and sign in before anything is rendered: these problems stop the run."""
    if options.root is None and mapping.destination_folder is None:
        raise ConfigError(
            f"--drive without a folder needs each student's folder link in the caseload: set "
            f"'destination_folder:' in {mapping.path.name} to the field holding it, or give --drive "
            "ROOT (the link of the folder that holds the students' folders)."
        )
    if options.create_folders and options.root is None:
        raise ConfigError("--create-folders needs --drive ROOT: new folders are made inside ROOT.")
    if mapping.overview_sheet and not options.overview_sheet:
        options = dataclasses.replace(options, overview_sheet=True)
    return connect(
        sign_in.credentials(),
        options,
        field=mapping.destination_folder,
        column=folder_column(mapping),
        template_sha256=template_sha256,
        replace_edited=replace_edited,
        dry_run=dry_run,
        expected=expected,
        names=names,
        journal=journal,
        data_fields=data_fields,
    )


def connect(
    credentials: Any,
    options: DriveOptions,
    *,
    field: str | None,
    column: str,
    template_sha256: str,
    replace_edited: bool,
    dry_run: bool,
    expected: int,
    names: Iterable[str] = (),
    journal: Path | None = None,
    retry_base_delay: float | None = None,
    data_fields: tuple[str, ...] = (),
    key: MarkKey | None = None,
) -> DriveSink:
    """A sink with ROOT checked, its folders listed and the existing plans found."""
    key = key or MarkKey.load()
    limiter = RateLimiter(options.writes_per_second, adaptive=options.adaptive)
    base_delay = RETRY_BASE_DELAY if retry_base_delay is None else retry_base_delay
    api = DriveApi(credentials, limiter=limiter, base_delay=base_delay)
    root = open_root(api, options.root) if options.root else None
    owner = service_account_email(credentials)
    _refuse_my_drive(owner, root)
    ids = IdPool(api, block=expected)
    folders = FolderResolver(
        api,
        ids,
        root=root,
        field=field,
        column=column,
        create=options.create_folders,
        dry_run=dry_run,
        file_only=only_file_scope(credentials),
    )
    folders.load()
    index = PlanIndex(api)
    index.load({root.drive_id} if root else set())
    modes = DriveModes(None if dry_run else journal)
    index.recall(DriveModes(journal).made_here() if journal is not None else {})  # a dry run reads it too
    index.load_names(set(names))
    return DriveSink(
        api,
        folders,
        index,
        ids,
        template_sha256=template_sha256,
        replace_edited=replace_edited,
        dry_run=dry_run,
        workers=options.workers,
        owner=owner,
        file_only=only_file_scope(credentials),
        modes=modes,
        data_fields=data_fields,
        key=key,
        overview_sheet=options.overview_sheet,
    )


def _refuse_my_drive(owner: str | None, root: Root | None) -> None:
    """A service account acting as itself has no My Drive to write in: said before anything is rendered."""
    if owner and root is not None and root.drive_id is None:
        where = (
            "root is the service account's own My Drive" if root.link == "My Drive" else f"{root.link} is in a My Drive"
        )
        raise ConfigError(f"--drive: {where}. {no_storage(owner)}")


def no_storage(email: str) -> str:
    """Why a service account acting as itself cannot create files outside a shared drive, and the fix."""
    return (
        f"The service account {email} has no Drive storage of its own, so Google refuses every file it "
        "creates outside a shared drive (storageQuotaExceeded); nothing was written. Put the students' "
        f"folders in a shared drive and add {email} to it as a Content manager, or run with --impersonate "
        "USER to write as that staff member (domain-wide delegation; see docs/google-setup-for-it.md)."
    )

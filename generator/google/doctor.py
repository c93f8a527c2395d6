"""``plangen doctor``: check, on the real account, the Google behaviour plangen relies on.

The Drive sink is tested against a fake written from Google's documentation, but a few of its
assumptions rest on behaviour the documentation leaves loose (see ``drive.modes``). A therapist or
IT runs this once before the first real run: it signs in, reads which scopes were granted, checks
that each API plangen uses is turned on in the OAuth client's Cloud project (Drive, Sheets; a Doc's
export), checks every student's folder link in the caseload (found, not in the trash, writable), and
in ROOT makes one scratch Google Doc through the very code path of a plan (a create sent once with
its create token, ``modifiedTime`` and the marks), exports it, updates it, reads it back and trashes
it -- or, where the account may not trash (a shared-drive Contributor), says who can. Each assumption
is reported ok or failed, with what ``generate`` does about a failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import GoogleApiError, PlangenError
from generator.google.auth.client import DISABLED_REASONS
from generator.google.auth.ids import DOC_MIME, DOCX_MIME, FOLDER_MIME, parse_drive_id, web_link
from generator.google.auth.options import GoogleSignIn
from generator.google.auth.scopes import FILE_SCOPE_LIMITS, granted_scopes, only_file_scope
from generator.google.auth.status import lifetime, status
from generator.google.drive.api import DriveApi, IdPool
from generator.google.drive.folders import Folder, FolderResolver
from generator.google.drive.modes import DriveModes
from generator.google.drive.plans import (
    DOC_FIELDS,
    MARKER,
    PLAN,
    PLAN_QUERY,
    PUBLIC_MARKS,
    ExistingPlan,
    PlanIdentity,
    content_hash,
)
from generator.google.drive.sink import DriveOptions, DriveSink, connect
from generator.roster.naming import PlanName
from generator.roster.students import Student
from generator.template.job import PlanJob

OK, FAILED, INFO = "ok", "FAILED", ""


@dataclass
class Finding:
    """One line of the report: a checked assumption (ok/FAILED) or a fact (INFO), and what plangen does."""

    state: str
    text: str
    then: str = ""  # for a failure: what plangen will do about it


@dataclass
class Diagnosis:
    findings: list[Finding] = field(default_factory=list)
    usable: bool = True  # False: plangen cannot work with this sign-in or ROOT at all

    def add(self, state: str, text: str, then: str = "") -> None:
        self.findings.append(Finding(state, text, then))

    @property
    def failed(self) -> int:
        return sum(f.state == FAILED for f in self.findings)

    def lines(self) -> Iterator[str]:
        for finding in self.findings:
            yield f"{finding.state:<7} {finding.text}".rstrip() if finding.state else f"        {finding.text}"
            if finding.then:
                yield f"        plangen will: {finding.then}"
        if not self.usable:
            yield "plangen cannot work with Google Drive here until the failure above is fixed."
        elif self.failed:
            yield f"{self.failed} assumption(s) failed: generate still runs, in the mode(s) described above."
        else:
            yield "All checked assumptions hold: generate runs in its normal mode."

    @property
    def exit_code(self) -> int:
        return 2 if not self.usable else 1 if self.failed else 0


def diagnose(sign_in: GoogleSignIn, root: str | None, folders: Sequence[tuple[str, str]] = ()) -> Diagnosis:
    """Every check; a failure that leaves nothing to check further ends the list (and the run).

    ``folders``: each student's display name and the folder link the caseload holds for them."""
    result = Diagnosis()
    credentials = _sign_in(sign_in, result)
    if credentials is None:
        return result
    _sheets_api(credentials, result)
    if folders:
        _folder_links(credentials, folders, result)
    if root is None:
        result.add(
            INFO,
            "Drive checks skipped: give --drive ROOT (a folder you can write in, or 'root' for My "
            "Drive) to make, update and trash one scratch Doc there.",
        )
        return result
    try:
        sink = connect(
            credentials,
            DriveOptions(root=root, workers=1),
            field=None,
            column="",
            template_sha256=_SHA,
            replace_edited=False,
            dry_run=False,
            expected=1,
        )
    except PlangenError as exc:
        result.usable = False
        result.add(FAILED, f"ROOT: {exc}")
        return result
    assert sink.folders.root is not None
    result.add(OK, f"ROOT: {sink.folders.root.link} opened")
    _scratch_doc(sink, result)
    return result


_SHA = hashlib.sha256(b"plangen doctor").hexdigest()


def _sign_in(sign_in: GoogleSignIn, result: Diagnosis) -> Any:
    state = status(sign_in.token_file, sign_in.service_account, sign_in.impersonate)
    try:
        credentials = sign_in.credentials()
        about = _about(credentials)
    except GoogleApiError as exc:
        result.usable = False
        if exc.reason in DISABLED_REASONS:
            result.add(FAILED, f"Google Drive API: {disabled(exc)}", "no fallback: nothing works on Drive until then")
        else:
            result.add(FAILED, f"sign-in: {exc}")
        return None
    except PlangenError as exc:
        result.usable = False
        result.add(FAILED, f"sign-in: {exc}")
        return None
    label = "service account" if state.kind == "service_account" else "saved sign-in"
    who = f", account {about}" if about else ""
    result.add(OK, f"sign-in: {label} from {state.path} ({state.source}){who}")
    granted = granted_scopes(credentials)
    if only_file_scope(credentials):
        result.add(OK, f"scopes granted: {', '.join(granted)}", "see only what it created: " + FILE_SCOPE_LIMITS)
    elif granted:
        result.add(OK, f"scopes granted: {', '.join(granted)}")
    else:
        result.add(INFO, "scopes granted: not recorded by Google's answer")
    for line in lifetime(state.kind, state.signed_in, state.refresh_ends):
        result.add(INFO, line)
    return credentials


def disabled(exc: GoogleApiError) -> str:
    """A disabled API said as such, with the console link from Google's answer."""
    link = re.search(r"https://console\.(?:developers|cloud)\.google\.com/\S+?(?=[\s)]|\.?\s|$)", str(exc))
    where = f": {link.group(0).rstrip('.')}" if link else " (APIs & Services > Library in the Cloud console)"
    return (
        "turned off in the Google Cloud project of plangen's OAuth client (or service account). Whoever manages "
        f"that project turns it on{where}"
    )


def _sheets_api(credentials: Any, result: Diagnosis) -> None:
    """Sheets answers 404 for a spreadsheet that does not exist when the API is on, 403 when it is off."""
    from generator.google.auth import client as google

    sheets = google.build_service(*google.SHEETS, credentials).spreadsheets()
    try:
        google.execute(sheets.get(spreadsheetId="plangen-doctor-no-such-sheet", fields="spreadsheetId"), retries=1)
    except GoogleApiError as exc:
        if exc.reason in DISABLED_REASONS:
            result.add(
                FAILED,
                f"Google Sheets API: {disabled(exc)}",
                "fail runs that read a Google Sheets caseload or write links back (--write-back); Drive plans work",
            )
            return
        if exc.status not in (400, 404):
            result.add(FAILED, f"Google Sheets API: {exc}", "fail runs that read or write a Google Sheet")
            return
    result.add(OK, "Google Sheets API is on (Google Sheets caseloads, --write-back)")


def _folder_links(credentials: Any, folders: Sequence[tuple[str, str]], result: Diagnosis) -> None:
    """Each student's folder link as ``generate`` will use it: found, a folder, not in the trash, writable."""
    api = DriveApi(credentials, limiter=None)
    resolver = FolderResolver(api, IdPool(api, 1), root=None, field=None, column="caseload", create=False, dry_run=True)
    bad = 0
    for name, link in folders:
        try:
            folder_id = parse_drive_id(link)
            resolver.checked(Folder(folder_id, web_link(folder_id, FOLDER_MIME), drive_known=False, checked=False))
        except (PlangenError, ValueError) as exc:
            bad += 1
            result.add(FAILED, f"folder link of {name}: {exc}", "fail this student until the link is fixed")
    if bad < len(folders):
        result.add(
            OK, f"{len(folders) - bad} student folder link(s) in the caseload: found, not in the trash, writable"
        )


def _about(credentials: Any) -> str:
    """The account's email, from one Drive call: the sign-in works for Drive, not just on paper."""
    from generator.google.auth import client as google

    about = google.execute(google.build_service(*google.DRIVE, credentials).about().get(fields="user(emailAddress)"))
    return str(about.get("user", {}).get("emailAddress") or "")


def _scratch_doc(sink: DriveSink, result: Diagnosis) -> None:
    """One Doc through the plan's own code path: create, read back, find, update, read back, trash."""
    assert sink.folders.root is not None
    root = sink.folders.root
    folder = Folder(root.id, root.link, root.drive_id)
    when = dt.datetime.now().strftime("%Y-%m-%d %H%M%S")
    name = PlanName("", f"plangen doctor check {when} (safe to delete)")
    student = Student("plangen-doctor", "plangen doctor", {}, [])
    first = PlanJob(student, name, _docx("plangen doctor: first version"))
    sink.modes = DriveModes()
    try:
        created = sink._create(first, folder, sink.key.mark("content", content_hash(first.data)), "created")
    except PlangenError as exc:
        result.usable = False
        result.add(FAILED, f"creating a Google Doc from a .docx in ROOT: {exc}")
        return
    doc_id = created.output.rstrip("/").split("/d/")[-1].split("/")[0]
    try:
        _check_create(sink, result)
        _exports(sink, doc_id, result)
        plan = _read_back(sink, doc_id, result, "create")
        if plan is None:
            return
        found = {item["id"] for item in sink.api.list_all(f"'{root.id}' in parents and {PLAN_QUERY}", "id").items}
        if doc_id in found:
            result.add(OK, "the plan is found by its marks (one query finds every plan)")
        else:
            result.add(
                FAILED,
                "the plan is not found by a query on its marks",
                "not see its own plans: do not run generate until this is understood (a second copy of "
                "every plan would be made)",
            )
            result.usable = False
            return
        sink.modes = DriveModes()
        second = PlanJob(student, name, _docx("plangen doctor: second version"))
        identity = PlanIdentity.of(sink.key, student.key, name.filename)
        updated = sink._update(second, plan, identity, sink.key.mark("content", content_hash(second.data)))
        same = updated.output == created.output
        kept = not sink.modes.times_dropped
        if same and kept:
            result.add(OK, "updated in place (same Doc, same link) and Drive kept the modification time plangen set")
        elif not same:
            result.add(FAILED, "an update did not keep the Doc's link", "no fallback: report this to plangen")
        else:
            result.add(FAILED, "on an update Drive set its own modification time instead of plangen's", _TIMES_THEN)
        again = _read_back(sink, doc_id, result, "update", report=False)
        if again is not None and kept and not again.untouched:
            result.add(FAILED, "an untouched plan looks edited", _TIMES_THEN)
        elif again is not None and kept:
            result.add(OK, "an untouched plan is told from an edited one (it would be updated, not kept)")
    finally:
        _trash(sink, doc_id, result)


_TIMES_THEN = (
    "record the time Drive returns after each write in the --out folder (plans/.plangen/drive-times.jsonl) "
    "and update only Docs still at that time; from another computer such Docs are kept as edited"
)


def _exports(sink: DriveSink, doc_id: str, result: Diagnosis) -> None:
    """A Doc exported as .docx (Google Docs templates) and as PDF (--pdf on Drive)."""
    for mime, use in ((DOCX_MIME, "Google Docs templates"), ("application/pdf", "--pdf on Drive")):
        try:
            data = sink.api.run(sink.api.files().export(fileId=doc_id, mimeType=mime))
        except PlangenError as exc:
            result.add(FAILED, f"exporting a Google Doc as {mime}: {exc}", f"fail {use}")
            return
        if not data:
            result.add(FAILED, f"exporting a Google Doc as {mime} gave nothing", f"fail {use}")
            return
    result.add(OK, "a Google Doc exports as .docx and as PDF (Google Docs templates, --pdf on Drive)")


def _check_create(sink: DriveSink, result: Diagnosis) -> None:
    result.add(OK, "a .docx becomes a Google Doc in a create sent once with a create token (never a second Doc)")
    if sink.modes.times_dropped:
        result.add(FAILED, "on a create Drive set its own modification time instead of plangen's", _TIMES_THEN)
    else:
        result.add(OK, "Drive kept the modification time plangen set on create (edits are told apart by it)")


def _read_back(sink: DriveSink, doc_id: str, result: Diagnosis, after: str, report: bool = True) -> ExistingPlan | None:
    resource = sink.api.get(doc_id, DOC_FIELDS + ",mimeType")
    if resource.get("mimeType") != DOC_MIME:
        result.usable = False
        result.add(
            FAILED,
            f"after the {after} the file is {resource.get('mimeType')}, not a Google Doc",
            "no fallback: plans would not be Google Docs",
        )
        return None
    public, private = dict(resource.get("properties") or {}), dict(resource.get("appProperties") or {})
    identity = {key: private.get(key) for key in PUBLIC_MARKS}
    if report and public.get(MARKER) == PLAN and public == identity and "written" in private:
        result.add(OK, "plangen's marks read back: the plan's keyed identity public, the rest private")
    elif report:
        result.add(
            FAILED,
            "plangen's public marks did not read back",
            "find plans only by the private marks of this OAuth client, and keep any Doc named like a "
            "plan that carries none (never a second copy)",
        )
    return ExistingPlan.from_resource(resource)


def _trash(sink: DriveSink, doc_id: str, result: Diagnosis) -> None:
    try:
        sink.api.run(
            sink.api.files().update(fileId=doc_id, body={"trashed": True}, fields="id", supportsAllDrives=True)
        )
        result.add(OK, "the scratch Doc is in the trash")
    except PlangenError as exc:
        result.add(INFO, f"could not move the scratch Doc {web_link(doc_id, DOC_MIME)} to the trash ({exc})")
        result.add(INFO, f"it is named 'plangen doctor check ... (safe to delete)': {who_can_trash(sink, doc_id)}")


def who_can_trash(sink: DriveSink, doc_id: str) -> str:
    """Who may delete the scratch Doc where this account may not (a shared drive's Contributor cannot trash)."""
    try:
        resource = sink.api.get(doc_id, "driveId,permissions(type,role,emailAddress,domain)")
    except PlangenError:
        resource = {}
    managers = [
        str(p.get("emailAddress"))
        for p in resource.get("permissions") or []
        if p.get("role") in ("organizer", "fileOrganizer", "owner") and p.get("emailAddress")
    ]
    if resource.get("driveId"):
        named = f" ({', '.join(managers)})" if managers else ""
        return f"in a shared drive only a Content manager or Manager of the drive{named} can move it to the trash"
    return f"its owner{f' ({managers[0]})' if managers else ''} can move it to the trash"


def _docx(text: str) -> bytes:
    """A real, minimal Word document: Drive converts only what it can open."""
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

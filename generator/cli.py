"""Command line: parse options, call the library, turn its errors into messages and exit codes.

Exit codes: 0 every selected student done; 1 some students failed (the others were still
written); 2 bad invocation, configuration, mapping or template (nothing written).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import __version__
from generator.check import GROUPS, check
from generator.errors import PlangenError
from generator.google.auth.ids import as_location
from generator.google.auth.options import FULL, SCOPE_CHOICES, GoogleSignIn
from generator.locations import Locations
from generator.output import overview
from generator.output.report import (
    EXIT_CONFIG,
    FAILED,
    KEPT_EDITED,
    MAX_PER_KIND,
    REPLACED,
    STALE,
    Outcome,
    Report,
    limit_per_kind,
    message_kind,
)
from generator.output.sink import Destination
from generator.pipeline import RunOptions, generate
from generator.template.fields import template_fields

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class PlangenClickError(click.ClickException):
    """A PlangenError as the CLI shows it: the message alone, exit code 2."""

    exit_code = EXIT_CONFIG

    def format_message(self) -> str:
        return self.message


def run_library(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call into the library; expected failures become clean messages, not tracebacks."""
    debug = click.get_current_context().find_root().params.get("debug", False)
    try:
        return func(*args, **kwargs)
    except PlangenError as exc:
        if debug:
            raise
        raise PlangenClickError(str(exc)) from exc
    except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as exc:  # a bug: say so plainly, and keep student data out of stderr
        if debug:
            raise
        raise PlangenClickError(
            f"internal error ({type(exc).__name__}). This is a plangen bug; run again with "
            "--debug to see the details and report it."
        ) from exc


FIRST_COMMANDS = ("columns", "init", "generate")  # what a new user runs, in that order


class FirstStepsGroup(click.Group):
    """Lists the three commands a new user runs first, then the rest alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [n for n in FIRST_COMMANDS if n in names] + [n for n in names if n not in FIRST_COMMANDS]


@click.group(cls=FirstStepsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plangen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors (for bug reports).")
def cli(debug: bool) -> None:
    """Turn a therapist's caseload into one treatment plan per student.

    \b
    Start with your own sheet and template:
      plangen columns caseload.xlsx                         what each column holds
      plangen init caseload.xlsx -t plan.docx -o my.yaml    a draft mapping
      plangen generate -m my.yaml                           one plan per student
    """


def input_options(func: F) -> F:
    """Options shared by commands that read a caseload (generate, check)."""
    options = [
        click.option(
            "-m",
            "--mapping",
            required=True,
            type=click.Path(path_type=Path),
            help="Mapping file (YAML) saying which column feeds each template field.",
        ),
        click.option(
            "-s",
            "--source",
            metavar="PATH|SHEET|NAME=PATH|FOLDER",
            multiple=True,
            help="Caseload or report file (.xlsx, .csv), or a Google Sheets link or ID (the tab from the "
            "link's gid, else the mapping's 'sheet:'). For a mapping with several sources: "
            "NAME=PATH (repeat for each), or a folder or files recognised by their header row. "
            "Default: the mapping's files.",
        ),
        click.option(
            "-t",
            "--template",
            metavar="PATH|DOC",
            help="Word template (.docx), or a Google Docs link or ID. Default: the mapping's 'template:'.",
        ),
        click.option(
            "--student",
            "keys",
            multiple=True,
            metavar="KEY",
            help="Only this student (the key column's value). Repeat for more.",
        ),
        click.option(
            "--due-within",
            type=click.IntRange(min=0),
            metavar="DAYS",
            help="Only students whose review date is within DAYS (overdue included).",
        ),
        click.option(
            "--today",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Pretend today is YYYY-MM-DD (for reproducible runs).",
        ),
        click.option(
            "--period",
            type=click.IntRange(min=1),
            metavar="N",
            help="Progress reports for grading period N: the mapping's '{period}' columns and the "
            "'period' field (e.g. -m mappings/seis-progress.yaml --period 2).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_options(
    mapping: Path,
    source: Sequence[str],
    template: str | None,
    keys: Sequence[str],
    due_within: int | None,
    today: dt.datetime | None,
    sign_in: GoogleSignIn,
    **extra: Any,
) -> RunOptions:
    return RunOptions(
        mapping=mapping,
        source=[as_location(s) or s for s in source],
        template=as_location(template),
        keys=keys,
        due_within=due_within,
        today=today.date() if today else None,
        google=sign_in,
        **extra,
    )


def sign_in_from(
    token_file: Path | None,
    service_account: Path | None,
    impersonate: str | None,
    scope: str | None,
    *,
    drive: bool = False,
    write_back: bool = False,
) -> GoogleSignIn:
    """The run's one Google sign-in, from the flags; credentials load when something first needs them."""
    return GoogleSignIn(
        token_file=token_file,
        service_account=service_account,
        impersonate=impersonate,
        scope=scope,
        drive=drive,
        write_back=write_back,
    )


def google_options(func: F) -> F:
    """Which Google sign-in to use (generate, auth status)."""
    options = [
        click.option(
            "--token-file",
            type=click.Path(path_type=Path),
            metavar="PATH",
            help="Saved Google sign-in to use. Default: $PLANGEN_TOKEN_FILE, else the one `plangen auth login` saved.",
        ),
        click.option(
            "--service-account",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Use this service-account key (JSON) instead of a saved sign-in.",
        ),
        click.option(
            "--impersonate",
            metavar="USER",
            help="With --service-account: act as this Workspace user (domain-wide delegation).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


scope_option = click.option(
    "--scope",
    type=click.Choice(SCOPE_CHOICES),
    default=None,
    help="full: the drive scope (every file the account can open); file: drive.file, which sees only what "
    "plangen created (no Google Docs/Sheets inputs, no folders people made). Default: what the saved "
    "sign-in grants.",
)


@cli.command("generate")
@input_options
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="Folder that receives one sub-folder per student. Default: the mapping's 'out:', else "
    "plans/ next to the mapping file.",
)
@click.option(
    "--drive",
    "drive_root",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ROOT]",
    help="Upload each plan as a Google Doc into the student's Drive folder: the link in the "
    "mapping's destination_folder field, else the folder of the same name in ROOT (a folder link or ID, "
    "or 'root' for My Drive).",
)
@click.option(
    "--create-folders",
    is_flag=True,
    help="With --drive ROOT: create a student's folder in ROOT when none has their folder name.",
)
@click.option(
    "--overview-sheet",
    is_flag=True,
    help="With --drive ROOT: also keep the caseload overview (every student's name, ID, plan type and "
    "review dates) as a Google Sheet in ROOT, seen by everyone ROOT is shared with (the run names them). "
    "Same as 'overview_sheet: true' in the mapping.",
)
@click.option(
    "--write-back",
    is_flag=True,
    help="With a Google Sheet caseload: fill in the columns Plan Link, Plan Status and Plan Updated on "
    "each student's row (added after the last used column when missing); no other cell changes.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also keep <file>.pdf beside each plan (LibreOffice locally; with --drive the Doc exported as PDF "
    "into its folder), remade only when the plan changed; an edited plan's PDF is made from the "
    "edited plan.",
)
@google_options
@scope_option
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option(
    "--replace-edited",
    is_flag=True,
    help="Replace plans edited since plangen wrote them (the edited copy or Doc is kept beside).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Render with N processes. Default: all cores for 200+ students, else 1.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Write the plans of students whose data is fine even when others have data errors (exit 1).",
)
@click.option("-v", "--verbose", is_flag=True, help="Print every student's outcome.")
def generate_command(
    mapping: Path,
    source: tuple[str, ...],
    template: str | None,
    keys: tuple[str, ...],
    due_within: int | None,
    today: dt.datetime | None,
    period: int | None,
    out_dir: Path | None,
    drive_root: str | None,
    create_folders: bool,
    overview_sheet: bool,
    write_back: bool,
    pdf: bool,
    token_file: Path | None,
    service_account: Path | None,
    impersonate: str | None,
    scope: str | None,
    dry_run: bool,
    replace_edited: bool,
    jobs: int | None,
    skip_invalid: bool,
    verbose: bool,
) -> None:
    """Write one plan per student into OUT/<student folder>/<file>.docx, or into Google Drive."""
    refuse_conflicting_flags(drive_root, create_folders, write_back, period)
    sign_in = sign_in_from(
        token_file, service_account, impersonate, scope, drive=drive_root is not None, write_back=write_back
    )
    options = run_options(
        mapping,
        source,
        template,
        keys,
        due_within,
        today,
        sign_in,
        out_dir=out_dir,
        dry_run=dry_run,
        replace_edited=replace_edited,
        jobs=jobs,
        destination=destination_from(drive_root, create_folders, sign_in, overview_sheet),
        skip_invalid=skip_invalid,
        write_back=write_back,
        pdf=pdf,
        period=period,
    )
    progress = Progress(verbose=verbose or dry_run, dry_run=dry_run)
    report = run_library(generate, options, on_outcome=progress.advance, on_start=progress.start)
    progress.finish()
    print_report(report, overview_written=period is None)
    sys.exit(report.exit_code)


def destination_from(
    drive_root: str | None, create_folders: bool, sign_in: GoogleSignIn, overview_sheet: bool = False
) -> Destination | None:
    """Where --drive sends the plans; None: the local output folder (the pipeline's default)."""
    if drive_root is None:
        return None
    from generator.google.drive.sink import DriveDestination, DriveOptions  # Google libraries load only for Drive

    options = DriveOptions(drive_root.strip() or None, create_folders, overview_sheet=overview_sheet)
    return DriveDestination(options, sign_in)


def refuse_conflicting_flags(
    drive_root: str | None, create_folders: bool, write_back: bool, period: int | None
) -> None:
    """Flags that cannot work together are refused before anything is read."""
    if drive_root is None and create_folders:
        raise PlangenClickError("--create-folders needs --drive ROOT: new folders are made inside ROOT.")
    if write_back and period is not None:
        raise PlangenClickError(
            "--write-back fills in each student's plan link; with --period it would replace it "
            "by the progress report's. Run the progress reports without --write-back."
        )


class Progress:
    """One line per student worth a look; a live progress bar on an interactive terminal."""

    WIDTH = 30

    def __init__(self, verbose: bool, dry_run: bool):
        self.verbose = verbose
        self.words = Report(dry_run=dry_run)
        self.done = 0
        self.total = 0
        self.live = sys.stderr.isatty()
        self.kinds: dict[str, int] = {}

    def start(self, total: int) -> None:
        self.total = total
        self.draw()

    def draw(self) -> None:
        if not self.live or not self.total:
            return
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        click.echo(f"\r[{bar}] {self.done}/{self.total}", nl=False, err=True)

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        if (self.verbose or outcome.status in (FAILED, KEPT_EDITED, STALE, REPLACED)) and self.shown(outcome):
            self.clear()
            line = f"{self.words.describe(outcome.status):>12}  {outcome.display_name}"
            if outcome.output:
                line += f"  ->  {outcome.output}"
            click.echo(line)
            if outcome.message:
                for message_line in outcome.message.splitlines():
                    click.echo(f"{'':>14}{message_line}")
        self.draw()

    def shown(self, outcome: Outcome) -> bool:
        """At most MAX_PER_KIND students with the same kind of message (a full disk fails every plan after
        it); the rest are counted at the end and listed in manifest.csv."""
        if not outcome.message:
            return True
        first = outcome.message.splitlines()[0]
        for own in {outcome.display_name, *Path(outcome.output).parts[:1]} - {""}:
            first = first.replace(own, "#")  # the student's own name and folder do not make another kind
        kind = f"{self.words.describe(outcome.status)}: {message_kind(first)}"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return self.kinds[kind] <= MAX_PER_KIND

    def clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)

    def finish(self) -> None:
        self.clear()
        for kind, count in self.kinds.items():
            if count > MAX_PER_KIND:
                click.echo(f"... and {count - MAX_PER_KIND} more student(s) like: {kind} (all in manifest.csv)")


def shown_path(path: Path) -> Path:
    """A path as short as it can be: relative to the current folder when it is inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return Path(path)


def print_report(report: Report, overview_written: bool = True) -> None:
    for warning in limit_per_kind([(w, w) for w in report.warnings]):
        click.echo(click.style("warning: ", fg="yellow") + warning, err=True)
    counts = report.counts
    color = "red" if counts[FAILED] else "yellow" if counts[KEPT_EDITED] or counts[STALE] else "green"
    click.echo(click.style(report.summary(), fg=color, bold=True))
    for note in report.notes:
        click.echo(note)
    for error in limit_per_kind([(e, e) for e in report.errors]):
        click.echo(click.style("error: ", fg="red") + error, err=True)
    if not report.dry_run and report.manifest is not None:
        out_dir = shown_path(report.manifest.parent)
        if overview_written:  # a --period run writes progress reports: the overview lists plans
            click.echo(f"Caseload overview: {out_dir / overview.XLSX_NAME} and {out_dir / overview.HTML_NAME}")
        click.echo(f"Manifest: {out_dir / 'manifest.csv'}")


@cli.command("check")
@input_options
@google_options
@scope_option
def check_command(
    mapping: Path,
    source: tuple[str, ...],
    template: str | None,
    keys: tuple[str, ...],
    due_within: int | None,
    today: dt.datetime | None,
    period: int | None,
    token_file: Path | None,
    service_account: Path | None,
    impersonate: str | None,
    scope: str | None,
) -> None:
    """Report every template, mapping, data and output problem at once; write nothing."""
    options = run_options(
        mapping,
        source,
        template,
        keys,
        due_within,
        today,
        sign_in_from(token_file, service_account, impersonate, scope),
        period=period,
    )
    result = run_library(check, options)
    for group in GROUPS:
        problems = result.in_group(group)
        errors = sum(p.level == "error" for p in problems)
        counts = f"{errors} error(s), {len(problems) - errors} warning(s)" if problems else "ok"
        if group in result.not_checked:
            counts = f"not checked ({result.not_checked[group]})"
        click.echo(click.style(f"{group}: ", bold=True) + counts)
        for problem in problems:
            color = "red" if problem.level == "error" else "yellow"
            lines = problem.message.splitlines()
            click.echo("  " + click.style(f"{problem.level}: ", fg=color) + lines[0])
            for line in lines[1:]:
                click.echo("    " + line)
    click.echo(result.summary)
    click.echo(f"{result.errors} error(s), {result.warnings} warning(s).")
    if result.errors:
        sys.exit(EXIT_CONFIG)


@cli.command("columns")
@click.argument("source")
@click.option(
    "--sheet", metavar="NAME", help="The sheet to read. Default: the sheet holding the students (see plangen init)."
)
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    metavar="N",
    help="The column names are on row N. Default: found below any title rows.",
)
def columns_command(source: str, sheet: str | None, header_row: int | None) -> None:
    """List a caseload's sheets, its header row, and what each column reads as; never a cell value."""
    from generator.columns import describe_columns

    for line in run_library(describe_columns, as_location(source), sheet, header_row):
        click.echo(line)


@cli.command("init")
@click.argument("source", metavar="SOURCE")
@click.option(
    "-t",
    "--template",
    metavar="PATH|DOC",
    help="Word template (.docx) or Google Doc: every field it uses is matched to a column by name.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    metavar="MAPPING",
    help="Where to write the draft mapping (never overwritten). Default: SOURCE's name with .yaml.",
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="The sheet (tab) with the caseload. Default: the sheet open when the workbook was saved, else the one "
    "with the most student rows (never an instructions sheet).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Pretend today is YYYY-MM-DD (the review date is the next one after today).",
)
def init_command(
    source: str, template: str | None, output: Path | None, sheet: str | None, today: dt.datetime | None
) -> None:
    """Write a commented draft mapping for your own caseload sheet (SOURCE: .xlsx, .csv or a Google Sheet)."""
    from generator.draft.init import init_mapping

    if output is None:
        output = Path(Path(source).stem + ".yaml") if isinstance(as_location(source), Path) else Path("caseload.yaml")
    result = run_library(
        init_mapping,
        as_location(source),
        output,
        template=as_location(template),
        sheet=sheet,
        today=today.date() if today else None,
    )
    draft = result.draft
    for line in result.sheet_choice.lines() if result.sheet_choice else []:
        click.echo(line)
    click.echo(
        f"Wrote {result.path}: {len(draft.fields)} fields from {result.columns} columns of "
        f"{result.source_label}; key: {' + '.join(draft.key)}; rows_per_student: {draft.rows_per_student}."
    )
    if template is not None:
        click.echo(
            f"Template fields: {draft.matched} matched to columns, {len(draft.blanks)} left blank"
            + (f" ({', '.join(draft.blanks)})." if draft.blanks else ".")
        )
    if draft.unused:
        click.echo(f"Columns no field reads ({len(draft.unused)}): {', '.join(draft.unused)}.")
    click.echo("Check the guesses in its comments, then run:")
    for command in result.next_commands():
        click.echo(f"  {command}")


@cli.command("explain")
@click.argument("student")
@click.option("-m", "--mapping", required=True, type=click.Path(path_type=Path), help="The mapping file.")
@click.option("-s", "--source", multiple=True, metavar="PATH", help="Caseload file(s), as for generate.")
@click.option("-t", "--template", metavar="PATH|DOC", help="Word template or Google Doc (default: the mapping's).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Pretend today is YYYY-MM-DD.")
def explain_command(
    student: str, mapping: Path, source: tuple[str, ...], template: str | None, today: dt.datetime | None
) -> None:
    """Show where each field of STUDENT's plan comes from: sheet, cell and value (this student's values are
    printed: keep the output private), and every column no field reads. STUDENT: key, name or "Last, First"."""
    from generator.explain import explain

    result = run_library(
        explain,
        student,
        mapping,
        source=[as_location(s) or s for s in source] or None,
        template=as_location(template),
        today=today.date() if today else None,
    )
    for line in result.lines():
        click.echo(line)


@cli.command("fields")
@click.argument("template")
def fields_command(template: str) -> None:
    """List the fields a template (a .docx file, or a Google Docs link or ID) uses, one per line."""
    plan_template = run_library(Locations().open_template, as_location(template), None)
    for name in template_fields(plan_template):  # sorted; loop item fields as goals[].area
        click.echo(name)


@cli.command("open")
@click.argument("key")
@click.option(
    "-m",
    "--mapping",
    required=True,
    type=click.Path(path_type=Path),
    help="Mapping file the plans were made with (finds a local plan the manifest does not list).",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="Output folder of the run whose manifest lists the plan. Default: the mapping's 'out:', else "
    "plans/ next to the mapping file.",
)
@click.option("--print", "print_only", is_flag=True, help="Print the link or path instead of opening it.")
def open_command(key: str, mapping: Path, out_dir: Path | None, print_only: bool) -> None:
    """Open student KEY's plan: the Google Doc, or the local .docx, from the last run."""
    from generator.open_plan import plan_location

    target = run_library(plan_location, key, mapping, out_dir)
    click.echo(target)
    if not print_only:
        click.launch(target)


@cli.group("auth")
def auth_group() -> None:
    """Sign in to Google (for --drive) and show which sign-in plangen uses."""


@auth_group.command("login")
@click.option(
    "--client-secrets",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="The OAuth client (type 'Desktop app') JSON downloaded from the Google Cloud console.",
)
@click.option(
    "--token-file",
    type=click.Path(path_type=Path),
    metavar="PATH",
    envvar="PLANGEN_TOKEN_FILE",
    help="Where to save the sign-in. Default: $PLANGEN_TOKEN_FILE, else your config folder.",
)
@click.option(
    "--scope",
    type=click.Choice([*SCOPE_CHOICES, "drive", "drive.file"]),
    default=FULL,
    show_default=True,
    help="full (or drive): plans go into folders that already exist, Google Docs/Sheets inputs work; "
    "file (or drive.file): plangen sees only files and folders it created (use with --drive root "
    "--create-folders; no Google Docs/Sheets inputs).",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser; print the sign-in link instead.")
def auth_login_command(client_secrets: Path, token_file: Path | None, scope: str, no_browser: bool) -> None:
    """Sign in to Google in the browser and save the sign-in for later runs."""
    from generator.google.auth.credentials import default_token_path
    from generator.google.auth.scopes import DRIVE_FILE_SCOPE, DRIVE_SCOPE
    from generator.google.auth.signin import login

    scopes = (DRIVE_SCOPE if scope in (FULL, "drive") else DRIVE_FILE_SCOPE,)
    run_library(login, client_secrets, token_file, scopes=scopes, open_browser=not no_browser)
    click.echo(f"Signed in. Saved the sign-in to {token_file or default_token_path()} (readable only by you).")


@auth_group.command("logout")
@click.option(
    "--token-file",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The saved sign-in to revoke and delete. Default: $PLANGEN_TOKEN_FILE, else the one `plangen auth "
    "login` saved.",
)
def auth_logout_command(token_file: Path | None) -> None:
    """Sign out: revoke the saved sign-in at Google and delete it from this computer."""
    from generator.google.auth.signin import logout

    click.echo(run_library(logout, token_file))


@auth_group.command("status")
@google_options
def auth_status_command(token_file: Path | None, service_account: Path | None, impersonate: str | None) -> None:
    """Show which Google credentials plangen would use (no secrets), checked with Google by renewing them once."""
    from generator.google.auth.status import status

    state = run_library(status, token_file, service_account, impersonate)
    click.echo(state.describe())
    if state.kind == "none" or (state.problem and not state.refreshable):
        sys.exit(EXIT_CONFIG)


@cli.command("doctor")
@click.option(
    "--drive",
    "drive_root",
    metavar="ROOT",
    help="Also make, update, read back and trash one scratch Google Doc in ROOT (a folder link or ID you "
    "can write in, or 'root' for My Drive), through the same code as a plan.",
)
@click.option(
    "-m",
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also check every student's folder link in this mapping's caseload (its destination_folder field): "
    "found, not in the trash, writable.",
)
@google_options
@scope_option
def doctor_command(
    drive_root: str | None,
    mapping: Path | None,
    token_file: Path | None,
    service_account: Path | None,
    impersonate: str | None,
    scope: str | None,
) -> None:
    """Check, on your real Google account, what plangen assumes about Google (run once before the first run)."""
    from generator.check import folder_links
    from generator.google.doctor import diagnose

    sign_in = sign_in_from(token_file, service_account, impersonate, scope, drive=True)
    links = run_library(folder_links, mapping, sign_in) if mapping is not None else []
    diagnosis = run_library(diagnose, sign_in, drive_root, links)
    for line in diagnosis.lines():
        click.echo(line)
    sys.exit(diagnosis.exit_code)


def main() -> None:
    _terminal_safe()
    cli(prog_name="plangen")


def _terminal_safe() -> None:
    """A terminal whose encoding cannot show a name (``LC_ALL=C`` makes it ASCII) shows ``\\xeb`` for the
    letter it lacks instead of ending the run in a UnicodeEncodeError (and leaving work half done)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream already written to in another way: leave it
                pass


if __name__ == "__main__":  # pragma: no cover
    main()

"""The run, stage by stage: source -> rows -> mapping -> students -> select -> render -> sink -> report.

Everything that can make the whole run pointless (a missing column, a broken template, a field the
template needs but the mapping lacks) is checked in ``prepare`` before a single file is written;
after that, each student succeeds or fails on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import ConfigError, DataError, StudentError, TemplateError
from generator.google.inputs import GoogleInputs, GoogleSignIn, open_template, read_source
from generator.google.writeback import write_back, write_back_targets
from generator.jinja import make_environment
from generator.mapping.load import Mapping, load_mapping, suggest
from generator.output.local import LocalSink, ensure_out_dir
from generator.output.report import FAILED, Outcome, Report
from generator.output.sink import Sink
from generator.roster.naming import PlanName, plan_names
from generator.roster.select import select
from generator.roster.students import Roster, Student, build_roster
from generator.sources.tables import Table
from generator.template.loader import PlanTemplate
from generator.template.parallel import choose_jobs, render_jobs

if TYPE_CHECKING:
    from generator.google.drive import DriveOptions


@dataclass
class RunOptions:
    """What the therapist asked for; paths not given fall back to the mapping's defaults."""

    mapping: Path
    source: Path | str | None = None  # a path, or a Google Sheets link or ID
    template: Path | str | None = None  # a path, or a Google Docs link or ID
    out_dir: Path = Path("plans")
    keys: Sequence[str] = ()
    due_within: int | None = None
    today: dt.date | None = None
    dry_run: bool = False
    replace_edited: bool = False
    jobs: int | None = None  # worker processes; None: the machine's cores for large runs, else 1
    skip_invalid: bool = False  # write the valid students' plans even when others have data errors
    drive: DriveOptions | None = None  # deliver to students' Google Drive folders instead of out_dir
    google: GoogleSignIn | None = None  # who reads Google Docs/Sheets inputs; None: the default sign-in
    write_back: bool = False  # fill in plan link/status/time on each student's row of the Google Sheet


@dataclass
class Prepared:
    """Validated inputs, shared by ``generate`` and ``check``."""

    mapping: Mapping
    tables: dict[str, Table]
    template: PlanTemplate
    roster: Roster
    names: dict[str, PlanName]
    today: dt.date
    warnings: list[str] = field(default_factory=list)
    inputs: GoogleInputs | None = None  # the sign-in that read Google inputs, reused to write back


def prepare(options: RunOptions, inputs: GoogleInputs | None = None,
            checked: tuple[Mapping, PlanTemplate] | None = None) -> Prepared:
    """``checked``: a mapping and template the caller already loaded and checked together (``plangen check``)."""
    today = options.today or dt.date.today()
    inputs = inputs or GoogleInputs(options.google)
    if checked is None:
        mapping = load_mapping(options.mapping)
        tables = read_sources(mapping, options.source, inputs)
        template_path = options.template or mapping.template
        if template_path is None:
            raise ConfigError(f"no template given: pass --template, or set 'template:' in {mapping.path}.")
        template = open_template(template_path, mapping, inputs)
        check_template_fields(template, mapping)
    else:
        mapping, template = checked
        tables = read_sources(mapping, options.source, inputs)
    roster = build_roster(mapping, tables, today)
    roster = select(roster, mapping, keys=options.keys, due_within=options.due_within, today=today)
    names = plan_names(mapping, roster.students)
    warnings = list(roster.warnings) + [f"{s.display_name}: {w}" for s in roster.students for w in s.warnings]
    return Prepared(mapping, tables, template, roster, names, today, warnings, inputs)


def read_sources(mapping: Mapping, override: Path | str | None,
                 inputs: GoogleInputs | None = None) -> dict[str, Table]:
    """Every source table the mapping names; --source replaces the file of a one-source mapping."""
    sources = dict(mapping.sources)
    if override is not None:
        if len(sources) > 1:
            raise ConfigError(f"--source cannot be used with {mapping.path}: it reads several sources "
                              f"({', '.join(sources)}). Set each file under 'sources:' in the mapping.")
        (name,) = sources
        sources[name] = replace(sources[name], location=override)
    tables = {}
    for name, spec in sources.items():
        if spec.location is None:
            raise ConfigError(f"no source given: pass --source, or set 'source:' in {mapping.path}.")
        tables[name] = read_source(spec.location, spec.sheet, inputs or GoogleInputs())
    return tables


def check_template_fields(template: PlanTemplate, mapping: Mapping) -> None:
    """Stop before rendering when the template asks for a name the mapping does not provide."""
    provided = mapping.provided_names() | set(make_environment().globals)
    missing = sorted(template.fields() - provided)
    if not missing:
        return
    lines = [f"  {name}{suggest(name, mapping.provided_names())}" for name in missing]
    raise TemplateError(
        f"{template.path}: uses field(s) that {mapping.path} does not provide:\n"
        + "\n".join(lines)
        + f"\nAdd them under 'fields:' in {mapping.path.name}, or fix the spelling in the template."
    )


def generate(
    options: RunOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Report:
    """Render and deliver every selected student's plan; the report says how each one went."""
    prepared = prepare(options)
    refuse_invalid_data(prepared, options)
    targets = write_back_targets(prepared, Path(options.out_dir)) if options.write_back else []
    if on_start is not None:
        on_start(len(prepared.roster.students) + len(prepared.roster.failures))
    report = Report(dry_run=options.dry_run, warnings=list(prepared.warnings))
    out_dir = Path(options.out_dir)
    if not options.dry_run:
        ensure_out_dir(out_dir)
    sink = open_sink(options, prepared, out_dir)
    template_name = prepared.template.name

    def record(outcome: Outcome) -> None:
        report.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    def render_failed(student: Student, error: StudentError) -> None:
        record(Outcome(student.key, student.display_name, FAILED, str(prepared.names[student.key].relpath),
                       template_name, _now(), str(error)))

    students = prepared.roster.students
    jobs = choose_jobs(options.jobs, len(students))
    try:
        for failure in prepared.roster.failures:
            record(Outcome(failure.key, failure.display_name, FAILED, template=template_name,
                           time=_now(), message=failure.message))
        rendered = render_jobs(prepared.template, students, prepared.names, jobs, render_failed)
        for job, delivery in sink.deliver_all(rendered):
            if isinstance(delivery, StudentError):
                render_failed(job.student, delivery)
                continue
            record(Outcome(job.student.key, job.student.display_name, delivery.status, delivery.output,
                           template_name, _now(), delivery.message))
    finally:
        sink.close()
        if not options.dry_run:
            report.write_manifest(out_dir / "manifest.csv")
    if targets:
        write_back(targets, report, prepared.inputs or GoogleInputs(options.google))
    return report


def refuse_invalid_data(prepared: Prepared, options: RunOptions) -> None:
    """Data errors stop the whole run before anything is written, unless the therapist says otherwise."""
    failures = prepared.roster.failures
    if not failures or options.skip_invalid:
        return
    lines = [f"  {f.display_name}: {line}" for f in failures for line in f.message.splitlines()]
    raise DataError(
        f"{len(failures)} student(s) have data errors, so nothing was written:\n" + "\n".join(lines)
        + "\nFix them in the sheet ('plangen check' lists every problem), or add --skip-invalid to write the "
        "other students' plans now."
    )


def open_sink(options: RunOptions, prepared: Prepared, out_dir: Path) -> Sink:
    """Local folders by default; Drive (signed in, ROOT checked) before anything is rendered."""
    if options.drive is None:
        return LocalSink(out_dir, replace_edited=options.replace_edited, dry_run=options.dry_run)
    from generator.google.drive import open_drive_sink  # Google libraries load only when needed

    return open_drive_sink(options.drive, prepared.mapping, template_sha256=prepared.template.sha256,
                           replace_edited=options.replace_edited, dry_run=options.dry_run,
                           expected=len(prepared.roster.students))


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")

"""The run, stage by stage: mapping -> sources -> template -> roster -> names -> render -> sink -> report.

Everything that can make the whole run pointless (a missing column, a broken template, a field the
template needs but the mapping lacks) is checked before a single file is written: ``load`` reads
the inputs, ``build`` turns them into named students. ``generate``, ``check`` and ``open`` compose
those steps. After that, each student succeeds or fails on their own.

The pipeline knows no particular place: inputs are opened through ``Locations`` (local files, or
Google Docs/Sheets behind it), and plans go to the ``Destination`` the CLI chose (local folders by
default), whose sink also finishes the run (PDF copies, the caseload overview) where it keeps them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError, DataError, MappingError, PlangenError, StudentError, TemplateError
from generator.jinja import make_environment
from generator.locations import GoogleSignIn, Locations
from generator.mapping.load import Mapping, load_mapping
from generator.mapping.suggest import suggest
from generator.mapping.types import LIST
from generator.output.local import STATE_DIR, LocalFolders, ensure_out_dir
from generator.output.lock import OutDirLock
from generator.output.report import FAILED, Outcome, Report, limit_per_kind
from generator.output.sink import Delivery, Destination, RunEnd, Sink, SinkRequest
from generator.roster.naming import PlanName, plan_names
from generator.roster.select import overdue_reviews, select
from generator.roster.students import Roster, Student, StudentFailure, build_roster
from generator.source_choice import choose_sources
from generator.sources.tables import Table
from generator.template.fields import required_item_fields
from generator.template.job import PlanJob
from generator.template.loader import PlanTemplate
from generator.template.parallel import RenderWorkers, choose_jobs, render_jobs


@dataclass
class RunOptions:
    """What the therapist asked for; paths not given fall back to the mapping's defaults."""

    mapping: Path
    source: Path | str | Sequence[Path | str] | None = None  # paths, NAME=PATH, folders, Google Sheets links/IDs
    template: Path | str | None = None  # a path, or a Google Docs link or ID
    out_dir: Path | None = None  # None: the mapping's 'out:', else plans/ next to the mapping file
    keys: Sequence[str] = ()
    due_within: int | None = None
    today: dt.date | None = None
    dry_run: bool = False
    replace_edited: bool = False
    jobs: int | None = None  # worker processes; None: the machine's cores for large runs, else 1
    skip_invalid: bool = False  # write the valid students' plans even when others have data errors
    destination: Destination | None = None  # where the plans go, as the CLI chose it; None: folders in out_dir
    google: GoogleSignIn | None = None  # the run's one Google sign-in (inputs, write-back); None: the saved one
    write_back: bool = False  # fill in plan link/status/time on each student's row of the Google Sheet
    period: int | None = None  # a progress-report run: the grading period (1, 2, 3...)
    pdf: bool = False  # a PDF copy beside each plan, made by the destination when it finishes


@dataclass
class Built:
    """The students a run is about, typed, selected and named."""

    roster: Roster
    names: dict[str, PlanName]
    today: dt.date
    warnings: list[str] = field(default_factory=list)
    everyone: Roster = field(default_factory=Roster)  # selected or not: the caseload overview lists them all
    overdue: list[str] = field(default_factory=list)  # students whose meeting date has passed, one line per kind


@dataclass
class Prepared:
    """Validated inputs and the students built from them, shared by ``generate`` and ``check``."""

    mapping: Mapping
    tables: dict[str, Table]
    template: PlanTemplate
    built: Built
    locations: Locations
    notes: list[str] = field(default_factory=list)  # which downloaded file went to which source

    @property
    def roster(self) -> Roster:
        return self.built.roster

    @property
    def names(self) -> dict[str, PlanName]:
        return self.built.names

    @property
    def warnings(self) -> list[str]:
        return self.built.warnings


def prepare(
    options: RunOptions,
    locations: Locations | None = None,
    on_loaded: Callable[[PlanTemplate, int], None] | None = None,
) -> Prepared:
    """Load every input, check the template against the mapping, and build the students.

    ``on_loaded`` hears of the checked template and the number of roster rows before the students are
    built (``generate`` starts its render workers then)."""
    locations = locations or Locations(options.google)
    mapping = load_mapping(options.mapping, period=options.period)
    notes: list[str] = []
    tables = read_sources(mapping, options.source, locations, notes)
    template = load_template(options, mapping, locations)
    check_template_fields(template, mapping)
    if on_loaded is not None:
        on_loaded(template, sum(len(tables[name].rows) for name in mapping.roster if name in tables))
    built = build(mapping, tables, options)
    return Prepared(mapping, tables, template, built, locations, notes + built.overdue)


def load_template(options: RunOptions, mapping: Mapping, locations: Locations) -> PlanTemplate:
    location = options.template or mapping.template
    if location is None:
        raise ConfigError(f"no template given: pass --template, or set 'template:' in {mapping.path}.")
    return locations.open_template(location, mapping)


def build(mapping: Mapping, tables: dict[str, Table], options: RunOptions) -> Built:
    """Students from the tables: joined, typed, selected (--student, --due-within) and named."""
    today = options.today or dt.date.today()
    everyone = build_roster(mapping, tables, today)
    roster = select(everyone, mapping, keys=options.keys, due_within=options.due_within, today=today)
    named = plan_names(mapping, everyone.students)  # the roster decides names, never the selection
    names = {student.key: named[student.key] for student in roster.students}
    warnings = [w for table in tables.values() for w in table.warnings] + list(roster.warnings)
    warnings += student_warnings(roster.students)
    return Built(roster, names, today, warnings, everyone, overdue_reviews(roster.students, mapping, today))


GROUP_AT = 3  # this many students with the same kind of warning get one line naming them all
_CONFLICT = re.compile(r"^field '(\w+)' differs between .*\(conflicts: (\w+)\)\.$", re.DOTALL)


def student_warnings(students: Sequence[Student]) -> list[str]:
    """One line per student warning, except a kind many students share: one line naming the students.
    Forty "field 'grade' differs between rows" lines hide the one warning that matters."""
    kinds: dict[str, list[tuple[str, str]]] = {}
    for student in students:
        for warning in student.warnings:
            match = _CONFLICT.match(warning)
            kind = (
                (
                    f"field '{match[1]}' differs between a student's rows; the {match[2]} row's value is used "
                    f"(conflicts: {match[2]})"
                )
                if match
                else warning
            )
            kinds.setdefault(kind, []).append((student.display_name, warning))
    lines = []
    for kind, found in kinds.items():
        names = list(dict.fromkeys(name for name, _ in found))
        if len(names) >= GROUP_AT:
            lines.append(f"{kind}: {len(names)} students ({', '.join(names)}).")
        else:
            lines += [f"{name}: {warning}" for name, warning in found]
    return lines


def read_sources(
    mapping: Mapping,
    given: Path | str | Sequence[Path | str] | None,
    locations: Locations,
    notes: list[str] | None = None,
) -> dict[str, Table]:
    """Every source table: the mapping's files, or the --source values (see ``source_choice``).

    ``notes`` receives which file went to which source when header rows decided it; an optional
    report left out has no table, and the roster says so once.
    """
    chosen = choose_sources(mapping, given, locations.read_source)
    if notes is not None:
        notes.extend(chosen.notes)
    return chosen.tables


def check_template_fields(template: PlanTemplate, mapping: Mapping) -> None:
    """Stop before rendering when the template asks for a name the mapping does not provide."""
    provided = mapping.provided_names() | set(make_environment().globals)
    missing = sorted(template.fields() - provided)
    if not missing:
        check_item_fields(template, mapping)
        return
    lines = [
        f"  {name}"
        + (
            " (the grading period: run with --period N)"
            if name == "period"
            else suggest(name, mapping.provided_names())
        )
        for name in missing
    ]
    raise TemplateError(
        f"{template.path}: uses field(s) that {mapping.path} does not provide:\n"
        + "\n".join(lines)
        + f"\nAdd them under 'fields:' in {mapping.path.name}, or fix the spelling in the template."
    )


def check_item_fields(template: PlanTemplate, mapping: Mapping) -> None:
    """Stop before rendering when the template reads an item field (``s.location`` in a loop over
    ``services``) with no fallback that the mapping's list does not give: every plan would fail on it.
    The message points at the mapping's line, where the fix goes."""
    problems = []
    for path in sorted(required_item_fields(template)):
        listed, _, item = path.partition("[].")
        spec = mapping.fields.get(listed)
        if spec is None or not item or "[]" in item or spec.is_computed:
            continue
        item = item.split(".")[0]
        where = mapping.where(listed)
        if spec.kind.items and item not in spec.item:
            problems.append(
                f"{where}: field {listed!r} has no item field {item!r}, which the template reads for each "
                f"item ({path}). Add '{item}: COLUMN' under its 'item:' (or '{item}: {{value: \"\"}}' for a "
                "blank to fill in)."
            )
        elif spec.kind is LIST:
            problems.append(
                f"{where}: field {listed!r} is a list of texts, but the template reads {path} for each item. "
                f"Map {listed!r} as type: records with an item field {item!r} (docs/mappings.md), or write "
                f"{{{{ x.{item}|default(x) }}}} in the template."
            )
    if problems:
        raise MappingError("\n".join(problems))


def generate(
    options: RunOptions,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Report:
    """Render and deliver every selected student's plan; the report says how each one went."""
    with ExitStack() as held:
        workers: list[RenderWorkers] = []

        def start_workers(template: PlanTemplate, rows: int) -> None:
            """Workers start (and compile the template) while this process builds the students."""
            jobs = choose_jobs(options.jobs, rows)
            if jobs > 1:
                workers.append(held.enter_context(RenderWorkers(template, jobs)))

        prepared = prepare(options, on_loaded=start_workers)
        refuse_invalid_data(prepared, options)
        destination = options.destination or LocalFolders()
        destination.check(options.pdf)
        out_dir = output_folder(options, prepared.mapping)
        targets = (
            prepared.locations.write_back_targets(prepared.mapping, prepared.tables, out_dir)
            if options.write_back
            else []
        )
        prepared.tables.clear()  # students are built: the caseload's cells (~50 MB at 10,000 students) can go
        if not options.dry_run:
            ensure_out_dir(out_dir)
            held.enter_context(OutDirLock(out_dir / STATE_DIR, out_dir))
        run = Run(options, prepared, out_dir, Recorder(options, prepared, on_outcome))
        return run.write(destination, targets, on_start, workers[0] if workers else None)


class Recorder:
    """Each student's outcome into the report as it happens, and to the caller (the CLI's progress)."""

    def __init__(self, options: RunOptions, prepared: Prepared, on_outcome: Callable[[Outcome], None] | None):
        self.report = Report(dry_run=options.dry_run, warnings=list(prepared.warnings), notes=list(prepared.notes))
        self.template_name = prepared.template.name
        self.names = prepared.names
        self.on_outcome = on_outcome

    def add(self, outcome: Outcome) -> None:
        self.report.add(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def unusable(self, failure: StudentFailure) -> None:
        """A student whose data could not be read (--skip-invalid): failed, with no plan."""
        self.add(
            Outcome(
                failure.key,
                failure.display_name,
                FAILED,
                template=self.template_name,
                time=_now(),
                message=failure.message,
            )
        )

    def failed(self, student: Student, error: StudentError) -> None:
        """A plan that could not be rendered or delivered; the other students go on."""
        relpath = str(self.names[student.key].relpath)
        self.add(Outcome(student.key, student.display_name, FAILED, relpath, self.template_name, _now(), str(error)))

    def delivered(self, job: PlanJob, delivery: Delivery) -> None:
        student = job.student
        self.add(
            Outcome(
                student.key,
                student.display_name,
                delivery.status,
                delivery.output,
                self.template_name,
                _now(),
                delivery.message,
            )
        )


@dataclass
class Run:
    """The writing half of ``generate``, run while this process holds the output folder's lock."""

    options: RunOptions
    prepared: Prepared
    out_dir: Path
    recorder: Recorder

    def write(
        self,
        destination: Destination,
        targets: list[Any],
        on_start: Callable[[int], None] | None,
        workers: RenderWorkers | None,
    ) -> Report:
        """Deliver every plan, record it (manifest), let the sink finish the run, then fill in the Sheet."""
        roster, report = self.prepared.roster, self.recorder.report
        if on_start is not None:
            on_start(len(roster.students) + len(roster.failures))
        report.manifest = self.out_dir / "manifest.csv"
        sink = destination.open(self.sink_request())
        try:
            self.deliver(sink, workers)
        finally:
            close_and_record(sink, report, self.out_dir, self.options.dry_run)
        if not self.options.dry_run:
            sink.finish(self.run_end())
        if targets:
            self.prepared.locations.write_back(targets, report)
        return report

    def sink_request(self) -> SinkRequest:
        return SinkRequest(
            out_dir=self.out_dir,
            mapping=self.prepared.mapping,
            template_sha256=self.prepared.template.sha256,
            names=[self.prepared.names[student.key] for student in self.prepared.roster.students],
            replace_edited=self.options.replace_edited,
            dry_run=self.options.dry_run,
        )

    def run_end(self) -> RunEnd:
        built = self.prepared.built
        return RunEnd(
            self.recorder.report,
            self.out_dir,
            self.prepared.mapping,
            built.everyone,
            built.today,
            pdf=self.options.pdf,
            overview=self.options.period is None,  # the overview lists plans, not progress reports
        )

    def deliver(self, sink: Sink, workers: RenderWorkers | None) -> None:
        """Students with unusable data first, then each plan as it is rendered (here or in the workers)."""
        recorder, prepared = self.recorder, self.prepared
        for failure in prepared.roster.failures:
            recorder.unusable(failure)
        students = prepared.roster.students
        jobs = choose_jobs(self.options.jobs, len(students))
        rendered = render_jobs(
            prepared.template, students, prepared.names, jobs, recorder.failed, sink.writer(), workers
        )
        for job, delivery in sink.deliver_all(rendered):
            if isinstance(delivery, StudentError):
                recorder.failed(job.student, delivery)
            else:
                recorder.delivered(job, delivery)


def close_and_record(sink: Sink, report: Report, out_dir: Path, dry_run: bool) -> None:
    """Close the sink and write the manifest; a full disk here is said plainly (exit 1), never a crash."""
    try:
        sink.close()
    except (OSError, PlangenError) as exc:
        report.errors.append(
            f"could not finish the record of what was written in {out_dir} "
            f"({getattr(exc, 'strerror', None) or exc}); the plans above are written. Free some "
            "disk space and run again: unchanged plans are recognised."
        )
    report.notes.extend(getattr(sink, "notes", ()))  # e.g. the fallback a remote sink switched to
    if dry_run:
        return
    manifest = out_dir / "manifest.csv"
    try:
        report.write_manifest(manifest)
    except OSError as exc:
        report.errors.append(
            f"could not write {manifest} ({exc.strerror or exc}). The outcomes are listed "
            "above; free some disk space and run again."
        )


def output_folder(options: RunOptions, mapping: Mapping) -> Path:
    """--out (relative to the current folder), else the mapping's 'out:' (relative to the mapping file)."""
    return Path(options.out_dir) if options.out_dir is not None else mapping.default_out_dir


def refuse_invalid_data(prepared: Prepared, options: RunOptions) -> None:
    """Data errors stop the whole run before anything is written, unless the therapist says otherwise."""
    failures = prepared.roster.failures
    if not failures or options.skip_invalid:
        return
    lines = limit_per_kind([(f"  {f.display_name}: {line}", line) for f in failures for line in f.message.splitlines()])
    raise DataError(
        f"{len(failures)} student(s) have data errors, so nothing was written:\n"
        + "\n".join(lines)
        + "\nFix them in the sheet ('plangen check' lists every problem), or add --skip-invalid to write the "
        "other students' plans now."
    )


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")

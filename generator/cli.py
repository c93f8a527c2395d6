"""Command line: parse options, call the library, turn its errors into messages and exit codes.

Exit codes: 0 every selected student done; 1 some students failed (the others were still
written); 2 bad invocation, configuration, mapping or template (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.errors import PlangenError
from generator.pipeline import RunOptions, generate, prepare
from generator.render import PlanTemplate
from generator.report import EXIT_CONFIG, FAILED, KEPT_EDITED, REPLACED, Outcome, Report
from generator.template_fields import template_fields


class PlangenClickError(click.ClickException):
    """A PlangenError as the CLI shows it: the message alone, exit code 2."""

    exit_code = EXIT_CONFIG

    def format_message(self) -> str:
        return self.message


def run_library(func, *args, **kwargs):
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plangen")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors (for bug reports).")
def cli(debug: bool) -> None:
    """Turn a therapist's caseload into one treatment plan per student."""


def input_options(func):
    """Options shared by commands that read a caseload (generate, check)."""
    options = [
        click.option("-m", "--mapping", required=True, type=click.Path(path_type=Path),
                     help="Mapping file (YAML) saying which column feeds each template field."),
        click.option("-s", "--source", type=click.Path(path_type=Path),
                     help="Caseload or report file (.xlsx, .csv). Default: the mapping's 'source:'."),
        click.option("-t", "--template", type=click.Path(path_type=Path),
                     help="Word template (.docx). Default: the mapping's 'template:'."),
        click.option("--student", "keys", multiple=True, metavar="KEY",
                     help="Only this student (the key column's value). Repeat for more."),
        click.option("--due-within", type=click.IntRange(min=0), metavar="DAYS",
                     help="Only students whose review date is within DAYS (overdue included)."),
        click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
                     help="Pretend today is YYYY-MM-DD (for reproducible runs)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_options(mapping, source, template, keys, due_within, today, **extra) -> RunOptions:
    return RunOptions(mapping=mapping, source=source, template=template, keys=keys,
                      due_within=due_within, today=today.date() if today else None, **extra)


@cli.command("generate")
@input_options
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("plans"),
              show_default=True, help="Folder that receives one sub-folder per student.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("--replace-edited", is_flag=True,
              help="Replace plans edited since plangen wrote them (the edited copy is kept beside).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Render with N processes. Default: all cores for 200+ students, else 1.")
@click.option("-v", "--verbose", is_flag=True, help="Print every student's outcome.")
def generate_command(mapping, source, template, keys, due_within, today, out_dir, dry_run,
                     replace_edited, jobs, verbose):
    """Write one plan per student into OUT/<student folder>/<file>.docx."""
    options = run_options(mapping, source, template, keys, due_within, today, out_dir=out_dir,
                          dry_run=dry_run, replace_edited=replace_edited, jobs=jobs)
    progress = Progress(verbose=verbose or dry_run, dry_run=dry_run)
    report = run_library(generate, options, on_outcome=progress.advance, on_start=progress.start)
    progress.finish()
    print_report(report, out_dir)
    sys.exit(report.exit_code)


class Progress:
    """One line per student worth a look; a live progress bar on an interactive terminal."""

    WIDTH = 30

    def __init__(self, verbose: bool, dry_run: bool):
        self.verbose = verbose
        self.words = Report(dry_run=dry_run)
        self.done = 0
        self.total = 0
        self.live = sys.stderr.isatty()

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
        if self.verbose or outcome.status in (FAILED, KEPT_EDITED, REPLACED):
            self.clear()
            line = f"{self.words.describe(outcome.status):>12}  {outcome.display_name}"
            if outcome.output:
                line += f"  ->  {outcome.output}"
            click.echo(line)
            if outcome.message:
                for message_line in outcome.message.splitlines():
                    click.echo(f"{'':>14}{message_line}")
        self.draw()

    def clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)

    def finish(self) -> None:
        self.clear()


def print_report(report: Report, out_dir: Path) -> None:
    for warning in report.warnings:
        click.echo(click.style("warning: ", fg="yellow") + warning, err=True)
    counts = report.counts
    color = "red" if counts[FAILED] else "yellow" if counts[KEPT_EDITED] else "green"
    click.echo(click.style(report.summary(), fg=color, bold=True))
    if not report.dry_run:
        click.echo(f"Manifest: {out_dir / 'manifest.csv'}")


@cli.command("check")
@input_options
def check_command(mapping, source, template, keys, due_within, today):
    """Read the mapping, template and caseload and report problems; write nothing."""
    options = run_options(mapping, source, template, keys, due_within, today)
    prepared = run_library(prepare, options)
    for failure in prepared.roster.failures:
        click.echo(click.style("error: ", fg="red") + f"{failure.display_name}: {failure.message}")
    for warning in prepared.warnings:
        click.echo(click.style("warning: ", fg="yellow") + warning)
    students = len(prepared.roster.students)
    click.echo(
        f"Checked {', '.join(t.label for t in prepared.tables.values())}: {students} student(s) ready, "
        f"{len(prepared.roster.failures)} with errors; {len(prepared.mapping.fields)} mapped fields; "
        f"template {prepared.template.name} uses {len(prepared.template.fields())} field(s)."
    )
    if prepared.roster.failures:
        sys.exit(EXIT_CONFIG)


@cli.command("fields")
@click.argument("template", type=click.Path(path_type=Path))
def fields_command(template):
    """List the fields a template uses, one per line."""
    plan_template = run_library(PlanTemplate, template)
    for name in template_fields(plan_template):  # sorted; loop item fields as goals[].area
        click.echo(name)


def main() -> None:
    cli(prog_name="plangen")


if __name__ == "__main__":  # pragma: no cover
    main()


"""The caseload overview: every student of every mapping written into a plans folder, sorted by the next meeting.

A therapist steers IEP season from a list, not from a folder of plans: who is overdue, who is due
within a month, where each plan is and how its last run went. Every run (selected students or not)
rewrites ``<out>/caseload.xlsx`` and ``<out>/caseload.html`` from the whole roster, merged by student
key with the rows every other mapping that writes into the same folder left (an OT caseload and a 504
caseload in one folder: one overview of both, one plan column per kind of plan). Students not in this
run keep the status and plan location of their last run, remembered per mapping in
``<out>/.plangen/overview.json``. Only what a plan already shows is listed, dates as the plans print
them, in plain words, and both files say they are a confidential student record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from generator.mapping.load import Mapping
from generator.output.fileio import PRIVATE_FILE, atomic_write, cause, fix
from generator.output.report import FAILED, Report
from generator.output.xlsx import CellStyle, SimpleSheet
from generator.roster.students import Roster
from generator.sources.cells import format_date

CONFIDENTIAL = "Confidential student record"
XLSX_NAME = "caseload.xlsx"
HTML_NAME = "caseload.html"
STATE_FILE = ".plangen/overview.json"
STATE_VERSION = 2
SOON_DAYS = 30
SCHOOL_YEAR_START = 7  # July: the timeline runs to the end of June
NOT_GENERATED = "not generated yet"
# What a run did to a plan, in the words a therapist uses (the manifest keeps plangen's own words).
STATUS_WORDS = {
    "created": "written",
    "updated": "updated",
    "unchanged": "up to date",
    "kept-edited": "edited by you, kept",
    "stale": "edited by you; the sheet changed since",
    "replaced": "rewritten; your edited copy kept beside it",
    FAILED: "not written: see the run's messages",
    NOT_GENERATED: "not written yet",
}
COLUMNS = (
    "Student",
    "Student ID",
    "Next meeting",
    "Meeting",
    "Days until it",
    "Annual review",
    "Re-evaluation",
    "Plan type",
    "Minutes a week",
    "Provider",
)
MINUTES_NOTE = (
    "Minutes a week as the plans state them; a daily service counts 5 school days a week, a monthly one is "
    "divided by 4.33 and a yearly one by 36 school weeks; text the sheet gives is shown as written."
)
OVERDUE_FILL = "FFC7CE"  # Excel's "bad" red
SOON_FILL = "FFEB9C"  # Excel's "neutral" yellow
LINK_COLOR = "0563C1"  # Excel's hyperlink blue
WIDTHS = (24, 11, 12, 16, 8, 12, 12, 16, 9, 20)
PLAN_WIDTHS = (44, 18)  # a plan kind's link column and its status column
LINK_PREFIXES = ("https://docs.google.com/", "https://drive.google.com/")  # where a plan on Drive lives


@dataclass(frozen=True)
class PlanCell:
    """One plan of a student: its kind (from the mapping's file name pattern), where it is, and its status."""

    kind: str
    plan: str  # a path relative to the out folder, or a Google Docs link
    status: str

    @property
    def is_link(self) -> bool:
        return self.plan.startswith(("https://", "http://"))


@dataclass
class OverviewRow:
    name: str
    key: str
    plan: str  # this mapping's plan: a path relative to the out folder, or a Google Docs link
    status: str
    plan_type: str
    annual_review: dt.date | None
    reevaluation: dt.date | None
    minutes_per_week: int | str | None
    provider: str
    plans: list[PlanCell] = field(default_factory=list)  # every mapping's plan for this student, by kind

    @property
    def next_meeting(self) -> dt.date | None:
        dates = [d for d in (self.annual_review, self.reevaluation) if d is not None]
        return min(dates) if dates else None

    @property
    def meeting(self) -> str:
        """What the next meeting is, in words."""
        when = self.next_meeting
        pairs = (("annual review", self.annual_review), ("re-evaluation", self.reevaluation))
        return " and ".join(what for what, day in pairs if when is not None and day == when)

    def days_until_review(self, today: dt.date) -> int | None:
        return (self.annual_review - today).days if self.annual_review else None

    def days_until_meeting(self, today: dt.date) -> int | None:
        return (self.next_meeting - today).days if self.next_meeting else None

    def urgency(self, today: dt.date) -> str:
        """'overdue', 'soon' (within 30 days) or '' -- by the next meeting, the date that matters first."""
        meeting = self.next_meeting
        if meeting is None:
            return ""
        if meeting < today:
            return "overdue"
        return "soon" if (meeting - today).days <= SOON_DAYS else ""

    @property
    def is_link(self) -> bool:
        return self.plan.startswith(("https://", "http://"))

    def cells(self) -> list[PlanCell]:
        return self.plans or ([PlanCell("Plan", self.plan, self.status)] if self.plan or self.status else [])


@dataclass
class Overview:
    rows: list[OverviewRow]
    today: dt.date
    title: str  # what the caseload is: the mapping's file name (names the Drive copy, never printed)
    kinds: list[str] = field(default_factory=list)  # the plan kinds in the folder, one link column each
    date_format: str = "%m/%d/%Y"  # dates as the plans print them

    def plan_kinds(self) -> list[str]:
        return self.kinds or (["Plan"] if any(row.cells() for row in self.rows) else [])

    def date(self, value: dt.date | None) -> str:
        return format_date(value, self.date_format) if value else ""

    def names(self) -> dict[str, str]:
        """Each row's name as listed: two children with one name get their ID beside it."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.name.casefold()] = counts.get(row.name.casefold(), 0) + 1
        return {
            row.key: f"{row.name} ({row.key})" if counts[row.name.casefold()] > 1 else row.name for row in self.rows
        }


def plan_kind(mapping: Mapping) -> str:
    """The kind of document a mapping writes, from the fixed start of its file name pattern ("OT Treatment Plan")."""
    fixed = re.split(r"\{\{|\{%", mapping.filename_pattern, maxsplit=1)[0].strip(" -–·_")
    return fixed or "Plan"


def build_overview(
    mapping: Mapping, everyone: Roster, report: Report, today: dt.date, history: dict[str, dict[str, str]]
) -> Overview:
    """One row per student the mapping knows (failed ones too), sorted by the next meeting date."""
    latest = dict(history)
    for outcome in report.outcomes:
        if outcome.key:
            latest[outcome.key] = {
                "status": outcome.status,
                "plan": outcome.output or latest.get(outcome.key, {}).get("plan", ""),
            }
    kind = plan_kind(mapping)
    rows = []
    for student in everyone.students:
        seen = latest.get(student.key, {})
        plan, status = seen.get("plan", ""), seen.get("status", NOT_GENERATED)
        rows.append(
            OverviewRow(
                name=student.display_name,
                key=student.key,
                plan=plan,
                status=status,
                plan_type=_text(_field(mapping, student.values, "plan_type")),
                annual_review=_date(_field(mapping, student.values, "annual_review")),
                reevaluation=_date(_field(mapping, student.values, "reevaluation")),
                minutes_per_week=_minutes(_field(mapping, student.values, "minutes_per_week")),
                provider=_text(_field(mapping, student.values, "provider")),
                plans=[PlanCell(kind, plan, status)],
            )
        )
    for failure in everyone.failures:
        if not failure.key:
            continue  # a row without a key is not a student yet; the run report names it
        seen = latest.get(failure.key, {})
        plan = seen.get("plan", "")
        rows.append(
            OverviewRow(
                failure.display_name,
                failure.key,
                plan,
                FAILED,
                "",
                None,
                None,
                None,
                "",
                [PlanCell(kind, plan, FAILED)],
            )
        )
    _sort(rows)
    return Overview(rows, today, mapping.path.stem, [kind], mapping.date_format)


def _sort(rows: list[OverviewRow]) -> None:
    rows.sort(key=lambda r: (r.next_meeting is None, r.next_meeting or dt.date.max, r.name.casefold(), r.key))


def merge_overviews(current: Overview, others: list[Overview]) -> Overview:
    """Every mapping written into one folder on one overview: rows merged by student key, one plan column per
    kind of plan; the facts (dates, minutes, provider) from this run's mapping first, then the others'."""
    by_key: dict[str, OverviewRow] = {}
    kinds: list[str] = []
    for overview in [current, *others]:
        kinds += [k for k in overview.plan_kinds() if k not in kinds]
        for row in overview.rows:
            merged = by_key.get(row.key)
            if merged is None:
                by_key[row.key] = OverviewRow(**{**row.__dict__, "plans": list(row.cells())})
                continue
            merged.plans += [cell for cell in row.cells() if cell.kind not in {c.kind for c in merged.plans}]
            for name in ("plan_type", "annual_review", "reevaluation", "minutes_per_week", "provider"):
                if getattr(merged, name) in (None, ""):
                    setattr(merged, name, getattr(row, name))
    rows = list(by_key.values())
    _sort(rows)
    return Overview(rows, current.today, current.title, sorted(kinds, key=str.casefold), current.date_format)


def _field(mapping: Mapping, values: dict[str, Any], column: str) -> Any:
    name = mapping.overview.get(column)
    return values.get(name) if name else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _date(value: Any) -> dt.date | None:
    return dt.date(value.year, value.month, value.day) if isinstance(value, dt.date) else None


def _minutes(value: Any) -> int | str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, int) else str(value)


def load_state(out_dir: Path) -> dict[str, Any]:
    """The folder's remembered overview: per mapping, its kind of plan and its rows; a damaged file only loses
    the history. A file from before several mappings shared the folder holds one mapping's statuses."""
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_history(out_dir: Path, mapping: Mapping | None = None) -> dict[str, dict[str, str]]:
    """Each student's last status and plan location for ``mapping`` (the older file: for whichever wrote it)."""
    data = load_state(out_dir)
    if data.get("version") == STATE_VERSION:
        saved = data.get("mappings", {}).get(mapping.path.stem if mapping else "", {})
        data = saved.get("rows", {}) if isinstance(saved, dict) else {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict) and k != "version"}


def other_overviews(state: dict[str, Any], mapping: Mapping, today: dt.date) -> list[Overview]:
    """The overviews other mappings wrote into the same folder, as their last runs left them."""
    if state.get("version") != STATE_VERSION:
        return []
    found = []
    for stem, saved in sorted(state.get("mappings", {}).items()):
        if stem == mapping.path.stem or not isinstance(saved, dict):
            continue
        kind = str(saved.get("kind") or "Plan")
        rows = [_row_from_state(key, kind, row) for key, row in saved.get("rows", {}).items() if isinstance(row, dict)]
        found.append(Overview(rows, today, stem, [kind], mapping.date_format))
    return found


def _row_from_state(key: str, kind: str, row: dict[str, Any]) -> OverviewRow:
    plan, status = str(row.get("plan", "")), str(row.get("status", NOT_GENERATED))
    minutes = row.get("minutes_per_week")
    return OverviewRow(
        name=str(row.get("name") or key),
        key=key,
        plan=plan,
        status=status,
        plan_type=str(row.get("plan_type", "")),
        annual_review=_iso_date(row.get("annual_review")),
        reevaluation=_iso_date(row.get("reevaluation")),
        minutes_per_week=minutes if isinstance(minutes, (int, str)) else None,
        provider=str(row.get("provider", "")),
        plans=[PlanCell(kind, plan, status)],
    )


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def save_state(out_dir: Path, state: dict[str, Any], mapping: Mapping, overview: Overview) -> None:
    """This mapping's rows replace its last ones; other mappings' rows are kept as they were."""
    mappings = state.get("mappings", {}) if state.get("version") == STATE_VERSION else {}
    mappings[mapping.path.stem] = {
        "kind": plan_kind(mapping),
        "rows": {
            row.key: {
                "name": row.name,
                "plan": row.plan,
                "status": row.status,
                "plan_type": row.plan_type,
                "annual_review": row.annual_review.isoformat() if row.annual_review else "",
                "reevaluation": row.reevaluation.isoformat() if row.reevaluation else "",
                "minutes_per_week": row.minutes_per_week,
                "provider": row.provider,
            }
            for row in overview.rows
        },
    }
    data = {"version": STATE_VERSION, "mappings": mappings}
    atomic_write(out_dir / STATE_FILE, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"), mode=PRIVATE_FILE)


def safe_link(plan: str) -> str:
    """The plan location as a link target, or "" when it is not one plangen made: a relative path inside
    the output folder, or a Google Docs/Drive address. overview.json can be edited or damaged, and a
    ``javascript:``, ``file:`` or ``\\\\server\\share`` target must never become a link."""
    if plan.startswith(LINK_PREFIXES):
        return plan if not any(c in plan for c in '\\"<> \t\r\n') else ""
    path = PurePosixPath(plan)
    if (
        not plan
        or ":" in plan
        or "\\" in plan
        or path.is_absolute()
        or ".." in path.parts
        or any(ord(c) < 32 for c in plan)
        or path.suffix.lower() not in (".docx", ".pdf")
    ):
        return ""
    return plan


def overview_xlsx(overview: Overview) -> bytes:
    """The table as a workbook: title row, frozen header with filters, urgent rows filled."""
    kinds = overview.plan_kinds()
    widths = WIDTHS + PLAN_WIDTHS * len(kinds)
    sheet = SimpleSheet("Caseload", widths=widths, page_header=CONFIDENTIAL, frozen_rows=2, filter_row=2)
    sheet.append(
        [f"{CONFIDENTIAL} - caseload overview, as of {overview.date(overview.today)}. {MINUTES_NOTE}"],
        sheet.style(CellStyle(bold=True, color="9C0006")),
    )
    sheet.append(
        [*COLUMNS, *(c for kind in kinds for c in (kind, f"{kind}: status"))], sheet.style(CellStyle(bold=True))
    )
    excel_date = _excel_date_format(overview.date_format)
    names = overview.names()
    for row in overview.rows:
        fill = {"overdue": OVERDUE_FILL, "soon": SOON_FILL}.get(row.urgency(overview.today))
        plain = sheet.style(CellStyle(fill=fill))
        date = sheet.style(CellStyle(fill=fill, date=True, date_format=excel_date))
        link = sheet.style(CellStyle(fill=fill, color=LINK_COLOR, underline=True))
        values: list[Any] = [
            names[row.key],
            row.key,
            row.next_meeting,
            row.meeting,
            row.days_until_meeting(overview.today),
            row.annual_review,
            row.reevaluation,
            row.plan_type,
            row.minutes_per_week,
            row.provider,
        ]
        styles = [plain, plain, date, plain, plain, date, date, plain, plain, plain]
        links = {}
        cells = {cell.kind: cell for cell in row.cells()}
        for kind in kinds:
            cell = cells.get(kind)
            target = safe_link(cell.plan) if cell is not None else ""
            if target:
                links[len(values)] = target
            values += [_plan_label(cell), STATUS_WORDS.get(cell.status, cell.status) if cell else ""]
            styles += [link if target else plain, plain]
        sheet.append(values, styles, links or None)
    return sheet.save()


def _plan_label(cell: PlanCell | None) -> str:
    """A local plan by its path; a Google Doc by its kind (the link says the rest)."""
    if cell is None or not cell.plan:
        return ""
    return f"{cell.kind} (Google Doc)" if cell.is_link else cell.plan


def _excel_date_format(date_format: str) -> str:
    """Excel's number format for the mapping's strftime date format (US by default)."""
    excel = date_format
    for code, text in (("%Y", "yyyy"), ("%m", "mm"), ("%d", "dd"), ("%-m", "m"), ("%-d", "d"), ("%y", "yy")):
        excel = excel.replace(code, text)
    return excel if "%" not in excel else "mm/dd/yyyy"


@dataclass
class OverviewFiles:
    """What a run wrote, for a remote copy (the Drive Sheet) to reuse."""

    title: str
    xlsx: bytes
    html: str

    @property
    def fingerprint(self) -> str:
        """Same rows, same day: same fingerprint (the workbook's bytes carry a save time, the page does not)."""
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()


def write_overview(out_dir: Path, mapping: Mapping, everyone: Roster, report: Report, today: dt.date) -> OverviewFiles:
    """Write caseload.xlsx and caseload.html into the out folder: this mapping's students with every other
    mapping's that wrote into the same folder, merged by student; remember this run's statuses."""
    state = load_state(out_dir)
    own = build_overview(mapping, everyone, report, today, load_history(out_dir, mapping))
    overview = merge_overviews(own, other_overviews(state, mapping, today))
    files = OverviewFiles(overview.title, overview_xlsx(overview), overview_html(overview))
    try:
        atomic_write(out_dir / XLSX_NAME, files.xlsx)
        atomic_write(out_dir / HTML_NAME, files.html.encode("utf-8"))
        save_state(out_dir, state, mapping, own)
    except OSError as exc:  # the plans are written; the overview is wholly old or wholly new, file by file
        report.errors.append(
            f"could not write the caseload overview in {out_dir}: {cause(exc)}. The plans above are written; "
            f"{fix(exc)} and run again to bring {XLSX_NAME} and {HTML_NAME} up to date."
        )
    return files


STYLE = """
body{font-family:Liberation Sans,Arial,sans-serif;margin:1.5em;color:#222}
.confidential{color:#9c0006;font-weight:bold;letter-spacing:.05em;text-transform:uppercase}
table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left}
th{background:#eee;position:sticky;top:0}tr.overdue td{background:#ffc7ce}tr.soon td{background:#ffeb9c}
td a{overflow-wrap:anywhere}.note{font-size:.85em;color:#555}
.legend span{padding:0 .5em;margin-right:1em}.timeline{margin-top:2em}.week{display:flex;margin:.2em 0}
.week .when{width:9em;flex:none}.week .bar{background:#4472c4;color:#fff;padding:0 .4em;margin-right:.6em;
min-width:1.2em;text-align:center}.week.past .bar{background:#c00000}.week .who{font-size:.85em}
@media (max-width:700px){body{margin:.6em}h1{font-size:1.3em}table,tbody,tr,td{display:block}thead{display:none}
tr{border:1px solid #bbb;margin:.6em 0;padding:.3em .4em}td{border:none;padding:.1em 0}td:empty{display:none}
td[data-label]::before{content:attr(data-label) ": ";font-weight:bold}td.name{font-weight:bold;font-size:1.05em}
.week{flex-wrap:wrap}.week .who{flex-basis:100%}}
"""


def overview_html(overview: Overview) -> str:
    """A page that opens from disk anywhere: no scripts, no fonts or styles fetched from the network; on a
    narrow screen (a phone) each student is a card, the next meeting first."""
    today = overview.today
    title = "Caseload overview"
    columns = [*COLUMNS, *(c for kind in overview.plan_kinds() for c in (kind, f"{kind}: status"))]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    names = overview.names()
    body = "\n".join(_html_row(row, overview, names[row.key], columns) for row in overview.rows)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title><style>{STYLE}</style></head>\n'
        f'<body><header><p class="confidential">{CONFIDENTIAL}</p><h1>{escape(title)}</h1>'
        f"<p>As of {overview.date(today)}: {len(overview.rows)} students, sorted by the next meeting. "
        f'<span class="legend"><span style="background:#{OVERDUE_FILL}">overdue</span>'
        f'<span style="background:#{SOON_FILL}">within {SOON_DAYS} days</span></span></p></header>\n'
        f'<table id="caseload"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>\n'
        f'<p class="note">{escape(MINUTES_NOTE)}</p>\n'
        f"{_timeline(overview)}\n</body></html>\n"
    )


def _html_row(row: OverviewRow, overview: Overview, name: str, columns: list[str]) -> str:
    today = overview.today
    days = row.days_until_meeting(today)
    cells = [
        escape(name),
        escape(row.key),
        overview.date(row.next_meeting),
        escape(row.meeting),
        "" if days is None else _days(days),
        overview.date(row.annual_review),
        overview.date(row.reevaluation),
        escape(row.plan_type),
        escape(_text(row.minutes_per_week)),
        escape(row.provider),
    ]
    plans = {cell.kind: cell for cell in row.cells()}
    for kind in overview.plan_kinds():
        cell = plans.get(kind)
        link = escape(_plan_label(cell)) if cell is not None and cell.plan else ""
        target = safe_link(cell.plan) if cell is not None else ""
        if target:
            href = target if target.startswith("https://") else quote(target)
            link = f'<a href="{escape(href)}">{escape(_plan_label(cell))}</a>'
        cells += [link, escape(STATUS_WORDS.get(cell.status, cell.status)) if cell else ""]
    urgency = row.urgency(today)
    css = f' class="{urgency}"' if urgency else ""
    tds = [
        f'<td class="name">{cells[0]}</td>',
        *(f'<td data-label="{escape(label)}">{cell}</td>' for label, cell in zip(columns[1:], cells[1:], strict=True)),
    ]
    return f'<tr{css} data-key="{escape(row.key)}">' + "".join(tds) + "</tr>"


def _days(days: int) -> str:
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} day{'s' if days < -1 else ''} ago"
    return f"in {days} day{'s' if days > 1 else ''}"


def _timeline(overview: Overview) -> str:
    """The season's meetings (annual reviews and re-evaluations, overdue ones included, up to the end of this
    school year in June) grouped by the week they fall in."""
    end = dt.date(overview.today.year + (overview.today.month >= SCHOOL_YEAR_START), SCHOOL_YEAR_START, 1)
    weeks: dict[dt.date, list[str]] = {}
    names = overview.names()
    for row in overview.rows:
        for what, when in (("annual review", row.annual_review), ("re-evaluation", row.reevaluation)):
            if when is not None and when < end:
                monday = when - dt.timedelta(days=when.weekday())
                weeks.setdefault(monday, []).append(f"{names[row.key]} ({what} {overview.date(when)})")
    this_week = overview.today - dt.timedelta(days=overview.today.weekday())
    lines = []
    for monday in sorted(weeks):
        people = weeks[monday]
        css = "week past" if monday < this_week else "week"
        lines.append(
            f'<div class="{css}" data-week="{monday.isoformat()}"><span class="when">week of '
            f'{overview.date(monday)}</span><span class="bar" style="width:{1.2 * len(people):.1f}em">'
            f'{len(people)}</span><span class="who">{escape("; ".join(people))}</span></div>'
        )
    if not lines:
        lines.append("<p>No meetings dated before the end of this school year.</p>")
    heading = f"<h2>Meetings by week, to {overview.date(end - dt.timedelta(days=1))}</h2>"
    return f'<section class="timeline">{heading}\n' + "\n".join(lines) + "\n</section>"

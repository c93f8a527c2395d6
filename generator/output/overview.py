"""The caseload overview: every student in the mapping on one sheet, sorted by the next meeting.

A therapist steers IEP season from a list, not from a folder of plans: who is overdue, who is due
within a month, where each plan is and how its last run went. Every run (selected students or not)
rewrites ``<out>/caseload.xlsx`` and ``<out>/caseload.html`` from the whole roster. Students not in
this run keep the status and plan location of their last run, remembered in
``<out>/.plangen/overview.json``. Only what a plan already shows is listed, and both files say
they are a confidential student record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from generator.mapping.load import Mapping
from generator.output.fileio import atomic_write
from generator.output.report import FAILED, Report
from generator.output.xlsx import CellStyle, SimpleSheet
from generator.roster.students import Roster

CONFIDENTIAL = "Confidential student record"
XLSX_NAME = "caseload.xlsx"
HTML_NAME = "caseload.html"
STATE_FILE = ".plangen/overview.json"
SOON_DAYS = 30
SCHOOL_YEAR_START = 7  # July: the timeline runs to the end of June
NOT_GENERATED = "not generated yet"
COLUMNS = (
    "Student",
    "Key",
    "Plan",
    "Last status",
    "Plan type",
    "Next annual review",
    "Days until review",
    "Next re-evaluation",
    "Service minutes/week",
    "Provider",
)
OVERDUE_FILL = "FFC7CE"  # Excel's "bad" red
SOON_FILL = "FFEB9C"  # Excel's "neutral" yellow
LINK_COLOR = "0563C1"  # Excel's hyperlink blue
WIDTHS = (24, 12, 48, 16, 16, 14, 10, 14, 12, 22)


@dataclass
class OverviewRow:
    name: str
    key: str
    plan: str  # a path relative to the out folder, or a Google Docs link
    status: str
    plan_type: str
    annual_review: dt.date | None
    reevaluation: dt.date | None
    minutes_per_week: int | str | None
    provider: str

    @property
    def next_meeting(self) -> dt.date | None:
        dates = [d for d in (self.annual_review, self.reevaluation) if d is not None]
        return min(dates) if dates else None

    def days_until_review(self, today: dt.date) -> int | None:
        return (self.annual_review - today).days if self.annual_review else None

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


@dataclass
class Overview:
    rows: list[OverviewRow]
    today: dt.date
    title: str  # what the caseload is: the mapping's file name


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
    rows = []
    for student in everyone.students:
        seen = latest.get(student.key, {})
        rows.append(
            OverviewRow(
                name=student.display_name,
                key=student.key,
                plan=seen.get("plan", ""),
                status=seen.get("status", NOT_GENERATED),
                plan_type=_text(_field(mapping, student.values, "plan_type")),
                annual_review=_date(_field(mapping, student.values, "annual_review")),
                reevaluation=_date(_field(mapping, student.values, "reevaluation")),
                minutes_per_week=_minutes(_field(mapping, student.values, "minutes_per_week")),
                provider=_text(_field(mapping, student.values, "provider")),
            )
        )
    for failure in everyone.failures:
        if not failure.key:
            continue  # a row without a key is not a student yet; the run report names it
        seen = latest.get(failure.key, {})
        rows.append(
            OverviewRow(failure.display_name, failure.key, seen.get("plan", ""), FAILED, "", None, None, None, "")
        )
    rows.sort(key=lambda r: (r.next_meeting is None, r.next_meeting or dt.date.max, r.name.casefold(), r.key))
    return Overview(rows, today, mapping.path.stem)


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


def load_history(out_dir: Path) -> dict[str, dict[str, str]]:
    """Each student's last status and plan location; a damaged file only loses the history."""
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def save_history(out_dir: Path, overview: Overview) -> None:
    state = {row.key: {"status": row.status, "plan": row.plan} for row in overview.rows if row.status != NOT_GENERATED}
    atomic_write(out_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))


def overview_xlsx(overview: Overview) -> bytes:
    """The table as a workbook: title row, frozen header with filters, urgent rows filled."""
    sheet = SimpleSheet("Caseload", widths=WIDTHS, page_header=CONFIDENTIAL, frozen_rows=2, filter_row=2)
    sheet.append(
        [f"{CONFIDENTIAL} - caseload overview ({overview.title}), as of {overview.today.isoformat()}"],
        sheet.style(CellStyle(bold=True, color="9C0006")),
    )
    sheet.append(list(COLUMNS), sheet.style(CellStyle(bold=True)))
    for row in overview.rows:
        fill = {"overdue": OVERDUE_FILL, "soon": SOON_FILL}.get(row.urgency(overview.today))
        plain, date = sheet.style(CellStyle(fill=fill)), sheet.style(CellStyle(fill=fill, date=True))
        link = sheet.style(CellStyle(fill=fill, color=LINK_COLOR, underline=True)) if row.plan else plain
        sheet.append(
            [
                row.name,
                row.key,
                row.plan,
                row.status,
                row.plan_type,
                row.annual_review,
                row.days_until_review(overview.today),
                row.reevaluation,
                row.minutes_per_week,
                row.provider,
            ],
            [plain, plain, link, plain, plain, date, plain, date, plain, plain],
            {2: row.plan} if row.plan else None,
        )
    return sheet.save()


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
    """Write caseload.xlsx and caseload.html into the out folder and remember this run's statuses."""
    overview = build_overview(mapping, everyone, report, today, load_history(out_dir))
    files = OverviewFiles(overview.title, overview_xlsx(overview), overview_html(overview))
    atomic_write(out_dir / XLSX_NAME, files.xlsx)
    atomic_write(out_dir / HTML_NAME, files.html.encode("utf-8"))
    save_history(out_dir, overview)
    return files


STYLE = """
body{font-family:Liberation Sans,Arial,sans-serif;margin:1.5em;color:#222}
.confidential{color:#9c0006;font-weight:bold;letter-spacing:.05em;text-transform:uppercase}
table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left}
th{background:#eee;position:sticky;top:0}tr.overdue td{background:#ffc7ce}tr.soon td{background:#ffeb9c}
.legend span{padding:0 .5em;margin-right:1em}.timeline{margin-top:2em}.week{display:flex;margin:.2em 0}
.week .when{width:9em;flex:none}.week .bar{background:#4472c4;color:#fff;padding:0 .4em;margin-right:.6em;
min-width:1.2em;text-align:center}.week.past .bar{background:#c00000}.week .who{font-size:.85em}
"""


def overview_html(overview: Overview) -> str:
    """A page that opens from disk anywhere: no scripts, no fonts or styles fetched from the network."""
    today = overview.today
    title = f"Caseload overview - {overview.title}"
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = "\n".join(_html_row(row, today) for row in overview.rows)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title><style>{STYLE}</style></head>\n'
        f'<body><header><p class="confidential">{CONFIDENTIAL}</p><h1>{escape(title)}</h1>'
        f"<p>As of {today.isoformat()}: {len(overview.rows)} students, sorted by the next meeting. "
        f'<span class="legend"><span style="background:#{OVERDUE_FILL}">overdue</span>'
        f'<span style="background:#{SOON_FILL}">within {SOON_DAYS} days</span></span></p></header>\n'
        f'<table id="caseload"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>\n'
        f"{_timeline(overview)}\n</body></html>\n"
    )


def _html_row(row: OverviewRow, today: dt.date) -> str:
    plan = ""
    if row.plan:
        href = row.plan if row.is_link else quote(row.plan)
        label = "Google Doc" if row.is_link else row.plan
        plan = f'<a href="{escape(href)}">{escape(label)}</a>'
    days = row.days_until_review(today)
    cells = [
        escape(row.name),
        escape(row.key),
        plan,
        escape(row.status),
        escape(row.plan_type),
        _iso(row.annual_review),
        "" if days is None else str(days),
        _iso(row.reevaluation),
        escape(_text(row.minutes_per_week)),
        escape(row.provider),
    ]
    urgency = row.urgency(today)
    css = f' class="{urgency}"' if urgency else ""
    return f'<tr{css} data-key="{escape(row.key)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _timeline(overview: Overview) -> str:
    """The season's meetings (annual reviews and re-evaluations, overdue ones included, up to the end of this
    school year in June) grouped by the week they fall in."""
    end = dt.date(overview.today.year + (overview.today.month >= SCHOOL_YEAR_START), SCHOOL_YEAR_START, 1)
    weeks: dict[dt.date, list[str]] = {}
    for row in overview.rows:
        for what, when in (("annual review", row.annual_review), ("re-evaluation", row.reevaluation)):
            if when is not None and when < end:
                monday = when - dt.timedelta(days=when.weekday())
                weeks.setdefault(monday, []).append(f"{row.name} ({what} {when.isoformat()})")
    this_week = overview.today - dt.timedelta(days=overview.today.weekday())
    lines = []
    for monday in sorted(weeks):
        names = weeks[monday]
        css = "week past" if monday < this_week else "week"
        lines.append(
            f'<div class="{css}" data-week="{monday.isoformat()}"><span class="when">week of '
            f'{monday.isoformat()}</span><span class="bar" style="width:{1.2 * len(names):.1f}em">'
            f'{len(names)}</span><span class="who">{escape("; ".join(names))}</span></div>'
        )
    if not lines:
        lines.append("<p>No meetings dated before the end of this school year.</p>")
    heading = f"<h2>Meetings by week, to {end - dt.timedelta(days=1)}</h2>"
    return f'<section class="timeline">{heading}\n' + "\n".join(lines) + "\n</section>"

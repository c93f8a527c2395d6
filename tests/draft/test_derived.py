"""Fields a draft builds from others: minutes per week only from a stated unit, the service line, records."""

from __future__ import annotations

from generator.draft.columns import INTEGER, TEXT, YESNO
from generator.draft.derived import per_week, plan_kind_from_flags, records_field, service_line
from generator.draft.entries import DraftField, fields_named


def column(name: str, header: str, kind: str = TEXT) -> DraftField:
    return DraftField(name, header, kind)


def test_minutes_per_week_come_only_from_a_stated_unit() -> None:
    monthly = per_week([column("minutes_per_month", "Mins/Month", INTEGER)])
    assert monthly is not None and monthly.value is not None and "* 12 / 52" in monthly.value
    daily = per_week([column("minutes_per_day", "Daily Minutes", INTEGER)])
    assert daily is not None and "minutes_per_day * 5" in (daily.value or "")
    weekly = per_week([column("session_minutes", "Mins", INTEGER), column("sessions_per_week", "X/Wk", INTEGER)])
    assert weekly is not None and "session_minutes * sessions_per_week" in (weekly.value or "")
    assert per_week([column("session_minutes", "Mins", INTEGER)]) is None  # a bare "Mins" is per session
    assert per_week([column("minutes_per_week", "Mins/Wk", INTEGER)]) is None  # the sheet has it already


def test_the_service_line_joins_what_the_sheet_says() -> None:
    line = service_line([column("frequency", "Freq"), column("minutes_per_month", "Mins/Month", INTEGER)])
    assert line == (
        "{{ [(frequency) if frequency else '', (minutes_per_month ~ ' min per month') if minutes_per_month else '']"
        "|select|join(', ') }}"
    )
    assert service_line([column("teacher", "Teacher")]) is None


def test_records_read_the_columns_that_mean_their_item_fields() -> None:
    fields = [column("frequency", "Freq"), column("location", "Loc"), column("full_name", "Student Name")]
    used: set[str] = set()
    records = records_field("services", ["location", "name", "summary"], {"name", "location"}, fields, used)
    assert records is not None
    assert records.item == [("location", "Loc", None), ("summary", None, service_line(fields)), ("name", None, "")]
    assert used == {"Loc"}
    assert records_field("goals", ["area"], set(), fields, set()) is None
    assert fields_named(fields, "location") is fields[1]


def test_a_yes_no_column_marking_504_plans_gives_the_plan_type_only_where_it_says_yes() -> None:

    kind = plan_kind_from_flags("plan_type", [column("teacher", "Teacher"), column("col_504_plan", "504 Plan?", YESNO)])
    assert kind is not None and kind.value == "{{ '504' if col_504_plan else '' }}"
    assert "'504 Plan?'" in kind.comment
    both = plan_kind_from_flags("plan_type", [column("iep", "IEP", YESNO), column("col_504", "504?", YESNO)])
    assert both is not None and both.value == "{{ '504' if col_504 else 'IEP' if iep else '' }}"
    assert plan_kind_from_flags("plan_type", [column("col_504_notes", "504 Notes")]) is None  # text, not yes/no


def test_minutes_typed_with_their_unit_are_printed_as_the_sheet_says() -> None:
    """'30 min/week' under Service Minutes is not '30 min/week min per session'."""
    line = service_line([column("frequency", "Freq"), column("session_minutes", "Service Minutes", TEXT)])
    assert (
        line
        == "{{ [(frequency) if frequency else '', (session_minutes) if session_minutes else '']|select|join(', ') }}"
    )
    line = service_line([column("session_minutes", "Mins", INTEGER)])
    assert line == "{{ [(session_minutes ~ ' min per session') if session_minutes else '']|select|join(', ') }}"

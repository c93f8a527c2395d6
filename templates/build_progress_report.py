"""The OT progress report template (templates/ot-progress-report.docx), built with the plan templates' helpers.

Called from ``build_templates.py`` (``python templates/build_templates.py`` rebuilds every template); kept
in its own file so the plan templates can be reworked without touching it. A progress report is written
every grading period, one block per goal: the goal, its baseline, this period's rating and comment (real
numbers: "4 of 5 opportunities"), the data or criteria, and next steps. A goal with nothing entered for
the period shows a line to write on, never an empty cell that reads as "no progress".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOT_ENTERED = "________________________"  # a line to write on: nothing entered for the period yet
LEGEND = [  # the ratings SEIS and most districts use, in plain words for a parent
    ("Not started", "Work on this goal has not begun yet."),
    ("Emerging", "The skill is beginning to show, with a lot of help."),
    ("Progressing", "Steady progress: on track to meet the goal by the annual review."),
    ("Limited progress", "Slower progress than planned: the team may change the approach."),
    ("Met", "The goal has been reached."),
]
GOAL_BLOCK = [  # label, value: the rows repeated for each goal
    ("Goal {{ g.number|default(loop.index) }}", "{{ g.area|default('') }}: {{ g.text|default(g) }}"),
    ("Baseline", "{{ g.baseline|default('') }}"),
    ("Progress (period {{ period }})", "{% if g.progress %}{{ g.progress }}{% else %}" + NOT_ENTERED + "{% endif %}"),
    ("Comment and data", "{% if g.comments %}{{ g.comments }}{% else %}" + NOT_ENTERED + "{% endif %}"),
    ("How it is measured", "{{ g.criteria|default('') }}"),
    ("Next steps", "{{ g.next_steps|default('') }}"),
]


def build_ot_progress_report(b: Any) -> Path:
    """``b``: the helpers of build_templates.py (styles, tables, save), so both builders make the same look."""
    doc = b.new_document("OT Progress Report")
    b.header_and_footer(
        doc,
        "{{ full_name }}{% if dob %}  ·  DOB {{ dob }}{% endif %}",
        "OT Progress Report {{ period }}  ·  {{ school_year }}",
    )
    b.title_block(
        doc,
        "Occupational Therapy Progress Report",
        "Progress report {{ period }}  ·  School year {{ school_year }}{% if school %}  ·  {{ school }}"
        "{% endif %}{% if report_date %}  ·  Report date {{ report_date }}{% endif %}",
    )
    doc.add_heading("1. Student", level=1)
    b.label_table(
        doc,
        [
            (
                "Student",
                "{{ full_name }}{% if student_id %} (ID\u00a0{{ student_id }}){% endif %}",
                "Date of birth",
                "{{ dob }}",
            ),
            ("Grade", "{{ grade }}", "School", "{{ school }}"),
            (
                "Case manager",
                "{{ case_manager }}",
                "Reporting period",
                "Report {{ period }}{% if reporting_period %}: {{ reporting_period }}{% endif %}",
            ),
            ("IEP date", "{{ iep_date }}", "Next annual review", "{{ annual_review }}"),
            ("Therapist (OT)", "{{ therapist }}", "Services", "{{ service_summary }}"),
        ],
        widths=[1.35, 1.9, 1.35, 1.9],
    )

    doc.add_heading("2. Progress on annual goals", level=1)
    doc.add_heading("What the ratings mean", level=2)
    legend = b.new_table(doc, [1.75, 4.75])
    for code, meaning in LEGEND:
        b.add_row(legend, [code, meaning], label_columns=[0])
    b.keep_together(doc, legend)
    doc.add_heading("Goals", level=2)
    table = b.new_table(doc, [1.75, 4.75])
    b.tag_row(table, "{%tr for g in goals %}")
    for index, (label, value) in enumerate(GOAL_BLOCK[:-1]):
        row = b.add_row(
            table, [label, value], label_columns=[0], fill=b.HEADER_FILL if index == 0 else None, height=0.3
        )
        b.keep_with_next(row)  # a goal's block stays on one page
    # The block's last row: free to break after it, except after the last goal, which stays with the summary
    # and signature so the last page never holds only them.
    label, value = GOAL_BLOCK[-1]
    b.tag_row(table, "{%tr if not loop.last %}")
    b.add_row(table, [label, value], label_columns=[0], height=0.3)
    b.tag_row(table, "{%tr else %}")
    b.keep_with_next(b.add_row(table, [label, value], label_columns=[0], height=0.3))
    b.tag_row(table, "{%tr endif %}")
    b.tag_row(table, "{%tr endfor %}")
    b.tag_row(table, "{%tr if not goals %}")
    for label, _value in GOAL_BLOCK:  # an empty goal block to fill in: no statement about goals the source lacks
        b.keep_with_next(
            b.add_row(
                table, [label.replace("{{ g.number|default(loop.index) }}", "1"), ""], label_columns=[0], height=0.3
            )
        )
    b.tag_row(table, "{%tr endif %}")

    doc.add_heading("3. Summary and recommendations", level=1)
    b.write_in_box(doc, "", height=0.9)
    b.signature_lines(doc, [("Occupational therapist", "Date", None)])
    return b.save(doc, "ot-progress-report.docx")

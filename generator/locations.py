"""Where a run's inputs live: local files, or Google Docs and Sheets behind the run's one sign-in.

The pipeline reads every input through a ``Locations`` and never asks where it came from: a
location is a local path unless ``google.auth.ids`` says it names a Google file, and only then is
``generator.google.sheets.inputs`` (and Google's libraries) imported. The Google Sheet a caseload came
from is also where ``--write-back`` fills in each student's plan link, so that goes through here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.google.auth.ids import google_ref
from generator.google.auth.options import GoogleSignIn
from generator.mapping.layout import Layout
from generator.mapping.load import Mapping
from generator.output.report import Report
from generator.sources.tables import Table, read_table
from generator.template.autocrat import AutocratTags
from generator.template.loader import PlanTemplate

if TYPE_CHECKING:
    from generator.google.sheets.inputs import GoogleInputs

__all__ = ["GoogleSignIn", "Locations"]


class Locations:
    """Opens the run's inputs: local files directly, Google Docs/Sheets through one lazy sign-in."""

    def __init__(self, sign_in: GoogleSignIn | None = None):
        self.sign_in = sign_in or GoogleSignIn()  # the run's one sign-in: inputs, Drive and write-back share it
        self._google: GoogleInputs | None = None

    def google(self) -> GoogleInputs:
        """The run's one Google reader (and write-back sign-in), made on first use."""
        if self._google is None:
            from generator.google.sheets.inputs import GoogleInputs

            self._google = GoogleInputs(self.sign_in)
        return self._google

    def read_source(self, location: str | Path, sheet: str | None, layout: Layout | None = None) -> Table:
        """A caseload or report: a local file, or a Google Sheet's tab."""
        layout = layout or Layout()
        ref = google_ref(location, "Google Sheets")
        if ref is None:
            return read_table(Path(location), sheet, header_row=layout.header_row, decimal=layout.decimal)
        return self.google().read_sheet(ref, sheet, header_row=layout.header_row)

    def open_template(self, location: str | Path, mapping: Mapping | None) -> PlanTemplate:
        """A .docx file or a Google Doc; with a mapping, Autocrat tags are understood too."""
        tags = AutocratTags.from_mapping(mapping) if mapping is not None else None
        ref = google_ref(location, "Google Docs")
        if ref is None:
            return PlanTemplate(Path(location), autocrat=tags)
        label, data = self.google().template_docx(ref)
        return PlanTemplate(Path(label), data=data, autocrat=tags)

    def write_back_targets(self, mapping: Mapping, tables: dict[str, Table], out_dir: Path) -> list[Any]:
        """The Google Sheets --write-back fills in, checked before anything is written (a local caseload
        is refused: plangen never changes a file on this computer)."""
        from generator.google.sheets.writeback import write_back_targets

        return write_back_targets(mapping, tables, out_dir)

    def write_back(self, targets: list[Any], report: Report) -> None:
        """Each student's plan link, status and time on their row of the Sheet the caseload came from."""
        from generator.google.sheets.writeback import write_back

        write_back(targets, report, self.google())

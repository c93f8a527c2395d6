"""The Drive sink: plans as Google Docs in each student's folder, their PDFs and the overview Sheet.

Imports ``auth/`` (never ``sheets/``): Drive is a destination, not an input."""

"""Google Sheets and Docs as inputs (read, exported, cached) and results written back to the Sheet.

Imports ``auth/`` (never ``drive/``): the caseload comes from here whatever the destination."""

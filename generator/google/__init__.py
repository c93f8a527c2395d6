"""Google behind one door: links, sign-in, Docs/Sheets inputs, write-back and the Drive sink.

The core stages never import this package; only the CLI and pipeline do, lazily, when a Google
link, --drive, --write-back or doctor is used. Split by job: ``auth/`` (links and ids, the one
sign-in, the API client), ``sheets/`` (Docs/Sheets read as inputs, write-back), ``drive/`` (the Drive
sink, its PDFs and overview); ``doctor.py`` checks all three, so it sits above them."""

"""Google behind one door: links, sign-in, Docs/Sheets inputs, write-back and the Drive sink.

The core stages never import this package; only the CLI and pipeline do, lazily, when a Google
link, --drive, --write-back or doctor is used."""

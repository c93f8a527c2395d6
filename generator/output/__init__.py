"""Stage 5: where plans go (local folders), the journal, the report and the manifest."""

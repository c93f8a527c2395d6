"""Stage 2: the mapping file (YAML with line numbers), its field specs, loaded and validated."""

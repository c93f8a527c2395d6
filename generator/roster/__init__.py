"""Stage 3: rows joined by student key into typed students, selected and named."""

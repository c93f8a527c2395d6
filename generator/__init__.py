"""plangen: per-student treatment plans from a therapist's caseload."""

__version__ = "0.1.0"

"""One exception root so the CLI can turn every expected failure into a message and exit code.

Messages are written for the therapist: they name the file (and sheet, row, column, or template
location) and say how to fix it. Errors raised *before* any student is processed are fatal to the
run (exit 2); errors raised while processing one student only fail that student (exit 1).
"""

from __future__ import annotations


class PlangenError(Exception):
    """Root of every error plangen expects and explains."""


class ConfigError(PlangenError):
    """Bad invocation or configuration: nothing can be generated (exit 2)."""


class MappingError(ConfigError):
    """A mapping file is missing, unreadable, or describes fields wrongly."""


class SourceError(ConfigError):
    """A caseload/report file cannot be read, or lacks the columns the mapping names."""


class DataError(ConfigError):
    """Some students' data cannot become plans, and the run was asked not to write a partial set."""


class TemplateError(ConfigError):
    """A template cannot be read, parsed, or asks for fields the mapping does not provide."""


class StudentError(PlangenError):
    """One student's data cannot be turned into a plan; other students still proceed."""


class RenderError(StudentError):
    """Rendering one student's plan failed."""


class OutputError(StudentError):
    """Writing one student's plan to its destination failed."""


class PlanOpenError(OutputError):
    """A plan is open in Word or LibreOffice (its lock file is beside it): not replaced this run."""


class WorkerError(PlangenError):
    """Render worker processes keep dying, whichever student they work on: the run stops (exit 2)."""


class GoogleError(PlangenError):
    """A Google API call failed in a way retries could not fix."""


class GoogleApiError(GoogleError):
    """A Google call failed for good; callers branch on ``status``/``reason`` (404, 409...)."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.reason = reason


class WriteBackError(PlangenError):
    """The sheet cannot take the plan cells (its key column is gone, it was emptied...)."""


class AuthError(ConfigError):
    """Google credentials are missing, unreadable, or insufficient."""


class RowError(StudentError):
    """A row of one student's report cannot be read (e.g. an impossible date): that student only fails."""

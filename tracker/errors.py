"""Errors the tracker reports to people, each carrying the process exit code it maps to."""

from __future__ import annotations

from pathlib import Path


class TrackerError(Exception):
    """Base class: a failure explained to the user, with the exit code the CLI returns."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(TrackerError):
    """The command line asked for something impossible (bad date, unknown body...)."""

    exit_code = 2


class LoadError(TrackerError):
    """A file could not be read as a resolution text; names the file and the reason."""

    exit_code = 1

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class DataError(TrackerError):
    """A rule or calendar data file is invalid; names the file and what is wrong."""

    exit_code = 3

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class StoreError(TrackerError):
    """The database could not be opened or written."""

    exit_code = 4


class ConflictError(TrackerError):
    """Someone else changed the record since the version the user saw: nothing was written."""

    exit_code = 5

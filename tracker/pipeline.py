"""The pipeline with its side effects: read files, analyse them, store each in one transaction.

A file that fails (unreadable, not a resolution, a database error) is reported with its name
and reason; the other files are still analysed and stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from tracker.analyse import Analysis, Toolkit, analyse
from tracker.errors import LoadError, TrackerError
from tracker.load import Limits, discover, load_source
from tracker.schedule import Horizon
from tracker.store import DEFAULT_REVIEW_THRESHOLD, store_analysis

DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: str
    status: str
    mandates: int = 0
    deliverables: int = 0
    error: str | None = None

    @property
    def failed(self) -> bool:
        """Whether the file could not be ingested."""
        return self.status == "failed"


Progress = Callable[[Outcome], None]


def analyse_paths(
    paths: Iterable[Path], toolkit: Toolkit, horizon: Horizon, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Analysis | Outcome]:
    """Analyse every file under ``paths``: an Analysis per file, or a failed Outcome."""
    files, errors = discover(paths)
    for error in errors:
        yield Outcome(error.path, "failed", error=error.reason)
    for path in files:
        try:
            yield analyse(load_source(path, limits), toolkit, horizon)
        except LoadError as exc:
            yield Outcome(exc.path, "failed", error=exc.reason)


def count_files(paths: Iterable[Path]) -> int:
    """How many files :func:`analyse_paths` will read (for progress bars)."""
    files, errors = discover(paths)
    return len(files) + len(errors)


def ingest(
    paths: Iterable[Path],
    engine: Engine,
    toolkit: Toolkit,
    horizon: Horizon,
    now: dt.datetime,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    threshold: float = DEFAULT_REVIEW_THRESHOLD,
) -> list[Outcome]:
    """Analyse and store every file; returns one outcome per file, failures included.

    Mandates extracted with a confidence below ``threshold`` wait in the review queue.
    """
    outcomes: list[Outcome] = []
    for result in analyse_paths(paths, toolkit, horizon, limits):
        outcome = result if isinstance(result, Outcome) else _store(engine, result, now, threshold)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def _store(engine: Engine, analysis: Analysis, now: dt.datetime, threshold: float) -> Outcome:
    source = analysis.document.source
    try:
        status = store_analysis(engine, analysis, now, threshold)
    except TrackerError as exc:
        return Outcome(source, "failed", error=exc.message)
    return Outcome(source, status, len(analysis.mandates), len(analysis.deliverables))

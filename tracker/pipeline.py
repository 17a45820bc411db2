"""The pipeline with its side effects: read files, analyse them, store each in one transaction.

A file that fails (unreadable, not a resolution, a database error) is reported with its name
and reason; the other files are still analysed and stored. Analysis is pure, so with
``workers`` > 1 it runs in that many processes while this one stores the results, in the
order of the files (the outcome does not depend on the number of workers).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine

from tracker.analyse import Analysis, Toolkit, analyse
from tracker.errors import LoadError, TrackerError
from tracker.load import Limits, discover, load_source
from tracker.proposals import refresh as refresh_proposals
from tracker.schedule import Horizon, Scheduler, scheduler
from tracker.store import DEFAULT_REVIEW_THRESHOLD, store_analysis

DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
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


SHOWN_FILES = 100
"""Up to this many files an ingest lists every file; beyond, only the failed ones."""


@dataclass
class Tally:
    """What an ingest did so far, in memory that does not grow with the number of files:
    counts, and the outcomes worth listing (every file of a small ingest, every failure)."""

    files: int = 0
    failed: int = 0
    mandates: int = 0
    deliverables: int = 0
    shown: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        """Count one file's outcome."""
        self.files += 1
        self.failed += outcome.failed
        self.mandates += outcome.mandates
        self.deliverables += outcome.deliverables
        if outcome.failed or self.files <= SHOWN_FILES:
            self.shown.append(outcome)

    @property
    def unlisted(self) -> int:
        """How many files :attr:`shown` leaves out."""
        return self.files - len(self.shown)


def analyse_paths(
    paths: Iterable[Path],
    toolkit: Toolkit,
    horizon: Horizon,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 1,
) -> Iterator[Analysis | Outcome]:
    """Analyse every file under ``paths``: an Analysis per file, or a failed Outcome.

    With ``workers`` > 1 and enough files, files are analysed in that many processes; results
    still come in file order.
    """
    files, errors = discover(paths)
    for error in errors:
        yield Outcome(error.path, "failed", error=error.reason)
    if workers > 1 and len(files) >= PARALLEL_FROM * workers:
        yield from _analyse_in_processes(files, workers, (toolkit, horizon, limits))
        return
    for path in files:
        yield analyse_file(path, toolkit, horizon, limits)


PARALLEL_FROM = 8
"""Files per worker below which analysis stays in this process (starting workers costs more)."""

_IN_FLIGHT = 4
"""Files queued per worker: enough to keep each busy, few enough to bound memory."""


def analyse_file(
    path: Path, toolkit: Toolkit, horizon: Horizon, limits: Limits = DEFAULT_LIMITS
) -> Analysis | Outcome:
    """Analyse one file: its Analysis, or a failed Outcome saying why it could not be read."""
    try:
        return analyse(load_source(path, limits), toolkit, horizon)
    except LoadError as exc:
        return Outcome(exc.path, "failed", error=exc.reason)


_Tools = tuple[Toolkit, Horizon, Limits]
_worker_tools: _Tools | None = None


def _start_worker(tools: _Tools, parent: int) -> None:
    global _worker_tools
    _worker_tools = tools
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """End this worker once the ingest that started it is gone (killed, say): a worker blocked
    on the task queue would otherwise wait forever, holding the parent's output pipes."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _analyse_in_worker(path: Path) -> Analysis | Outcome:
    assert _worker_tools is not None, "worker not initialised"
    return analyse_file(path, *_worker_tools)


def _analyse_in_processes(
    files: Sequence[Path], workers: int, tools: _Tools
) -> Iterator[Analysis | Outcome]:
    """Analyse ``files`` in ``workers`` processes, yielding in file order, with a bounded
    number of files in flight (memory stays flat however many files there are)."""
    queue = iter(files)
    with ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(tools, os.getpid())
    ) as pool:
        pending: deque[Future[Analysis | Outcome]] = deque(
            pool.submit(_analyse_in_worker, path) for path in islice(queue, workers * _IN_FLIGHT)
        )
        while pending:
            result = pending.popleft().result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_analyse_in_worker, following))
            yield result


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
    limits: Limits = DEFAULT_LIMITS,
    threshold: float = DEFAULT_REVIEW_THRESHOLD,
    workers: int = 1,
) -> list[Outcome]:
    """Analyse and store every file; returns one outcome per file, failures included.

    Keeps every outcome: for a corpus of any size, :func:`ingest_stream` holds none.
    """
    return list(ingest_stream(paths, engine, toolkit, horizon, now, limits, threshold, workers))


def ingest_stream(
    paths: Iterable[Path],
    engine: Engine,
    toolkit: Toolkit,
    horizon: Horizon,
    now: dt.datetime,
    limits: Limits = DEFAULT_LIMITS,
    threshold: float = DEFAULT_REVIEW_THRESHOLD,
    workers: int = 1,
) -> Iterator[Outcome]:
    """Analyse and store every file, yielding each file's outcome once it is stored (or has
    failed), in file order; memory does not grow with the number of files.

    Mandates extracted with a confidence below ``threshold`` wait in the review queue;
    ``workers`` processes analyse while this one stores. Once the last file is done, if
    anything new was stored, the lifecycle proposals it justifies (a report submitted, a
    request superseded) join the review queue (:mod:`tracker.proposals`); a caller that stops
    early skips that step.
    """
    stored = False
    dating = scheduler(toolkit.calendars, horizon)
    for result in analyse_paths(paths, toolkit, horizon, limits, workers):
        outcome = (
            result
            if isinstance(result, Outcome)
            else _store(engine, result, now, threshold, dating)
        )
        stored = stored or outcome.status in ("stored", "replaced")
        yield outcome
    if stored:
        refresh_proposals(engine, now)


def _store(
    engine: Engine, analysis: Analysis, now: dt.datetime, threshold: float, scheduler: Scheduler
) -> Outcome:
    source = analysis.document.source
    try:
        status = store_analysis(engine, analysis, now, threshold, scheduler)
    except TrackerError as exc:
        return Outcome(source, "failed", error=exc.message)
    return Outcome(source, status, len(analysis.mandates), len(analysis.deliverables))

"""One measured run in its own process, so its peak memory (``ru_maxrss``) is its own.

``python -m bench.worker analyse --count N --seed S`` analyses N generated documents (made
lazily, one at a time; only ``analyse`` is timed). ``python -m bench.worker ingest --folder F
--url U`` ingests a written corpus with :func:`tracker.pipeline.ingest`. Both print one JSON
object: seconds, documents, bytes, peak RSS and the resident memory sampled along the run (to
see whether it grows with the number of documents).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import check, iter_corpus  # noqa: E402
from tracker.analyse import analyse, load_toolkit  # noqa: E402
from tracker.pipeline import Tally, ingest_stream  # noqa: E402
from tracker.schedule import Horizon  # noqa: E402
from tracker.settings import Settings  # noqa: E402
from tracker.store import connect  # noqa: E402

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """The current resident set size in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE / 1e6
    except OSError:
        return peak_mb()


def peak_mb() -> float:
    """The peak resident set size of this process in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def children_peak_mb() -> float:
    """The peak resident set size of the largest finished child process in MB."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


class Sampler:
    """Resident memory at ten evenly spaced points of a run of ``total`` documents."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.samples: list[tuple[int, float]] = []
        self.step = max(1, total // 10)

    def tick(self, *_: Any) -> None:
        """Count one document; sample the memory every tenth of the run."""
        self.done += 1
        if self.done % self.step == 0 or self.done == self.total:
            self.samples.append((self.done, round(rss_mb(), 1)))

    def growth(self) -> float:
        """Resident memory at the end minus at the first sample (MB)."""
        return round(self.samples[-1][1] - self.samples[0][1], 1) if self.samples else 0.0


def run_analyse(count: int, seed: int) -> dict[str, Any]:
    """Analyse ``count`` generated documents; only ``analyse`` is timed."""
    toolkit = load_toolkit()
    horizon = Horizon(TODAY)
    sampler = Sampler(count)
    seconds = 0.0
    size = planted = found = unplanned = 0
    for doc in iter_corpus(count, seed):
        source = doc.source()
        started = time.perf_counter()
        result = analyse(source, toolkit, horizon)
        seconds += time.perf_counter() - started
        outcome = check(doc, result.mandates)
        size += len(doc.text.encode())
        planted += len(doc.planted)
        found += outcome.found
        unplanned += outcome.unplanned
        sampler.tick()
    return {
        "mode": "analyse",
        "documents": count,
        "bytes": size,
        "seconds": seconds,
        "planted": planted,
        "found": found,
        "unplanned": unplanned,
        "peak_rss_mb": round(peak_mb(), 1),
        "rss_samples": sampler.samples,
        "rss_growth_mb": sampler.growth(),
    }


def _count_texts(folder: Path) -> tuple[int, int]:
    """How many .txt files ``folder`` holds and their bytes, read as a stream: a list of them
    here would be counted in the ingest's peak memory."""
    count = size = 0
    with os.scandir(folder) as listing:
        for entry in listing:
            if entry.name.endswith(".txt"):
                count, size = count + 1, size + entry.stat().st_size
    return count, size


def run_ingest(folder: Path, url: str) -> dict[str, Any]:
    """Ingest every file of ``folder`` into the database at ``url`` (timed from connect)."""
    count, size = _count_texts(folder)
    toolkit = load_toolkit()
    sampler = Sampler(count)
    started = time.perf_counter()
    engine = connect(url)
    workers = Settings().workers
    tally = Tally()
    for outcome in ingest_stream([folder], engine, toolkit, Horizon(TODAY), NOW, workers=workers):
        tally.add(outcome)
        sampler.tick()
    seconds = time.perf_counter() - started
    engine.dispose()
    failed = [o for o in tally.shown if o.failed]
    return {
        "mode": "ingest",
        "documents": count,
        "bytes": size,
        "seconds": seconds,
        "failed": tally.failed,
        "first_failure": f"{failed[0].path}: {failed[0].error}" if failed else None,
        "mandates": tally.mandates,
        "deliverables": tally.deliverables,
        "peak_rss_mb": round(peak_mb(), 1),
        "workers": workers,
        "worker_peak_rss_mb": round(children_peak_mb(), 1),
        "rss_samples": sampler.samples,
        "rss_growth_mb": sampler.growth(),
    }


def main() -> None:
    """Parse the arguments, run, print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("analyse", "ingest"))
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.mode == "analyse":
        result = run_analyse(args.count, args.seed)
    else:
        result = run_ingest(args.folder, args.url)
    print(json.dumps(result))


if __name__ == "__main__":
    main()

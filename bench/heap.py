"""Where an ingest's memory goes along a run (issue 9): the Python heap against resident memory.

Run it with ``python bench/heap.py [--docs 3000] [--cache-kib 65536]`` (from the project's
folder, in its virtualenv). It writes ``--docs`` generated resolutions to a temporary folder,
ingests them into a temporary SQLite database with two analysis processes, and at the third
and at the last document reads the size of the Python heap (``tracemalloc``) and the resident
memory of the storing process. A heap that stays flat while resident memory grows points at
memory outside Python: SQLite's page cache, whose cap ``--cache-kib`` sets
(``tracker.store.SQLITE_CACHE_KIB``). It prints one line per reading and the lines of code
whose allocations grew the most.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from bench.worker import NOW, TODAY, rss_mb  # noqa: E402
from tracker import store  # noqa: E402
from tracker.analyse import load_toolkit  # noqa: E402
from tracker.pipeline import ingest_stream  # noqa: E402
from tracker.schedule import Horizon  # noqa: E402


def readings(docs: int) -> list[tuple[int, float, float, tracemalloc.Snapshot]]:
    """Ingest ``docs`` generated documents; (document, heap MB, RSS MB, snapshot) at a third
    of the run and at its end."""
    marks = {max(1, docs // 3), docs}
    found = []
    with tempfile.TemporaryDirectory(prefix="bench-heap-") as folder:
        corpus = Path(folder) / "docs"
        write_corpus(corpus, docs)
        engine = store.connect(f"sqlite:///{folder}/heap.sqlite")
        toolkit = load_toolkit()
        tracemalloc.start()
        outcomes = ingest_stream([corpus], engine, toolkit, Horizon(TODAY), NOW, workers=2)
        for done, _ in enumerate(outcomes, 1):
            if done in marks:
                snapshot = tracemalloc.take_snapshot()
                heap = sum(s.size for s in snapshot.statistics("filename")) / 1e6
                found.append((done, heap, rss_mb(), snapshot))
        tracemalloc.stop()
        engine.dispose()
    return found


def main() -> None:
    """Parse the arguments, ingest, print the readings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--cache-kib", type=int, default=store.SQLITE_CACHE_KIB)
    args = parser.parse_args()
    store.SQLITE_CACHE_KIB = args.cache_kib
    taken = readings(args.docs)
    print(f"SQLite page cache cap: {args.cache_kib:,} KiB")
    for done, heap, rss, _ in taken:
        print(f"document {done:>7,}: Python heap {heap:6.2f} MB, resident {rss:7.1f} MB")
    if len(taken) == 2:
        for stat in taken[1][3].compare_to(taken[0][3], "lineno")[:5]:
            print(f"  {stat}")


if __name__ == "__main__":
    main()

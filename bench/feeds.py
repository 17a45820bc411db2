"""Benchmark of the calendar feeds (issue 6): build a 10,000-event feed, serve cached feeds.

Run it with ``python bench/feeds.py`` (from the project's folder, in its virtualenv). It makes
a temporary SQLite database of 10,000 synthetic deliverables, then measures, in one run:

1. building the 10,000-event feed (query + plan + RFC 5545 text), against building the same
   feed with the ``icalendar`` package's object API (``render_with_icalendar``, the naive
   baseline);
2. serving feeds from the real server (uvicorn + Starlette, in a child process bound to
   127.0.0.1) to a keep-alive load generator on loopback: a cached filtered feed, 304
   revalidations of the whole feed, and the whole 10,000-event feed; the baseline is a
   server that would rebuild the feed with the icalendar API on every request.

Every loop is bounded (a fixed number of requests, timeouts on every read). It prints a
Markdown table. Targets: under 1 s for the 10,000-event feed, over 1,000 requests/s for a
cached feed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session  # noqa: E402

from tracker.feeds.export import FeedSpec, build_feed  # noqa: E402
from tracker.feeds.ics import plan_calendar, render_with_icalendar  # noqa: E402
from tracker.query import Schedule  # noqa: E402
from tracker.store import DeliverableRow, DocumentRow, MandateRow, connect, window_order  # noqa: E402

EVENTS = 10_000
MANDATES = 1_000
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
BODIES = ("GA", "HRC", "CCPCJ", "CND")
KINDS = ("report", "oral_update", "review", "meeting", "consultation")
QUOTE = (
    "prie le Secrétaire général de lui présenter, à sa soixante-neuvième session, un rapport "
    "sur l'application de la présente résolution, y compris sur les mesures prises"
)


def populate(url: str) -> None:
    """10,000 deliverables: 1,000 mandates in 100 documents, ten sessions each."""
    engine = connect(url)
    with Session(engine) as session, session.begin():
        for d in range(MANDATES // 10):
            session.add(
                DocumentRow(
                    id=f"A/RES/{60 + d // 50}/{100 + d}@fr",
                    source=f"doc{d}.txt",
                    sha256="0" * 64,
                    symbol=f"A/RES/{60 + d // 50}/{100 + d}",
                    lang="fr",
                    adopting_body=BODIES[d % len(BODIES)],
                    title=f"Résolution de test numéro {d}, sur la coordination de l'action",
                    status="adopted",
                    ingested_at=NOW,
                )
            )
        session.flush()
        for m in range(MANDATES):
            body, kind = BODIES[m % len(BODIES)], KINDS[m % len(KINDS)]
            session.add(
                MandateRow(
                    id=f"m{m:015d}",
                    document_id=f"A/RES/{60 + (m // 10) // 50}/{100 + m // 10}@fr",
                    paragraph=str(1 + m % 10),
                    occurrence=0,
                    verb="prie",
                    actor="Secretary-General" if m % 2 else "UNODC, Inter-Agency Group",
                    kind=kind,
                    target_body=body,
                    quote=QUOTE,
                    quote_start=0,
                    quote_end=len(QUOTE),
                    rule="bench",
                    confidence=1.0,
                    reason="bench",
                )
            )
        session.flush()
        for i in range(EVENTS):
            m = i % MANDATES
            start = dt.date(2014, 1, 1) + dt.timedelta(days=(i * 37) % (26 * 365))
            report = KINDS[m % len(KINDS)] == "report"
            session.add(
                DeliverableRow(
                    id=f"d{i:015d}",
                    mandate_id=f"m{m:015d}",
                    session=50 + i // MANDATES,
                    year=start.year,
                    date=start,
                    end=start + dt.timedelta(days=20) if i % 3 else None,
                    due=start - dt.timedelta(weeks=10) if report else start,
                    basis="official" if i % 4 else "projected",
                    basis_detail="session table: rules/sessions/ga.csv (bench)",
                    window_start=start,
                    window_end=start + dt.timedelta(days=20),
                    updated_at=NOW,
                    kind=KINDS[m % len(KINDS)],
                    **window_order(start, start + dt.timedelta(days=20)),
                )
            )


def best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``runs`` timed calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVER = """
import sys, uvicorn
from tracker.feeds.server import create_app
from tracker.store import connect
uvicorn.run(create_app(connect(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


async def _fetch(reader: asyncio.StreamReader) -> tuple[int, int, str]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
    length = int(headers.get("content-length", "0"))
    if length:
        await asyncio.wait_for(reader.readexactly(length), 10)
    return status, length, headers.get("etag", "")


async def load(port: int, path: str, requests: int, connections: int, etag: str = "") -> float:
    """Requests per second for ``requests`` GETs over ``connections`` keep-alive connections."""
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    raw = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode()
    expected = 304 if etag else 200

    async def worker(count: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(count):
                writer.write(raw)
                status, _, _ = await _fetch(reader)
                if status != expected:
                    raise RuntimeError(f"{path}: HTTP {status}")
        finally:
            writer.close()

    share = requests // connections
    await worker(1)  # warm the cache
    started = time.perf_counter()
    await asyncio.gather(*(worker(share) for _ in range(connections)))
    return share * connections / (time.perf_counter() - started)


async def etag_of(port: int, path: str) -> tuple[str, int]:
    """The entity tag and size of a feed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    _, length, etag = await _fetch(reader)
    writer.close()
    return etag, length


def main() -> None:
    """Run the benchmark in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="feeds-bench-") as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite'}")


def run(url: str) -> None:
    """Fill the database at ``url``, measure, and print the Markdown table."""
    populate(url)
    schedule = Schedule(connect(url))
    whole = FeedSpec(deadlines=False)
    small = FeedSpec(bodies=("HRC",), start=dt.date(2030, 1, 1), until=dt.date(2030, 12, 31))

    ours, feed = best_of(5, lambda: build_feed(schedule, whole))
    assert feed.events == EVENTS, feed.events
    query, _ = best_of(5, lambda: schedule.feed_views(whole.filters()))

    def naive(spec: FeedSpec) -> bytes:
        plan = plan_calendar(schedule.feed_views(spec.filters()), spec.options())
        return render_with_icalendar(plan, spec.options())

    baseline, _ = best_of(1, lambda: naive(whole))
    small_feed = build_feed(schedule, small)
    small_baseline, _ = best_of(3, lambda: naive(small))

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(port)],
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        small_path = "/calendar.ics?body=HRC&from=2030-01-01&until=2030-12-31"
        cached = asyncio.run(load(port, small_path, 4000, 8))
        etag, size = asyncio.run(etag_of(port, "/calendar.ics?deadlines=0"))
        revalidated = asyncio.run(load(port, "/calendar.ics?deadlines=0", 4000, 8, etag))
        full = asyncio.run(load(port, "/calendar.ics?deadlines=0", 200, 4))
    finally:
        server.terminate()
        server.wait(timeout=10)

    rows = [
        ("10,000-event feed built (query + render), s", ours, baseline, "< 1 s", ours < 1),
        ("  of which the query, s", query, query, "", True),
        ("  of which plan + render, s", ours - query, baseline - query, "", True),
        (
            f"cached feed served ({small_feed.events} events, {len(small_feed.body) // 1024} KB)"
            ", req/s",
            cached,
            1 / small_baseline,
            "> 1,000 req/s",
            cached > 1000,
        ),
        ("304 revalidation of the 10,000-event feed, req/s", revalidated, 1 / baseline, "", True),
        (f"10,000-event feed served ({size / 2**20:.1f} MB), req/s", full, 1 / baseline, "", True),
    ]
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{EVENTS:,} deliverables, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load_average}, loopback only; ours: best of 5, baseline: one run\n"
    )
    print("| measure | ours | baseline (icalendar API, uncached) | ratio | target | met |")
    print("|---|---:|---:|---:|---|---|")
    for name, mine, base, target, met in rows:
        seconds = name.endswith(", s")
        ratio = base / mine if seconds else mine / base
        print(
            f"| {name} | {mine:,.3f} | {base:,.3f} | {ratio:,.1f}× | {target} | "
            f"{'yes' if met else 'NO'} |"
        )


if __name__ == "__main__":
    main()

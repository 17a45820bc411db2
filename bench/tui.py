"""Benchmark of the terminal UI on 100,000 deliverables: first screen and filter keystroke.

Run ``python bench/tui.py [--rows N]``. It builds a SQLite database in a temporary folder
(bulk inserts through SQLAlchemy core), then measures, headless (``App.run_test``):

- the TUI (:class:`tracker.tui.app.MandateApp`, which pages the query), and
- a baseline: every row loaded into a plain Textual ``DataTable``,

for the time to the first screen and the time for one filter keystroke to update the rows,
and prints a Markdown table with both absolute times and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.query import Filters, Schedule  # noqa: E402
from tracker.store import (  # noqa: E402
    DeliverableRow,
    DocumentRow,
    MandateRow,
    ParagraphRow,
    connect,
    window_order,
)
from tracker.tui.agenda import AgendaTable  # noqa: E402
from tracker.tui.app import MandateApp  # noqa: E402

TODAY = dt.date(2026, 11, 22)
BODIES = ("GA", "HRC", "CCPCJ", "CND", "CSW", "ECOSOC")
KINDS = ("report", "oral_update", "consultation", "meeting", "review", "observance")
ACTORS = ("Secretary-General", "OHCHR", "UNODC", "UNICEF", "Member States", "UN Women")
STATUSES = ("open", "open", "open", "in_progress", "submitted", "done")
TOPICS = (
    "trafficking in persons",
    "rights of the child",
    "digital technologies",
    "national mechanisms",
    "crime prevention",
    "drug control",
    "gender equality",
    "migrant workers",
)


def build(url: str, rows: int, per_mandate: int = 10, per_document: int = 10) -> Engine:
    """A database with ``rows`` deliverables (``per_mandate`` each), in a few bulk inserts."""
    engine = connect(url)
    rng = random.Random(5)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    mandates = rows // per_mandate
    documents = max(1, mandates // per_document)
    doc_rows: list[dict[str, Any]] = []
    para_rows: list[dict[str, Any]] = []
    for d in range(documents):
        body = BODIES[d % len(BODIES)]
        doc_rows.append(
            {
                "id": f"doc{d:06d}",
                "source": f"bench/{d}.txt",
                "sha256": f"{d:064x}",
                "symbol": f"A/RES/{60 + d % 20}/{d}",
                "lang": "en",
                "adopting_body": body,
                "title": f"{TOPICS[d % len(TOPICS)].capitalize()} ({d})",
                "status": "adopted",
                "adopted_on": dt.date(2015 + d % 10, 12, 1 + d % 28),
                "session": 60 + d % 20,
                "ingested_at": now,
            }
        )
        for p in range(per_document):
            para_rows.append(
                {
                    "document_id": f"doc{d:06d}",
                    "number": str(p + 1),
                    "text": f"Requests the Secretary-General to report on {TOPICS[p % 8]} "
                    f"at its next session, and every year thereafter;",
                }
            )
    mandate_rows: list[dict[str, Any]] = []
    for m in range(mandates):
        d = m // per_document
        body = BODIES[(d + m) % len(BODIES)]
        quote = f"to report on {TOPICS[m % len(TOPICS)]} at its next session"
        mandate_rows.append(
            {
                "id": f"man{m:07d}",
                "document_id": f"doc{min(d, documents - 1):06d}",
                "paragraph": str(m % per_document + 1),
                "occurrence": 1,
                "verb": "Requests",
                "actor": ACTORS[m % len(ACTORS)],
                "kind": KINDS[m % len(KINDS)],
                "target_body": body,
                "session": 70 + m % 20,
                "year": None,
                "date": None,
                "recurrence": '{"every": 1, "unit": "year"}',
                "quote": quote,
                "quote_start": 14,
                "quote_end": 14 + len(quote),
                "rule": "bench",
                "confidence": 0.9,
                "reason": "bench",
                "part": None,
                "precedes": None,
            }
        )
    deliverable_rows: list[dict[str, Any]] = []
    for n in range(mandates * per_mandate):
        m = n // per_mandate
        date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 20))
        deliverable_rows.append(
            {
                "id": f"del{n:08d}",
                "mandate_id": f"man{m:07d}",
                "session": 70 + n % 20,
                "year": date.year,
                "date": date,
                "end": date + dt.timedelta(days=20),
                "due": date - dt.timedelta(days=70),
                "basis": "projected",
                "basis_detail": "bench",
                "before": None,
                "window_start": date,
                "window_end": date + dt.timedelta(days=20),
                **window_order(date, date + dt.timedelta(days=20)),
                "kind": KINDS[m % len(KINDS)],
                "status": STATUSES[n % len(STATUSES)],
                "sequence": 0,
                "updated_at": now,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(DocumentRow), doc_rows)
        connection.execute(insert(ParagraphRow), para_rows)
        connection.execute(insert(MandateRow), mandate_rows)
        connection.execute(insert(DeliverableRow), deliverable_rows)
    return engine


class Baseline(App[None]):
    """Every deliverable loaded into a plain DataTable; a filter reloads and re-filters all."""

    def __init__(self, schedule: Schedule) -> None:
        super().__init__()
        self.schedule = schedule

    def compose(self) -> ComposeResult:
        """A search box over a table."""
        yield Input(id="search")
        yield DataTable(id="table")

    def on_mount(self) -> None:
        """Load every row."""
        table = self.query_one(DataTable)
        table.add_columns("date", "kind", "body", "actor", "title", "status")
        self.fill("")

    def fill(self, text: str) -> None:
        """Reload all rows matching ``text``."""
        table = self.query_one(DataTable)
        table.clear()
        views = self.schedule.upcoming(Filters(text=text, include_undated=True))
        table.add_rows((v.date, v.kind, v.target_body, v.actor, v.title, v.status) for v in views)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as you type."""
        self.fill(event.value)


async def _measure(
    make: Callable[[], App[Any]], shown: Callable[[App[Any]], int], key: str
) -> tuple[float, float, int, int]:
    """Seconds to the first rows and for one keystroke to show new rows, with the row counts.

    ``shown`` returns a number that changes when new rows are on screen (0 before any).
    """
    app = make()
    started = time.perf_counter()
    async with app.run_test(size=(100, 30)) as pilot:
        while shown(app) == 0:
            await asyncio.sleep(0.001)
        first = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        before, rows_before = shown(app), _rows(app)
        app.query_one("#search", Input).focus()
        await pilot.pause()
        started = time.perf_counter()
        # pilot.press also waits for the app to be idle (the count runs after the rows are
        # shown), so it runs beside the polling that sees the new rows arrive
        pressing = asyncio.create_task(pilot.press(key))
        while shown(app) == before and time.perf_counter() - started < 120:
            await asyncio.sleep(0.001)
        keystroke = time.perf_counter() - started
        await pressing
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows_after = _rows(app)
    return first, keystroke, rows_before, rows_after


def _rows(app: App[Any]) -> int:
    """How many rows match (the TUI's count, or the rows in the baseline table)."""
    if isinstance(app, MandateApp):
        return app.query_one(AgendaTable).total
    return app.query_one(DataTable).row_count


def _tui_shown(app: App[Any]) -> int:
    """The generation of the first page on screen (0 before the first)."""
    return app.query_one(AgendaTable).shown_generation


def _baseline_shown(app: App[Any]) -> int:
    """The baseline's row count (it changes when the filter has reloaded the table)."""
    return app.query_one(DataTable).row_count


def main() -> None:
    """Build the database, measure both apps, print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the TUI (median kept)")
    parser.add_argument("--key", default="7", help="the keystroke typed in the search box")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        engine = build(f"sqlite:///{Path(folder) / 'bench.sqlite'}", args.rows)
        schedule = Schedule(engine)
        built = time.perf_counter() - started
        total = schedule.count(Filters(include_undated=True))
        print(f"built {total:,} deliverables in {built:.1f} s\n")
        runs = [
            asyncio.run(_measure(lambda: MandateApp(schedule, today=TODAY), _tui_shown, args.key))
            for _ in range(args.repeat)
        ]
        tui_first = statistics.median(r[0] for r in runs)
        tui_key = statistics.median(r[1] for r in runs)
        base = asyncio.run(_measure(lambda: Baseline(schedule), _baseline_shown, args.key))
    print("| measure | TUI (paged) | baseline (all rows in a DataTable) | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| first screen | {tui_first * 1000:.0f} ms | {base[0] * 1000:.0f} ms "
        f"| {base[0] / tui_first:.1f}× faster | < 500 ms |"
    )
    print(
        f"| filter keystroke | {tui_key * 1000:.0f} ms | {base[1] * 1000:.0f} ms "
        f"| {base[1] / tui_key:.1f}× faster | < 100 ms |"
    )
    print(
        f"\nrows matched: TUI {runs[0][2]:,} → {runs[0][3]:,} (agenda from {TODAY}, "
        f"plus overdue); baseline {base[2]:,} → {base[3]:,} (all rows). "
        f"TUI median of {args.repeat} runs."
    )


if __name__ == "__main__":
    main()

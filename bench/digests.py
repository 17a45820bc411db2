"""Benchmark: render 1,000 weekly digests; the target is under 10 s in all.

Run ``python bench/digests.py [--count N]``. The deliverables come from the bundled samples
(ingested once into a temporary SQLite database, outside the timing); each digest gets its
own subscriber (French or English), week and mix of upcoming, overdue and new deliverables.
The baseline is a plain Jinja2 render of the same HTML template, without css-inline; the
other rows add the text part, CSS inlining and the context building (the target: views in,
both parts out), then, for information, the MIME message serialised as it is sent. The
result is a Markdown table, with each row's time as a ratio of the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.analyse import load_toolkit  # noqa: E402
from tracker.digests.render import (  # noqa: E402
    DigestContext,
    Renderer,
    build_context,
    build_message,
    message_id,
    template_variables,
)
from tracker.digests.settings import TEMPLATES_DIR  # noqa: E402
from tracker.digests.store import Subscription  # noqa: E402
from tracker.pipeline import ingest  # noqa: E402
from tracker.query import DeliverableView, Filters, Schedule  # noqa: E402
from tracker.schedule import Horizon  # noqa: E402
from tracker.store import connect  # noqa: E402

SENDER = "Mandate Tracker <digest@tracker.example>"
LIMIT_SECONDS = 10.0


def sample_views() -> list[DeliverableView]:
    """Every dated deliverable of the samples."""
    with tempfile.TemporaryDirectory() as folder:
        engine = connect(f"sqlite:///{folder}/bench.sqlite")
        now = dt.datetime(2021, 5, 1, tzinfo=dt.UTC)
        ingest([ROOT / "samples"], engine, load_toolkit(), Horizon(now.date()), now)
        views = Schedule(engine).upcoming(Filters())
        engine.dispose()
    return views


def workload(views: list[DeliverableView], count: int) -> list[tuple[Subscription, list[list]]]:
    """``count`` subscribers, each with a week and its upcoming, overdue and new deliverables."""
    rng = random.Random(7)
    jobs = []
    for n in range(count):
        week = dt.date(2027, 1, 4) + dt.timedelta(weeks=rng.randrange(52))
        sub = Subscription(
            email=f"reader{n}@example.org",
            lang="fr" if n % 2 else "en",
            horizon_weeks=rng.choice((4, 6, 8)),
            bodies=("HRC", "GA") if n % 3 == 0 else (),
        )
        moved = []
        for i in range(rng.randrange(8, 20)):  # deliverables spread over the horizon
            view = rng.choice(views)
            day = week + dt.timedelta(days=rng.randrange(7 * sub.horizon_weeks))
            moved.append(replace(view, id=f"{view.id}-{i}", date=day, end=None, due=day))
        overdue = [replace(v, id=f"{v.id}-o", date=week - dt.timedelta(days=10)) for v in views[:3]]
        added = rng.sample(moved, k=min(4, len(moved)))
        jobs.append((sub, [moved, overdue, added]))
    return jobs


def contexts_of(jobs: list[tuple[Subscription, list[list]]]) -> list[DigestContext]:
    """The template contexts of the workload."""
    since = dt.datetime(2026, 12, 28, tzinfo=dt.UTC)
    return [
        build_context(sub, lists[0][0].date, lists[0], lists[1], lists[2], since, "https://x/u")
        for sub, lists in jobs
    ]


def timed(step: Callable[[], object]) -> float:
    """Seconds taken by ``step`` (best of two runs)."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    """Run the benchmark and print its Markdown table; exit 1 when over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    jobs = workload(sample_views(), count)
    contexts = contexts_of(jobs)
    plain = Renderer(TEMPLATES_DIR, inline_css=False)
    full = Renderer(TEMPLATES_DIR)
    now = dt.datetime(2027, 1, 4, 7, tzinfo=dt.UTC)

    def baseline() -> None:
        for context in contexts:
            plain.html_template.render(template_variables(context))

    def both_parts() -> None:
        for context in contexts:
            plain.render(context)

    def inlined() -> None:
        for context in contexts:
            full.render(context)

    def rendering() -> None:
        for context in contexts_of(jobs):
            full.render(context)

    def with_message() -> None:
        for context in contexts_of(jobs):
            rendered = full.render(context)
            msg_id = message_id(context.recipient, context.week, SENDER)
            build_message(rendered, context, SENDER, now, msg_id, "<mailto:u@x>").as_bytes()

    rows = [
        ("baseline: Jinja2 HTML template, no css-inline", timed(baseline)),
        ("HTML + text parts, no css-inline", timed(both_parts)),
        ("HTML + text parts, CSS inlined", timed(inlined)),
        ("**rendering**: context + both parts + css-inline", timed(rendering)),
        ("rendering + MIME message serialised (as sent)", timed(with_message)),
    ]
    base = rows[0][1]
    items = sum(c.count_upcoming + len(c.overdue) + len(c.added) for c in contexts)
    print(f"{count} digests, {items / count:.1f} deliverables each on average\n")
    print("| step | total (s) | per digest (ms) | ratio to baseline |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {1000 * seconds / count:.2f} | {seconds / base:.2f} |")
    total = rows[3][1]
    verdict = "under" if total < LIMIT_SECONDS * count / 1000 else "OVER"
    print(f"\nrendering: {total:.2f} s for {count} digests, {verdict} the 10 s per 1,000 target")
    return 0 if verdict == "under" else 1


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark of issue 9 and write one results table (Markdown and JSON).

``bench/run`` (or ``python -m bench``) runs the full benchmark; ``bench/run --quick`` is the CI
mode (under a minute: small corpus, checks that every benchmark runs and that every planted
mandate is found; exits 1 otherwise). Results go to ``bench/results/`` (git-ignored) as
``results-<UTC time>.md``/``.json`` and ``latest.md``/``latest.json``; the Markdown table is also
printed. Each measure is reported with a baseline run on the same bytes in the same run:

1. extraction (clean → segment → extract → date, and the whole of ``analyse``, which adds
   lifecycle links) against (a) one compiled regular expression of six alternations scanning
   the same text and (b) ``dateparser``'s ``search_dates`` on a sample (full mode, when
   dateparser is installed);
2. ingest (:func:`tracker.pipeline.ingest`) into SQLite and PostgreSQL, in a subprocess each
   (documents/s, peak RSS, resident memory growth along the run), against analysis alone;
3. ``upcoming`` query latency on a database of deliverables built by bulk insert
   (:func:`bench.tui.build`), against a bare indexed-column scan of the same table;
4. growth of time and memory with the corpus size;
5. (full mode) the tables of ``bench/tui.py``, ``bench/feeds.py`` and ``bench/digests.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import GeneratedDoc, iter_corpus, write_corpus  # noqa: E402

if TYPE_CHECKING:
    from tracker.model import Mandate

T = TypeVar("T")

RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PACKAGES = (
    "mandate-tracker",
    "SQLAlchemy",
    "sqlmodel",
    "pydantic",
    "PyYAML",
    "text2num",
    "psycopg",
    "dateparser",
    "textual",
)

# Baseline (a): ONE compiled regular expression of six alternations.
_FR_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
BASELINE_REGEX = re.compile(
    r"(?P<session_fr>\b[a-zéè]+(?:[-\u2011][a-zéè]+)*(?:\s+et\s+[a-zéè]+)?ième\s+session\b)"
    r"|(?P<session_en>\b[a-z]+(?:[-\u2011][a-z]+)?(?:th|st|nd|rd)\s+session\b)"
    rf"|(?P<date>\b\d{{1,2}}(?:er)?[\s\u00a0]+(?:{_FR_MONTHS}|{_EN_MONTHS})(?:\s+\d{{4}})?)"
    r"|(?P<every>\btous\s+les\s+\w+\s+ans\b|\bevery\s+\w+\s+years\b)"
    r"|(?P<start>\bà\s+compter\s+de\b|\bstarting\s+(?:at|in|from)\b)"
    r"|(?P<verb>^\s*\d+\.\s+(?:Prie|Décide|Invite|Engage|Requests|Decides|Invites|Encourages)\b)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Config:
    """Sizes for one mode."""

    quick: bool
    extraction_docs: int
    extraction_passes: int
    growth_sizes: tuple[int, ...]
    postgres_sizes: tuple[int, ...]
    query_rows: int
    query_runs: int
    dateparser_docs: int
    seed: int = 0
    existing: bool = False


@dataclass
class Report:
    """Rows of the results table plus the raw numbers for the JSON file."""

    rows: list[tuple[str, ...]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def row(self, *cells: str) -> None:
        """Add a row: benchmark, measure, tracker, baseline, ratio, target, verdict."""
        self.rows.append(cells)


def environment() -> dict[str, Any]:
    """The machine, versions and date of the run."""
    memory = None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "processor": _cpu_model() or platform.processor(),
        "cpu_count": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
    }


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _worker(*args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run ``bench.worker`` in a subprocess and return its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"worker exited {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _ratio(mine: float, theirs: float) -> str:
    """``mine`` as a ratio of the baseline ``theirs`` (both rates: higher is better)."""
    if theirs <= 0:
        return "n/a"
    return f"{mine / theirs:.3g}×"


# --- 1. extraction --------------------------------------------------------------------------


def bench_extraction(config: Config, report: Report) -> None:
    """The issue's stages (clean → segment → extract → date) and the whole of ``analyse``
    against the one-regex scan and dateparser, on the same generated bytes."""
    from bench.worker import TODAY
    from tracker.analyse import analyse, extract_and_date, load_toolkit, read_document
    from tracker.schedule import Horizon

    docs = list(iter_corpus(config.extraction_docs, config.seed))
    sources = [d.source() for d in docs]
    size = sum(len(d.text.encode()) for d in docs)
    toolkit = load_toolkit()
    horizon = Horizon(TODAY)
    for warm in iter_corpus(8, config.seed, start=10**9):  # rule caches, outside the timing
        analyse(warm.source(), toolkit, horizon)

    def stages() -> list[list[Mandate]]:
        return [extract_and_date(read_document(s, toolkit), toolkit, horizon)[0] for s in sources]

    def whole() -> list[list[Mandate]]:
        return [analyse(s, toolkit, horizon).mandates for s in sources]

    def regex() -> int:
        return sum(sum(1 for _ in BASELINE_REGEX.finditer(d.text)) for d in docs)

    seconds = {"stages": float("inf"), "analyse": float("inf"), "regex": float("inf")}
    mandates: list[list[Mandate]] = []
    hits = 0
    for _ in range(config.extraction_passes):  # in turn, each side's best: noise only adds
        mandates = _timed(stages, seconds, "stages")
        whole_mandates = _timed(whole, seconds, "analyse")
        hits = _timed(regex, seconds, "regex")
        if whole_mandates != mandates:
            report.failures.append("analyse and the stages it runs found different mandates")
    _extraction_rows(config, report, docs, size, seconds, mandates, hits)
    _dateparser(config, report, docs[: config.dateparser_docs], seconds["stages"] / len(docs))


def _timed(run: Callable[[], T], best: dict[str, float], side: str) -> T:
    """``run()``, whose time lowers ``best[side]`` when it is the best yet."""
    started = time.perf_counter()
    result = run()
    best[side] = min(best[side], time.perf_counter() - started)
    return result


def _extraction_rows(
    config: Config,
    report: Report,
    docs: list[GeneratedDoc],
    size: int,
    seconds: dict[str, float],
    mandates: list[list[Mandate]],
    hits: int,
) -> None:
    from bench.corpus import check

    planted = sum(len(d.planted) for d in docs)
    checks = [check(d, found) for d, found in zip(docs, mandates, strict=True)]
    found = sum(c.found for c in checks)
    unplanned = sum(c.unplanned for c in checks)
    missing = [p for c in checks for p in c.missing]
    mb, n = size / 1e6, len(docs)
    stages_s, analyse_s, regex_s = seconds["stages"], seconds["analyse"], seconds["regex"]
    report.data["extraction"] = {
        "documents": n,
        "bytes": size,
        "stages_seconds": stages_s,
        "analyse_seconds": analyse_s,
        "regex_seconds": regex_s,
        "passes": config.extraction_passes,
        "regex_matches": hits,
        "planted": planted,
        "found": found,
        "unplanned": unplanned,
        "missing": [vars(p) for p in missing[:20]],
    }
    verdict = "met" if stages_s <= regex_s else f"not met: {stages_s / regex_s:,.2f}× the time"
    regex_mbs = mb / regex_s
    report.row(
        f"extraction, {n:,} docs ({_fmt(mb, 2)} MB): clean → segment → extract → date",
        "MB/s",
        _fmt(mb / stages_s, 3),
        f"(a) one regex: {_fmt(regex_mbs, 1)}",
        _ratio(mb / stages_s, regex_mbs),
        "≥ 1× (a) and every planted mandate found",
        verdict,
    )
    report.row(
        "",
        "documents/s",
        _fmt(n / stages_s),
        f"(a) one regex: {_fmt(n / regex_s, 0)}",
        _ratio(n / stages_s, n / regex_s),
        "",
        "",
    )
    report.row(
        "",
        "MB/s, with lifecycle links (`analyse`, as ingest runs it)",
        _fmt(mb / analyse_s, 3),
        f"(a) one regex: {_fmt(regex_mbs, 1)}",
        _ratio(mb / analyse_s, regex_mbs),
        "",
        "",
    )
    report.row(
        "",
        "planted mandates found",
        f"{found}/{planted}",
        f"(a) {hits:,} raw matches, no structure",
        "",
        "all",
        "met" if found == planted else f"NOT met: {planted - found} missing",
    )
    report.row("", "unplanned mandates (decoys fired)", str(unplanned), "", "", "0", "")
    if config.extraction_passes > 1:
        report.notes.append(
            f"Extraction, `analyse` and the regex scan: the best of {config.extraction_passes}"
            " passes each, taken in turn (a noisy machine only ever adds time)."
        )
    if found != planted:
        report.failures.append(f"{planted - found} planted mandates not found")


def _dateparser(config: Config, report: Report, docs: list[GeneratedDoc], per_doc: float) -> None:
    """Baseline (b): ``dateparser.search.search_dates`` on a sample of the same documents."""
    label = f"(b) dateparser, {len(docs)} docs"
    if config.quick:
        report.row("", "MB/s vs (b)", "", "(b) dateparser: skipped (quick mode)", "", "", "")
        report.notes.append("Baseline (b) dateparser skipped in quick mode.")
        return
    if not docs:
        report.notes.append("Baseline (b) dateparser skipped: --dateparser-docs 0.")
        return
    try:
        from dateparser.search import search_dates
    except ImportError:
        report.row("", "MB/s vs (b)", "", "(b) skipped: dateparser not installed", "", "", "")
        report.notes.append("Baseline (b) skipped: `pip install dateparser` to run it.")
        return
    search_dates("warm up le 3 mars 2020", languages=["fr", "en"])
    size = sum(len(d.text.encode()) for d in docs)
    started = time.perf_counter()
    dates = 0
    for d in docs:
        dates += len(search_dates(d.text, languages=["fr", "en"]) or [])
    seconds = time.perf_counter() - started
    mb = size / 1e6
    tracker_mbs = mb / (per_doc * len(docs))
    report.data["dateparser"] = {
        "documents": len(docs),
        "bytes": size,
        "seconds": seconds,
        "dates": dates,
    }
    report.row(
        "",
        "MB/s vs (b)",
        _fmt(tracker_mbs, 3),
        f"{label}: {_fmt(mb / seconds, 3)} ({dates} dates, no mandates)",
        _ratio(tracker_mbs, mb / seconds),
        "",
        "",
    )


# --- 2 and 4. ingest and growth ---------------------------------------------------------------


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for one run (None when no server answers), dropped after."""
    try:
        import psycopg
    except ImportError:
        yield None
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"CREATE DATABASE {name}")
    except psycopg.Error:
        yield None
        return
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_ingest_and_growth(config: Config, report: Report) -> None:
    """Analysis alone, SQLite ingest and PostgreSQL ingest at each corpus size, in subprocesses."""
    growth: list[dict[str, Any]] = []
    for size in config.growth_sizes:
        entry: dict[str, Any] = {"documents": size}
        entry["analyse"] = _worker("analyse", "--count", str(size), "--seed", str(config.seed))
        with tempfile.TemporaryDirectory(prefix="bench-corpus-") as folder:
            corpus = Path(folder) / "docs"
            write_corpus(corpus, size, config.seed)
            try:
                entry["sqlite"] = _worker(
                    "ingest", "--folder", str(corpus), "--url", f"sqlite:///{folder}/bench.sqlite"
                )
            except RuntimeError as exc:
                entry["sqlite"] = {"error": str(exc)}
                report.failures.append(f"SQLite ingest of {size} documents: {exc}")
            if size in config.postgres_sizes:
                with postgres_database() as url:
                    if url is None:
                        entry["postgres"] = {"error": "no PostgreSQL server answered"}
                    else:
                        try:
                            entry["postgres"] = _worker(
                                "ingest", "--folder", str(corpus), "--url", url
                            )
                        except RuntimeError as exc:
                            entry["postgres"] = {"error": str(exc)}
                            report.failures.append(f"PostgreSQL ingest of {size} docs: {exc}")
        growth.append(entry)
    report.data["growth"] = growth
    for entry in growth:
        n = entry["documents"]
        base = entry["analyse"]
        base_rate = n / base["seconds"]
        for backend in ("sqlite", "postgres"):
            run = entry.get(backend)
            if run is None:
                continue
            name = "SQLite" if backend == "sqlite" else "PostgreSQL"
            if "error" in run:
                report.row(
                    f"ingest {name}, {n:,} docs",
                    "documents/s",
                    "failed",
                    "",
                    "",
                    "",
                    run["error"][:120],
                )
                continue
            rate = n / run["seconds"]
            target, verdict = "", ""
            if n >= 10_000 and backend == "sqlite":
                target = "10,000 docs < 120 s"
                projected = run["seconds"] * 10_000 / n
                verdict = ("met" if projected < 120 else "not met") + f" ({projected:,.0f} s)"
            elif backend == "sqlite":
                projected = run["seconds"] * 10_000 / n
                target = "10,000 docs < 120 s"
                verdict = f"projected {projected:,.0f} s: " + (
                    "met" if projected < 120 else "not met"
                )
            report.row(
                f"ingest {name}, {n:,} docs, {run.get('workers', 1)} analysis process(es)",
                "documents/s",
                _fmt(rate),
                f"analysis alone: {_fmt(base_rate)}",
                _ratio(rate, base_rate),
                target,
                verdict,
            )
            report.row(
                "",
                "peak RSS / growth along the run",
                f"{run['peak_rss_mb']} MB / +{run['rss_growth_mb']} MB"
                + (
                    f" (each worker ≤ {run['worker_peak_rss_mb']} MB)"
                    if run.get("workers", 1) > 1
                    else ""
                ),
                f"analysis alone: {base['peak_rss_mb']} MB / +{base['rss_growth_mb']} MB",
                "",
                "constant",
                "",
            )
            if run.get("failed"):
                report.failures.append(
                    f"{name}: {run['failed']} files failed: {run['first_failure']}"
                )
        if base["found"] != base["planted"]:
            report.failures.append(f"analyse worker, {n} docs: {base['found']}/{base['planted']}")
    _growth_table(growth, report)


def _growth_table(growth: list[dict[str, Any]], report: Report) -> None:
    """Time and memory per size, with the growth factor from one size to the next."""
    lines = [
        "| documents | analyse s | × | analyse peak MB | SQLite ingest s | × | SQLite peak MB "
        "| SQLite RSS growth MB | PostgreSQL ingest s | PostgreSQL peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    previous: dict[str, Any] | None = None
    for entry in growth:
        a, s, p = entry["analyse"], entry.get("sqlite", {}), entry.get("postgres", {})
        grow_a = grow_s = "—"
        if previous:
            size_factor = entry["documents"] / previous["documents"]
            grow_a = f"{a['seconds'] / previous['analyse']['seconds']:.1f} (n ×{size_factor:g})"
            if "seconds" in s and "seconds" in previous.get("sqlite", {}):
                grow_s = f"{s['seconds'] / previous['sqlite']['seconds']:.1f} (n ×{size_factor:g})"
        lines.append(
            f"| {entry['documents']:,} | {a['seconds']:.1f} | {grow_a} | {a['peak_rss_mb']} "
            f"| {_seconds(s)} | {grow_s} | {s.get('peak_rss_mb', '—')} "
            f"| {s.get('rss_growth_mb', '—')} | {_seconds(p)} "
            f"| {p.get('peak_rss_mb', '—')} |"
        )
        previous = entry
    report.extra += ["### Growth with the corpus size", "", *lines, ""]


def _seconds(run: dict[str, Any]) -> str:
    return f"{run['seconds']:.1f}" if "seconds" in run else "—"


# --- 3. query latency -----------------------------------------------------------------------


def bench_query(config: Config, report: Report) -> None:
    """``Schedule.upcoming`` for one-month windows with filters, against a bare column scan."""
    from sqlalchemy import text

    from bench.tui import build
    from tracker.query import Filters, Schedule

    with tempfile.TemporaryDirectory(prefix="bench-query-") as folder:
        started = time.perf_counter()
        engine = build(f"sqlite:///{folder}/query.sqlite", config.query_rows)
        built = time.perf_counter() - started
        schedule = Schedule(engine)
        months = [dt.date(2020 + k % 12, 1 + k % 12, 1) for k in range(config.query_runs)]
        windows = [
            (m, (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1))
            for m in months
        ]
        filters = [
            Filters(
                start=a,
                until=b,
                bodies=("GA", "HRC"),
                kinds=("report", "review"),
                statuses=("open",),
            )
            for a, b in windows
        ]
        schedule.upcoming(filters[0])  # warm
        mine: list[float] = []
        theirs: list[float] = []
        rows = 0
        with engine.connect() as connection:
            for f, (a, b) in zip(filters, windows, strict=True):  # in turn: noise hits both
                started = time.perf_counter()
                rows += len(schedule.upcoming(f))
                mine.append(time.perf_counter() - started)
                started = time.perf_counter()
                connection.execute(
                    text("SELECT * FROM deliverable WHERE window_start BETWEEN :a AND :b"),
                    {"a": a, "b": b},
                ).fetchall()
                theirs.append(time.perf_counter() - started)
        engine.dispose()
    med, p95 = statistics.median(mine), _p95(mine)
    bmed, bp95 = statistics.median(theirs), _p95(theirs)
    report.data["query"] = {
        "deliverables": config.query_rows,
        "build_seconds": built,
        "runs": len(mine),
        "rows_returned": rows,
        "median_s": med,
        "p95_s": p95,
        "baseline_median_s": bmed,
        "baseline_p95_s": bp95,
    }
    label = f"upcoming, {config.query_rows:,} deliverables"
    report.row(
        label,
        "median / p95 latency (ms)",
        f"{med * 1000:.1f} / {p95 * 1000:.1f}",
        f"bare window scan: {bmed * 1000:.1f} / {bp95 * 1000:.1f}",
        f"{p95 / bp95:.3g}× the baseline's p95" if bp95 else "n/a",
        "p95 < 50 ms (1-month window, filters)",
        "met" if p95 < 0.05 else "not met",
    )
    report.notes.append(
        f"Query database: {config.query_rows:,} deliverables built in {built:.1f} s by bulk "
        f"insert (bench/tui.py `build`); {len(mine)} one-month windows, filters on body, kind "
        f"and status; {rows / len(mine):,.0f} rows returned per query on average."
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --- 5. the existing benchmarks -------------------------------------------------------------


def bench_existing(report: Report) -> None:
    """Run bench/tui.py, bench/feeds.py and bench/digests.py and keep their tables."""
    for script in ("tui.py", "feeds.py", "digests.py"):
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(ROOT / "bench" / script)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            output = (
                done.stdout.strip()
                if done.returncode == 0
                else (
                    f"failed (exit {done.returncode}): "
                    + (done.stderr.strip().splitlines() or [""])[-1]
                )
            )
        except subprocess.TimeoutExpired:
            output = "failed: timed out after 30 minutes"
        seconds = time.perf_counter() - started
        report.data.setdefault("existing", {})[script] = {"seconds": seconds, "output": output}
        report.extra += [f"### bench/{script} ({seconds:.0f} s)", "", output, ""]


# --- the report -----------------------------------------------------------------------------


def markdown(env: dict[str, Any], config: Config, report: Report, seconds: float) -> str:
    """The whole results document."""
    packages = ", ".join(f"{k} {v}" for k, v in env["packages"].items() if v)
    lines = [
        f"## Benchmark results ({'quick' if config.quick else 'full'} mode)",
        "",
        f"- date: {env['date']}; run time {seconds:.1f} s",
        f"- machine: {env['cpu_count']} CPUs ({env['processor']}), {env['memory_gb']} GB memory, "
        f"{env['platform']}",
        f"- python {env['python']}, SQLite {env['sqlite']}; {packages}",
        f"- corpus: bench/corpus.py, seed {config.seed}",
        "",
        "| benchmark | measure | tracker | baseline (same bytes, same run) | ratio | target "
        "| verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in report.rows]
    lines.append("")
    lines += report.extra
    if report.notes:
        lines += ["Notes:", "", *[f"- {n}" for n in report.notes], ""]
    if report.failures:
        lines += ["FAILURES:", "", *[f"- {f}" for f in report.failures], ""]
    return "\n".join(lines)


def configure(args: argparse.Namespace) -> Config:
    """The sizes of the chosen mode."""
    if args.quick:
        return Config(
            quick=True,
            extraction_docs=50,
            extraction_passes=1,
            growth_sizes=(50, 200),
            postgres_sizes=(50,),
            query_rows=10_000,
            query_runs=30,
            dateparser_docs=0,
            seed=args.seed,
        )
    sizes = tuple(s for s in (1_000, 10_000, 100_000) if s <= args.max_docs) or (args.max_docs,)
    return Config(
        quick=False,
        extraction_docs=min(1_000, args.max_docs),
        extraction_passes=3,
        growth_sizes=sizes,
        postgres_sizes=tuple(s for s in sizes if s <= args.postgres_max_docs),
        query_rows=args.query_rows,
        query_runs=100,
        dateparser_docs=args.dateparser_docs,
        seed=args.seed,
        existing=not args.skip_existing,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write the results, print the Markdown; 1 if anything failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: small, under a minute")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-docs",
        type=int,
        default=100_000,
        help="full mode: largest corpus size (1,000 / 10,000 / 100,000)",
    )
    parser.add_argument(
        "--postgres-max-docs",
        type=int,
        default=100_000,
        help="largest corpus also ingested into PostgreSQL (the growth row is SQLite's)",
    )
    parser.add_argument("--query-rows", type=int, default=1_000_000)
    parser.add_argument("--dateparser-docs", type=int, default=20)
    parser.add_argument(
        "--skip-existing",
        action="store_true",
        help="full mode: do not run bench/tui.py, feeds.py, digests.py",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    config = configure(args)
    env = environment()
    report = Report()
    started = time.perf_counter()
    steps: list[tuple[str, Any]] = [
        ("extraction", lambda: bench_extraction(config, report)),
        ("ingest and growth", lambda: bench_ingest_and_growth(config, report)),
        ("query", lambda: bench_query(config, report)),
    ]
    if config.existing:
        steps.append(("existing benchmarks", lambda: bench_existing(report)))
    for name, step in steps:
        step_started = time.perf_counter()
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - a broken benchmark is a reported failure
            report.failures.append(f"{name}: {type(exc).__name__}: {exc}")
        report.data.setdefault("step_seconds", {})[name] = time.perf_counter() - step_started
        print(f"[bench] {name}: {time.perf_counter() - step_started:.1f} s", file=sys.stderr)
    seconds = time.perf_counter() - started
    text = markdown(env, config, report, seconds)
    args.output.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    mode = "quick" if config.quick else "full"
    payload = {
        "mode": mode,
        "environment": env,
        "config": vars(config),
        "seconds": seconds,
        "ok": not report.failures,
        "failures": report.failures,
        "rows": [list(r) for r in report.rows],
        "notes": report.notes,
        **report.data,
    }
    for name in (f"results-{mode}-{stamp}", f"latest-{mode}", "latest"):
        (args.output / f"{name}.md").write_text(text + "\n", encoding="utf-8")
        (args.output / f"{name}.json").write_text(
            json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8"
        )
    print(text)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())

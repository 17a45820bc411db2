"""The pipeline: parallel analysis stores what serial analysis stores, in file order; outcomes
stream one file at a time and a large ingest lists only what it must."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.conftest import DATA, SAMPLES
from tracker import pipeline
from tracker.analyse import Toolkit
from tracker.cli import app
from tracker.pipeline import PARALLEL_FROM, SHOWN_FILES, Outcome, Tally, ingest, ingest_stream
from tracker.query import Filters, Schedule
from tracker.schedule import Horizon
from tracker.store import connect

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
EVERYTHING = Filters(start=dt.date(2000, 1, 1), until=dt.date(2040, 1, 1), include_undated=True)


def _corpus(folder: Path, copies: int) -> list[Path]:
    """Each seed under ``copies`` names (different bytes each), plus one unreadable file."""
    folder.mkdir()
    written = []
    for seed in sorted(SAMPLES.glob("*.txt")):
        for n in range(copies):
            path = folder / f"{seed.stem}_{n}.txt"
            path.write_text(seed.read_text(encoding="utf-8") + f"\n{'-' * n}\n", encoding="utf-8")
            written.append(path)
    (folder / "zz_empty.txt").write_bytes((DATA / "bad" / "empty.txt").read_bytes())
    return written


def _schedule(url: str) -> list[dict[str, object]]:
    views = Schedule(connect(url)).upcoming(EVERYTHING)
    return [{k: v for k, v in view.as_json().items() if k != "ingested_at"} for view in views]


def test_two_workers_store_what_one_stores(
    tmp_path: Path, toolkit: Toolkit, horizon: Horizon
) -> None:
    files = _corpus(tmp_path / "in", copies=4)
    assert len(files) >= PARALLEL_FROM * 2  # enough files for the parallel path
    serial, parallel = f"sqlite:///{tmp_path}/one.sqlite", f"sqlite:///{tmp_path}/two.sqlite"
    one = ingest([tmp_path / "in"], connect(serial), toolkit, horizon, NOW, workers=1)
    two = ingest([tmp_path / "in"], connect(parallel), toolkit, horizon, NOW, workers=2)
    assert two == one
    assert [o.path for o in two] == sorted(o.path for o in two)
    assert sum(o.failed for o in two) == 1 and two[-1].failed
    # copies of a resolution with a symbol replace each other (the symbol is its key)
    assert {o.status for o in two[:-1]} == {"stored", "replaced"}
    stored = _schedule(parallel)
    assert stored == _schedule(serial)
    assert len(stored) >= 33


def test_the_stream_stores_each_file_before_reading_the_next(
    tmp_path: Path, toolkit: Toolkit, horizon: Horizon, sqlite_url: str
) -> None:
    engine = connect(sqlite_url)
    stream = ingest_stream([SAMPLES], engine, toolkit, horizon, NOW)
    first = next(stream)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document")).scalar() == 1
    rest = list(stream)
    assert [first, *rest] == ingest([SAMPLES], connect(f"{sqlite_url}-2"), toolkit, horizon, NOW)


def _outcome(n: int, failed: bool = False) -> Outcome:
    if failed:
        return Outcome(f"f{n}.txt", "failed", error="empty")
    return Outcome(f"f{n}.txt", "stored", mandates=2, deliverables=3)


def test_a_tally_lists_every_failure_and_only_the_first_files() -> None:
    tally = Tally()
    outcomes = [_outcome(n, failed=n in (5, SHOWN_FILES + 7)) for n in range(SHOWN_FILES + 50)]
    for outcome in outcomes:
        tally.add(outcome)
    assert (tally.files, tally.failed) == (SHOWN_FILES + 50, 2)
    assert (tally.mandates, tally.deliverables) == (2 * (SHOWN_FILES + 48), 3 * (SHOWN_FILES + 48))
    assert tally.shown == [*outcomes[:SHOWN_FILES], outcomes[SHOWN_FILES + 7]]
    assert tally.unlisted == 49


def test_a_large_ingest_lists_its_failures_and_counts_the_rest(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "SHOWN_FILES", 2)
    _corpus(tmp_path / "in", copies=1)  # five resolutions, then an empty file
    url = f"sqlite:///{tmp_path}/db.sqlite"
    done = runner.invoke(app, ["ingest", "--db", url, str(tmp_path / "in")])
    assert done.exit_code == 1
    rows = [line.split("│") for line in done.stdout.splitlines() if "│" in line]
    assert [row[2].strip() for row in rows if row[2].strip()] == ["stored", "stored", "failed"]
    assert "file is empty" in done.stdout
    assert "3 more file(s) ingested without error are not listed" in done.stderr
    assert "5 file(s) ingested, 1 failed" in done.stderr
    listed = runner.invoke(app, ["ingest", "--db", url, "--json", str(tmp_path / "in")])
    assert len(listed.stdout.splitlines()) == 6

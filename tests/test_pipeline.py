"""The pipeline's parallel analysis: same stored schedule, same outcomes, in file order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import DATA, SAMPLES
from tracker.analyse import Toolkit
from tracker.pipeline import PARALLEL_FROM, ingest
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

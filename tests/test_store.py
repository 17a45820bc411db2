"""Storage: idempotent ingest, replacement of changed files, no half-written document."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import SAMPLES
from tracker.analyse import Toolkit, analyse
from tracker.errors import StoreError
from tracker.load import load_source
from tracker.model import Deliverable, Mandate
from tracker.pipeline import ingest
from tracker.query import Filters, Schedule
from tracker.schedule import Horizon, mandate_id, schedule
from tracker.store import DocumentRow, connect, redate_stored, store_analysis

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
EVERYTHING = Filters(start=dt.date(2000, 1, 1), until=dt.date(2040, 1, 1), include_undated=True)


def _ingest_copy_of_68_192(
    folder: Path, engine: Engine, toolkit: Toolkit, horizon: Horizon
) -> tuple[Path, str]:
    """Store a copy of seed 004 (A/RES/68/192) that a test may then edit."""
    path = folder / "68-192.txt"
    original = (SAMPLES / "004_e83cbdb27c7fb379.txt").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    ingest([path], engine, toolkit, horizon, NOW)
    return path, original


def test_ingesting_twice_changes_nothing(db_url: str, toolkit: Toolkit, horizon: Horizon) -> None:
    engine = connect(db_url)
    first = ingest([SAMPLES], engine, toolkit, horizon, NOW)
    assert {o.status for o in first} == {"stored"}
    before = Schedule(engine).upcoming(EVERYTHING)
    second = ingest([SAMPLES], engine, toolkit, horizon, NOW)
    assert {o.status for o in second} == {"unchanged"}
    assert Schedule(engine).upcoming(EVERYTHING) == before


def test_changed_file_replaces_its_rows_and_keeps_statuses(
    tmp_path: Path, db_url: str, toolkit: Toolkit, horizon: Horizon
) -> None:
    engine = connect(db_url)
    path, original = _ingest_copy_of_68_192(tmp_path, engine, toolkit, horizon)
    schedule = Schedule(engine)
    report = next(v for v in schedule.upcoming(EVERYTHING) if v.paragraph == "18")
    schedule.set_status(report.id, "in_progress")
    path.write_text(
        original.replace("à sa soixante-neuvième session.", "à sa soixante-dixième session."),
        encoding="utf-8",
    )
    (outcome,) = ingest([path], engine, toolkit, horizon, NOW)
    assert outcome.status == "replaced"
    rows = [v for v in schedule.upcoming(EVERYTHING) if v.paragraph == "18"]
    assert [(v.session, v.status) for v in rows] == [(70, "open")]
    kept = next(v for v in schedule.upcoming(EVERYTHING) if v.paragraph == "16")
    path.write_text(original, encoding="utf-8")
    schedule.set_status(kept.id, "done")
    ingest([path], engine, toolkit, horizon, NOW)
    assert schedule.get(kept.id) is not None and schedule.get(kept.id).status == "done"  # type: ignore[union-attr]


def test_failed_store_leaves_nothing_behind(
    db_url: str, toolkit: Toolkit, horizon: Horizon
) -> None:
    engine = connect(db_url)
    analysis = analyse(load_source(SAMPLES / "004_e83cbdb27c7fb379.txt"), toolkit, horizon)
    broken = replace(analysis, deliverables=analysis.deliverables + analysis.deliverables[:1])
    with pytest.raises(StoreError, match="cannot store"):
        store_analysis(engine, broken, NOW)
    assert Schedule(engine).upcoming(EVERYTHING) == []
    assert store_analysis(engine, analysis, NOW) == "stored"


def test_one_bad_file_does_not_stop_the_others(
    tmp_path: Path, db_url: str, toolkit: Toolkit, horizon: Horizon
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "68-145.txt").write_text(
        (SAMPLES / "000_dd84b8df17fb3417.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    engine = connect(db_url)
    outcomes = ingest([tmp_path], engine, toolkit, horizon, NOW)
    assert {Path(o.path).name: o.status for o in outcomes} == {
        "68-145.txt": "stored",
        "empty.txt": "failed",
    }
    assert [v.session for v in Schedule(engine).upcoming(EVERYTHING)] == [71]


def test_unwritable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the database"):
        connect(f"sqlite:///{blocker}/sub/tracker.sqlite")


def test_filters(db_url: str, toolkit: Toolkit, horizon: Horizon) -> None:
    engine = connect(db_url)
    ingest([SAMPLES], engine, toolkit, horizon, NOW)
    schedule = Schedule(engine)
    period = Filters(start=dt.date(2014, 1, 1), until=dt.date(2014, 12, 31))
    assert sorted(v.paragraph for v in schedule.upcoming(period)) == ["14", "16", "18", "5"]
    assert [v.paragraph for v in schedule.upcoming(replace(period, kinds=("report",)))] == [
        "14",
        "18",
    ]
    assert [v.paragraph for v in schedule.upcoming(replace(period, actors=("unodc",)))] == [
        "14",
        "16",
    ]
    hrc = Filters(start=dt.date(2013, 1, 1), until=dt.date(2035, 12, 31), bodies=("HRC",))
    assert sorted(v.paragraph for v in schedule.upcoming(hrc)) == ["3", "4"]
    assert schedule.count(hrc) == 2
    assert [v.paragraph for v in schedule.upcoming(replace(period, text="Journée"))] == ["5"]


def test_sequence_counts_date_changes_and_notes_are_kept(
    tmp_path: Path, db_url: str, toolkit: Toolkit, horizon: Horizon
) -> None:
    engine = connect(db_url)
    path, original = _ingest_copy_of_68_192(tmp_path, engine, toolkit, horizon)
    schedule = Schedule(engine)
    observance = next(v for v in schedule.upcoming(EVERYTHING) if v.paragraph == "5")
    schedule.add_note(observance.id, "Ask DGC for the poster", author="desk")
    later = NOW + dt.timedelta(days=1)
    moved = original.replace("le 30 juillet Journée", "le 31 juillet Journée")
    path.write_text(moved, encoding="utf-8")
    ingest([path], engine, toolkit, horizon, later)
    same = schedule.get(observance.id)
    assert same is not None and same.date == observance.date.replace(day=31)  # type: ignore[union-attr]
    assert (same.sequence, same.updated_at) == (1, later)
    unmoved = next(v for v in schedule.upcoming(EVERYTHING) if v.paragraph == "18")
    assert (unmoved.sequence, unmoved.updated_at) == (0, NOW)
    assert [(n.text, n.author) for n in schedule.notes(observance.id)] == [
        ("Ask DGC for the poster", "desk")
    ]
    assert len(schedule.occurrences(observance.mandate_id)) >= 20
    assert same.document_url == "https://undocs.org/fr/A/RES/68/192"


def test_dating_a_stored_document_again_rebuilds_its_mandates_and_changes_nothing(
    sqlite_url: str, toolkit: Toolkit, horizon: Horizon
) -> None:
    engine = connect(sqlite_url)
    ingest([SAMPLES], engine, toolkit, horizon, NOW)
    before = Schedule(engine).upcoming(EVERYTHING)
    given: list[Mandate] = []

    def scheduler(mandates: list[Mandate]) -> list[Deliverable]:
        given.extend(mandates)
        return schedule(mandates, toolkit.calendars, horizon)

    analysed = [analyse(load_source(p), toolkit, horizon) for p in sorted(SAMPLES.glob("*.*"))]
    with Session(engine) as session, session.begin():
        for document_id in session.exec(select(DocumentRow.id)).all():
            redate_stored(session, document_id, scheduler, NOW)
    expected = [m for a in analysed for m in a.mandates]
    assert sorted(given, key=mandate_id) == sorted(expected, key=mandate_id)
    assert Schedule(engine).upcoming(EVERYTHING) == before

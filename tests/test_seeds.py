"""The five seed resolutions give exactly the schedule of their specification, and no trap."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import SAMPLES, TODAY
from tracker.cli import app

SEED_000 = "000_dd84b8df17fb3417.txt"
SEED_002 = "002_ddca2822e8603dff.txt"
SEED_004 = "004_e83cbdb27c7fb379.txt"


def _upcoming(runner: CliRunner, db: str, *args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["upcoming", "--db", db, "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def schedule(module_db_url: str) -> list[dict[str, Any]]:
    """The seeds ingested once per engine (SQLite and PostgreSQL); the tests only read."""
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:  # the function-scoped frozen_today is not set yet
        patch.setenv("TRACKER_TODAY", TODAY.isoformat())
        result = runner.invoke(app, ["ingest", "--db", module_db_url, str(SAMPLES)])
        assert result.exit_code == 0, result.output
        return _upcoming(runner, module_db_url, "--from", "2013-01-01", "--until", "2035-12-31")


def _of(rows: list[dict[str, Any]], seed: str, paragraph: str) -> list[dict[str, Any]]:
    return [r for r in rows if r["source"].endswith(seed) and r["paragraph"] == paragraph]


def _summary(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["kind"],
        row["target_body"],
        row["session"],
        row["year"],
        row["date"],
        row["due"],
        row["basis"],
    )


def test_exactly_the_specified_deliverables(schedule: list[dict[str, Any]]) -> None:
    found = sorted((r["source"].rsplit("/", 1)[-1][:3], r["paragraph"]) for r in schedule)
    expected = sorted(
        [("000", "6"), ("002", "3"), ("002", "4")]
        + [("004", "4")] * 5
        + [("004", "5")] * 22
        + [("004", "14"), ("004", "16"), ("004", "18")]
    )
    assert found == expected


def test_report_to_ga_71(schedule: list[dict[str, Any]]) -> None:
    (row,) = _of(schedule, SEED_000, "6")
    assert _summary(row) == ("report", "GA", 71, 2016, "2016-09-13", "2016-07-05", "official")
    assert row["actor"] == "Secretary-General"
    assert row["symbol"] == "A/RES/68/145"
    assert row["quote"] == "à sa soixante et onzième session"


def test_hrc_consultations_are_bounded_by_the_report_they_feed(
    schedule: list[dict[str, Any]],
) -> None:
    (consultations,) = _of(schedule, SEED_002, "3")
    (report,) = _of(schedule, SEED_002, "4")
    assert _summary(report) == ("report", "HRC", 47, 2021, "2021-06-21", "2021-04-12", "official")
    assert report["end"] == "2021-07-14"
    assert report["actor"] == "OHCHR"
    assert consultations["kind"] == "consultation"
    assert consultations["basis"] == "inferred"
    assert consultations["date"] is None and consultations["due"] is None
    assert consultations["before"] == "2021-06-21"


def test_quadrennial_review_from_the_72nd_session(schedule: list[dict[str, Any]]) -> None:
    rows = _of(schedule, SEED_004, "4")
    assert [(r["session"], r["date"], r["basis"]) for r in rows] == [
        (72, "2017-09-12", "official"),
        (76, "2021-09-14", "official"),
        (80, "2025-09-09", "official"),
        (84, "2029-09-11", "projected"),
        (88, "2033-09-06", "projected"),
    ]
    assert {r["kind"] for r in rows} == {"review"}
    assert rows[0]["recurrence"] == {"every": 4, "unit": "session", "start": 72}
    assert (
        "tous les quatre ans" in rows[0]["quote"]
        and "soixante-douzième session" in rows[0]["quote"]
    )


def test_world_day_against_trafficking(schedule: list[dict[str, Any]]) -> None:
    rows = _of(schedule, SEED_004, "5")
    assert [r["date"] for r in rows] == [f"{y}-07-30" for y in range(2014, 2036)]
    assert {r["basis"] for r in rows} == {"explicit"}
    assert rows[0]["recurrence"] == {
        "every": 1,
        "unit": "year",
        "start": 2014,
        "month": 7,
        "day": 30,
    }
    assert rows[0]["kind"] == "observance" and rows[0]["target_body"] is None
    assert "Member States" in rows[0]["actor"] and "civil society" in rows[0]["actor"]


def test_global_report_in_2014_has_a_year_and_no_day(schedule: list[dict[str, Any]]) -> None:
    (row,) = _of(schedule, SEED_004, "14")
    assert _summary(row) == ("report", None, None, 2014, None, None, "explicit")
    assert row["actor"] == "UNODC"
    assert row["quote"] == "en 2014"


def test_69th_session_deliverables(schedule: list[dict[str, Any]]) -> None:
    (measures,) = _of(schedule, SEED_004, "16")
    (report,) = _of(schedule, SEED_004, "18")
    assert _summary(measures) == (
        "other_deliverable",
        "GA",
        69,
        2014,
        "2014-09-16",
        "2014-07-08",
        "official",
    )
    assert measures["actor"].startswith("UNODC") and "Inter-Agency" in measures["actor"]
    assert _summary(report) == ("report", "GA", 69, 2014, "2014-09-16", "2014-07-08", "official")
    assert report["actor"] == "Secretary-General"


def test_traps_yield_nothing(schedule: list[dict[str, Any]]) -> None:
    quotes = " | ".join(r["quote"] for r in schedule)
    for trap in (
        "2017",
        "2010",
        "2012",
        "2013",
        "2015",
        "soixante-septième",
        "13 octobre",
        "14 février",
    ):
        assert trap not in quotes
    assert not [r for r in schedule if r["source"].rsplit("/", 1)[-1][:3] in ("001", "003")]
    assert not _of(schedule, SEED_004, "3")
    assert not _of(schedule, "002_ddca2822e8603dff.txt", "5")


def test_quotes_lie_in_their_paragraph(schedule: list[dict[str, Any]]) -> None:
    from tracker.analyse import load_toolkit, read_document
    from tracker.load import load_source

    toolkit = load_toolkit()
    for row in schedule:
        document = read_document(load_source(SAMPLES / row["source"].rsplit("/", 1)[-1]), toolkit)
        paragraph = document.paragraph(row["paragraph"])
        assert paragraph is not None
        assert paragraph.text[row["quote_start"] : row["quote_end"]] == row["quote"]


def test_ids_are_stable_across_databases(
    runner: CliRunner, tmp_path: Any, schedule: list[dict[str, Any]]
) -> None:
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert runner.invoke(app, ["ingest", "--db", other, str(SAMPLES)]).exit_code == 0
    again = _upcoming(runner, other, "--from", "2013-01-01", "--until", "2035-12-31")
    assert [r["id"] for r in again] == [r["id"] for r in schedule]
    assert len({r["id"] for r in schedule}) == len(schedule)

"""The same schedule on a real PostgreSQL server as on SQLite.

Skipped, with the reason, when no server answers; ``.ci/run`` sets TRACKER_REQUIRE_POSTGRES so
that CI fails instead of skipping.
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import SAMPLES
from tracker.cli import app

PERIOD = ["--from", "2013-01-01", "--until", "2035-12-31", "--json"]


def _schedule(runner: CliRunner, url: str) -> list[dict[str, object]]:
    assert runner.invoke(app, ["ingest", "--db", url, str(SAMPLES)]).exit_code == 0
    result = runner.invoke(app, ["upcoming", "--db", url, *PERIOD])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    for row in rows:  # when each run stored its rows
        assert row.pop("updated_at") and row.pop("ingested_at")
    return rows


def test_postgres_gives_the_sqlite_schedule(
    runner: CliRunner, postgres_url: str, sqlite_url: str
) -> None:
    on_postgres = _schedule(runner, postgres_url)
    assert len(on_postgres) == 33
    assert on_postgres == _schedule(runner, sqlite_url)


def test_postgres_ingest_is_idempotent(runner: CliRunner, postgres_url: str) -> None:
    first = _schedule(runner, postgres_url)
    again = runner.invoke(app, ["ingest", "--db", postgres_url, "--json", str(SAMPLES)])
    assert {json.loads(line)["status"] for line in again.stdout.splitlines()} == {"unchanged"}
    assert _schedule(runner, postgres_url) == first

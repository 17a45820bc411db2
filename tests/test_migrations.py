"""Schema migrations: a fresh database is at the latest revision, an older one is refused
until ``tracker db upgrade`` upgrades it in place, keeping its rows."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel
from typer.testing import CliRunner

from tracker.cli import app
from tracker.errors import StoreError
from tracker.migrations import alembic_config, upgrade
from tracker.query import Filters, Schedule
from tracker.store import SCHEMA_REVISION, connect, schema_revision

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def _first_schema_database(url: str, stamped: bool) -> None:
    """A database as the code before team mode made it, with one deliverable in it."""
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        if not stamped:
            connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO document (id, source, sha256, lang, status, ingested_at) "
                "VALUES ('doc', 'doc.txt', 'abc', 'fr', 'adopted', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO mandate (id, document_id, paragraph, occurrence, verb, actor, kind, "
                "quote, quote_start, quote_end, rule, confidence, reason) VALUES ('m1', 'doc', "
                "'4', 0, 'prie', 'Secrétaire général', 'report', 'q', 0, 1, 'r', 0.5, 'x')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO deliverable (id, mandate_id, basis, basis_detail, window_start, "
                "status, sequence, updated_at) VALUES ('d1', 'm1', 'explicit', '', :day, "
                "'in_progress', 0, :now)"
            ),
            {"day": dt.date(2027, 3, 1), "now": NOW},
        )
    engine.dispose()


def test_the_scripts_end_at_the_code_revision() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_REVISION


@pytest.mark.parametrize("stamped", [False, True], ids=["before-migrations", "at-0001"])
def test_an_old_database_is_refused_then_upgraded_in_place(
    db_url: str, runner: CliRunner, stamped: bool
) -> None:
    _first_schema_database(db_url, stamped)
    with pytest.raises(StoreError, match="tracker db upgrade"):
        connect(db_url)
    refused = runner.invoke(app, ["upcoming", "--db", db_url])
    assert refused.exit_code == 4 and "tracker db upgrade" in " ".join(refused.output.split())
    result = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.output and SCHEMA_REVISION in result.output
    schedule = Schedule(connect(db_url))
    (view,) = schedule.upcoming(Filters(start=dt.date(2027, 1, 1)))
    assert (view.id, view.status, view.version, view.review_state, view.owner) == (
        "d1",
        "in_progress",
        1,
        "accepted",
        None,
    )
    again = runner.invoke(app, ["db", "upgrade", "--db", db_url])
    assert again.exit_code == 0 and "latest revision" in again.output


def test_migrated_and_fresh_schemas_are_the_same(db_url: str) -> None:
    _first_schema_database(db_url, stamped=True)
    upgrade(db_url)
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert schema_revision(connection) == SCHEMA_REVISION
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    engine.dispose()


def test_a_fresh_database_is_stamped_at_the_latest_revision(db_url: str) -> None:
    engine = connect(db_url)
    with engine.connect() as connection:
        assert schema_revision(connection) == SCHEMA_REVISION
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    assert connect(db_url) is not None  # opening it again is fine

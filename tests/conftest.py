"""Shared fixtures: the rules, a frozen today, temporary databases, the CLI runner."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracker.analyse import Toolkit, load_toolkit
from tracker.rulebook import LanguageRules
from tracker.schedule import Horizon

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="session")
def toolkit() -> Toolkit:
    return load_toolkit()


@pytest.fixture
def horizon() -> Horizon:
    return Horizon(TODAY)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.sqlite'}"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def postgres_admin_url() -> str:
    return os.environ.get(
        "TRACKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards; skips (or fails under CI) without a
    server."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (OperationalError, ModuleNotFoundError) as exc:
        admin.dispose()
        if os.environ.get("TRACKER_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required (TRACKER_REQUIRE_POSTGRES) but unreachable: {exc}")
        pytest.skip(f"no PostgreSQL server at {postgres_admin_url()}: {type(exc).__name__}")
    base = postgres_admin_url().rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test; skips (or fails under CI) without a server."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database on each engine: the test runs on SQLite and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database on each engine shared by a module's tests (for read-only tests)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tracker.sqlite'}"
        return
    with postgres_database() as url:
        yield url


def draw_language(toolkit: Toolkit, data: st.DataObject) -> LanguageRules:
    """The rules of one of the toolkit's languages, drawn by a hypothesis test."""
    return toolkit.languages[data.draw(st.sampled_from(sorted(toolkit.languages)))]

"""Schema migrations (alembic): ``tracker db upgrade`` brings a database to the latest revision.

The revisions live in ``versions/``: ``0001`` is the first schema (the tables before team
mode), ``0002`` adds team mode (owners, overrides, versions, review states, users, audit).
A database made before migrations existed has the first schema and no revision: it is
stamped ``0001`` first, then upgraded.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from tracker.errors import StoreError
from tracker.store import FIRST_REVISION, engine_for, schema_revision

HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    """The alembic configuration, without an ``alembic.ini`` file."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def upgrade(url: str, target: str = "head") -> tuple[str | None, str | None]:
    """Upgrade the database at ``url`` in place; returns its revision before and after."""
    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            before = schema_revision(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            if before is None and inspect(connection).has_table("document"):
                command.stamp(config, FIRST_REVISION)
            command.upgrade(config, target)
            after = schema_revision(connection)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot upgrade the database: {exc}") from exc
    finally:
        engine.dispose()
    return before, after

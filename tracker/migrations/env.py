"""Alembic's environment: runs the migrations on the connection ``upgrade`` passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import tracker.store  # noqa: F401  (registers the tables)


def run_migrations() -> None:
    """Run the migrations online, on the connection given in the config's attributes."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=SQLModel.metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

"""Stored ordering columns on deliverables, so date-window queries walk one index.

``sort_start`` and ``sort_end`` are a deliverable's window with a missing end filled from the
other (a dated deliverable always has both); ``span_days`` is the window's length, and its
maximum bounds how far before a query's start a window that reaches into it can begin.
``kind`` repeats the mandate's kind, so that one index over (sort_start, sort_end, status,
kind, mandate_id) covers a date-window query's conditions and its join.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add and fill the ordering columns and their indexes."""
    op.add_column("deliverable", sa.Column("sort_start", sa.Date(), nullable=True))
    op.add_column("deliverable", sa.Column("sort_end", sa.Date(), nullable=True))
    op.add_column(
        "deliverable",
        sa.Column("span_days", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(
        "UPDATE deliverable SET sort_start = COALESCE(window_start, window_end), "
        "sort_end = COALESCE(window_end, window_start)"
    )
    if op.get_bind().dialect.name == "sqlite":
        span = "CAST(julianday(sort_end) - julianday(sort_start) AS INTEGER)"
    else:
        span = "sort_end - sort_start"
    op.execute(f"UPDATE deliverable SET span_days = COALESCE({span}, 0)")
    op.add_column(
        "deliverable", sa.Column("kind", sa.String(), server_default="other", nullable=False)
    )
    op.execute(
        "UPDATE deliverable SET kind = "
        "(SELECT mandate.kind FROM mandate WHERE mandate.id = deliverable.mandate_id)"
    )
    op.create_index(
        "ix_deliverable_window",
        "deliverable",
        ["sort_start", "sort_end", "status", "kind", "mandate_id"],
    )
    op.create_index(op.f("ix_deliverable_span_days"), "deliverable", ["span_days"])


def downgrade() -> None:
    """Back to revision 0002."""
    op.drop_index(op.f("ix_deliverable_span_days"), table_name="deliverable")
    op.drop_index("ix_deliverable_window", table_name="deliverable")
    with op.batch_alter_table("deliverable") as batch:
        for name in ("kind", "span_days", "sort_end", "sort_start"):
            batch.drop_column(name)

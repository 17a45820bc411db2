"""Team mode: owners, due-date overrides and versions on deliverables, review states on
mandates, the users and the audit trail.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the team-mode tables and columns (existing mandates count as accepted)."""
    op.create_table(
        "app_user",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("office", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index(op.f("ix_app_user_office"), "app_user", ["office"], unique=False)
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.String(), nullable=True),
        sa.Column("new", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_audit_entity_id"), "audit", ["entity_id"], unique=False)
    op.add_column("deliverable", sa.Column("owner", sa.String(), nullable=True))
    op.add_column("deliverable", sa.Column("due_override", sa.Date(), nullable=True))
    op.add_column("deliverable", sa.Column("override_reason", sa.String(), nullable=True))
    op.add_column(
        "deliverable", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_index(op.f("ix_deliverable_owner"), "deliverable", ["owner"], unique=False)
    op.add_column(
        "mandate",
        sa.Column("review_state", sa.String(), server_default="accepted", nullable=False),
    )
    op.add_column("mandate", sa.Column("reviewed_by", sa.String(), nullable=True))
    op.add_column(
        "mandate", sa.Column("changed", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("mandate", sa.Column("edits", sa.String(), nullable=True))
    op.create_index(op.f("ix_mandate_review_state"), "mandate", ["review_state"], unique=False)


def downgrade() -> None:
    """Back to the first schema (team-mode data is lost)."""
    op.drop_index(op.f("ix_mandate_review_state"), table_name="mandate")
    with op.batch_alter_table("mandate") as batch:
        for name in ("edits", "changed", "reviewed_by", "review_state"):
            batch.drop_column(name)
    op.drop_index(op.f("ix_deliverable_owner"), table_name="deliverable")
    with op.batch_alter_table("deliverable") as batch:
        for name in ("version", "override_reason", "due_override", "owner"):
            batch.drop_column(name)
    op.drop_index(op.f("ix_audit_entity_id"), table_name="audit")
    op.drop_table("audit")
    op.drop_index(op.f("ix_app_user_office"), table_name="app_user")
    op.drop_table("app_user")

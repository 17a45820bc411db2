"""Mandate lifecycle: what documents say about each other, and the proposals it leads to.

Documents get their resolution key and, for reports, the kind and the session or year they
are issued for (and an index on their bytes' hash, asked once per ingested file);
``document_link`` holds answers, recalls, noted reports, renewals and terminations;
``lifecycle_proposal`` the status changes waiting for review.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None

_DOCUMENT_COLUMNS = (
    sa.Column("resolution_key", sa.String(), nullable=True),
    sa.Column("report_kind", sa.String(), nullable=True),
    sa.Column("issued_body", sa.String(), nullable=True),
    sa.Column("issued_session", sa.Integer(), nullable=True),
    sa.Column("issued_year", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    """Add the lifecycle columns and tables (documents stored before need a re-ingest to
    get their links)."""
    for column in _DOCUMENT_COLUMNS:
        op.add_column("document", column)
    op.create_index(op.f("ix_document_resolution_key"), "document", ["resolution_key"])
    # "the same bytes are already stored" is asked once per ingested file
    op.create_index(op.f("ix_document_sha256"), "document", ["sha256"])
    op.create_table(
        "document_link",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("paragraph", sa.String(), nullable=True),
        sa.Column("quote", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=True),
        sa.Column("years", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_document_link_document_id"), "document_link", ["document_id"])
    op.create_index(op.f("ix_document_link_target"), "document_link", ["target"])
    op.create_table(
        "lifecycle_proposal",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("deliverable_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("evidence_id", sa.String(), nullable=False),
        sa.Column("evidence_paragraph", sa.String(), nullable=True),
        sa.Column("evidence_quote", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for name in ("deliverable_id", "evidence_id", "state"):
        op.create_index(op.f(f"ix_lifecycle_proposal_{name}"), "lifecycle_proposal", [name])


def downgrade() -> None:
    """Back to revision 0003 (links and proposals are lost)."""
    for name in ("deliverable_id", "evidence_id", "state"):
        op.drop_index(op.f(f"ix_lifecycle_proposal_{name}"), table_name="lifecycle_proposal")
    op.drop_table("lifecycle_proposal")
    op.drop_index(op.f("ix_document_link_target"), table_name="document_link")
    op.drop_index(op.f("ix_document_link_document_id"), table_name="document_link")
    op.drop_table("document_link")
    op.drop_index(op.f("ix_document_sha256"), table_name="document")
    op.drop_index(op.f("ix_document_resolution_key"), table_name="document")
    with op.batch_alter_table("document") as batch:
        for column in reversed(_DOCUMENT_COLUMNS):
            batch.drop_column(column.name)

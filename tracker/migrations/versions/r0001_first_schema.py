"""The first schema: the tables as they were before team mode (made with create_all).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the first schema's tables."""
    op.create_table(
        "digest_send",
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("email", "week"),
    )
    op.create_index(op.f("ix_digest_send_status"), "digest_send", ["status"], unique=False)
    op.create_table(
        "digest_subscription",
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False),
        sa.Column("bodies", sa.String(), nullable=False),
        sa.Column("kinds", sa.String(), nullable=False),
        sa.Column("actors", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=True),
        sa.Column("horizon_weeks", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.String(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("symbol", sa.String(), nullable=True),
        sa.Column("lang", sa.String(), nullable=False),
        sa.Column("adopting_body", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_document_adopting_body"), "document", ["adopting_body"], unique=False)
    op.create_table(
        "feed_token",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("filters", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_feed_token_token_hash"), "feed_token", ["token_hash"], unique=True)
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deliverable_id", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_note_deliverable_id"), "note", ["deliverable_id"], unique=False)
    op.create_table(
        "mandate",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("paragraph", sa.String(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("verb", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("target_body", sa.String(), nullable=True),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("recurrence", sa.String(), nullable=True),
        sa.Column("quote", sa.String(), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=False),
        sa.Column("quote_end", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("part", sa.String(), nullable=True),
        sa.Column("precedes", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_mandate_document_id"), "mandate", ["document_id"], unique=False)
    op.create_index(op.f("ix_mandate_kind"), "mandate", ["kind"], unique=False)
    op.create_index(op.f("ix_mandate_target_body"), "mandate", ["target_body"], unique=False)
    op.create_table(
        "paragraph",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_paragraph_document_id"), "paragraph", ["document_id"], unique=False)
    op.create_table(
        "deliverable",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("mandate_id", sa.String(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("basis", sa.String(), nullable=False),
        sa.Column("basis_detail", sa.String(), nullable=False),
        sa.Column("before", sa.Date(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mandate_id"],
            ["mandate.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_deliverable_mandate_id"), "deliverable", ["mandate_id"], unique=False)
    op.create_index(op.f("ix_deliverable_status"), "deliverable", ["status"], unique=False)
    op.create_index(op.f("ix_deliverable_window_end"), "deliverable", ["window_end"], unique=False)
    op.create_index(
        op.f("ix_deliverable_window_start"), "deliverable", ["window_start"], unique=False
    )


def downgrade() -> None:
    """Drop every table."""
    op.drop_index(op.f("ix_deliverable_window_start"), table_name="deliverable")
    op.drop_index(op.f("ix_deliverable_window_end"), table_name="deliverable")
    op.drop_index(op.f("ix_deliverable_status"), table_name="deliverable")
    op.drop_index(op.f("ix_deliverable_mandate_id"), table_name="deliverable")
    op.drop_table("deliverable")
    op.drop_index(op.f("ix_paragraph_document_id"), table_name="paragraph")
    op.drop_table("paragraph")
    op.drop_index(op.f("ix_mandate_target_body"), table_name="mandate")
    op.drop_index(op.f("ix_mandate_kind"), table_name="mandate")
    op.drop_index(op.f("ix_mandate_document_id"), table_name="mandate")
    op.drop_table("mandate")
    op.drop_index(op.f("ix_note_deliverable_id"), table_name="note")
    op.drop_table("note")
    op.drop_index(op.f("ix_feed_token_token_hash"), table_name="feed_token")
    op.drop_table("feed_token")
    op.drop_index(op.f("ix_document_adopting_body"), table_name="document")
    op.drop_table("document")
    op.drop_table("digest_subscription")
    op.drop_index(op.f("ix_digest_send_status"), table_name="digest_send")
    op.drop_table("digest_send")

"""request log and webhook inbox: recorded API requests, each client's inbox and its webhooks

Revision ID: da7a0000000e
Revises: da7a0000000c
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a0000000e"
down_revision = "da7a0000000c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "logged_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("endpoint", sa.String(length=200), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("request_body", sa.Text(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_logged_requests_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_logged_requests")),
    )
    with op.batch_alter_table("logged_requests", schema=None) as batch_op:
        batch_op.create_index("ix_logged_requests_client_id_id", ["client_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_logged_requests_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "webhook_inboxes",
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_webhook_inboxes_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", "environment", name=op.f("pk_webhook_inboxes")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_webhook_inboxes_token_hash")),
    )
    op.create_table(
        "webhook_inbox_messages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("webhook_type", sa.String(length=64), nullable=True),
        sa.Column("webhook_code", sa.String(length=64), nullable=True),
        sa.Column("item_id", sa.String(length=64), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("verification_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_webhook_inbox_messages_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_inbox_messages")),
    )
    with op.batch_alter_table("webhook_inbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_inbox_messages_client_id_id", ["client_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_inbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_inbox_messages_client_id_id")
    op.drop_table("webhook_inbox_messages")
    op.drop_table("webhook_inboxes")
    with op.batch_alter_table("logged_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_logged_requests_request_id"))
        batch_op.drop_index("ix_logged_requests_client_id_id")
    op.drop_table("logged_requests")

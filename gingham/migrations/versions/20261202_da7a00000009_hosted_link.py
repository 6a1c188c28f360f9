"""hosted link: each hosted link token's page, and the deliveries Link Delivery would send

Revision ID: da7a00000009
Revises: da7a00000008
Create Date: 2026-12-02 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gingham.db import UTCDateTime

revision = "da7a00000009"
down_revision = "da7a00000008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hosted_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("url_key_hash", sa.String(length=64), nullable=False),
        sa.Column("link_token_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("link_token_sealed", sa.String(length=200), nullable=False),
        sa.Column("completion_redirect_uri", sa.Text(), nullable=True),
        sa.Column("is_mobile_app", sa.Boolean(), nullable=False),
        sa.Column("delivery_method", sa.String(length=8), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_hosted_links_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_token_id"],
            ["link_tokens.id"],
            name=op.f("fk_hosted_links_link_token_id_link_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosted_links")),
        sa.UniqueConstraint("link_token_id", name=op.f("uq_hosted_links_link_token_id")),
        sa.UniqueConstraint("url_key_hash", name=op.f("uq_hosted_links_url_key_hash")),
    )
    op.create_index(op.f("ix_hosted_links_client_id"), "hosted_links", ["client_id"])
    op.create_table(
        "hosted_link_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("hosted_link_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("delivery_method", sa.String(length=8), nullable=False),
        sa.Column("destination", sa.String(length=320), nullable=False),
        sa.Column("url_sealed", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_hosted_link_deliveries_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hosted_link_id"],
            ["hosted_links.id"],
            name=op.f("fk_hosted_link_deliveries_hosted_link_id_hosted_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosted_link_deliveries")),
    )
    op.create_index(
        op.f("ix_hosted_link_deliveries_hosted_link_id"),
        "hosted_link_deliveries",
        ["hosted_link_id"],
    )
    op.create_index(
        "ix_hosted_link_deliveries_client_id_created_at",
        "hosted_link_deliveries",
        ["client_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_table("hosted_link_deliveries")
    op.drop_index(op.f("ix_hosted_links_client_id"), table_name="hosted_links")
    op.drop_table("hosted_links")

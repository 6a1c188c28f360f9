"""link customizations, the use cases an Item's user consented to (Data Transparency Messaging),
and the products an Item was linked with

Revision ID: 1f0e11fe0013
Revises: 1f0e11fe0012
Create Date: 2026-11-22 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gingham.db

revision = "1f0e11fe0013"
down_revision = "1f0e11fe0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_customizations",
        sa.Column("id", sa.String(length=37), nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("environment", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("account_select", sa.String(length=16), nullable=False),
        sa.Column("data_transparency", sa.Boolean(), nullable=False),
        sa.Column("use_cases", sa.JSON(), nullable=False),
        sa.Column("updated_at", gingham.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["api_clients.id"],
            name=op.f("fk_link_customizations_client_id_api_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_customizations")),
        sa.UniqueConstraint(
            "client_id", "environment", "name", name=op.f("uq_link_customizations_client_id")
        ),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consented_use_cases", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("initial_products", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("initial_products")
        batch_op.drop_column("consented_use_cases")
    op.drop_table("link_customizations")

"""join the webhook outbox and sandbox clock branches

Revision ID: 9e7e0ed00009
Revises: 3eb0c0de0007, c10c0ed00008
Create Date: 2026-11-21 22:42:35.607252
"""

from __future__ import annotations

revision = "9e7e0ed00009"
down_revision = ("3eb0c0de0007", "c10c0ed00008")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

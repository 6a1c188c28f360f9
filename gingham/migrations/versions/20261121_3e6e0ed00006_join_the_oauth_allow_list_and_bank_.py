"""join the OAuth, allow-list and bank branches

Revision ID: 3e6e0ed00006
Revises: 0a0711ed0003, a11c0ed0001, b4a4c0ed0001
Create Date: 2026-11-21 21:51:52.910142
"""

from __future__ import annotations

revision = "3e6e0ed00006"
down_revision = ("0a0711ed0003", "a11c0ed0001", "b4a4c0ed0001")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

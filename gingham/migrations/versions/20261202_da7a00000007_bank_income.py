"""bank income: users' income reports and their refreshes

Revision ID: da7a00000007
Revises: da7a00000006
Create Date: 2026-12-02 12:00:00.000000
"""

from __future__ import annotations

revision = "da7a00000007"
down_revision = "da7a00000006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

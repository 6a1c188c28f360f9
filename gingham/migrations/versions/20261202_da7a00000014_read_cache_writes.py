"""read cache: a count of the writes to Items, access tokens and accounts, kept by triggers

Revision ID: da7a00000014
Revises: da7a00000013
Create Date: 2026-12-02 22:30:00.000000

Every process that answers the API keeps Items and accounts in memory (gingham.read_cache) and
checks, once per read, that no transaction has changed them since. Triggers keep the count, so
that every writer counts: API processes, `gingham worker`, the timer loop, the command line, a
migration, a test writing through its own session. How the count is kept differs by database
(gingham/read_cache/__init__.py says why).

A later migration that rebuilds one of these tables on SQLite (batch mode copies it into a new
table) drops its triggers with the old table and must create them again;
tests/test_read_cache_count.py fails until it does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "da7a00000014"
down_revision = "da7a00000013"
branch_labels = None
depends_on = None

TABLES = ("items", "access_tokens", "accounts")
SQLITE_EVENTS = ("insert", "update", "delete")
POSTGRES_STRIPES = 64

# Deferred to the commit, the constraint trigger runs once per transaction (the setting is
# local to it) and holds the stripe's row lock only while the transaction commits. The table
# is named with the trigger's schema, so the count follows the tables whatever search_path the
# writer has.
POSTGRES_FUNCTION = f"""
CREATE FUNCTION read_cache_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('gingham.read_cache_counted', true), '') = '' THEN
        PERFORM set_config('gingham.read_cache_counted', 'yes', true);
        EXECUTE format(
            'UPDATE %I.read_cache_writes SET writes = writes + 1 WHERE stripe = $1',
            TG_TABLE_SCHEMA
        ) USING pg_backend_pid() % {POSTGRES_STRIPES};
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "read_cache_writes",
        sa.Column("stripe", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("writes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("stripe", name=op.f("pk_read_cache_writes")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    stripes = range(POSTGRES_STRIPES) if postgres else range(1)
    op.bulk_insert(
        sa.table("read_cache_writes", sa.column("stripe"), sa.column("writes")),
        [{"stripe": stripe, "writes": 0} for stripe in stripes],
    )
    if postgres:
        op.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER read_cache_{table} "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION read_cache_count_write()"
            )
            # TRUNCATE fires no row triggers, and constraint triggers cannot be per statement.
            op.execute(
                f"CREATE TRIGGER read_cache_{table}_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION read_cache_count_write()"
            )
        return
    # SQLite has row triggers only, run as each row changes; its writers take turns on the
    # database lock, so the one row costs them no concurrency.
    for table in TABLES:
        for event in SQLITE_EVENTS:
            op.execute(
                f"CREATE TRIGGER read_cache_{table}_{event} AFTER {event.upper()} ON {table} "
                "BEGIN UPDATE read_cache_writes SET writes = writes + 1; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER read_cache_{table}_truncate ON {table}")
            op.execute(f"DROP TRIGGER read_cache_{table} ON {table}")
        op.execute("DROP FUNCTION read_cache_count_write()")
    else:
        for table in TABLES:
            for event in SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER read_cache_{table}_{event}")
    op.drop_table("read_cache_writes")

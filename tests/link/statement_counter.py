"""Counting the SQL statements a request runs, for the tests that pin how many each Link step
needs (a query added per event or per account shows up as a higher count)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

# The test wiring runs each unit of work in a SAVEPOINT; those statements are not the app's.
_WIRING = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class Statements:
    """The statements run while counting, as their SQL text (an executemany counts once)."""

    sql: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sql)

    def updates_of(self, table: str) -> int:
        return sum(1 for s in self.sql if s.startswith(f"UPDATE {table} "))

    def inserts_into(self, table: str) -> int:
        return sum(1 for s in self.sql if s.startswith(f"INSERT INTO {table} "))

    def selects_from(self, table: str) -> int:
        return sum(1 for s in self.sql if s.startswith("SELECT") and f"FROM {table}" in s)

    def __str__(self) -> str:
        return "\n".join(f"{i:3} {s[:160]}" for i, s in enumerate(self.sql, 1))


@contextmanager
def counting_statements(bind: Engine | Connection) -> Iterator[Statements]:
    statements = Statements()

    def before_cursor_execute(
        conn: Connection, cursor: Any, sql: str, params: Any, context: Any, executemany: bool
    ) -> None:
        text = " ".join(sql.split())
        if not text.upper().startswith(_WIRING):
            statements.sql.append(text)

    event.listen(bind, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", before_cursor_execute)

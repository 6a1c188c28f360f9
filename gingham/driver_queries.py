"""The hot paths' SQL, run straight on the database driver.

SQLAlchemy defines the tables and writes the SQL; executing a statement through it costs several
times what the driver does (result and type machinery, statement cache look-ups, events). The
queries every request makes are therefore compiled here once per dialect and run on the DBAPI
connection under the request's SQLAlchemy connection, so they share its transaction, and their
rows are decoded straight into the existing frozen records, each column the way its SQLAlchemy
type would decode it (tests/test_driver_queries.py compares the two on both databases).

Services call the named queries at the bottom; no other module touches a cursor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import Select

from gingham.accounts.models import Account, AccountRecord
from gingham.clients.models import ClientSecret
from gingham.db import BoundedString, UTCDateTime
from gingham.items.models import AccessToken, Item, ItemRecord
from gingham.link_tokens.models import LinkToken
from gingham.read_cache.models import ReadCacheWrites
from gingham.request_log.models import LoggedRequest
from gingham.sandbox_clock.models import SandboxClock

Record = TypeVar("Record")
Decode = Callable[[Any], Any]


def _sqlite_utc(value: str | None) -> datetime | None:
    # SQLAlchemy stores SQLite datetimes as ISO text, naive, in UTC (gingham.db.UTCDateTime).
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _aware_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(value: Any) -> Any:
    # psycopg decodes json itself; SQLite hands back the text SQLAlchemy's json.dumps wrote,
    # which orjson reads faster, except for what only json reads (NaN).
    if not isinstance(value, str):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return json.loads(value)


def _sqlite_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _decoder(type_: Any, dialect: Dialect) -> Decode | None:
    sqlite = dialect.name == "sqlite"
    if isinstance(type_, UTCDateTime):
        return _sqlite_utc if sqlite else _aware_utc
    if isinstance(type_, JSON):
        return _json
    if isinstance(type_, Boolean):
        return _sqlite_bool if sqlite else None
    if isinstance(type_, BoundedString):
        # Checks values on the way in only.
        type_ = type_.impl_instance
    # Both drivers hand strings, integers and doubles over as Python wants them.
    if isinstance(type_, String | Integer) or (isinstance(type_, Float) and not type_.asdecimal):
        return None
    raise ValueError(f"no decoder for a {type_!r} column: add one here")


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # Parameter names in placeholder order (qmark), or None where the driver takes a mapping.
    order: tuple[str, ...] | None
    binders: tuple[tuple[str, Decode], ...]
    # (column index, decoder) for the columns that need decoding; the others pass as they come.
    decoders: tuple[tuple[int, Decode], ...]


class NamedQuery(Generic[Record]):
    """A Core statement compiled once per dialect; rows become `make(*columns)`."""

    def __init__(self, statement: Select[Any] | UpdateBase, make: Callable[..., Record]) -> None:
        for bind in statement.compile().binds.values():
            # A value fixed into the statement would be compiled in once and for all.
            if not bind.required or bind.expanding:
                raise ValueError(f"{bind.key}: give every parameter as bindparam(name)")
        self.statement = statement
        self.make = make
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        if compiled.escaped_bind_names:
            raise ValueError("parameter names must need no escaping")
        binders = []
        for name, bind in compiled.binds.items():
            binder = bind.type._cached_bind_processor(dialect)
            if binder is not None:
                binders.append((name, binder))
        order = compiled.positiontup
        return _Compiled(
            sql=compiled.string,
            order=tuple(order) if order is not None else None,
            binders=tuple(binders),
            decoders=tuple(
                (index, decode)
                for index, column in enumerate(self.statement.exported_columns)
                if (decode := _decoder(column.type, dialect)) is not None
            ),
        )

    @staticmethod
    def _arguments(compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        if compiled.binders:
            params = dict(params)
            for name, binder in compiled.binders:
                params[name] = binder(params[name])
        return params if compiled.order is None else [params[n] for n in compiled.order]

    def _run(
        self, session: Session, params: Sequence[Mapping[str, Any]], *, many: bool = False
    ) -> tuple[_Compiled, Sequence[Any]]:
        connection = session.connection()
        compiled = self._for(connection.dialect)
        arguments = [self._arguments(compiled, each) for each in params]
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if connection._has_events or connection.engine._has_events:
                # What listens to SQLAlchemy's statements hears these too: the read-only guard
                # (gingham.db.READ_ONLY), and tests that count queries.
                connection.dispatch.before_cursor_execute(
                    connection,
                    cursor,
                    compiled.sql,
                    arguments if many else arguments[0],
                    None,
                    many,
                )
            if many:
                cursor.executemany(compiled.sql, arguments)
                return compiled, []
            cursor.execute(compiled.sql, arguments[0])
            return compiled, [] if cursor.description is None else cursor.fetchall()
        finally:
            cursor.close()

    def _decode(self, decoders: tuple[tuple[int, Decode], ...], row: Any) -> Record:
        if decoders:
            row = list(row)
            for index, decode in decoders:
                row[index] = decode(row[index])
        return self.make(*row)

    def all(self, session: Session, **params: Any) -> list[Record]:
        compiled, rows = self._run(session, [params])
        return [self._decode(compiled.decoders, row) for row in rows]

    def first(self, session: Session, **params: Any) -> Record | None:
        compiled, rows = self._run(session, [params])
        return self._decode(compiled.decoders, rows[0]) if rows else None

    def execute(self, session: Session, **params: Any) -> None:
        """Run a statement that returns no rows (an INSERT)."""
        self._run(session, [params])

    def execute_many(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement that returns no rows once for each of `rows` (the driver's
        executemany)."""
        if rows:
            self._run(session, rows, many=True)


# --- The named queries ------------------------------------------------------------------------

SECRET_ENVIRONMENT: NamedQuery[str] = NamedQuery(
    select(ClientSecret.environment).where(
        ClientSecret.secret_hash == bindparam("secret_hash"),
        ClientSecret.client_id == bindparam("client_id"),
        ClientSecret.revoked_at.is_(None),
    ),
    str,
)

CLOCK_OFFSET: NamedQuery[float] = NamedQuery(
    select(SandboxClock.offset_seconds).where(SandboxClock.client_id == bindparam("client_id")),
    float,
)

ITEM_COLUMNS = [Item.__table__.c[f.name] for f in fields(ItemRecord)]

# The access token's primary key is the only selective predicate, so every database plans this
# as two primary-key probes whatever its statistics say.
ITEM_BY_ACCESS_TOKEN: NamedQuery[ItemRecord] = NamedQuery(
    select(*ITEM_COLUMNS)
    .join_from(AccessToken, Item, AccessToken.item_id == Item.id)
    .where(AccessToken.token_hash == bindparam("token_hash"), AccessToken.revoked_at.is_(None)),
    ItemRecord,
)

ITEM_BY_ID: NamedQuery[ItemRecord] = NamedQuery(
    select(*ITEM_COLUMNS).where(Item.id == bindparam("item_id")), ItemRecord
)

ACCOUNTS_OF_ITEM: NamedQuery[AccountRecord] = NamedQuery(
    select(*[Account.__table__.c[f.name] for f in fields(AccountRecord)])
    .where(Account.item_id == bindparam("item_id"), Account.unshared_at.is_(None))
    .order_by(Account.position),
    AccountRecord,
)

# The write count the read cache checks (gingham.read_cache); PostgreSQL's sum of bigints is a
# numeric, cast back so that both databases hand over an int.
READ_CACHE_VERSION: NamedQuery[int | None] = NamedQuery(
    select(cast(func.sum(ReadCacheWrites.writes), BigInteger)), lambda value: value
)

# /link/token/create's one write: every column of the row, each value through its column type's
# processor (the configuration serialized as JSON, the times as UTC), as SQLAlchemy would bind it.
INSERT_LINK_TOKEN: NamedQuery[None] = NamedQuery(
    insert(LinkToken).values({c.key: bindparam(c.key) for c in LinkToken.__table__.columns}),
    lambda: None,
)

# The request log's writer's rows, a batch at a time (gingham.request_log.writer): SQLAlchemy's
# executemany cost some 47 µs a row, most of it its own; the driver's, a fraction of that.
INSERT_LOGGED_REQUESTS: NamedQuery[None] = NamedQuery(
    insert(LoggedRequest).values(
        {c.key: bindparam(c.key) for c in LoggedRequest.__table__.columns}
    ),
    lambda: None,
)

"""The cached reads the services make, and the wiring that gives an engine its cache."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from gingham import driver_queries
from gingham.accounts.models import AccountRecord
from gingham.db import READ_ONLY
from gingham.items.models import ItemRecord
from gingham.read_cache.cache import ReadCache

# The execution option carrying an engine's cache to its connections: read next to READ_ONLY,
# in the same dictionary, it costs nothing to find.
CACHE = "gingham_read_cache"
# Where a unit of work keeps the version it read, so that its reads share one check.
_VERSION = "gingham_read_cache_version"

Key = TypeVar("Key")
Value = TypeVar("Value")


def install(engine: Engine, capacity: int) -> ReadCache | None:
    """Give the engine's read-only units of work a new cache of `capacity` entries of each
    kind, or none when `capacity` is 0 (GINGHAM_READ_CACHE=0)."""
    cache = ReadCache(capacity) if capacity > 0 else None
    engine.update_execution_options(**{CACHE: cache})
    return cache


def item_by_access_token(session: Session, token_hash: str) -> ItemRecord | None:
    """The Item a live access token reaches (driver_queries.ITEM_BY_ACCESS_TOKEN)."""
    return _read_through(
        session,
        lambda cache: cache.items_by_token,
        token_hash,
        lambda: driver_queries.ITEM_BY_ACCESS_TOKEN.first(session, token_hash=token_hash),
    )


def item_by_id(session: Session, item_id: str) -> ItemRecord | None:
    """The Item with this id, removed or not (driver_queries.ITEM_BY_ID)."""
    return _read_through(
        session,
        lambda cache: cache.items_by_id,
        item_id,
        lambda: driver_queries.ITEM_BY_ID.first(session, item_id=item_id),
    )


def accounts_of_item(session: Session, item_id: str) -> list[AccountRecord]:
    """The Item's shared accounts in the institution's order (driver_queries.ACCOUNTS_OF_ITEM)."""
    accounts = _read_through(
        session,
        lambda cache: cache.accounts_by_item,
        item_id,
        lambda: tuple(driver_queries.ACCOUNTS_OF_ITEM.all(session, item_id=item_id)),
    )
    # A list of its own, as the query gives: callers may filter or extend it.
    return list(accounts or ())


def _read_through(
    session: Session,
    entries_of: Callable[[ReadCache], OrderedDict[Key, Value]],
    key: Key,
    load: Callable[[], Value | None],
) -> Value | None:
    """The cached value of `key` among `entries_of(cache)`, else `load()`'s, kept when the unit
    of work may use the cache. What reaches nothing is not kept: anyone may send any number of
    unknown tokens."""
    cached = _cache_at_version(session)
    if cached is None:
        return load()
    cache, version = cached
    entries = entries_of(cache)
    value = cache.get(entries, version, key)
    if value is None:
        value = load()
        if value is not None:
            cache.put(entries, version, key, value)
    return value


def _cache_at_version(session: Session) -> tuple[ReadCache, int] | None:
    """The engine's cache and the write count this unit of work reads it at, or None where the
    unit must read the database (gingham.read_cache says where)."""
    connection = session.connection()
    options = connection.get_execution_options()
    cache = options.get(CACHE)
    if cache is None or not options.get(READ_ONLY):
        return None
    version = session.info.get(_VERSION)
    if version is None:
        if not _outside_transaction(connection):
            return None
        version = driver_queries.READ_CACHE_VERSION.first(session)
        if version is None:
            return None
        session.info[_VERSION] = version
    assert isinstance(cache, ReadCache)
    return cache, version


def _outside_transaction(connection: Connection) -> bool:
    """Whether the driver runs each statement on its own, seeing only committed rows."""
    dbapi_connection = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        return not dbapi_connection.in_transaction  # type: ignore[union-attr]
    # psycopg's TransactionStatus.IDLE; INTRANS and INERROR are inside one.
    return bool(dbapi_connection.info.transaction_status == 0)  # type: ignore[union-attr]

"""What the read cache stands on (gingham.read_cache): the database counts every committed
change to Items, access tokens and accounts, whoever makes it, and nothing else; the cache keeps
to one count, a bounded number of entries, and units of work outside any transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, text, update
from sqlalchemy.orm import Session, sessionmaker

from gingham.accounts.models import Account
from gingham.clients import service as clients_service
from gingham.config import DEFAULT_READ_CACHE, Settings
from gingham.db import READ_ONLY, make_engine, make_session_factory, read_only_session
from gingham.items.models import AccessToken, Item, ItemRecord
from gingham.read_cache import service as read_cache
from gingham.read_cache.cache import ReadCache

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def version(engine: Engine) -> int:
    # Read-only, so that on SQLite it reads beside a writer instead of waiting for its lock.
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        count: int = connection.execute(text("SELECT sum(writes) FROM read_cache_writes")).scalar()
        return count


def new_item(session: Session) -> str:
    client_id = clients_service.create_client(session, "Counted app", NOW).client_id
    item_id = f"item-{uuid.uuid4().hex}"
    session.add(
        Item(
            id=item_id,
            client_id=client_id,
            environment="sandbox",
            billed_products=[],
            consented_products=[],
            update_type="background",
            created_at=NOW,
        )
    )
    # No relationships order the inserts: the Item goes first.
    session.flush()
    session.add(AccessToken(token_hash=f"hash-{item_id}", item_id=item_id, created_at=NOW))
    for position in range(3):
        session.add(
            Account(
                id=f"account-{uuid.uuid4().hex[:24]}",
                item_id=item_id,
                position=position,
                name="Checking",
                type="depository",
                balances_updated_at=NOW,
            )
        )
    return item_id


@pytest.fixture
def item_id(committed_sessions: sessionmaker[Session]) -> str:
    with committed_sessions() as session, session.begin():
        return new_item(session)


Change = Callable[[Session, str], object]
CHANGES: dict[str, Change] = {
    "item updated": lambda s, i: s.execute(update(Item).where(Item.id == i).values(webhook="w")),
    "token revoked": lambda s, i: s.execute(
        update(AccessToken).where(AccessToken.item_id == i).values(revoked_at=NOW)
    ),
    "token deleted": lambda s, i: s.execute(delete(AccessToken).where(AccessToken.item_id == i)),
    "balance changed": lambda s, i: s.execute(
        update(Account).where(Account.item_id == i).values(current_balance=1.5)
    ),
    "account deleted": lambda s, i: s.execute(delete(Account).where(Account.item_id == i)),
    # The access token and accounts go by ON DELETE CASCADE, which fires their triggers too.
    "item deleted": lambda s, i: s.execute(delete(Item).where(Item.id == i)),
}


class TestTheWriteCount:
    @pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
    def test_a_committed_change_counts(
        self,
        committed_engine: Engine,
        committed_sessions: sessionmaker[Session],
        item_id: str,
        change: Change,
    ) -> None:
        before = version(committed_engine)
        with committed_sessions() as session, session.begin():
            change(session, item_id)
        assert version(committed_engine) > before

    def test_a_new_item_counts(
        self, committed_engine: Engine, committed_sessions: sessionmaker[Session]
    ) -> None:
        before = version(committed_engine)
        with committed_sessions() as session, session.begin():
            new_item(session)
        after = version(committed_engine)
        assert after > before
        # PostgreSQL counts once per transaction (a deferred trigger), SQLite once per row.
        assert after - before == (1 if committed_engine.dialect.name == "postgresql" else 5)

    def test_a_change_counts_only_once_committed(
        self, committed_engine: Engine, committed_sessions: sessionmaker[Session], item_id: str
    ) -> None:
        before = version(committed_engine)
        with committed_sessions() as session:
            session.begin()
            session.execute(update(Item).where(Item.id == item_id).values(webhook="pending"))
            session.flush()
            assert version(committed_engine) == before
            session.rollback()
        assert version(committed_engine) == before

    def test_other_tables_do_not_count(
        self, committed_engine: Engine, committed_sessions: sessionmaker[Session]
    ) -> None:
        before = version(committed_engine)
        with committed_sessions() as session, session.begin():
            clients_service.create_client(session, "Uncounted app", NOW)
        assert version(committed_engine) == before

    # SQLite has no TRUNCATE (its DELETE fires the row triggers, counted above).
    @pytest.mark.parametrize("committed_url", ["postgresql"], indirect=True)
    def test_truncate_counts(
        self, committed_engine: Engine, committed_sessions: sessionmaker[Session], item_id: str
    ) -> None:
        before = version(committed_engine)
        with committed_engine.begin() as connection:
            connection.execute(text("TRUNCATE access_tokens"))
        assert version(committed_engine) > before

    # search_path is PostgreSQL's.
    @pytest.mark.parametrize("committed_url", ["postgresql"], indirect=True)
    def test_a_session_whose_search_path_differs_still_counts(
        self, committed_engine: Engine, committed_url: str, item_id: str
    ) -> None:
        before = version(committed_engine)
        schema = committed_url.rsplit("%3D", 1)[1]
        with committed_engine.begin() as connection:
            connection.execute(text("SET LOCAL search_path TO public"))
            connection.execute(
                text(f'UPDATE "{schema}".items SET webhook = :w WHERE id = :id'),
                {"w": "elsewhere", "id": item_id},
            )
        assert version(committed_engine) > before


@pytest.fixture
def cached_engine(committed_url: str) -> Iterator[Engine]:
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


class TestWhereTheCacheIsUsed:
    def test_a_read_only_unit_keeps_what_it_read(self, cached_engine: Engine, item_id: str) -> None:
        cache = read_cache.install(cached_engine, 10)
        assert cache is not None
        with read_only_session(make_session_factory(cached_engine)) as session:
            assert read_cache.item_by_id(session, item_id) is not None
            assert len(read_cache.accounts_of_item(session, item_id)) == 3
        assert len(cache) == 2

    def test_a_unit_that_writes_keeps_nothing(self, cached_engine: Engine, item_id: str) -> None:
        cache = read_cache.install(cached_engine, 10)
        assert cache is not None
        with make_session_factory(cached_engine)() as session, session.begin():
            assert read_cache.item_by_id(session, item_id) is not None
        assert len(cache) == 0

    def test_a_read_only_unit_inside_a_transaction_keeps_nothing(
        self, cached_engine: Engine, item_id: str
    ) -> None:
        # As on the tests' rolled-back connection: what it reads may never be committed.
        cache = read_cache.install(cached_engine, 10)
        assert cache is not None
        with cached_engine.connect() as connection, connection.begin():
            factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
            with read_only_session(factory) as session:
                assert read_cache.item_by_id(session, item_id) is not None
        assert len(cache) == 0

    def test_turned_off_there_is_no_cache(self, cached_engine: Engine) -> None:
        assert read_cache.install(cached_engine, 0) is None
        assert cached_engine.get_execution_options()[read_cache.CACHE] is None

    def test_the_setting(self) -> None:
        assert Settings.from_env({}).read_cache == DEFAULT_READ_CACHE
        assert Settings.from_env({"GINGHAM_READ_CACHE": "0"}).read_cache == 0
        assert Settings.from_env({"GINGHAM_READ_CACHE": "50"}).read_cache == 50


def record(item_id: str) -> ItemRecord:
    return ItemRecord(
        item_id, "client", "sandbox", None, None, [], [], None, None, "background", NOW, None,
        None, None, None, None, None,
    )  # fmt: skip


class TestReadCache:
    def test_the_least_recently_used_entry_leaves_first(self) -> None:
        cache = ReadCache(2)
        for name in ("a", "b"):
            cache.put(cache.items_by_id, 1, name, record(name))
        assert cache.get(cache.items_by_id, 1, "a") == record("a")
        cache.put(cache.items_by_id, 1, "c", record("c"))
        assert cache.get(cache.items_by_id, 1, "b") is None
        assert cache.get(cache.items_by_id, 1, "a") == record("a")
        assert len(cache) == 2

    def test_a_higher_count_drops_everything(self) -> None:
        cache = ReadCache(10)
        cache.put(cache.items_by_id, 1, "a", record("a"))
        cache.put(cache.accounts_by_item, 1, "a", ())
        assert cache.get(cache.items_by_id, 2, "a") is None
        assert len(cache) == 0

    def test_a_lower_count_neither_reads_nor_stores(self) -> None:
        cache = ReadCache(10)
        cache.put(cache.items_by_id, 2, "a", record("a"))
        # A reader that read the count before the latest commit: its rows may predate it.
        cache.put(cache.items_by_id, 1, "b", record("b"))
        assert cache.get(cache.items_by_id, 1, "a") is None
        assert cache.get(cache.items_by_id, 2, "b") is None
        assert cache.get(cache.items_by_id, 2, "a") == record("a")

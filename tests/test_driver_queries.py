"""The hot paths' SQL run on the driver (gingham.driver_queries) reads every row exactly as
SQLAlchemy does, on both databases; and a read-only unit of work cannot write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gingham import driver_queries
from gingham.accounts.models import Account, AccountRecord
from gingham.clients import service as clients_service
from gingham.clients.attempts import FailedCredentials
from gingham.clients.authentication import ApiKeyAuthenticator
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.crypto import SecretBox
from gingham.db import WriteInReadOnlyUnit, read_only_session
from gingham.items.models import AccessToken, Item, ItemRecord
from gingham.link_tokens.models import LinkToken
from gingham.request_log.models import LoggedRequest
from gingham.sandbox_clock.models import SandboxClock
from gingham.sandbox_clock.offsets import ClientClocks
from gingham.wire.context import JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import plaid_route
from gingham.wire.ids import token_hash

# Not UTC, with microseconds: both must come back as the same instant, in UTC.
EAST = timezone(timedelta(hours=5, minutes=30))
CREATED = datetime(2026, 3, 2, 15, 0, 0, 123456, tzinfo=EAST)


def _client(session: Session) -> str:
    return clients_service.create_client(session, "Decoder app", CREATED).client_id


def _item(session: Session, client_id: str, **overrides: Any) -> str:
    values: dict[str, Any] = {
        "id": f"item-{len(overrides)}-{id(overrides)}",
        "client_id": client_id,
        "environment": "sandbox",
        "institution_id": None,
        "webhook": "https://example.com/hook?ünïcode=✓",
        "billed_products": ["auth", "transactions"],
        "initial_products": None,
        "consented_products": [],
        "consented_use_cases": ["Überweisungen", "支付"],
        "error": {"error_code": "ITEM_LOGIN_REQUIRED", "nested": {"n": [1, 2.5, None, True]}},
        "error_cause": None,
        "error_at": None,
        "login_id": None,
        "consent_expires_at": CREATED + timedelta(days=365),
        "update_type": "background",
        "created_at": CREATED,
        "removed_at": None,
        **overrides,
    }
    session.execute(insert(Item), values)
    return str(values["id"])


def _orm_item(session: Session, item_id: str) -> ItemRecord:
    # Through SQLAlchemy's own execution and type processing, by Core and by the ORM alike.
    row = session.execute(select(*driver_queries.ITEM_COLUMNS).where(Item.id == item_id)).one()
    session.expire_all()
    loaded = session.get(Item, item_id)
    assert loaded is not None
    assert ItemRecord(*row) == ItemRecord(*[getattr(loaded, name) for name in ItemRecord.__slots__])
    return ItemRecord(*row)


class TestDecoders:
    def test_an_item_reads_as_sqlalchemy_reads_it(self, session: Session) -> None:
        item_id = _item(session, _client(session))
        read = driver_queries.ITEM_BY_ID.first(session, item_id=item_id)
        assert read == _orm_item(session, item_id)
        assert read is not None and read.created_at == CREATED
        assert read.created_at.tzinfo == UTC and read.created_at.microsecond == 123456
        assert read.consented_use_cases == ["Überweisungen", "支付"]

    def test_nulls_and_empty_json_read_alike(self, session: Session) -> None:
        item_id = _item(
            session,
            _client(session),
            webhook=None,
            error=None,
            consented_use_cases=None,
            consent_expires_at=None,
            billed_products=[],
            removed_at=CREATED,
        )
        read = driver_queries.ITEM_BY_ID.first(session, item_id=item_id)
        assert read == _orm_item(session, item_id)
        assert read is not None and (read.error, read.webhook, read.billed_products) == (
            None,
            None,
            [],
        )

    def test_an_item_by_its_access_token(self, session: Session) -> None:
        item_id = _item(session, _client(session))
        session.add(
            AccessToken(token_hash=token_hash("access-x"), item_id=item_id, created_at=CREATED)
        )
        session.flush()
        read = driver_queries.ITEM_BY_ACCESS_TOKEN.first(session, token_hash=token_hash("access-x"))
        assert read == _orm_item(session, item_id)
        assert driver_queries.ITEM_BY_ACCESS_TOKEN.first(session, token_hash="nope") is None

    def test_accounts_read_as_sqlalchemy_reads_them(self, session: Session) -> None:
        item_id = _item(session, _client(session))
        common: dict[str, Any] = {
            "item_id": item_id,
            "type": "depository",
            "balances_updated_at": CREATED,
        }
        session.add_all(
            [
                Account(
                    id="acc-b",
                    position=1,
                    name="Épargne «plus»",
                    numbers_tokenized=True,
                    available_balance=0.1,
                    current_balance=-12.75,
                    **common,
                ),
                Account(id="acc-a", position=0, name="Checking", mask="0000", **common),
                Account(id="acc-gone", position=2, name="Gone", unshared_at=CREATED, **common),
            ]
        )
        session.flush()
        read = driver_queries.ACCOUNTS_OF_ITEM.all(session, item_id=item_id)
        columns = [Account.__table__.c[name] for name in AccountRecord.__slots__]
        orm = [
            AccountRecord(*row)
            for row in session.execute(
                select(*columns)
                .where(Account.item_id == item_id, Account.unshared_at.is_(None))
                .order_by(Account.position)
            )
        ]
        assert read == orm
        session.expire_all()
        loaded = session.scalars(
            select(Account)
            .where(Account.item_id == item_id, Account.unshared_at.is_(None))
            .order_by(Account.position)
        ).all()
        assert read == [
            AccountRecord(*[getattr(account, name) for name in AccountRecord.__slots__])
            for account in loaded
        ]
        assert [(a.id, a.numbers_tokenized) for a in read] == [("acc-a", False), ("acc-b", True)]
        assert read[1].balances_updated_at == CREATED and read[1].current_balance == -12.75

    def test_scalars_and_their_absence(self, session: Session) -> None:
        client_id = _client(session)
        assert driver_queries.CLOCK_OFFSET.first(session, client_id=client_id) is None
        session.add(SandboxClock(client_id=client_id, offset_seconds=86400.5, updated_at=CREATED))
        session.flush()
        assert driver_queries.CLOCK_OFFSET.first(session, client_id=client_id) == 86400.5
        assert (
            driver_queries.SECRET_ENVIRONMENT.first(
                session, secret_hash="0" * 64, client_id=client_id
            )
            is None
        )

    def test_a_link_token_written_on_the_driver_reads_back_as_sqlalchemy_wrote_it(
        self, session: Session
    ) -> None:
        client_id = _client(session)
        values: dict[str, Any] = {
            "token_hash": "a" * 64,
            "token_hint": "link-sandbox-…4f9a1c",
            "client_id": client_id,
            "environment": "sandbox",
            "client_user_id": "user-ü 🦆",
            "item_id": None,
            "user_id": None,
            "config": {"products": ["auth"], "user": {"client_user_id": "user-ü 🦆"}, "n": 1.5},
            "created_at": CREATED,
            "expires_at": CREATED + timedelta(hours=4),
            "invalidated_at": None,
            "failed_logins": 0,
        }
        driver_queries.INSERT_LINK_TOKEN.execute(session, id="by-driver", **values)
        session.execute(insert(LinkToken).values(id="by-core", **values | {"token_hash": "b" * 64}))
        by_driver, by_core = (
            session.execute(select(LinkToken.__table__).where(LinkToken.id == token_id)).one()
            for token_id in ("by-driver", "by-core")
        )
        differing = {"id": "", "token_hash": ""}
        assert by_driver._asdict() | differing == by_core._asdict() | differing
        assert by_driver.config == values["config"]
        assert by_driver.created_at == CREATED and by_driver.created_at.tzinfo == UTC

    def test_many_rows_written_at_once_read_back_as_sqlalchemy_wrote_them(
        self, session: Session
    ) -> None:
        client_id = _client(session)
        rows: list[dict[str, Any]] = [
            {
                "id": f"by-driver-{number}",
                "client_id": client_id,
                "environment": "sandbox",
                "endpoint": "/accounts/get",
                "status": 400 + number,
                "error_code": None if number == 0 else "INVALID_FIELD",
                "latency_ms": 1.25 * number,
                "request_id": f"req-{number}",
                "request_body": None if number == 0 else '{"note": "ü 🦆"}',
                "response_body": '{"accounts": []}',
                "created_at": CREATED + timedelta(seconds=number),
            }
            for number in range(3)
        ]
        driver_queries.INSERT_LOGGED_REQUESTS.execute_many(session, rows)
        driver_queries.INSERT_LOGGED_REQUESTS.execute_many(session, [])
        session.execute(
            insert(LoggedRequest), [row | {"id": f"by-core-{row['status']}"} for row in rows]
        )
        table = LoggedRequest.__table__
        written = {
            row.id: row._asdict() for row in session.execute(select(table).order_by(table.c.id))
        }
        assert len(written) == 6
        for row in rows:
            by_driver = written[row["id"]]
            by_core = written[f"by-core-{row['status']}"]
            assert by_driver | {"id": ""} == by_core | {"id": ""}
            assert by_driver == row
        assert written["by-driver-1"]["created_at"].tzinfo == UTC

    def test_a_value_fixed_into_a_statement_is_refused(self) -> None:
        with pytest.raises(ValueError, match="bindparam"):
            driver_queries.NamedQuery(select(Item.id).where(Item.id == "fixed"), str)

    def test_a_too_long_parameter_is_refused_as_sqlalchemy_would(self, session: Session) -> None:
        from gingham import errors

        with pytest.raises(errors.PlaidError, match="at most 37"):
            driver_queries.ITEM_BY_ID.first(session, item_id="x" * 38)


class TestReadOnlyUnits:
    def test_a_write_fails_and_the_connection_writes_again_afterwards(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        with session_factory() as session, session.begin():
            item_id = _item(session, _client(session))
        with pytest.raises(WriteInReadOnlyUnit), read_only_session(session_factory) as session:
            assert driver_queries.ITEM_BY_ID.first(session, item_id=item_id) is not None
            session.execute(update(Item).where(Item.id == item_id).values(webhook=None))
        with pytest.raises(WriteInReadOnlyUnit), read_only_session(session_factory) as session:
            session.add(SandboxClock(client_id="x", offset_seconds=1.0, updated_at=CREATED))
        writing = driver_queries.NamedQuery(
            update(Item).where(Item.id == bindparam("item_id")).values(webhook=bindparam("hook")),
            str,
        )
        with pytest.raises(WriteInReadOnlyUnit), read_only_session(session_factory) as session:
            writing.all(session, item_id=item_id, hook=None)
        # The tests' units of work share one connection: read-only must not stick to it.
        with session_factory() as session, session.begin():
            session.execute(update(Item).where(Item.id == item_id).values(webhook=None))

    def test_an_endpoint_declared_read_only_cannot_write(
        self,
        settings: Settings,
        clock: FrozenClock,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        def writes(ctx: RequestContext, body: JSONObject) -> JSONObject:
            ctx.session.add(
                SandboxClock(client_id=ctx.caller.client_id, offset_seconds=1.0, updated_at=ctx.now)
            )
            ctx.session.flush()
            return {}

        runtime = Runtime(
            settings=settings,
            session_factory=session_factory,
            clock=clock,
            secrets=SecretBox(bytes(32)),
            authenticator=ApiKeyAuthenticator(FailedCredentials(limit=30)),
            client_clocks=ClientClocks(),
        )
        app = Starlette(routes=[plaid_route("/item/get", writes, runtime, read_only=True)])
        with TestClient(app, raise_server_exceptions=False) as test_client:
            response = test_client.post(
                "/item/get", json={"access_token": "access-sandbox-x", **credentials}
            )
        assert response.status_code == 500
        assert "write in a read-only unit of work" in caplog.text
        with session_factory() as session:
            assert session.get(SandboxClock, credentials["client_id"]) is None


class TestReadOnlyUnitsOnTheirOwnConnection:
    def test_a_write_fails_and_the_pooled_connection_writes_again_afterwards(
        self, committed_sessions: sessionmaker[Session]
    ) -> None:
        with committed_sessions() as session, session.begin():
            client_id = _client(session)
        with pytest.raises(WriteInReadOnlyUnit), read_only_session(committed_sessions) as session:
            assert driver_queries.CLOCK_OFFSET.first(session, client_id=client_id) is None
            session.add(SandboxClock(client_id=client_id, offset_seconds=1.0, updated_at=CREATED))
            session.flush()
        with committed_sessions() as session:
            assert session.get(SandboxClock, client_id) is None
        # The connection went back to the pool writable, and transactional again.
        with committed_sessions() as session, session.begin():
            session.add(SandboxClock(client_id=client_id, offset_seconds=2.0, updated_at=CREATED))
            session.flush()
            session.rollback()
        with committed_sessions() as session:
            assert session.get(SandboxClock, client_id) is None

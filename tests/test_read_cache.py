"""The read cache of Items and accounts (gingham.read_cache): a hit reads neither, and whatever
commits a change — the API, another connection, another OS process — the next read sees it, with
the cache on and off alike. The app reads a committed database through an engine of its own, as
`gingham serve` does; the tests write through another."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, delete, event, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.accounts.models import Account
from gingham.app import create_app
from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory
from gingham.items.models import Item
from tests.builders import PlaidCaller
from tests.live_server import create_api_client, empty_database, running_server, server_environment
from tests.update_mode.test_account_selection import (
    HOLIDAY_FUND,
    link_with,
    open_account,
    sign_in_again,
    update_token,
)
from tests.update_mode.test_account_selection import select as select_accounts

# Statements that read what the cache keeps; the version check reads read_cache_writes only.
CACHED_TABLES = re.compile(r"\b(items|access_tokens|accounts)\b")


@pytest.fixture(params=[100, 0], ids=["cache", "no-cache"])
def read_cache_size(request: pytest.FixtureRequest) -> int:
    size: int = request.param
    return size


@pytest.fixture
def reading_engine(committed_url: str) -> Iterator[Engine]:
    """The app's own engine, and so its own cache, as in a `gingham serve` process."""
    engine = make_engine(committed_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app_client(
    committed_settings: Settings, clock: FrozenClock, reading_engine: Engine, read_cache_size: int
) -> Iterator[TestClient]:
    settings = replace(committed_settings, read_cache=read_cache_size)
    app = create_app(settings, clock=clock, session_factory=make_session_factory(reading_engine))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def api(
    app_client: TestClient, committed_sessions: sessionmaker[Session], clock: FrozenClock
) -> PlaidCaller:
    with committed_sessions() as session, session.begin():
        issued = clients_service.create_client(session, "Cached app", clock.now())
    return PlaidCaller(app_client, {"client_id": issued.client_id, "secret": issued.secret})


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL the engine runs inside the block, driver queries included."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def accounts(api: PlaidCaller, token: str) -> dict[str, dict[str, Any]]:
    answer = api.ok("/accounts/get", {"access_token": token})
    return {account["mask"]: account for account in answer["accounts"]}


def item_id_of(api: PlaidCaller, token: str) -> str:
    item_id: str = api.ok("/item/get", {"access_token": token})["item"]["item_id"]
    return item_id


def set_balance(sessions: sessionmaker[Session], item_id: str, mask: str, value: float) -> None:
    with sessions() as session, session.begin():
        session.execute(
            update(Account)
            .where(Account.item_id == item_id, Account.mask == mask)
            .values(current_balance=value)
        )


# Run by another Python process: one UPDATE through Gingham's own engine, committed.
OTHER_PROCESS = """
import sys
from sqlalchemy import text
from gingham.db import make_engine
engine = make_engine(sys.argv[1])
with engine.begin() as connection:
    connection.execute(text(sys.argv[2]), {"item_id": sys.argv[3], "value": float(sys.argv[4])})
engine.dispose()
"""


def set_balance_from_another_process(url: str, item_id: str, value: float) -> None:
    sql = "UPDATE accounts SET current_balance = :value WHERE item_id = :item_id"
    subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, url, sql, item_id, str(value)],
        check=True,
        timeout=60,
    )


class TestHits:
    def test_a_repeated_read_reads_no_item_or_account_rows(
        self, api: PlaidCaller, reading_engine: Engine, read_cache_size: int
    ) -> None:
        token = api.access_token()
        first = api.ok("/accounts/get", {"access_token": token})
        with statements(reading_engine) as seen:
            again = api.ok("/accounts/get", {"access_token": token})
            api.ok("/item/get", {"access_token": token})
        assert again["accounts"] == first["accounts"]
        reads = [s for s in seen if CACHED_TABLES.search(s)]
        checks = [s for s in seen if "read_cache_writes" in s]
        if read_cache_size:
            # /item/get reads the Item by token as /accounts/get did: one check per request.
            assert reads == []
            assert len(checks) == 2
        else:
            assert len(reads) == 3
            assert checks == []

    def test_a_request_that_writes_reads_the_database(
        self, api: PlaidCaller, reading_engine: Engine
    ) -> None:
        token = api.access_token()
        api.ok("/accounts/balance/get", {"access_token": token})
        with statements(reading_engine) as seen:
            api.ok("/accounts/balance/get", {"access_token": token})
        assert [s for s in seen if CACHED_TABLES.search(s)]
        assert not [s for s in seen if "read_cache_writes" in s]


class TestChangesCommittedElsewhere:
    def test_another_connection(
        self, api: PlaidCaller, committed_sessions: sessionmaker[Session]
    ) -> None:
        token = api.access_token()
        assert accounts(api, token)["0000"]["balances"]["current"] == 110
        set_balance(committed_sessions, item_id_of(api, token), "0000", 4321.5)
        assert accounts(api, token)["0000"]["balances"]["current"] == 4321.5

    def test_another_process(self, api: PlaidCaller, committed_url: str) -> None:
        token = api.access_token()
        item_id = item_id_of(api, token)
        assert accounts(api, token)["0000"]["balances"]["current"] == 110
        set_balance_from_another_process(committed_url, item_id, 77.25)
        assert {a["balances"]["current"] for a in accounts(api, token).values()} == {77.25}

    def test_the_item_removed_by_another_connection(
        self, api: PlaidCaller, committed_sessions: sessionmaker[Session]
    ) -> None:
        token = api.access_token()
        accounts(api, token)
        item_id = item_id_of(api, token)
        with committed_sessions() as session, session.begin():
            session.execute(delete(Item).where(Item.id == item_id))
        assert api.error("/accounts/get", {"access_token": token})["error_code"] == (
            "INVALID_ACCESS_TOKEN"
        )

    def test_a_rolled_back_change_is_never_seen(
        self, api: PlaidCaller, committed_sessions: sessionmaker[Session]
    ) -> None:
        token = api.access_token()
        item_id = item_id_of(api, token)
        accounts(api, token)
        with committed_sessions() as session:
            session.begin()
            session.execute(update(Account).where(Account.item_id == item_id).values(mask="0"))
            assert accounts(api, token)["0000"]["balances"]["current"] == 110
            session.rollback()
        assert accounts(api, token)["0000"]["balances"]["current"] == 110


class TestChangesThroughTheApi:
    def test_removal(self, api: PlaidCaller) -> None:
        token = api.access_token()
        accounts(api, token)
        api.ok("/item/remove", {"access_token": token})
        assert api.error("/accounts/get", {"access_token": token})["error_code"] == (
            "INVALID_ACCESS_TOKEN"
        )
        assert api.error("/item/get", {"access_token": token})["error_code"] == (
            "INVALID_ACCESS_TOKEN"
        )

    def test_access_token_rotation(self, api: PlaidCaller) -> None:
        token = api.access_token()
        before = accounts(api, token)
        rotated = api.ok("/item/access_token/invalidate", {"access_token": token})
        assert api.error("/accounts/get", {"access_token": token})["error_code"] == (
            "INVALID_ACCESS_TOKEN"
        )
        assert accounts(api, rotated["new_access_token"]) == before

    def test_an_item_error_from_the_sandbox(self, api: PlaidCaller) -> None:
        token = api.access_token()
        assert api.ok("/item/get", {"access_token": token})["item"]["error"] is None
        api.ok("/sandbox/item/reset_login", {"access_token": token})
        item = api.ok("/item/get", {"access_token": token})["item"]
        assert item["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

    def test_balances_moving_on_the_sandbox_clock(self, api: PlaidCaller) -> None:
        token = api.access_token(initial_products=["investments"])
        api.ok("/investments/holdings/get", {"access_token": token})
        opening = accounts(api, token)["6666"]["balances"]["current"]
        api.ok("/_gingham/clock/advance", {"by": "P30D"})
        assert accounts(api, token)["6666"]["balances"]["current"] > opening

    def test_an_account_added_in_update_mode(
        self, api: PlaidCaller, app_client: TestClient
    ) -> None:
        token = link_with(api, ["0000", "1111"])
        assert list(accounts(api, token)) == ["0000", "1111"]
        # The sandbox bank outlives the test: each run opens an account of its own.
        mask = f"5{secrets.randbelow(555):03d}"  # 5000-5554: none of user_good's masks
        opened = {**HOLIDAY_FUND, "meta": {"name": "Holiday fund", "mask": mask}}
        open_account(api, opened)
        frame = sign_in_again(app_client, update_token(api, token))
        select_accounts(frame, "0000", "1111", mask)
        assert list(accounts(api, token)) == ["0000", "1111", mask]


# --- Real `gingham serve` processes -----------------------------------------------------------

# Reads per step: each on a new connection, so that every API process answers some of them.
ROUNDS = 12


@contextmanager
def served(
    backend: str, tmp_path_factory: pytest.TempPathFactory, processes: int
) -> Iterator[tuple[httpx.Client, str]]:
    """`gingham serve` with `processes` API processes, each with its cache on (the default): an
    HTTP client calling it with an API client's credentials, and the database's URL."""
    with empty_database(backend, tmp_path_factory) as database:
        environment = server_environment(database)
        client_id, secret = create_api_client(environment, "Read cache tests")
        log_path = tmp_path_factory.mktemp(f"read-cache-{backend}") / "server.log"
        options = ("--workers", str(processes)) if processes > 1 else ()
        with (
            running_server(environment, log_path, *options) as server,
            httpx.Client(
                base_url=server.base_url,
                headers={"PLAID-CLIENT-ID": client_id, "PLAID-SECRET": secret},
                limits=httpx.Limits(max_keepalive_connections=0),
                timeout=30.0,
            ) as http,
        ):
            yield http, Settings.from_env(environment).database_url


def call(http: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(path, json=body)


def balances(http: httpx.Client, token: str) -> set[float]:
    response = call(http, "/accounts/get", {"access_token": token})
    assert response.status_code == 200, response.text
    return {account["balances"]["current"] for account in response.json()["accounts"]}


@pytest.mark.parametrize(
    ("backend", "processes"), [("sqlite", 1), ("postgresql", 2)], ids=["sqlite", "postgresql"]
)
def test_server_processes_see_every_commit_at_once(
    backend: str, processes: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with served(backend, tmp_path_factory, processes) as (http, url):
        public_token = call(
            http,
            "/sandbox/public_token/create",
            {"institution_id": "ins_109508", "initial_products": ["transactions"]},
        ).json()["public_token"]
        token = call(http, "/item/public_token/exchange", {"public_token": public_token}).json()[
            "access_token"
        ]
        item_id = call(http, "/item/get", {"access_token": token}).json()["item"]["item_id"]
        for _ in range(ROUNDS):
            assert 110 in balances(http, token)

        set_balance_from_another_process(url, item_id, 55.5)
        for _ in range(ROUNDS):
            assert balances(http, token) == {55.5}

        rotated = call(http, "/item/access_token/invalidate", {"access_token": token}).json()
        for _ in range(ROUNDS):
            refused = call(http, "/accounts/get", {"access_token": token})
            assert refused.json()["error_code"] == "INVALID_ACCESS_TOKEN"
            assert balances(http, rotated["new_access_token"]) == {55.5}

        assert call(http, "/item/remove", {"access_token": rotated["new_access_token"]}).is_success
        for _ in range(ROUNDS):
            removed = call(http, "/item/get", {"access_token": rotated["new_access_token"]})
            assert removed.json()["error_code"] == "INVALID_ACCESS_TOKEN"

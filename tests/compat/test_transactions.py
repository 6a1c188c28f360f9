"""Transactions through plaid-python against a live `gingham serve` on each backend, with a short
initial-pull delay (GINGHAM_TRANSACTIONS_PULL_SECONDS): /transactions/sync, /transactions/get,
/transactions/refresh, /transactions/recurring/get, /categories/get and
/sandbox/transactions/create, every response deserialized by plaid-python's models."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.custom_sandbox_transaction import CustomSandboxTransaction
from plaid.model.sandbox_transactions_create_request import SandboxTransactionsCreateRequest
from plaid.model.transactions_get_request import TransactionsGetRequest
from plaid.model.transactions_get_request_options import TransactionsGetRequestOptions
from plaid.model.transactions_recurring_get_request import TransactionsRecurringGetRequest
from plaid.model.transactions_refresh_request import TransactionsRefreshRequest
from plaid.model.transactions_sync_request import TransactionsSyncRequest
from plaid.model.transactions_sync_request_options import TransactionsSyncRequestOptions

from tests.compat.conftest import (
    LinkedItem,
    assert_plaid_error,
    close_plaid_api,
    link_item,
    plaid_api_for,
)
from tests.live_server import (
    BACKENDS,
    create_api_client,
    empty_database,
    running_server,
    server_environment,
)

PULL_SECONDS = "0.5"


@pytest.fixture(scope="module", params=BACKENDS)
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[plaid_api.PlaidApi]:
    """plaid-python against `gingham serve` whose initial pulls run half a second after linking."""
    with empty_database(request.param, tmp_path_factory) as database:
        environment = {
            **server_environment(database),
            "GINGHAM_TRANSACTIONS_PULL_SECONDS": PULL_SECONDS,
        }
        client_id, secret = create_api_client(environment, "transactions")
        logs = tmp_path_factory.mktemp(f"gingham-transactions-{request.param}")
        with running_server(environment, logs / "server.log") as server:
            client = plaid_api_for(server.base_url, client_id, secret)
            yield client
            close_plaid_api(client)


def sync(api: plaid_api.PlaidApi, access_token: str, cursor: str = "", **fields: Any) -> Any:
    return api.transactions_sync(
        TransactionsSyncRequest(access_token=access_token, cursor=cursor, **fields)
    )


def wait_until(api: plaid_api.PlaidApi, access_token: str, status: str) -> None:
    """Poll /transactions/sync as Plaid's quickstart does until the pulls reach `status`."""
    deadline = time.monotonic() + 30
    while str(sync(api, access_token).transactions_update_status) != status:
        assert time.monotonic() < deadline, f"transactions never reached {status}"
        time.sleep(0.2)


def ready_item(api: plaid_api.PlaidApi, **options: Any) -> LinkedItem:
    item = link_item(api, **options)
    wait_until(api, item.access_token, "HISTORICAL_UPDATE_COMPLETE")
    return item


def sync_everything(
    api: plaid_api.PlaidApi, access_token: str, cursor: str = "", **fields: Any
) -> tuple[dict[str, Any], list[Any], str]:
    added: dict[str, Any] = {}
    removed: list[Any] = []
    while True:
        page = sync(api, access_token, cursor, count=500, **fields)
        for transaction in page.added:
            assert transaction.transaction_id not in added
            added[transaction.transaction_id] = transaction
        removed += page.removed
        cursor = page.next_cursor
        if not page.has_more:
            return added, removed, cursor


def window(api: plaid_api.PlaidApi, access_token: str, **options: Any) -> Any:
    return api.transactions_get(
        TransactionsGetRequest(
            access_token=access_token,
            start_date=dt.date(2000, 1, 1),
            end_date=dt.date(2100, 1, 1),
            options=TransactionsGetRequestOptions(**options),
        )
    )


class TestSync:
    def test_not_ready_then_the_whole_history(self, api: plaid_api.PlaidApi) -> None:
        item = link_item(api, products=("auth",))
        # Transactions starts on first use, as at Plaid: nothing yet, and an empty cursor.
        first = sync(api, item.access_token)
        assert str(first.transactions_update_status) == "NOT_READY"
        assert (first.added, first.next_cursor, first.has_more) == ([], "", False)
        wait_until(api, item.access_token, "HISTORICAL_UPDATE_COMPLETE")
        added, removed, cursor = sync_everything(api, item.access_token)
        assert len(added) > 1000 and removed == []
        assert window(api, item.access_token, count=1).total_transactions == len(added)
        transaction = next(iter(added.values()))
        assert transaction.personal_finance_category.primary
        assert isinstance(transaction.date, dt.date)
        caught_up = sync(api, item.access_token, cursor)
        assert (caught_up.added, caught_up.has_more, caught_up.next_cursor) == ([], False, cursor)

    def test_options(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        checking = (
            api.transactions_sync(TransactionsSyncRequest(access_token=item.access_token, count=1))
            .added[0]
            .account_id
        )
        page = sync(
            api,
            item.access_token,
            count=20,
            options=TransactionsSyncRequestOptions(
                include_original_description=True, account_id=checking
            ),
        )
        assert len(page.added) == 20 and page.has_more
        assert {t.account_id for t in page.added} == {checking}
        assert all(t.original_description == t.name for t in page.added)

    def test_a_bad_or_foreign_cursor_is_invalid(self, api: plaid_api.PlaidApi) -> None:
        first, second = ready_item(api), ready_item(api)
        cursor = sync(api, first.access_token).next_cursor
        for access_token, bad in ((second.access_token, cursor), (first.access_token, "xyz")):
            with pytest.raises(plaid.ApiException) as raised:
                sync(api, access_token, bad)
            assert_plaid_error(
                raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
            )

    def test_data_changing_mid_pagination(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api, username="user_transactions_dynamic")
        first = sync(api, item.access_token, count=5)
        assert first.has_more
        create(api, item.access_token, [custom("MID-PAGINATION", 3.21)])
        with pytest.raises(plaid.ApiException) as raised:
            sync(api, item.access_token, first.next_cursor, count=5)
        assert_plaid_error(
            raised.value,
            status=400,
            error_type="TRANSACTIONS_ERROR",
            error_code="TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
        )
        added, _, _ = sync_everything(api, item.access_token)
        assert "MID-PAGINATION" in {t.name for t in added.values()}


class TestGet:
    def test_window_count_offset_and_accounts(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        page = window(api, item.access_token, count=50, offset=10)
        assert len(page.transactions) == 50 and page.total_transactions > 60
        assert page.item.item_id == item.item_id
        account = page.accounts[0].account_id
        narrowed = window(api, item.access_token, account_ids=[account], count=500)
        assert {t.account_id for t in narrowed.transactions} == {account}

    def test_product_not_ready_before_the_first_pull(self, api: plaid_api.PlaidApi) -> None:
        item = link_item(api, products=("auth",))
        with pytest.raises(plaid.ApiException) as raised:
            window(api, item.access_token)
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="PRODUCT_NOT_READY"
        )

    def test_an_unknown_account_is_invalid(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        with pytest.raises(plaid.ApiException) as raised:
            window(api, item.access_token, account_ids=["nope"])
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_ACCOUNT_ID"
        )


class TestRefreshRecurringAndCategories:
    def test_refresh(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        assert api.transactions_refresh(
            TransactionsRefreshRequest(access_token=item.access_token)
        ).request_id

    def test_recurring_streams(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        streams = api.transactions_recurring_get(
            TransactionsRecurringGetRequest(access_token=item.access_token)
        )
        assert streams.inflow_streams and streams.outflow_streams
        stream = streams.outflow_streams[0]
        assert str(stream.frequency) in {
            "WEEKLY",
            "BIWEEKLY",
            "SEMI_MONTHLY",
            "MONTHLY",
            "ANNUALLY",
            "UNKNOWN",
        }
        assert stream.transaction_ids

    def test_recurring_before_the_history_is_not_ready(self, api: plaid_api.PlaidApi) -> None:
        item = link_item(api, products=("auth",))
        with pytest.raises(plaid.ApiException) as raised:
            api.transactions_recurring_get(
                TransactionsRecurringGetRequest(access_token=item.access_token)
            )
        assert_plaid_error(
            raised.value, status=400, error_type="ITEM_ERROR", error_code="PRODUCT_NOT_READY"
        )

    def test_categories(self, api: plaid_api.PlaidApi) -> None:
        categories = api.categories_get({}).categories
        assert any(list(c.hierarchy) == ["Shops", "Supermarkets and Groceries"] for c in categories)


def custom(description: str, amount: float) -> CustomSandboxTransaction:
    today = dt.datetime.now(dt.UTC).date()
    return CustomSandboxTransaction(
        date_transacted=today, date_posted=today, amount=amount, description=description
    )


def create(
    api: plaid_api.PlaidApi, access_token: str, made: list[CustomSandboxTransaction]
) -> None:
    api.sandbox_transactions_create(
        SandboxTransactionsCreateRequest(access_token=access_token, transactions=made)
    )


class TestSandboxTransactions:
    def test_a_dynamic_users_item_gets_them(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api, username="user_transactions_dynamic")
        _, _, cursor = sync_everything(api, item.access_token)
        create(api, item.access_token, [custom("COFFEE", 4.5), custom("REFUND", -20)])
        added, _, _ = sync_everything(api, item.access_token, cursor)
        assert sorted((t.name, t.amount) for t in added.values()) == [
            ("COFFEE", 4.5),
            ("REFUND", -20),
        ]

    def test_other_items_refuse_them(self, api: plaid_api.PlaidApi) -> None:
        item = ready_item(api)
        with pytest.raises(plaid.ApiException) as raised:
            create(api, item.access_token, [custom("COFFEE", 4.5)])
        assert_plaid_error(
            raised.value, status=400, error_type="INVALID_REQUEST", error_code="INVALID_FIELD"
        )

"""Concurrent exchanges against a live server, each thread with its own plaid-python client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeAlias

import plaid
from plaid.api import plaid_api
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest

from tests.compat.conftest import LinkedItem, assert_plaid_error, sandbox_public_token

THREADS = 8
BARRIER_TIMEOUT_SECONDS = 30.0

Outcome: TypeAlias = LinkedItem | plaid.ApiException


def exchange_at_once(apis: list[plaid_api.PlaidApi], public_tokens: list[str]) -> list[Outcome]:
    """Exchange public_tokens[i] with apis[i], all threads released together by a barrier."""
    barrier = threading.Barrier(len(apis))

    def exchange(api: plaid_api.PlaidApi, public_token: str) -> Outcome:
        barrier.wait(timeout=BARRIER_TIMEOUT_SECONDS)
        try:
            response = api.item_public_token_exchange(
                ItemPublicTokenExchangeRequest(public_token=public_token)
            )
        except plaid.ApiException as exc:
            return exc
        return LinkedItem(response.access_token, response.item_id)

    with ThreadPoolExecutor(max_workers=len(apis)) as pool:
        return list(pool.map(exchange, apis, public_tokens))


class TestConcurrentExchange:
    def test_same_public_token_is_exchanged_exactly_once(
        self, plaid_factory: Callable[..., plaid_api.PlaidApi]
    ) -> None:
        apis = [plaid_factory() for _ in range(THREADS)]
        public_token = sandbox_public_token(apis[0])

        outcomes = exchange_at_once(apis, [public_token] * THREADS)

        successes = [outcome for outcome in outcomes if isinstance(outcome, LinkedItem)]
        failures = [outcome for outcome in outcomes if isinstance(outcome, plaid.ApiException)]
        assert len(successes) == 1, outcomes
        assert len(failures) == THREADS - 1
        for failure in failures:
            assert_plaid_error(
                failure, status=400, error_type="INVALID_INPUT", error_code="INVALID_PUBLIC_TOKEN"
            )
        winner = successes[0]
        assert (
            apis[0].item_get(ItemGetRequest(access_token=winner.access_token)).item.item_id
            == winner.item_id
        )

    def test_different_public_tokens_all_succeed(
        self, plaid_factory: Callable[..., plaid_api.PlaidApi]
    ) -> None:
        apis = [plaid_factory() for _ in range(THREADS)]
        public_tokens = [sandbox_public_token(apis[0]) for _ in range(THREADS)]

        outcomes = exchange_at_once(apis, public_tokens)

        assert all(isinstance(outcome, LinkedItem) for outcome in outcomes), outcomes
        items = [outcome for outcome in outcomes if isinstance(outcome, LinkedItem)]
        assert len({item.item_id for item in items}) == THREADS
        assert len({item.access_token for item in items}) == THREADS
        for item in items:
            assert (
                apis[0].item_get(ItemGetRequest(access_token=item.access_token)).item.item_id
                == item.item_id
            )

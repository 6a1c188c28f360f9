"""A property of /transactions/sync: whatever the page sizes and however the data changes
between pages, a client that applies each completed pagination (and restarts one that failed
with TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION from the cursor it began with) ends up holding
exactly the Item's transactions, each added once."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import PlaidCaller
from tests.transactions.helpers import advance, linked

MUTATION = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION"

# Between two page requests: nothing, a day or two on the clock (new days, postings,
# removals), or transactions added through /sandbox/transactions/create.
changes = st.one_of(
    st.none(),
    st.tuples(st.just("advance"), st.sampled_from(["P1D", "P2D", "PT12H"])),
    st.tuples(st.just("create"), st.integers(min_value=1, max_value=3)),
)
steps = st.lists(st.tuples(st.integers(min_value=1, max_value=500), changes), max_size=12)


class SyncingClient:
    """An app's copy of the Item's transactions, kept as Plaid's docs advise."""

    def __init__(self, plaid: PlaidCaller, token: str) -> None:
        self.plaid, self.token = plaid, token
        self.held: dict[str, dict[str, Any]] = {}
        self.cursor = ""
        self.pages: list[dict[str, Any]] = []
        self.restarts = 0

    def page(self, count: int) -> bool:
        """Request the next page; whether it completed a pagination."""
        cursor = self.pages[-1]["next_cursor"] if self.pages else self.cursor
        response = self.plaid.post(
            "/transactions/sync", {"access_token": self.token, "cursor": cursor, "count": count}
        )
        body = response.json()
        if response.status_code != 200:
            assert body["error_code"] == MUTATION, body
            assert self.pages, "the first page of a pagination cannot be interrupted"
            self.pages, self.restarts = [], self.restarts + 1
            return False
        assert len(body["added"]) + len(body["modified"]) + len(body["removed"]) <= count
        self.pages.append(body)
        if body["has_more"]:
            return False
        self.apply()
        return True

    def apply(self) -> None:
        seen: set[str] = set()
        for page in self.pages:
            for transaction in page["added"]:
                tid = transaction["transaction_id"]
                assert tid not in self.held and tid not in seen, "added twice"
                seen.add(tid)
                self.held[tid] = transaction
            for transaction in page["modified"]:
                assert transaction["transaction_id"] in self.held
                self.held[transaction["transaction_id"]] = transaction
            for removed in page["removed"]:
                tid = removed["transaction_id"]
                assert tid in self.held or tid in seen, "removed what was never added"
                self.held.pop(tid)
        self.cursor, self.pages = self.pages[-1]["next_cursor"], []

    def finish(self) -> None:
        """Sync until caught up (nothing changes meanwhile, so one pagination completes)."""
        while not self.page(500):
            pass


def live_transactions(plaid: PlaidCaller, token: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    while True:
        page = plaid.ok(
            "/transactions/get",
            {
                "access_token": token,
                "start_date": "2000-01-01",
                "end_date": "2100-01-01",
                "options": {"count": 500, "offset": len(found)},
            },
        )
        found.update({t["transaction_id"]: t for t in page["transactions"]})
        if len(found) >= page["total_transactions"]:
            return found


def make_change(plaid: PlaidCaller, token: str, change: tuple[str, Any] | None) -> None:
    if change is None:
        return
    kind, value = change
    if kind == "advance":
        advance(plaid, value)
        return
    today = plaid.ok("/_gingham/clock/get", {})["now"][:10]
    plaid.ok(
        "/sandbox/transactions/create",
        {
            "access_token": token,
            "transactions": [
                {
                    "date_transacted": today,
                    "date_posted": today,
                    "amount": 1.5 + index,
                    "description": f"TEST {index}",
                }
                for index in range(value)
            ],
        },
    )


class TestSyncPagination:
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=steps)
    def test_the_pages_add_up_to_the_data(
        self, plaid: PlaidCaller, steps: list[tuple[int, tuple[str, Any] | None]]
    ) -> None:
        token = linked(plaid, options={"override_username": "user_transactions_dynamic"})
        client = SyncingClient(plaid, token)
        for count, change in steps:
            client.page(count)
            make_change(plaid, token, change)
        client.finish()
        live = live_transactions(plaid, token)
        assert set(client.held) == set(live)
        for tid, transaction in live.items():
            assert client.held[tid] == transaction

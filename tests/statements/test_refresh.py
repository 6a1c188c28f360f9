"""/statements/refresh: the window it takes, the build on the client's sandbox clock (the
statements listed so far stay listed meanwhile), and STATEMENTS_REFRESH_COMPLETE."""

from __future__ import annotations

import pytest

from tests.builders import PlaidCaller, advance
from tests.statements.helpers import TODAY, listed, months, statements_item, statements_webhooks

# Settings' default report_build_seconds.
BUILD = "PT3S"


def refresh(plaid: PlaidCaller, token: str, start: str, end: str) -> None:
    assert (
        plaid.ok(
            "/statements/refresh", {"access_token": token, "start_date": start, "end_date": end}
        )
        == {}
    )


class TestStatementsRefresh:
    def test_the_new_window_is_listed_once_built(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid, "2026-01-05", "2026-01-20")
        refresh(plaid, linked.access_token, "2025-06-01", "2025-07-15")
        # Building: what was listed before still is, and nothing was sent yet.
        assert months(listed(plaid, linked.access_token)) == [(2026, 1)]
        assert statements_webhooks(plaid, linked.item_id) == []

        advance(plaid, BUILD)
        assert months(listed(plaid, linked.access_token)) == [(2025, 6), (2025, 7), (2026, 1)]
        assert statements_webhooks(plaid, linked.item_id) == [
            {
                "webhook_type": "STATEMENTS",
                "webhook_code": "STATEMENTS_REFRESH_COMPLETE",
                "item_id": linked.item_id,
                "result": "SUCCESS",
                "environment": "sandbox",
            }
        ]

    def test_refreshed_statements_download(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid, "2026-01-05", "2026-01-20")
        refresh(plaid, linked.access_token, "2025-12-01", "2025-12-31")
        advance(plaid, BUILD)
        december = listed(plaid, linked.access_token)["accounts"][0]["statements"][0]
        assert (december["year"], december["month"]) == (2025, 12)
        response = plaid.post(
            "/statements/download",
            {"access_token": linked.access_token, "statement_id": december["statement_id"]},
        )
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")

    def test_each_refresh_sends_its_webhook(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        refresh(plaid, linked.access_token, "2025-01-01", "2025-01-31")
        refresh(plaid, linked.access_token, "2025-03-01", "2025-03-31")
        advance(plaid, BUILD)
        assert len(statements_webhooks(plaid, linked.item_id)) == 2
        assert (2025, 1) in months(listed(plaid, linked.access_token))
        assert (2025, 3) in months(listed(plaid, linked.access_token))

    @pytest.mark.parametrize(
        ("start", "end", "problem"),
        [
            ("2026-02-01", "2026-01-01", "start_date (2026-02-01) must be on or before end_date"),
            ("2024-03-01", TODAY, "start_date (2024-03-01) is more than two years ago"),
            ("2026-01-01", "2026-04-01", "end_date (2026-04-01) is in the future"),
        ],
    )
    def test_a_bad_window_is_refused(
        self, plaid: PlaidCaller, start: str, end: str, problem: str
    ) -> None:
        linked = statements_item(plaid)
        error = plaid.error(
            "/statements/refresh",
            {"access_token": linked.access_token, "start_date": start, "end_date": end},
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert problem in error["error_message"]
        advance(plaid, BUILD)
        assert statements_webhooks(plaid, linked.item_id) == []

    def test_a_date_that_is_no_date(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        error = plaid.error(
            "/statements/refresh",
            {"access_token": linked.access_token, "start_date": "2026-13-01", "end_date": TODAY},
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "start_date" in error["error_message"]

    def test_a_removed_item_gets_no_webhook(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        refresh(plaid, linked.access_token, "2025-12-01", "2025-12-31")
        plaid.ok("/item/remove", {"access_token": linked.access_token})
        advance(plaid, BUILD)
        assert statements_webhooks(plaid, linked.item_id) == []

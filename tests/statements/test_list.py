"""/statements/list: one statement a month per depository and credit account, for the months
that cover the Item's windows and have closed by the client's today; who may list them; and
the window /link/token/create takes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PlaidCaller, advance, link_token_request
from tests.statements.helpers import TODAY, by_mask, listed, months, statements_item
from tests.update_mode.helpers import complete, link_item, update_token

STATEMENT_MASKS = {"0000", "1111", "2222", "3333", "4444", "9001", "9002", "9999"}


class TestStatementsList:
    def test_the_items_accounts_and_their_months(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid, "2025-10-15", "2026-01-10")
        answer = listed(plaid, linked.access_token)
        assert answer["item_id"] == linked.item_id
        assert (answer["institution_id"], answer["institution_name"]) == (
            "ins_109508",
            "First Platypus Bank",
        )
        # Investment and loan accounts have no statements.
        assert set(by_mask(answer)) == STATEMENT_MASKS
        checking = by_mask(answer)["0000"]
        assert {k: v for k, v in checking.items() if k != "statements"} == {
            "account_id": checking["account_id"],
            "account_mask": "0000",
            "account_name": "Plaid Checking",
            "account_official_name": "Plaid Gold Standard 0% Interest Checking",
            "account_type": "depository",
            "account_subtype": "checking",
        }
        # Every month with a day in the window, each dated its last day.
        assert [(s["year"], s["month"], s["date_posted"]) for s in checking["statements"]] == [
            (2025, 10, "2025-10-31"),
            (2025, 11, "2025-11-30"),
            (2025, 12, "2025-12-31"),
            (2026, 1, "2026-01-31"),
        ]

    def test_statement_ids_are_stable_and_distinct(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid)
        first, again = listed(plaid, linked.access_token), listed(plaid, linked.access_token)
        assert first == again
        ids = [s["statement_id"] for a in first["accounts"] for s in a["statements"]]
        assert len(ids) == len(set(ids)) == 8 * 4
        assert all(len(i) == 37 and i.isalnum() for i in ids)

    def test_a_window_of_the_last_30_days_holds_the_month_that_closed(
        self, plaid: PlaidCaller
    ) -> None:
        linked = statements_item(plaid, "2026-01-31", TODAY)
        # March has not closed yet; February has, and January's last day is in the window.
        assert months(listed(plaid, linked.access_token)) == [(2026, 1), (2026, 2)]

    def test_a_month_is_listed_once_it_closes(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid, "2026-02-15", TODAY)
        assert months(listed(plaid, linked.access_token)) == [(2026, 2)]
        advance(plaid, "P30D")
        assert months(listed(plaid, linked.access_token)) == [(2026, 2), (2026, 3)]

    def test_without_dates_the_three_months_before_linking(self, plaid: PlaidCaller) -> None:
        linked = statements_item(plaid, None, None)
        assert months(listed(plaid, linked.access_token)) == [
            (2025, 12),
            (2026, 1),
            (2026, 2),
        ]

    def test_an_item_made_in_the_sandbox_gets_the_default_window(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token(initial_products=["statements"])
        assert months(listed(plaid, token)) == [(2025, 12), (2026, 1), (2026, 2)]

    def test_only_shared_accounts_are_listed(self, plaid: PlaidCaller) -> None:
        linked = link_item(
            plaid,
            products=["statements"],
            masks=["0000", "3333"],
            statements={"start_date": "2026-01-01", "end_date": "2026-01-31"},
        )
        assert set(by_mask(listed(plaid, linked.access_token))) == {"0000", "3333"}


class TestConsent:
    def test_an_item_without_statements_is_refused(self, plaid: PlaidCaller) -> None:
        token = link_item(plaid, products=["transactions"]).access_token
        for path, extra in (
            ("/statements/list", {}),
            ("/statements/download", {"statement_id": "x" * 37}),
            ("/statements/refresh", {"start_date": "2026-01-01", "end_date": "2026-01-31"}),
        ):
            error = plaid.error(path, {"access_token": token, **extra})
            assert (error["error_type"], error["error_code"]) == (
                "ITEM_ERROR",
                "PRODUCTS_NOT_SUPPORTED",
            ), path
            assert "update mode" in error["error_message"]
        # Asking did not add the product on first use.
        item = plaid.ok("/item/get", {"access_token": token})["item"]
        assert "statements" not in item["billed_products"]

    def test_consent_alone_is_not_enough(self, plaid: PlaidCaller) -> None:
        token = link_item(
            plaid, products=["transactions"], additional_consented_products=["statements"]
        ).access_token
        error = plaid.error("/statements/list", {"access_token": token})
        assert error["error_code"] == "PRODUCTS_NOT_SUPPORTED"

    def test_update_mode_adds_statements_with_its_window(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid, products=["transactions"])
        link_token = update_token(
            plaid,
            linked.access_token,
            products=["statements"],
            statements={"start_date": "2025-06-10", "end_date": "2025-07-20"},
        )
        assert complete(plaid, link_token)["status"] == "SUCCESS"
        answer = listed(plaid, linked.access_token)
        assert months(answer) == [(2025, 6), (2025, 7)]

    def test_other_clients_and_bad_tokens(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        token = statements_item(plaid).access_token
        error = other_plaid.error("/statements/list", {"access_token": token})
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"
        error = plaid.error("/statements/list", {"access_token": "access-sandbox-nope"})
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"
        error = plaid.error("/statements/list", {})
        assert error["error_code"] == "MISSING_FIELDS"


def window_request(start: str, end: str, **overrides: Any) -> dict[str, Any]:
    return link_token_request(
        products=["statements"], statements={"start_date": start, "end_date": end}, **overrides
    )


class TestLinkTokenWindow:
    def test_a_window_within_two_years_is_taken(self, plaid: PlaidCaller) -> None:
        plaid.ok("/link/token/create", window_request("2024-03-02", TODAY))

    @pytest.mark.parametrize(
        ("start", "end", "problem"),
        [
            ("2026-02-01", "2026-01-01", "statements.start_date (2026-02-01) must be on or before"),
            ("2024-03-01", TODAY, "statements.start_date (2024-03-01) is more than two years ago"),
            ("2026-01-01", "2026-03-10", "statements.end_date (2026-03-10) is in the future"),
        ],
    )
    def test_a_bad_window_is_refused(
        self, plaid: PlaidCaller, start: str, end: str, problem: str
    ) -> None:
        error = plaid.error("/link/token/create", window_request(start, end))
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert problem in error["error_message"]

    def test_both_dates_are_required(self, plaid: PlaidCaller) -> None:
        body = link_token_request(products=["statements"], statements={"start_date": TODAY})
        error = plaid.error("/link/token/create", body)
        assert error["error_code"] == "MISSING_FIELDS"
        assert "statements.end_date" in error["error_message"]

"""/accounts/get and /accounts/balance/get."""

from __future__ import annotations

from datetime import timedelta

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import USER_GOOD_ACCOUNTS, PlaidCaller


class TestGetAccounts:
    def test_user_good_has_plaids_default_accounts(self, plaid: PlaidCaller) -> None:
        got = plaid.ok("/accounts/get", {"access_token": plaid.access_token()})
        accounts = got["accounts"]
        assert [
            (a["name"], a["mask"], a["type"], a["subtype"]) for a in accounts
        ] == USER_GOOD_ACCOUNTS
        checking = accounts[0]
        assert checking["balances"] == {
            "available": 100,
            "current": 110,
            "limit": None,
            "iso_currency_code": "USD",
            "unofficial_currency_code": None,
            "last_updated_datetime": None,
        }
        assert checking["official_name"] == "Plaid Gold Standard 0% Interest Checking"
        assert accounts[3]["balances"]["limit"] == 2000
        assert len({a["account_id"] for a in accounts}) == 12
        assert got["item"]["institution_id"] == "ins_109508"

    def test_account_ids_option_filters(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        all_ids = [
            a["account_id"]
            for a in plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
        ]
        wanted = [all_ids[4], all_ids[1]]
        got = plaid.ok(
            "/accounts/get", {"access_token": access_token, "options": {"account_ids": wanted}}
        )
        # Institution order, not request order.
        assert [a["account_id"] for a in got["accounts"]] == [all_ids[1], all_ids[4]]

    def test_unknown_account_id_is_named(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/accounts/get",
            {"access_token": plaid.access_token(), "options": {"account_ids": ["nope"]}},
        )
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_ACCOUNT_ID",
            "one or more of the account IDs is invalid for this Item: nope",
        )

    def test_accounts_of_another_item_are_not_reachable(self, plaid: PlaidCaller) -> None:
        first, second = plaid.access_token(), plaid.access_token()
        other_id = plaid.ok("/accounts/get", {"access_token": second})["accounts"][0]["account_id"]
        error = plaid.error(
            "/accounts/get", {"access_token": first, "options": {"account_ids": [other_id]}}
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"

    def test_user_custom_accounts_are_the_items_accounts(self, plaid: PlaidCaller) -> None:
        password = '{"override_accounts": [{"type": "depository", "subtype": "savings", "starting_balance": 5000, "meta": {"name": "Rainy Day", "mask": "4242"}}, {"type": "credit", "starting_balance": 900, "meta": {"limit": 3000}}]}'
        access_token = plaid.access_token(
            options={"override_username": "user_custom", "override_password": password}
        )
        accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
        assert [(a["name"], a["mask"], a["subtype"]) for a in accounts] == [
            ("Rainy Day", "4242", "savings"),
            ("Custom credit card 2", "0001", "credit card"),
        ]
        assert accounts[0]["balances"]["available"] == 5000
        assert accounts[1]["balances"] == {
            "available": None,
            "current": 900,
            "limit": 3000,
            "iso_currency_code": "USD",
            "unofficial_currency_code": None,
            "last_updated_datetime": None,
        }

    def test_uk_institution_accounts_are_in_pounds(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id="ins_117650")
        accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
        assert {a["balances"]["iso_currency_code"] for a in accounts} == {"GBP"}


class TestGetBalances:
    def test_balances_are_fetched_now(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        access_token = plaid.access_token()
        clock.advance(timedelta(hours=2))
        accounts = plaid.ok("/accounts/balance/get", {"access_token": access_token})["accounts"]
        assert {a["balances"]["last_updated_datetime"] for a in accounts} == {
            format_datetime(clock.now())
        }

    def test_capital_one_needs_min_last_updated_for_credit(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        access_token = plaid.access_token(institution_id="ins_128026")
        error = plaid.error("/accounts/balance/get", {"access_token": access_token})
        assert error["error_code"] == "INVALID_FIELD"
        assert "min_last_updated_datetime" in error["error_message"]
        created = format_datetime(clock.now())
        plaid.ok(
            "/accounts/balance/get",
            {"access_token": access_token, "options": {"min_last_updated_datetime": created}},
        )
        too_late = format_datetime(clock.now() + timedelta(minutes=1))
        error = plaid.error(
            "/accounts/balance/get",
            {"access_token": access_token, "options": {"min_last_updated_datetime": too_late}},
        )
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_RESULT",
            "LAST_UPDATED_DATETIME_OUT_OF_RANGE",
        )

    def test_malformed_timestamp_is_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/accounts/balance/get",
            {
                "access_token": plaid.access_token(),
                "options": {"min_last_updated_datetime": "yesterday"},
            },
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith(
            "options.min_last_updated_datetime must be an ISO 8601 date-time"
        )

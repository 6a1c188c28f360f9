"""/transactions/recurring/get: streams derived from the Item's transactions."""

from __future__ import annotations

from datetime import date

from gingham.transactions.recurring import Occurrence, _stream_json
from tests.builders import PlaidCaller
from tests.transactions.helpers import PULL, advance, linked

FREQUENCIES = {"WEEKLY", "BIWEEKLY", "SEMI_MONTHLY", "MONTHLY", "ANNUALLY", "UNKNOWN"}


class TestStreams:
    def test_inflows_and_outflows_from_the_history(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        result = plaid.ok("/transactions/recurring/get", {"access_token": token})
        inflows, outflows = result["inflow_streams"], result["outflow_streams"]
        assert inflows and outflows
        assert all(s["average_amount"]["amount"] < 0 for s in inflows)
        assert all(s["average_amount"]["amount"] > 0 for s in outflows)
        assert any(s["frequency"] == "MONTHLY" and s["status"] == "MATURE" for s in outflows)
        ids = set()
        for stream in inflows + outflows:
            assert stream["frequency"] in FREQUENCIES
            assert stream["first_date"] <= stream["last_date"]
            assert len(stream["transaction_ids"]) >= 2
            ids.update(stream["transaction_ids"])
            if stream["is_active"]:
                assert stream["predicted_next_date"] > stream["last_date"]
        # Every id is a transaction /transactions/get knows.
        every = plaid.ok(
            "/transactions/get",
            {
                "access_token": token,
                "start_date": "2000-01-01",
                "end_date": "2100-01-01",
                "options": {"count": 500},
            },
        )
        assert every["total_transactions"] >= len(ids)
        assert result["updated_datetime"].endswith("Z")

    def test_not_ready_before_the_historical_pull(self, plaid: PlaidCaller) -> None:
        token = linked(plaid, pulled=False)
        advance(plaid, PULL)
        error = plaid.error("/transactions/recurring/get", {"access_token": token})
        assert error["error_code"] == "PRODUCT_NOT_READY"

    def test_account_ids_narrow_the_streams(self, plaid: PlaidCaller) -> None:
        token = linked(plaid)
        accounts = plaid.ok("/accounts/get", {"access_token": token})["accounts"]
        checking = accounts[0]["account_id"]
        result = plaid.ok(
            "/transactions/recurring/get", {"access_token": token, "account_ids": [checking]}
        )
        streams = result["inflow_streams"] + result["outflow_streams"]
        assert streams and {s["account_id"] for s in streams} == {checking}


def occurrences(*days: str, amount: float = 15.49) -> list[Occurrence]:
    wire = '{"name":"NETFLIX.COM","merchant_name":"Netflix","iso_currency_code":"USD","category":["Service"],"category_id":"18000000"}'
    return [
        Occurrence(f"t{i}", date.fromisoformat(day), amount, wire) for i, day in enumerate(days)
    ]


class TestStatus:
    def test_three_monthly_occurrences_are_mature(self) -> None:
        stream = _stream_json(
            "item",
            "acct",
            "netflix",
            occurrences("2026-01-05", "2026-02-05", "2026-03-05"),
            date(2026, 3, 10),
        )
        assert (stream["frequency"], stream["status"]) == ("MONTHLY", "MATURE")
        assert stream["predicted_next_date"] == "2026-04-05"
        assert stream["merchant_name"] == "Netflix"

    def test_two_are_early_detection(self) -> None:
        stream = _stream_json(
            "item", "acct", "netflix", occurrences("2026-02-05", "2026-03-05"), date(2026, 3, 10)
        )
        assert stream["status"] == "EARLY_DETECTION" and stream["is_active"]

    def test_a_stream_that_stopped_is_tombstoned(self) -> None:
        stream = _stream_json(
            "item",
            "acct",
            "netflix",
            occurrences("2025-06-05", "2025-07-05", "2025-08-05"),
            date(2026, 3, 10),
        )
        assert stream["status"] == "TOMBSTONED" and not stream["is_active"]
        assert stream["predicted_next_date"] is None

    def test_weekly(self) -> None:
        stream = _stream_json(
            "item",
            "acct",
            "gym",
            occurrences("2026-03-01", "2026-03-08", "2026-03-15"),
            date(2026, 3, 16),
        )
        assert stream["frequency"] == "WEEKLY"
        assert stream["predicted_next_date"] == "2026-03-22"

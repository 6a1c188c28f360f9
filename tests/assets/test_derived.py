"""Reports made from reports: /asset_report/refresh (the same Items read again), /asset_report/filter
(the same data without some accounts), /asset_report/remove, and audit copies for third parties."""

from __future__ import annotations

from typing import Any

from tests.assets.helpers import (
    REPORT_WEBHOOK,
    accounts_by_mask,
    advance,
    assets_item,
    assets_webhooks,
    built,
    create,
    get,
)
from tests.builders import PlaidCaller


def report_of(plaid: PlaidCaller, token: str) -> dict[str, Any]:
    report: dict[str, Any] = get(plaid, token)["report"]
    return report


class TestRefresh:
    def test_a_new_report_over_the_same_items(self, plaid: PlaidCaller) -> None:
        tokens = [assets_item(plaid), assets_item(plaid)]
        old = built(plaid, tokens, 30, client_report_id="loan-1", webhook=REPORT_WEBHOOK)
        advance(plaid, "P2D")
        new = plaid.ok("/asset_report/refresh", {"asset_report_token": old["asset_report_token"]})
        assert new["asset_report_id"] != old["asset_report_id"]
        assert new["asset_report_token"] != old["asset_report_token"]
        plaid.error("/asset_report/get", {"asset_report_token": new["asset_report_token"]})
        advance(plaid)
        before = report_of(plaid, old["asset_report_token"])
        after = report_of(plaid, new["asset_report_token"])
        assert [i["item_id"] for i in after["items"]] == [i["item_id"] for i in before["items"]]
        assert (after["days_requested"], after["client_report_id"]) == (30, "loan-1")
        assert after["date_generated"] > before["date_generated"]
        assert [w["asset_report_id"] for w in assets_webhooks(plaid)] == [
            old["asset_report_id"],
            new["asset_report_id"],
        ]

    def test_days_and_options_may_change(self, plaid: PlaidCaller) -> None:
        old = built(
            plaid, [assets_item(plaid)], 30, client_report_id="loan-1", user={"first_name": "Jane"}
        )
        new = plaid.ok(
            "/asset_report/refresh",
            {
                "asset_report_token": old["asset_report_token"],
                "days_requested": 10,
                "options": {"client_report_id": "", "user": {"first_name": "Janet"}},
            },
        )
        advance(plaid)
        report = report_of(plaid, new["asset_report_token"])
        assert (report["days_requested"], report["client_report_id"]) == (10, None)
        assert report["user"]["first_name"] == "Janet"
        assert len(accounts_by_mask(report)["0000"]["historical_balances"]) == 10

    def test_a_filtered_report_stays_filtered(self, plaid: PlaidCaller) -> None:
        old = built(plaid, [assets_item(plaid)])
        checking = accounts_by_mask(report_of(plaid, old["asset_report_token"]))["0000"]
        filtered = plaid.ok(
            "/asset_report/filter",
            {
                "asset_report_token": old["asset_report_token"],
                "account_ids_to_exclude": [checking["account_id"]],
            },
        )
        advance(plaid)
        refreshed = plaid.ok(
            "/asset_report/refresh", {"asset_report_token": filtered["asset_report_token"]}
        )
        advance(plaid)
        assert "0000" not in accounts_by_mask(report_of(plaid, refreshed["asset_report_token"]))

    def test_an_item_broken_since(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        old = built(plaid, [access_token])
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        error = plaid.error(
            "/asset_report/refresh", {"asset_report_token": old["asset_report_token"]}
        )
        assert error["error_code"] == "ITEM_LOGIN_REQUIRED"
        # The old report is a snapshot and keeps working.
        report_of(plaid, old["asset_report_token"])

    def test_an_item_removed_since(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        old = built(plaid, [access_token])
        plaid.ok("/item/remove", {"access_token": access_token})
        error = plaid.error(
            "/asset_report/refresh", {"asset_report_token": old["asset_report_token"]}
        )
        assert (error["error_type"], error["error_code"]) == (
            "ASSET_REPORT_ERROR",
            "DATA_UNAVAILABLE",
        )
        assert "removed" in error["error_message"]
        report_of(plaid, old["asset_report_token"])


class TestFilter:
    def test_a_new_report_without_the_accounts(self, plaid: PlaidCaller) -> None:
        old = built(plaid, [assets_item(plaid)], webhook=REPORT_WEBHOOK)
        before = report_of(plaid, old["asset_report_token"])
        by_mask = accounts_by_mask(before)
        excluded = [by_mask["0000"]["account_id"], by_mask["3333"]["account_id"]]
        new = plaid.ok(
            "/asset_report/filter",
            {"asset_report_token": old["asset_report_token"], "account_ids_to_exclude": excluded},
        )
        assert new["asset_report_id"] != old["asset_report_id"]
        advance(plaid)
        after = report_of(plaid, new["asset_report_token"])
        assert after["asset_report_id"] == new["asset_report_id"]
        assert set(accounts_by_mask(after)) == set(by_mask) - {"0000", "3333"}
        # The same data: nothing is read from the bank again.
        assert accounts_by_mask(after)["1111"] == by_mask["1111"]
        assert after["date_generated"] == before["date_generated"]
        # The original is unchanged.
        assert report_of(plaid, old["asset_report_token"]) == before
        assert [w["asset_report_id"] for w in assets_webhooks(plaid)][-1] == new["asset_report_id"]

    def test_the_source_must_be_ready(self, plaid: PlaidCaller) -> None:
        old = create(plaid, [assets_item(plaid)])
        error = plaid.error(
            "/asset_report/filter",
            {"asset_report_token": old["asset_report_token"], "account_ids_to_exclude": []},
        )
        assert error["error_code"] == "PRODUCT_NOT_READY"

    def test_unknown_account_ids(self, plaid: PlaidCaller) -> None:
        old = built(plaid, [assets_item(plaid)])
        error = plaid.error(
            "/asset_report/filter",
            {"asset_report_token": old["asset_report_token"], "account_ids_to_exclude": ["nope"]},
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID" and "nope" in error["error_message"]

    def test_every_account_excluded(self, plaid: PlaidCaller) -> None:
        old = built(plaid, [assets_item(plaid)])
        every = [
            a["account_id"]
            for a in accounts_by_mask(report_of(plaid, old["asset_report_token"])).values()
        ]
        error = plaid.error(
            "/asset_report/filter",
            {"asset_report_token": old["asset_report_token"], "account_ids_to_exclude": every},
        )
        assert error["error_code"] == "INVALID_FIELD"


class TestRemove:
    def test_other_reports_keep_working(self, plaid: PlaidCaller) -> None:
        access_token = assets_item(plaid)
        first, second = built(plaid, [access_token]), built(plaid, [access_token])
        plaid.ok("/asset_report/remove", {"asset_report_token": first["asset_report_token"]})
        plaid.error("/asset_report/get", {"asset_report_token": first["asset_report_token"]})
        report_of(plaid, second["asset_report_token"])

    def test_removing_before_the_build(self, plaid: PlaidCaller) -> None:
        created = create(plaid, [assets_item(plaid)], webhook=REPORT_WEBHOOK)
        plaid.ok("/asset_report/remove", {"asset_report_token": created["asset_report_token"]})
        advance(plaid)
        assert assets_webhooks(plaid) == []


def audit_copy(plaid: PlaidCaller, report_token: str, auditor_id: str = "fannie_mae") -> str:
    token: str = plaid.ok(
        "/asset_report/audit_copy/create",
        {"asset_report_token": report_token, "auditor_id": auditor_id},
    )["audit_copy_token"]
    return token


class TestAuditCopies:
    def test_the_auditor_reads_the_same_report(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        report_token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        token = audit_copy(plaid, report_token)
        assert token.startswith("a-sandbox-")
        expected = get(plaid, report_token)
        # The copy is meant for a third party, with its own Plaid keys.
        assert (
            other_plaid.ok("/asset_report/audit_copy/get", {"audit_copy_token": token}) == expected
        )
        assert plaid.ok("/asset_report/audit_copy/get", {"audit_copy_token": token}) == expected
        response = other_plaid.post("/asset_report/audit_copy/pdf/get", {"audit_copy_token": token})
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")

    def test_a_copy_per_auditor(self, plaid: PlaidCaller) -> None:
        report_token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        fannie = audit_copy(plaid, report_token, "fannie_mae")
        freddie = audit_copy(plaid, report_token, "freddie_mac")
        assert fannie != freddie
        assert plaid.ok("/asset_report/audit_copy/remove", {"audit_copy_token": fannie}) == {
            "removed": True
        }
        error = plaid.error("/asset_report/audit_copy/get", {"audit_copy_token": fannie})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_AUDIT_COPY_TOKEN",
        )
        plaid.ok("/asset_report/audit_copy/get", {"audit_copy_token": freddie})

    def test_removing_the_report_stops_its_copies(self, plaid: PlaidCaller) -> None:
        report_token = built(plaid, [assets_item(plaid)])["asset_report_token"]
        token = audit_copy(plaid, report_token)
        plaid.ok("/asset_report/remove", {"asset_report_token": report_token})
        for path in ("/asset_report/audit_copy/get", "/asset_report/audit_copy/pdf/get"):
            error = plaid.error(path, {"audit_copy_token": token})
            assert error["error_code"] == "INVALID_AUDIT_COPY_TOKEN"
            assert "removed" in error["error_message"]

    def test_not_ready_until_the_report_is(self, plaid: PlaidCaller) -> None:
        report_token = create(plaid, [assets_item(plaid)])["asset_report_token"]
        token = audit_copy(plaid, report_token)
        error = plaid.error("/asset_report/audit_copy/get", {"audit_copy_token": token})
        assert error["error_code"] == "PRODUCT_NOT_READY"
        advance(plaid)
        plaid.ok("/asset_report/audit_copy/get", {"audit_copy_token": token})

    def test_only_the_reports_owner_removes_a_copy(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        token = audit_copy(plaid, built(plaid, [assets_item(plaid)])["asset_report_token"])
        error = other_plaid.error("/asset_report/audit_copy/remove", {"audit_copy_token": token})
        assert error["error_code"] == "INVALID_AUDIT_COPY_TOKEN"
        plaid.ok("/asset_report/audit_copy/get", {"audit_copy_token": token})

    def test_unknown_and_malformed_tokens(self, plaid: PlaidCaller) -> None:
        for token in ("a-sandbox-5b0ca3f4-7a8c-4f51-a3c3-c4b2e1d6b0e9", "assets-sandbox-x"):
            error = plaid.error("/asset_report/audit_copy/get", {"audit_copy_token": token})
            assert error["error_code"] == "INVALID_AUDIT_COPY_TOKEN"

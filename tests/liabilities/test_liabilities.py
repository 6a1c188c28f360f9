"""/liabilities/get: user_good's card, student loan and mortgage as Plaid documents them, with
billing cycles on the client's clock; options.account_ids; user_custom overrides; refusals; and
fire_webhook's LIABILITIES body."""

from __future__ import annotations

import json
from typing import Any

from tests.builders import PlaidCaller
from tests.update_mode.helpers import link_item, save_dtm

WEBHOOK = "https://app.example/plaid-webhook"


def liabilities_item(plaid: PlaidCaller) -> str:
    return plaid.access_token(initial_products=["liabilities"], options={"webhook": WEBHOOK})


def liabilities(plaid: PlaidCaller, token: str, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token}
    if options:
        body["options"] = options
    return plaid.ok("/liabilities/get", body)


def masks(answer: dict[str, Any]) -> dict[str, str]:
    return {account["account_id"]: account["mask"] for account in answer["accounts"]}


class TestLiabilitiesGet:
    def test_user_goods_accounts(self, plaid: PlaidCaller) -> None:
        answer = liabilities(plaid, liabilities_item(plaid))
        by_id = masks(answer)
        found = answer["liabilities"]
        assert sorted(by_id[c["account_id"]] for c in found["credit"]) == ["3333", "9999"]
        assert [by_id[s["account_id"]] for s in found["student"]] == ["7777"]
        assert [by_id[m["account_id"]] for m in found["mortgage"]] == ["8888"]
        [loan] = found["student"]
        assert loan["pslf_status"] == {
            "estimated_eligibility_date": None,
            "payments_made": None,
            "payments_remaining": None,
        }
        assert loan["loan_status"] == {"end_date": "2032-07-28", "type": "repayment"}
        [home] = found["mortgage"]
        assert (home["past_due_amount"], home["loan_term"]) == (2304.0, "30 year")

    def test_the_cycle_follows_the_clients_clock(self, plaid: PlaidCaller) -> None:
        token = liabilities_item(plaid)

        def card_of(answer: dict[str, Any]) -> dict[str, Any]:
            by_id = masks(answer)
            return next(
                c for c in answer["liabilities"]["credit"] if by_id[c["account_id"]] == "3333"
            )

        before = card_of(liabilities(plaid, token))
        assert before["last_statement_issue_date"] == "2026-02-28"
        plaid.ok("/_gingham/clock/advance", {"by": "P31D"})
        after = card_of(liabilities(plaid, token))
        assert after["last_statement_issue_date"] == "2026-03-28"
        assert after["next_payment_due_date"] == "2026-04-22"
        assert after["aprs"] == before["aprs"]

    def test_account_ids_option(self, plaid: PlaidCaller) -> None:
        token = liabilities_item(plaid)
        every = liabilities(plaid, token)
        student = next(a for a, m in masks(every).items() if m == "7777")
        answer = liabilities(plaid, token, account_ids=[student])
        assert [a["account_id"] for a in answer["accounts"]] == [student]
        assert answer["liabilities"]["credit"] is None
        assert answer["liabilities"]["mortgage"] is None

    def test_the_first_call_bills_liabilities(self, plaid: PlaidCaller) -> None:
        token = plaid.access_token()
        liabilities(plaid, token)
        item = plaid.ok("/item/get", {"access_token": token})["item"]
        assert "liabilities" in item["billed_products"]

    def test_a_user_custom_student_loan(self, plaid: PlaidCaller) -> None:
        custom = {
            "override_accounts": [
                {
                    "type": "loan",
                    "subtype": "student",
                    "starting_balance": 12000,
                    "meta": {"mask": "5151"},
                    "liability": {
                        "type": "student",
                        "servicer_address": {"city": "Madison", "region": "WI"},
                        "loan_status": {"type": "in school", "end_date": "2027-05-15"},
                    },
                }
            ]
        }
        token = plaid.access_token(
            initial_products=["liabilities"],
            options={"override_username": "user_custom", "override_password": json.dumps(custom)},
        )
        [loan] = liabilities(plaid, token)["liabilities"]["student"]
        assert loan["servicer_address"]["city"] == "Madison"
        assert loan["loan_status"] == {"type": "in school", "end_date": "2027-05-15"}


class TestRefusals:
    def test_no_liability_accounts(self, plaid: PlaidCaller) -> None:
        custom = {"override_accounts": [{"type": "investment", "subtype": "ira"}]}
        token = plaid.access_token(
            options={"override_username": "user_custom", "override_password": json.dumps(custom)}
        )
        error = plaid.error("/liabilities/get", {"access_token": token})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "NO_LIABILITY_ACCOUNTS")

    def test_a_mortgage_cannot_be_overridden(self, plaid: PlaidCaller) -> None:
        custom = {
            "override_accounts": [
                {
                    "type": "loan",
                    "subtype": "mortgage",
                    "meta": {"mask": "6161"},
                    "liability": {"type": "student"},
                }
            ]
        }
        token = plaid.access_token(
            options={"override_username": "user_custom", "override_password": json.dumps(custom)}
        )
        error = plaid.error("/liabilities/get", {"access_token": token})
        assert error["error_code"] == "INVALID_FIELD"
        assert "mortgages cannot be overridden" in error["error_message"]

    def test_item_in_error(self, plaid: PlaidCaller) -> None:
        token = liabilities_item(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": token})
        assert plaid.error("/liabilities/get", {"access_token": token})["error_code"] == (
            "ITEM_LOGIN_REQUIRED"
        )

    def test_data_transparency_item_needs_consent(self, plaid: PlaidCaller) -> None:
        linked = link_item(plaid, customization=save_dtm(plaid))
        error = plaid.error("/liabilities/get", {"access_token": linked.access_token})
        assert error["error_code"] == "ADDITIONAL_CONSENT_REQUIRED"

    def test_unknown_account_id(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/liabilities/get",
            {"access_token": liabilities_item(plaid), "options": {"account_ids": ["nope"]}},
        )
        assert error["error_code"] == "INVALID_ACCOUNT_ID"


class TestFireWebhook:
    def fire(self, plaid: PlaidCaller, token: str) -> dict[str, Any]:
        plaid.ok(
            "/sandbox/item/fire_webhook",
            {
                "access_token": token,
                "webhook_code": "DEFAULT_UPDATE",
                "webhook_type": "LIABILITIES",
            },
        )
        events = plaid.ok("/_gingham/webhooks/list", {"limit": 1})["events"]
        payload: dict[str, Any] = events[0]["payload"]
        return payload

    def test_nothing_changed_right_after_linking(self, plaid: PlaidCaller) -> None:
        body = self.fire(plaid, liabilities_item(plaid))
        assert body["account_ids_with_new_liabilities"] == []
        assert body["account_ids_with_updated_liabilities"] == {}

    def test_a_month_later_the_changed_fields_are_listed(self, plaid: PlaidCaller) -> None:
        token = liabilities_item(plaid)
        by_id = masks(liabilities(plaid, token))
        plaid.ok("/_gingham/clock/advance", {"by": "P31D"})
        updated = self.fire(plaid, token)["account_ids_with_updated_liabilities"]
        assert sorted(by_id[account_id] for account_id in updated) == [
            "3333",
            "7777",
            "8888",
            "9999",
        ]
        card = next(fields for a, fields in updated.items() if by_id[a] == "3333")
        assert "last_statement_issue_date" in card

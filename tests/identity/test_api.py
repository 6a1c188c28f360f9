"""/identity/get and /identity/match in-process."""

from __future__ import annotations

import json
from typing import Any

from tests.builders import USER_GOOD_ACCOUNTS, PlaidCaller


def custom_user(*accounts: dict[str, Any]) -> dict[str, Any]:
    password = json.dumps({"override_accounts": list(accounts)})
    return {"options": {"override_username": "user_custom", "override_password": password}}


def identity(plaid: PlaidCaller, access_token: str, **options: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": access_token}
    if options:
        body["options"] = options
    return plaid.ok("/identity/get", body)


class TestUserGood:
    def test_every_account_has_plaids_documented_owner(self, plaid: PlaidCaller) -> None:
        got = identity(plaid, plaid.access_token())

        assert [(a["name"], a["mask"]) for a in got["accounts"]] == [
            (name, mask) for name, mask, _, _ in USER_GOOD_ACCOUNTS
        ]
        checking = got["accounts"][0]["owners"]
        assert checking == [
            {
                "names": ["Alberta Bobbeth Charleson"],
                "phone_numbers": [
                    {"data": "2025550123", "primary": False, "type": "home"},
                    {"data": "1112224444", "primary": False, "type": "work"},
                    {"data": "1112225555", "primary": False, "type": "mobile"},
                ],
                "emails": [
                    {"data": "accountholder0@example.com", "primary": True, "type": "primary"},
                    {"data": "accountholder1@example.com", "primary": False, "type": "secondary"},
                    {
                        "data": "extraordinarily.long.email.username.123456@reallylonghostname.com",
                        "primary": False,
                        "type": "other",
                    },
                ],
                "addresses": [
                    {
                        "data": {
                            "city": "Malakoff",
                            "country": "US",
                            "postal_code": "14236",
                            "region": "NY",
                            "street": "2992 Cameron Road",
                        },
                        "primary": True,
                    },
                    {
                        "data": {
                            "city": "San Matias",
                            "country": "US",
                            "postal_code": "93405-2255",
                            "region": "CA",
                            "street": "2493 Leisure Lane",
                        },
                        "primary": False,
                    },
                ],
            }
        ]

    def test_the_savings_account_is_joint_and_the_business_card_a_business(
        self, plaid: PlaidCaller
    ) -> None:
        by_name = {
            a["name"]: a["owners"] for a in identity(plaid, plaid.access_token())["accounts"]
        }

        saving = by_name["Plaid Saving"]
        assert saving[0]["names"][0] == "Alberta Bobbeth Charleson"
        assert len(saving) == 2
        # The co-owner lives at the holder's home.
        assert saving[1]["addresses"] == [saving[0]["addresses"][0]]
        assert all(len(owners) == 1 for name, owners in by_name.items() if name != "Plaid Saving")
        business = by_name["Plaid Business Credit Card"][0]
        assert business["names"] != ["Alberta Bobbeth Charleson"]
        assert business["emails"][0]["data"].startswith("accounts@")

    def test_identity_is_billed_on_first_use(self, plaid: PlaidCaller) -> None:
        item = identity(plaid, plaid.access_token())["item"]
        assert item["billed_products"] == ["identity", "transactions"]


class TestGeneratedOwners:
    def test_another_login_gets_owners_of_its_own_the_same_every_time(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        options = {"override_username": "user_transactions_dynamic", "override_password": "x"}
        first = identity(plaid, plaid.access_token(options=options))["accounts"]
        again = identity(other_plaid, other_plaid.access_token(options=options))["accounts"]

        assert [a["owners"] for a in first] == [a["owners"] for a in again]
        holder = first[0]["owners"][0]
        assert holder["names"] != ["Alberta Bobbeth Charleson"]
        assert holder["addresses"][0]["primary"] is True
        assert {p["type"] for p in holder["phone_numbers"]} <= {"mobile", "home"}
        assert all(e["data"].split("@")[1].startswith("example.") for e in holder["emails"])

    def test_owners_live_in_the_institutions_country(self, plaid: PlaidCaller) -> None:
        uk = identity(plaid, plaid.access_token(institution_id="ins_117650"))["accounts"]
        assert {a["data"]["country"] for a in uk[0]["owners"][0]["addresses"]} == {"GB"}
        assert uk[0]["owners"][0]["names"] != ["Alberta Bobbeth Charleson"]

    def test_eu_owners_live_where_their_ibans_are(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id="ins_117181")
        country = identity(plaid, access_token)["accounts"][0]["owners"][0]["addresses"][0]
        iban = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["international"][0]
        assert country["data"]["country"] == iban["iban"][:2]

    def test_account_ids_do_not_change_an_accounts_owners(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(
            options={"override_username": "user_transactions_dynamic", "override_password": "x"}
        )
        every = identity(plaid, access_token)["accounts"]
        saving = every[1]
        only = identity(plaid, access_token, account_ids=[saving["account_id"]])["accounts"]
        assert only == [saving]


class TestUserCustom:
    def test_the_override_replaces_the_owner_of_its_account(self, plaid: PlaidCaller) -> None:
        custom_identity = {
            "names": ["John Doe"],
            "phone_numbers": [{"primary": True, "type": "home", "data": "+1 415-555-0123"}],
            "emails": [{"primary": True, "type": "primary", "data": "john@example.com"}],
            "addresses": [
                {
                    "primary": True,
                    "data": {
                        "country": "US",
                        "city": "New York",
                        "street": "10003 Broadway Road",
                        "postal_code": "10003",
                        "region": "NY",
                    },
                }
            ],
        }
        access_token = plaid.access_token(
            **custom_user(
                {"subtype": "checking", "identity": custom_identity}, {"subtype": "savings"}
            )
        )

        accounts = identity(plaid, access_token)["accounts"]

        assert accounts[0]["owners"] == [custom_identity]
        assert accounts[1]["owners"][0]["names"] != ["John Doe"]

    def test_a_malformed_override_fails_the_login(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            **custom_user(
                {"identity": {"names": ["A B"], "emails": [{"data": "a@b.c", "type": "work"}]}}
            ),
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_CREDENTIALS",
            "override_accounts[0].identity.emails[0].type must be one of other, primary, secondary",
        )


class TestIdentityErrors:
    def test_item_in_an_error_state(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        for path in ("/identity/get", "/identity/match"):
            assert (
                plaid.error(path, {"access_token": access_token})["error_code"]
                == "ITEM_LOGIN_REQUIRED"
            )

    def test_unknown_account_id(self, plaid: PlaidCaller) -> None:
        body = {"access_token": plaid.access_token(), "options": {"account_ids": ["nope"]}}
        assert plaid.error("/identity/get", body)["error_code"] == "INVALID_ACCOUNT_ID"
        assert plaid.error("/identity/match", body)["error_code"] == "INVALID_ACCOUNT_ID"

    def test_wrong_types_are_invalid_field(self, plaid: PlaidCaller) -> None:
        body = {"access_token": plaid.access_token(), "user": {"legal_name": 7}}
        error = plaid.error("/identity/match", body)
        assert (error["error_code"], "user.legal_name" in error["error_message"]) == (
            "INVALID_FIELD",
            True,
        )


class TestIdentityMatch:
    def test_plaids_documented_example(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        user = {
            "legal_name": "Alerta Charleson",
            "phone_number": "+1 202-555-0123",
            "email_address": "accountholder0@example.com",
            "address": {
                "street": "2493 Leisure Ln.",
                "city": "San Matias",
                "region": "CA",
                "postal_code": "93405",
                "country": "US",
            },
        }

        got = plaid.ok("/identity/match", {"access_token": access_token, "user": user})

        checking = got["accounts"][0]
        assert checking["legal_name"] == {
            "score": 91,
            "is_first_name_or_last_name_match": True,
            "is_nickname_match": False,
            "is_business_name_detected": False,
        }
        assert checking["phone_number"] == {"score": 100}
        assert checking["email_address"] == {"score": 100}
        assert checking["address"] == {"score": 100, "is_postal_code_match": True}
        assert set(checking["balances"].values()) == {None}
        assert got["item"]["billed_products"] == ["identity_match", "transactions"]

    def test_fields_not_sent_score_null(self, plaid: PlaidCaller) -> None:
        got = plaid.ok(
            "/identity/match",
            {"access_token": plaid.access_token(), "user": {"legal_name": "Bob Charleson"}},
        )
        account = got["accounts"][0]
        assert account["phone_number"] == account["email_address"] == {"score": None}
        assert account["address"] == {"score": None, "is_postal_code_match": None}
        assert account["legal_name"]["score"] < 70

    def test_a_nickname_and_a_different_person(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(**custom_user({"identity": {"names": ["Robert Smith"]}}))
        nickname = plaid.ok(
            "/identity/match", {"access_token": access_token, "user": {"legal_name": "Bob Smith"}}
        )["accounts"][0]["legal_name"]
        stranger = plaid.ok(
            "/identity/match", {"access_token": access_token, "user": {"legal_name": "Jane Smith"}}
        )["accounts"][0]["legal_name"]
        assert (nickname["is_nickname_match"], nickname["score"] >= 90) == (True, True)
        assert stranger["score"] < 50

    def test_an_account_without_such_data_scores_null(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(**custom_user({"identity": {"names": ["Robert Smith"]}}))
        account = plaid.ok(
            "/identity/match",
            {"access_token": access_token, "user": {"email_address": "robert@example.com"}},
        )["accounts"][0]
        assert account["email_address"] == {"score": None}

"""/auth/get: the ACH numbers of an Item's checking, savings and cash management accounts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from gingham.bank.accounts import DEFAULT_ACCOUNTS, AccountTemplate
from gingham.clock import FrozenClock
from gingham.institutions.catalogue import SandboxInstitution, find
from gingham.items import linking
from gingham.items import service as items_service
from gingham.link.steps.oauth import template_from_bank
from gingham.oauth_bank import ledger
from gingham.oauth_bank.connector import AccountNumbers, Balances, BankAccount
from gingham.wire.context import Caller
from tests.builders import PlaidCaller

NO_NUMBERS = {"eft": [], "international": [], "bacs": []}


def custom_user(*accounts: dict[str, Any]) -> dict[str, Any]:
    password = json.dumps({"override_accounts": list(accounts)})
    return {"options": {"override_username": "user_custom", "override_password": password}}


def all_account_ids(plaid: PlaidCaller, access_token: str) -> dict[str, str]:
    accounts = plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]
    return {a["name"]: a["account_id"] for a in accounts}


class TestSandboxNumbers:
    def test_user_good_has_numbers_for_checking_savings_and_cash_management(
        self, plaid: PlaidCaller
    ) -> None:
        access_token = plaid.access_token(initial_products=["auth"])
        ids = all_account_ids(plaid, access_token)

        got = plaid.ok("/auth/get", {"access_token": access_token})

        assert [(a["name"], a["mask"]) for a in got["accounts"]] == [
            ("Plaid Checking", "0000"),
            ("Plaid Saving", "1111"),
            ("Plaid Cash Management", "9002"),
        ]
        assert got["accounts"][0]["balances"]["current"] == 110
        assert got["numbers"] == {
            "ach": [
                {
                    "account_id": ids[name],
                    "account": f"111122223333{mask}",
                    "routing": "011401533",
                    "wire_routing": "021000021",
                    "is_tokenized_account_number": False,
                }
                for name, mask in [
                    ("Plaid Checking", "0000"),
                    ("Plaid Saving", "1111"),
                    ("Plaid Cash Management", "9002"),
                ]
            ],
            **NO_NUMBERS,
        }
        assert got["item"]["institution_id"] == "ins_109508"

    def test_routing_number_is_the_institutions(self, plaid: PlaidCaller) -> None:
        # First Gingham Credit Union's routing number.
        access_token = plaid.access_token(institution_id="ins_109509")
        ach = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["ach"]
        assert {(n["routing"], n["wire_routing"]) for n in ach} == {("311075672", "021000021")}

    def test_chase_numbers_are_tokenized_even_without_oauth(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id="ins_3")
        ach = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["ach"]
        assert {(n["routing"], n["is_tokenized_account_number"]) for n in ach} == {
            ("021000021", True)
        }

    def test_user_custom_numbers_override_the_defaults(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(
            **custom_user(
                {
                    "subtype": "checking",
                    "numbers": {
                        "account": "9900009606",
                        "ach_routing": "021000021",
                        "ach_wire_routing": "026009593",
                        # Plaid's EFT numbers are accepted and not reported.
                        "eft_branch": "00001",
                    },
                },
                {"subtype": "savings", "meta": {"mask": "4242"}},
                {"type": "credit"},
            )
        )

        got = plaid.ok("/auth/get", {"access_token": access_token})

        # Without a mask of its own, an account's mask is its number's last four digits.
        assert [(a["mask"], a["subtype"]) for a in got["accounts"]] == [
            ("9606", "checking"),
            ("4242", "savings"),
        ]
        assert [(n["account"], n["routing"], n["wire_routing"]) for n in got["numbers"]["ach"]] == [
            ("9900009606", "021000021", "026009593"),
            ("1111222233334242", "011401533", "021000021"),
        ]

    @pytest.mark.parametrize(
        ("account", "message"),
        [
            (
                {"type": "credit", "numbers": {"account": "12345678"}},
                "override_accounts[0].numbers: only depository checking, savings and cash management accounts have account numbers",
            ),
            (
                {"numbers": {"account": "12-34"}},
                "override_accounts[0].numbers.account must be a string of 4-17 digits",
            ),
            (
                {"numbers": {"ach_routing": "021000021"}},
                "override_accounts[0].numbers.account is required with routing numbers",
            ),
        ],
    )
    def test_malformed_user_custom_numbers_fail_the_login(
        self, plaid: PlaidCaller, account: dict[str, Any], message: str
    ) -> None:
        body = {
            "institution_id": "ins_109508",
            "initial_products": ["transactions"],
            **custom_user(account),
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert (error["error_code"], error["error_message"]) == ("INVALID_CREDENTIALS", message)

    def test_accounts_outside_the_us_have_no_ach_numbers(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id="ins_117650")  # Royal Bank of Plaid, GB
        numbers = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]
        assert numbers["ach"] == []
        assert len(numbers["bacs"]) == 3


class TestAccountIds:
    def test_only_the_given_accounts_with_numbers(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        ids = all_account_ids(plaid, access_token)
        wanted = [ids["Plaid Credit Card"], ids["Plaid Saving"]]

        got = plaid.ok(
            "/auth/get", {"access_token": access_token, "options": {"account_ids": wanted}}
        )

        assert [a["account_id"] for a in got["accounts"]] == [ids["Plaid Saving"]]
        assert [n["account_id"] for n in got["numbers"]["ach"]] == [ids["Plaid Saving"]]

    def test_accounts_without_numbers_are_no_auth_accounts(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        ids = all_account_ids(plaid, access_token)
        error = plaid.error(
            "/auth/get",
            {"access_token": access_token, "options": {"account_ids": [ids["Plaid IRA"]]}},
        )
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "NO_AUTH_ACCOUNTS")
        assert error["error_message"].endswith("among the given account_ids")

    def test_unknown_account_id_is_named(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/auth/get",
            {"access_token": plaid.access_token(), "options": {"account_ids": ["nope"]}},
        )
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_ACCOUNT_ID",
            "one or more of the account IDs is invalid for this Item: nope",
        )


class TestErrors:
    def test_item_without_auth_accounts(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(
            **custom_user({"type": "credit"}, {"type": "depository", "subtype": "cd"})
        )
        error = plaid.error("/auth/get", {"access_token": access_token})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "NO_AUTH_ACCOUNTS")
        assert error["display_message"]

    def test_item_in_an_error_state_fails_with_its_error(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token()
        plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})
        error = plaid.error("/auth/get", {"access_token": access_token})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")

    def test_another_clients_access_token_is_invalid(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        error = other_plaid.error("/auth/get", {"access_token": plaid.access_token()})
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_access_token_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/auth/get", {})
        assert error["error_code"] == "MISSING_FIELDS"


class TestBilling:
    def test_first_call_adds_auth_to_billed_products(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(initial_products=["transactions"])
        before = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert before["billed_products"] == ["transactions"]
        assert "auth" in before["available_products"]

        item = plaid.ok("/auth/get", {"access_token": access_token})["item"]
        assert item["billed_products"] == item["products"] == ["auth", "transactions"]
        assert "auth" not in item["available_products"]

        after = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert after["billed_products"] == ["auth", "transactions"]
        again = plaid.ok("/auth/get", {"access_token": access_token})["item"]
        assert again["billed_products"] == ["auth", "transactions"]

    def test_a_failed_call_is_not_billed(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(**custom_user({"type": "credit"}))
        plaid.error("/auth/get", {"access_token": access_token})
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["billed_products"] == ["transactions"]


# --- Items at OAuth banks: built in-process from what the bank's API sends (the browser flow that
# gets there is tested in tests/browser).

BANK_USER = "alice"


def institution(institution_id: str) -> SandboxInstitution:
    found = find(institution_id)
    assert found is not None
    return found


def bank_accounts(institution_id: str, client_id: str, *, with_numbers: bool) -> list[BankAccount]:
    """The user's accounts as the sandbox bank's API sends them, numbers only with `auth`."""
    bank = institution(institution_id)
    accounts = []
    for held in ledger.accounts_of(bank, BANK_USER):
        numbers = ledger.account_numbers(bank, held, client_id) if with_numbers else None
        template = held.template
        accounts.append(
            BankAccount(
                account_id=held.account_id,
                name=template.name,
                official_name=template.official_name,
                mask=template.mask,
                type=template.type,
                subtype=template.subtype,
                balances=Balances(
                    template.available, template.current, template.limit, held.iso_currency_code
                ),
                numbers=AccountNumbers(**numbers) if numbers else None,
            )
        )
    return accounts


def oauth_item(
    session_factory: sessionmaker[Session],
    credentials: dict[str, str],
    clock: FrozenClock,
    institution_id: str,
    accounts: list[BankAccount],
    *,
    scopes: list[str],
) -> str:
    """An Item linked through the bank with these accounts and scopes; its access token."""
    bank = institution(institution_id)
    caller = Caller(credentials["client_id"], "sandbox")
    with session_factory() as session, session.begin():
        item_id = items_service.create_item(
            session,
            caller,
            bank,
            [template_from_bank(account.as_json()) for account in accounts],
            bank_account_ids=[account.account_id for account in accounts],
            products=["transactions"],
            webhook=None,
            login_id=ledger.bank_user_id(institution_id, BANK_USER),
            now=clock.now(),
        )
        item = items_service.item_by_id(session, item_id)
        assert item is not None
        linking.connect_oauth(
            session,
            item,
            bank,
            {
                "consent": {
                    "bank_user": ledger.bank_user_id(institution_id, BANK_USER),
                    "consent_id": "consent-1",
                    "expires_at": None,
                },
                "scopes": scopes,
                "tokens_sealed": "sealed",
            },
            clock.now(),
        )
        return items_service.issue_access_token(session, item_id, "sandbox", clock.now())


class TestOAuthNumbers:
    def test_chase_numbers_are_tokenized_and_the_mask_is_real(
        self,
        plaid: PlaidCaller,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        clock: FrozenClock,
    ) -> None:
        accounts = bank_accounts("ins_3", credentials["client_id"], with_numbers=True)
        access_token = oauth_item(
            session_factory,
            credentials,
            clock,
            "ins_3",
            accounts,
            scopes=["accounts", "transactions", "auth"],
        )

        got = plaid.ok("/auth/get", {"access_token": access_token})

        # The bank sends numbers for every account; only checking, savings and cash management
        # accounts have ACH numbers.
        assert [(a["name"], a["mask"]) for a in got["accounts"]] == [
            ("Plaid Checking", "0000"),
            ("Plaid Saving", "1111"),
            ("Plaid Cash Management", "9002"),
        ]
        ach = got["numbers"]["ach"]
        assert all(n["is_tokenized_account_number"] for n in ach)
        by_mask = {a.mask: a for a in accounts}
        for account, numbers in zip(got["accounts"], ach, strict=True):
            sent = by_mask[account["mask"]].numbers
            assert sent is not None
            assert (numbers["account"], numbers["routing"]) == (sent.account, sent.routing)
        # Tokenized numbers are not the real ones, whose last digits the mask shows.
        real = {
            h.mask: h.account_number for h in ledger.accounts_of(institution("ins_3"), BANK_USER)
        }
        for account, numbers in zip(got["accounts"], ach, strict=True):
            assert numbers["account"] != real[account["mask"]]
        # The bank gives no wire routing number.
        assert {n["wire_routing"] for n in ach} == {None}

    def test_numbers_of_an_oauth_bank_that_does_not_tokenize(
        self,
        plaid: PlaidCaller,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        clock: FrozenClock,
    ) -> None:
        institution_id = "ins_127287"  # Platypus OAuth Bank
        accounts = bank_accounts(institution_id, credentials["client_id"], with_numbers=True)
        access_token = oauth_item(
            session_factory,
            credentials,
            clock,
            institution_id,
            accounts,
            scopes=["accounts", "auth"],
        )

        ach = plaid.ok("/auth/get", {"access_token": access_token})["numbers"]["ach"]

        held = ledger.accounts_of(institution(institution_id), BANK_USER)
        assert [(n["account"], n["routing"], n["is_tokenized_account_number"]) for n in ach] == [
            (h.account_number, "021400728", False)
            for h in held
            if h.mask in ("0000", "1111", "9002")
        ]

    def test_numbers_not_shared_at_the_bank_are_access_not_granted(
        self,
        plaid: PlaidCaller,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        clock: FrozenClock,
    ) -> None:
        accounts = bank_accounts("ins_3", credentials["client_id"], with_numbers=False)
        access_token = oauth_item(
            session_factory,
            credentials,
            clock,
            "ins_3",
            accounts,
            scopes=["accounts", "transactions"],
        )

        error = plaid.error("/auth/get", {"access_token": access_token})

        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ACCESS_NOT_GRANTED")
        item = plaid.ok("/item/get", {"access_token": access_token})["item"]
        assert item["billed_products"] == ["transactions"]


def test_default_accounts_with_numbers_are_the_auth_subtypes() -> None:
    with_numbers = [
        (t.subtype, t.mask, t.account_number) for t in DEFAULT_ACCOUNTS if t.account_number
    ]
    assert with_numbers == [
        ("checking", "0000", "1111222233330000"),
        ("savings", "1111", "1111222233331111"),
        ("cash management", "9002", "1111222233339002"),
    ]


def test_bank_accounts_carry_their_numbers_into_the_template() -> None:
    account = BankAccount(
        account_id="bacc_1",
        name="Checking",
        official_name=None,
        mask="0000",
        type="depository",
        subtype="checking",
        balances=Balances(1, 2, None, "USD"),
        numbers=AccountNumbers(account="123456789012", routing="021000021", tokenized=True),
    )
    template = template_from_bank(account.as_json())
    assert (
        template.account_number,
        template.routing_number,
        template.wire_routing_number,
        template.numbers_tokenized,
    ) == ("123456789012", "021000021", None, True)
    without = template_from_bank({**account.as_json(), "numbers": None})
    assert without == AccountTemplate(
        "Checking", None, "0000", "depository", "checking", 1, 2, currency="USD"
    )

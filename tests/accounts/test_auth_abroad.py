"""/auth/get outside the US: IBAN and BIC of European accounts, sort code and account number of UK
accounts."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session, sessionmaker

from gingham.clock import FrozenClock
from gingham.sandbox_data.bank_numbers import is_valid_iban
from tests.accounts.test_auth import all_account_ids, bank_accounts, custom_user, oauth_item
from tests.builders import PlaidCaller

UK_BANK = "ins_117650"  # Royal Bank of Plaid
EU_BANK = "ins_117181"  # Flexible Platypus Open Banking (FR, ES, NL, DE, IE, IT)
AUTH_ACCOUNTS = [
    ("Plaid Checking", "0000"),
    ("Plaid Saving", "1111"),
    ("Plaid Cash Management", "9002"),
]


class TestUnitedKingdom:
    def test_bacs_numbers_of_the_auth_accounts(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id=UK_BANK)
        ids = all_account_ids(plaid, access_token)

        got = plaid.ok("/auth/get", {"access_token": access_token})

        assert [(a["name"], a["mask"]) for a in got["accounts"]] == AUTH_ACCOUNTS
        bacs = got["numbers"]["bacs"]
        assert [n["account_id"] for n in bacs] == [ids[name] for name, _ in AUTH_ACCOUNTS]
        for numbers, (_, mask) in zip(bacs, AUTH_ACCOUNTS, strict=True):
            assert re.fullmatch(r"\d{8}", numbers["account"])
            assert numbers["account"].endswith(mask)
            assert re.fullmatch(r"\d{6}", numbers["sort_code"])
        # One bank: its sort codes share the bank's first two digits.
        assert len({n["sort_code"][:2] for n in bacs}) == 1
        assert got["numbers"]["ach"] == got["numbers"]["eft"] == []

    def test_uk_accounts_have_an_iban_made_of_their_sort_code_and_number(
        self, plaid: PlaidCaller
    ) -> None:
        numbers = plaid.ok(
            "/auth/get", {"access_token": plaid.access_token(institution_id=UK_BANK)}
        )["numbers"]
        for bacs, international in zip(numbers["bacs"], numbers["international"], strict=True):
            assert international["account_id"] == bacs["account_id"]
            assert is_valid_iban(international["iban"])
            assert international["iban"].startswith("GB")
            assert international["iban"].endswith(bacs["sort_code"] + bacs["account"])
            assert re.fullmatch(r"[A-Z]{4}GB[A-Z0-9]{2}", international["bic"])

    def test_the_same_login_has_the_same_numbers_on_every_item_and_client(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        first = plaid.ok("/auth/get", {"access_token": plaid.access_token(institution_id=UK_BANK)})
        second = other_plaid.ok(
            "/auth/get", {"access_token": other_plaid.access_token(institution_id=UK_BANK)}
        )
        strip = [
            {k: v for k, v in n.items() if k != "account_id"} for n in first["numbers"]["bacs"]
        ]
        assert strip == [
            {k: v for k, v in n.items() if k != "account_id"} for n in second["numbers"]["bacs"]
        ]

    def test_account_ids_option_filters(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id=UK_BANK)
        ids = all_account_ids(plaid, access_token)
        got = plaid.ok(
            "/auth/get",
            {"access_token": access_token, "options": {"account_ids": [ids["Plaid Saving"]]}},
        )
        assert [n["account_id"] for n in got["numbers"]["bacs"]] == [ids["Plaid Saving"]]
        assert [n["account_id"] for n in got["numbers"]["international"]] == [ids["Plaid Saving"]]


class TestEurope:
    def test_ibans_and_bics_of_the_auth_accounts(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(institution_id=EU_BANK)

        got = plaid.ok("/auth/get", {"access_token": access_token})

        assert [(a["name"], a["mask"]) for a in got["accounts"]] == AUTH_ACCOUNTS
        international = got["numbers"]["international"]
        assert len(international) == 3
        countries = {n["iban"][:2] for n in international}
        assert len(countries) == 1 and countries <= {"FR", "ES", "NL", "DE", "IE", "IT"}
        for numbers in international:
            assert is_valid_iban(numbers["iban"])
            assert re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}", numbers["bic"])
            assert numbers["bic"][4:6] == numbers["iban"][:2]
        assert got["numbers"]["bacs"] == got["numbers"]["ach"] == []

    def test_numbers_shared_at_the_bank(
        self,
        plaid: PlaidCaller,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        clock: FrozenClock,
    ) -> None:
        # The EU bank sends no ACH numbers, whatever the user shares.
        accounts = bank_accounts(EU_BANK, credentials["client_id"], with_numbers=True)
        access_token = oauth_item(
            session_factory, credentials, clock, EU_BANK, accounts, scopes=["accounts", "auth"]
        )

        got = plaid.ok("/auth/get", {"access_token": access_token})

        assert [a["mask"] for a in got["accounts"]] == ["0000", "1111", "9002"]
        assert all(is_valid_iban(n["iban"]) for n in got["numbers"]["international"])

    def test_numbers_not_shared_at_the_bank_are_access_not_granted(
        self,
        plaid: PlaidCaller,
        session_factory: sessionmaker[Session],
        credentials: dict[str, str],
        clock: FrozenClock,
    ) -> None:
        accounts = bank_accounts(EU_BANK, credentials["client_id"], with_numbers=False)
        access_token = oauth_item(
            session_factory, credentials, clock, EU_BANK, accounts, scopes=["accounts"]
        )
        error = plaid.error("/auth/get", {"access_token": access_token})
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ACCESS_NOT_GRANTED")


class TestUserCustomNumbers:
    def test_iban_bic_and_sort_code_are_served(self, plaid: PlaidCaller) -> None:
        access_token = plaid.access_token(
            institution_id=UK_BANK,
            **custom_user(
                {
                    "subtype": "checking",
                    "numbers": {
                        "account": "31926819",
                        "bacs_sort_code": "601613",
                        "international_iban": "GB29NWBK60161331926819",
                        "international_bic": "NWBKGB2L",
                    },
                },
                {"subtype": "savings", "numbers": {"international_iban": "DE89370400440532013000"}},
            ),
        )

        got = plaid.ok("/auth/get", {"access_token": access_token})

        assert [a["mask"] for a in got["accounts"]] == ["6819", "3000"]
        ids = [a["account_id"] for a in got["accounts"]]
        assert got["numbers"]["bacs"] == [
            {"account_id": ids[0], "account": "31926819", "sort_code": "601613"}
        ]
        assert [(n["iban"], n["bic"]) for n in got["numbers"]["international"]] == [
            ("GB29NWBK60161331926819", "NWBKGB2L"),
            # Without a BIC of its own, the account is at the institution's (a test BIC).
            ("DE89370400440532013000", "RBOPDEP0"),
        ]

    def test_an_iban_with_wrong_check_digits_fails_the_login(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": UK_BANK,
            "initial_products": ["transactions"],
            **custom_user({"numbers": {"international_iban": "GB28NWBK60161331926819"}}),
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_CREDENTIALS",
            "override_accounts[0].numbers.international_iban has wrong check digits",
        )

    def test_a_malformed_sort_code_fails_the_login(self, plaid: PlaidCaller) -> None:
        body = {
            "institution_id": UK_BANK,
            "initial_products": ["transactions"],
            **custom_user({"numbers": {"bacs_sort_code": "60-16-13"}}),
        }
        error = plaid.error("/sandbox/public_token/create", body)
        assert error["error_message"] == (
            "override_accounts[0].numbers.bacs_sort_code must be a string of 6 digits"
        )

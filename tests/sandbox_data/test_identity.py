"""Generated owners and account numbers: pure functions of the bank login."""

from __future__ import annotations

import re

import pytest

from gingham.sandbox_data.bank_numbers import (
    bacs_numbers,
    international_numbers,
    is_valid_iban,
    italian_cin,
    rib_key,
    spanish_control,
)
from gingham.sandbox_data.identity import (
    DOCUMENTED_OWNER,
    AccountFacts,
    owners_of_accounts,
    parse_custom_identity,
)
from gingham.sandbox_data.residence import home_country

ACCOUNTS = [
    AccountFacts("0000", "depository", "checking", None),
    AccountFacts("1111", "depository", "savings", None),
    AccountFacts("3333", "credit", "credit card", None),
    AccountFacts("9999", "credit", "credit card", "business"),
]


class TestOwners:
    def test_the_same_login_gives_the_same_owners(self) -> None:
        assert owners_of_accounts("login-a", "US", ACCOUNTS) == owners_of_accounts(
            "login-a", "US", ACCOUNTS
        )
        assert owners_of_accounts("login-a", "US", ACCOUNTS) != owners_of_accounts(
            "login-b", "US", ACCOUNTS
        )

    def test_one_holder_a_joint_savings_account_and_a_business(self) -> None:
        checking, savings, card, business = owners_of_accounts("login-a", "US", ACCOUNTS)
        assert checking == card and len(checking) == 1
        assert savings[0] == checking[0] and len(savings) == 2
        assert business[0]["names"] != checking[0]["names"]

    def test_documented_owner(self) -> None:
        owners = owners_of_accounts("login-a", "US", ACCOUNTS, documented=True)
        assert owners[0] == [DOCUMENTED_OWNER]
        assert owners[1][0] == DOCUMENTED_OWNER and len(owners[1]) == 2

    @pytest.mark.parametrize(
        ("country", "postcode"),
        [("US", r"\d{5}"), ("GB", r"[A-Z0-9]{2,4} \d[A-Z]{2}"), ("NL", r"\d{4} ?[A-Z]{2}")],
    )
    def test_owners_live_in_the_logins_country(self, country: str, postcode: str) -> None:
        [holder] = owners_of_accounts("login-a", country, ACCOUNTS[:1])[0]
        address = holder["addresses"][0]["data"]
        assert address["country"] == country
        assert re.fullmatch(postcode, address["postal_code"])
        assert (address["region"] is None) == (country != "US")

    def test_a_login_at_the_eu_bank_lives_in_one_of_its_countries(self) -> None:
        countries = {home_country("ins_117181", f"login-{n}") for n in range(40)}
        assert countries <= {"FR", "ES", "NL", "DE", "IE", "IT"} and len(countries) > 1
        assert home_country("ins_117650", "login-a") == "GB"
        assert home_country(None, "login-a") == "US"


class TestCustomIdentity:
    def test_missing_lists_are_empty(self) -> None:
        assert parse_custom_identity({"names": ["A B"]}, "identity") == {
            "names": ["A B"],
            "phone_numbers": [],
            "emails": [],
            "addresses": [],
        }

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ([], "identity must be an object"),
            ({"nickname": "x"}, "identity has unknown keys: nickname"),
            ({"names": "A B"}, "identity.names must be an array of names"),
            ({"phone_numbers": [{"data": 5}]}, "identity.phone_numbers[0].data must be a string"),
            (
                {"addresses": [{"data": {"city": 3}}]},
                "identity.addresses[0].data.city must be a string",
            ),
        ],
    )
    def test_malformed(self, value: object, message: str) -> None:
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_custom_identity(value, "identity")


class TestBankNumbers:
    def test_national_check_digits_of_published_examples(self) -> None:
        assert rib_key("20041", "01005", "0500013M026") == 6  # FR1420041010050500013M02606
        assert spanish_control("21000418", "0200051332") == "45"  # ES9121000418450200051332
        assert italian_cin("0542811101000000123456") == "X"  # IT60X0542811101000000123456

    @pytest.mark.parametrize(
        ("country", "length"),
        [("FR", 27), ("DE", 22), ("ES", 24), ("NL", 18), ("IE", 22), ("IT", 27), ("GB", 22)],
    )
    def test_generated_ibans_are_valid_and_end_in_the_mask(self, country: str, length: int) -> None:
        numbers = international_numbers("login-a", "ins_1", "Test Bank", country, "1111", "1111")
        assert is_valid_iban(numbers.iban)
        # France's RIB key follows the account number.
        account_end = numbers.iban[-6:-2] if country == "FR" else numbers.iban[-4:]
        assert (numbers.iban[:2], len(numbers.iban), account_end) == (country, length, "1111")
        assert numbers.bic == f"TBXX{country}P0"

    def test_bacs_numbers(self) -> None:
        numbers = bacs_numbers("login-a", "ins_1", "1111", "1111")
        assert re.fullmatch(r"\d{4}1111", numbers.account)
        assert re.fullmatch(r"\d{6}", numbers.sort_code)
        assert numbers == bacs_numbers("login-a", "ins_1", "1111", "1111")

    def test_an_iban_with_wrong_check_digits_is_invalid(self) -> None:
        assert is_valid_iban("GB82 WEST 1234 5698 7654 32")
        assert not is_valid_iban("GB83WEST12345698765432")
        assert not is_valid_iban("not an iban")

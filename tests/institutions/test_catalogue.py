"""Tests for the built-in Sandbox institution catalogue."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest

from gingham.institutions.catalogue import (
    BY_ID,
    CATALOGUE,
    SEARCH_LIMIT,
    AuthMethods,
    Behaviour,
    Health,
    LoginKind,
    SandboxInstitution,
    find,
    matching,
    search,
    validate,
)


def _ids(institutions: list[SandboxInstitution]) -> list[str]:
    return [ins.institution_id for ins in institutions]


def _fake(institution_id: str, name: str, **changes: Any) -> SandboxInstitution:
    base = BY_ID["ins_109508"]
    return dataclasses.replace(base, institution_id=institution_id, name=name, **changes)


class TestCatalogueIntegrity:
    def test_ids_are_unique(self) -> None:
        counts = Counter(ins.institution_id for ins in CATALOGUE)
        assert [i for i, n in counts.items() if n > 1] == []

    def test_by_id_covers_catalogue(self) -> None:
        assert len(BY_ID) == len(CATALOGUE)
        assert all(BY_ID[ins.institution_id] is ins for ins in CATALOGUE)

    def test_by_id_is_read_only(self) -> None:
        with pytest.raises(TypeError):
            BY_ID["ins_999"] = CATALOGUE[0]  # type: ignore[index]

    def test_entries_are_frozen(self) -> None:
        with pytest.raises(dataclasses.FrozenInstanceError):
            CATALOGUE[0].name = "Renamed"  # type: ignore[misc]

    def test_entries_are_hashable(self) -> None:
        assert len(set(CATALOGUE)) == len(CATALOGUE)

    def test_shipped_catalogue_is_consistent(self) -> None:
        assert validate(CATALOGUE) == []

    @pytest.mark.parametrize(
        ("institution_id", "name"),
        [
            ("ins_109508", "First Platypus Bank"),
            ("ins_130016", "First Platypus Balance Bank"),
            ("ins_109509", "First Gingham Credit Union"),
            ("ins_109510", "Tattersall Federal Credit Union"),
            ("ins_109511", "Tartan Bank"),
            ("ins_109512", "Houndstooth Bank"),
            ("ins_43", "Tartan-Dominion Bank of Canada"),
            ("ins_116834", "Flexible Platypus Open Banking"),
            ("ins_117650", "Royal Bank of Plaid"),
            ("ins_127287", "Platypus OAuth Bank"),
            ("ins_132241", "First Platypus OAuth App2App Bank"),
            ("ins_117181", "Flexible Platypus Open Banking"),
            ("ins_135858", "Windowpane Bank"),
            ("ins_132363", "Unhealthy Platypus Bank - Degraded"),
            ("ins_132361", "Unhealthy Platypus Bank - Down"),
            ("ins_133402", "Unsupported Platypus Bank - Institution Not Supported"),
            ("ins_133502", "Platypus Bank RUX Auth"),
            ("ins_133503", "Platypus Bank RUX Match"),
            ("ins_3", "Chase"),
            ("ins_4", "Wells Fargo"),
            ("ins_1", "Bank of America"),
            ("ins_10", "American Express"),
            ("ins_128026", "Capital One"),
            ("ins_11", "Charles Schwab"),
            ("ins_127990", "U.S. Bank"),
            ("ins_5", "Citibank Online"),
        ],
    )
    def test_documented_institution_present(self, institution_id: str, name: str) -> None:
        ins = find(institution_id)
        assert ins is not None
        assert ins.name == name

    def test_sandbox_only_institutions_come_first_in_documented_order(self) -> None:
        assert _ids(list(CATALOGUE[:3])) == ["ins_109508", "ins_130016", "ins_109509"]


class TestFind:
    def test_known_id(self) -> None:
        ins = find("ins_3")
        assert ins is not None
        assert ins.name == "Chase"

    def test_unknown_id(self) -> None:
        assert find("ins_does_not_exist") is None
        assert find("") is None


class TestValidate:
    def test_duplicate_id_reported(self) -> None:
        problems = validate([CATALOGUE[0], CATALOGUE[0]])
        assert any("duplicate institution_id" in p for p in problems)

    def test_bad_routing_number_reported(self) -> None:
        bad = _fake("ins_900001", "Bad Routing Bank", routing_numbers=("123456789",))
        assert any("invalid routing number" in p for p in validate([bad]))

    def test_oauth_flag_must_agree_with_login_kind(self) -> None:
        bad = _fake("ins_900002", "Confused Bank", oauth=True)
        assert any("contradicts login" in p for p in validate([bad]))

    def test_consent_days_only_for_oauth(self) -> None:
        bad = _fake("ins_900003", "Consent Bank", consent_days=90)
        assert any("non-OAuth" in p for p in validate([bad]))

    def test_unknown_product_and_country_reported(self) -> None:
        bad = _fake("ins_900004", "Odd Bank", products=("auth", "teleport"), country_codes=("XX",))
        problems = validate([bad])
        assert any("unknown product 'teleport'" in p for p in problems)
        assert any("unknown country code 'XX'" in p for p in problems)

    def test_auth_methods_require_auth_product(self) -> None:
        bad = _fake("ins_900005", "No Auth Bank", products=("transactions",))
        assert any("auth_methods" in p for p in validate([bad]))

    def test_bad_color_reported(self) -> None:
        bad = _fake("ins_900006", "Colour Bank", primary_color="blue")
        assert any("primary_color" in p for p in validate([bad]))


class TestMatching:
    def test_country_filter(self) -> None:
        gb = _ids(matching(country_codes=["GB"]))
        assert gb == ["ins_116834", "ins_117650"]
        ca = _ids(matching(country_codes=["CA"]))
        assert ca == ["ins_43"]

    def test_eu_countries_find_qr_bank(self) -> None:
        for country in ("FR", "ES", "NL", "DE", "IE", "IT"):
            assert _ids(matching(country_codes=[country])) == ["ins_117181"]

    def test_any_shared_country_is_enough(self) -> None:
        ids = _ids(matching(country_codes=["CA", "FR"]))
        assert ids == ["ins_43", "ins_117181"]

    def test_country_codes_case_insensitive(self) -> None:
        assert _ids(matching(country_codes=["ca"])) == ["ins_43"]

    def test_no_country_codes_match_nothing(self) -> None:
        assert matching(country_codes=[]) == []

    def test_catalogue_order_is_kept(self) -> None:
        us = matching(country_codes=["US"])
        positions = [CATALOGUE.index(ins) for ins in us]
        assert positions == sorted(positions)
        assert len(us) == sum("US" in ins.country_codes for ins in CATALOGUE)

    def test_oauth_filter(self) -> None:
        oauth = matching(country_codes=["US"], oauth=True)
        assert oauth
        assert all(ins.oauth for ins in oauth)
        assert {
            "ins_127287",
            "ins_132241",
            "ins_3",
            "ins_4",
            "ins_10",
            "ins_128026",
            "ins_11",
            "ins_5",
        } == set(_ids(oauth))
        non_oauth = matching(country_codes=["US"], oauth=False)
        assert not any(ins.oauth for ins in non_oauth)
        assert "ins_109508" in _ids(non_oauth)
        assert "ins_1" in _ids(non_oauth)
        assert len(oauth) + len(non_oauth) == len(matching(country_codes=["US"]))

    def test_products_must_all_be_supported(self) -> None:
        with_investments = _ids(matching(country_codes=["GB", "US"], products=["investments"]))
        assert "ins_11" in with_investments  # Charles Schwab
        assert "ins_128026" not in with_investments  # Capital One: no Investments
        assert not {"ins_116834", "ins_117650"} & set(with_investments)  # the UK banks
        # investments + liabilities: Schwab drops out (no Liabilities)
        both = _ids(matching(country_codes=["GB", "US"], products=["investments", "liabilities"]))
        assert "ins_11" not in both
        assert set(both) < set(with_investments)
        # the UK banks offer Auth, but nobody there offers Investments
        assert _ids(matching(country_codes=["GB"], products=["auth"])) == [
            "ins_116834",
            "ins_117650",
        ]
        assert matching(country_codes=["GB"], products=["auth", "investments"]) == []

    def test_products_filter_excludes_institutions_without_product(self) -> None:
        auth = _ids(matching(country_codes=["US"], products=["auth"]))
        assert "ins_10" not in auth  # American Express: no Auth
        assert "ins_3" in auth
        investments = _ids(matching(country_codes=["US"], products=["investments"]))
        assert "ins_11" in investments
        assert "ins_135858" not in investments  # Windowpane

    def test_balance_is_implied_by_auth_or_transactions(self) -> None:
        no_balance = dataclasses.replace(
            BY_ID["ins_109508"], institution_id="ins_900010", products=("auth",)
        )
        tx_only = dataclasses.replace(
            BY_ID["ins_109508"],
            institution_id="ins_900011",
            products=("transactions",),
            auth_methods=AuthMethods(),
        )
        neither = dataclasses.replace(
            BY_ID["ins_109508"],
            institution_id="ins_900012",
            products=("identity",),
            auth_methods=AuthMethods(),
        )
        found = matching(
            country_codes=["US"], products=["balance"], institutions=[no_balance, tx_only, neither]
        )
        assert _ids(found) == ["ins_900010", "ins_900011"]

    def test_empty_products_is_no_filter(self) -> None:
        assert matching(country_codes=["US"], products=[]) == matching(country_codes=["US"])

    def test_routing_number_filter(self) -> None:
        assert _ids(matching(country_codes=["US"], routing_numbers=["333333334"])) == ["ins_135858"]
        # Houndstooth's test routing number is Chase's real one: both match.
        assert _ids(matching(country_codes=["US"], routing_numbers=["021000021"])) == [
            "ins_109512",
            "ins_3",
        ]

    def test_routing_number_filter_matches_any(self) -> None:
        ids = _ids(
            matching(country_codes=["US"], routing_numbers=["121000248", "026009593", "000000000"])
        )
        assert ids == ["ins_4", "ins_1"]

    def test_unknown_routing_number_matches_nothing(self) -> None:
        assert matching(country_codes=["US"], routing_numbers=["999999999"]) == []

    def test_filters_combine(self) -> None:
        ids = _ids(
            matching(
                country_codes=["US"],
                products=["auth", "investments"],
                oauth=True,
                routing_numbers=["121202211", "056073502"],
            )
        )
        assert ids == ["ins_11"]  # Capital One has no investments


class TestSearch:
    def test_exact_name(self) -> None:
        assert _ids(search("Chase", country_codes=["US"])) == ["ins_3"]

    def test_case_insensitive(self) -> None:
        assert _ids(search("wElLs FARGO", country_codes=["US"])) == ["ins_4"]

    def test_aliases(self) -> None:
        assert _ids(search("bofa", country_codes=["US"])) == ["ins_1"]
        assert _ids(search("boa", country_codes=["US"])) == ["ins_1"]
        assert _ids(search("jpmorgan", country_codes=["US"])) == ["ins_3"]
        assert _ids(search("jp morgan", country_codes=["US"])) == ["ins_3"]
        assert _ids(search("citi", country_codes=["US"])) == ["ins_5"]
        assert _ids(search("amex", country_codes=["US"])) == ["ins_10"]

    def test_punctuation_is_ignored(self) -> None:
        # "us" is also inside "Platypus", so other banks match too, but the
        # exact name (dots dropped) ranks first.
        assert _ids(search("U.S. Bank", country_codes=["US"]))[0] == "ins_127990"
        assert _ids(search("us bank", country_codes=["US"]))[0] == "ins_127990"
        assert _ids(search("u.s.", country_codes=["US"]))[0] == "ins_127990"
        assert _ids(search("tartan-dominion", country_codes=["CA"])) == ["ins_43"]

    def test_every_term_must_match(self) -> None:
        assert _ids(search("houndstooth bank", country_codes=["US"])) == ["ins_109512"]
        assert search("houndstooth chase", country_codes=["US"]) == []

    def test_term_is_word_prefix(self) -> None:
        assert _ids(search("hounds", country_codes=["US"])) == ["ins_109512"]
        assert _ids(search("window", country_codes=["US"])) == ["ins_135858"]

    def test_term_can_be_substring_of_name(self) -> None:
        # "pane" is inside "Windowpane" but starts no word
        assert _ids(search("pane", country_codes=["US"])) == ["ins_135858"]

    def test_substring_of_alias_only_does_not_match(self) -> None:
        # "morgan" prefixes an alias word, "organ" is only inside one
        assert search("organ", country_codes=["US"]) == []

    def test_exact_beats_prefix_beats_other(self) -> None:
        other = _fake("ins_900020", "Big Tartan Bank")
        prefix = _fake("ins_900021", "Tartan Bank of Somewhere")
        exact = _fake("ins_900022", "Tartan Bank")
        found = search("tartan bank", country_codes=["US"], institutions=[other, prefix, exact])
        assert _ids(found) == ["ins_900022", "ins_900021", "ins_900020"]

    def test_name_prefix_ranks_before_catalogue_order(self) -> None:
        found = _ids(search("platypus bank", country_codes=["US"]))
        # the RUX banks start with the query, though they come later in the catalogue
        assert found[:2] == ["ins_133502", "ins_133503"]
        assert "ins_109508" in found[2:]

    def test_ties_keep_catalogue_order(self) -> None:
        found = search("credit union", country_codes=["US"])
        assert _ids(found) == ["ins_109509", "ins_109510"]

    def test_at_most_ten_results(self) -> None:
        everything = matching(country_codes=["US"])
        assert len(everything) > SEARCH_LIMIT
        found = search("bank", country_codes=["US"])
        assert SEARCH_LIMIT == 10
        assert len(found) == 10

    def test_cap_applies_after_ranking(self) -> None:
        many = [_fake(f"ins_9001{i:02d}", f"Filler Bank {i}") for i in range(12)]
        target = _fake("ins_900200", "Filler")
        found = search("filler", country_codes=["US"], institutions=[*many, target])
        assert len(found) == 10
        assert found[0].institution_id == "ins_900200"

    def test_platypus_across_countries_is_capped(self) -> None:
        all_platypus = [
            ins for ins in matching(country_codes=["US", "GB", "FR"]) if "Platypus" in ins.name
        ]
        assert len(all_platypus) > SEARCH_LIMIT
        found = search("platypus", country_codes=["US", "GB", "FR"])
        assert len(found) == SEARCH_LIMIT

    def test_country_filter(self) -> None:
        assert _ids(search("flexible platypus", country_codes=["GB"])) == ["ins_116834"]
        assert _ids(search("flexible platypus", country_codes=["DE"])) == ["ins_117181"]
        assert _ids(search("flexible platypus", country_codes=["GB", "DE"])) == [
            "ins_116834",
            "ins_117181",
        ]
        assert search("chase", country_codes=["GB"]) == []

    def test_oauth_filter(self) -> None:
        assert _ids(search("flexible platypus", country_codes=["GB", "DE"], oauth=True)) == [
            "ins_117181"
        ]
        assert _ids(search("flexible platypus", country_codes=["GB", "DE"], oauth=False)) == [
            "ins_116834"
        ]

    def test_products_filter(self) -> None:
        assert search("american express", country_codes=["US"], products=["auth"]) == []
        assert _ids(
            search("american express", country_codes=["US"], products=["transactions"])
        ) == ["ins_10"]

    def test_blank_query_matches_nothing(self) -> None:
        assert search("", country_codes=["US"]) == []
        assert search("   ", country_codes=["US"]) == []

    def test_no_match(self) -> None:
        assert search("zzz", country_codes=["US"]) == []


class TestUnhealthyAndUnsupported:
    def test_degraded(self) -> None:
        ins = BY_ID["ins_132363"]
        assert ins.health is Health.DEGRADED
        assert ins.supported

    def test_down(self) -> None:
        ins = BY_ID["ins_132361"]
        assert ins.health is Health.DOWN
        assert ins.supported

    def test_unsupported(self) -> None:
        ins = BY_ID["ins_133402"]
        assert not ins.supported
        assert ins.connection_availability == "NOT_SUPPORTED"
        assert ins.health is Health.HEALTHY

    def test_everything_else_is_healthy_and_supported(self) -> None:
        special = {"ins_132363", "ins_132361", "ins_133402"}
        for ins in CATALOGUE:
            if ins.institution_id not in special:
                assert ins.health is Health.HEALTHY, ins.institution_id
                assert ins.supported, ins.institution_id
                assert ins.connection_availability == "SUPPORTED"

    def test_unhealthy_entries_are_still_listed_and_searchable(self) -> None:
        ids = _ids(search("unhealthy", country_codes=["US"]))
        assert ids == ["ins_132363", "ins_132361"]
        assert _ids(search("unsupported", country_codes=["US"])) == ["ins_133402"]


class TestLoginKindsAndConsent:
    def test_oauth_test_banks(self) -> None:
        assert BY_ID["ins_127287"].login is LoginKind.OAUTH
        assert BY_ID["ins_127287"].consent_days is None
        assert BY_ID["ins_132241"].login is LoginKind.OAUTH_APP2APP
        qr = BY_ID["ins_117181"]
        assert qr.login is LoginKind.OAUTH_QR
        assert qr.consent_days == 90
        assert qr.oauth

    def test_uk_credentials_bank(self) -> None:
        ins = BY_ID["ins_116834"]
        assert ins.login is LoginKind.CREDENTIALS
        assert not ins.oauth
        assert ins.country_codes == ("GB",)

    def test_first_platypus_is_non_oauth(self) -> None:
        assert BY_ID["ins_109508"].login is LoginKind.CREDENTIALS
        assert not BY_ID["ins_109508"].oauth


class TestAuthMethods:
    def test_houndstooth(self) -> None:
        ins = BY_ID["ins_109512"]
        assert ins.auth_methods == AuthMethods(instant_match=True, automated_micro_deposits=True)
        assert ins.routing_numbers == ("021000021",)

    def test_windowpane(self) -> None:
        ins = BY_ID["ins_135858"]
        assert ins.auth_methods == AuthMethods(instant_micro_deposits=True)
        assert ins.routing_numbers == ("333333334",)

    def test_instant_auth_default(self) -> None:
        assert BY_ID["ins_109508"].auth_methods == AuthMethods(instant_auth=True)


class TestBehaviours:
    def test_chase(self) -> None:
        chase = BY_ID["ins_3"]
        assert chase.oauth
        assert chase.consent_days is None
        assert chase.behaviours >= {
            Behaviour.TOKENIZED_ACCOUNT_NUMBERS,
            Behaviour.ONE_ITEM_PER_LOGIN,
            Behaviour.ACCOUNT_SELECTION_AT_BANK,
        }

    def test_schwab_one_item_per_login(self) -> None:
        assert BY_ID["ins_11"].has(Behaviour.ONE_ITEM_PER_LOGIN)
        assert not BY_ID["ins_11"].has(Behaviour.TOKENIZED_ACCOUNT_NUMBERS)

    def test_capital_one(self) -> None:
        cap = BY_ID["ins_128026"]
        assert cap.has(Behaviour.BALANCE_NEEDS_MIN_LAST_UPDATED)
        assert cap.oauth

    def test_always_mfa_banks_use_credentials(self) -> None:
        always = [ins.institution_id for ins in CATALOGUE if ins.has(Behaviour.ALWAYS_MFA)]
        assert always == ["ins_1", "ins_127990"]
        assert all(BY_ID[i].login is LoginKind.CREDENTIALS for i in always)

    def test_platypus_banks_have_no_quirks(self) -> None:
        for ins in CATALOGUE:
            if "Platypus" in ins.name:
                assert ins.behaviours == frozenset(), ins.institution_id

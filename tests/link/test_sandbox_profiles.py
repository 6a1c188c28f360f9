"""The Sandbox's returning users: the phone numbers Link recognises and what they saved, and the
phone state a session keeps between calls."""

from __future__ import annotations

import json

import pytest

from gingham.bank.credentials import sign_in
from gingham.institutions import catalogue
from gingham.institutions.catalogue import LoginKind
from gingham.link.sandbox_profiles import (
    NEW_USER_PHONE,
    PROFILES,
    RETURNING_USER_PHONE,
    display_phone,
    normalize_phone,
    profile_for,
)
from gingham.link.state import PhoneVerification, SessionState


class TestNormalizePhone:
    @pytest.mark.parametrize(
        "typed",
        ["415-555-0011", "(415) 555-0011", "+1 415 555 0011", "4155550011", "1-415-555-0011"],
    )
    def test_the_ways_people_type_a_number(self, typed: str) -> None:
        assert normalize_phone(typed) == "+14155550011"

    @pytest.mark.parametrize(
        "typed", ["", "12", "+44 20 7946 0958", "415-555-001x", "015-555-0011"]
    )
    def test_what_is_not_a_us_or_canadian_number(self, typed: str) -> None:
        assert normalize_phone(typed) is None

    def test_display(self) -> None:
        assert display_phone("+14155550011") == "(415) 555-0011"


class TestProfiles:
    def test_the_documented_numbers(self) -> None:
        returning, new = profile_for(RETURNING_USER_PHONE), profile_for(NEW_USER_PHONE)
        assert returning is not None and returning.saved
        assert new is not None and new.saved == ()
        assert profile_for("+12125550199") is None

    def test_saved_connections_are_credential_banks_holding_the_saved_accounts(self) -> None:
        for profile in PROFILES.values():
            for saved in profile.saved:
                institution = catalogue.find(saved.institution_id)
                assert institution is not None
                assert institution.login is LoginKind.CREDENTIALS
                masks = {a.mask for a in sign_in(saved.username, "pass_good").accounts}
                assert set(saved.masks) <= masks


def test_the_phone_state_round_trips_through_json() -> None:
    state = SessionState(phone=PhoneVerification("+14155550011", True, 2, "wrong", "sent again"))
    stored = json.loads(json.dumps(state.to_json()))
    assert SessionState.from_json(stored).phone == state.phone
    assert SessionState.from_json({}).phone is None

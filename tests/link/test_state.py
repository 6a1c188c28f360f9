"""A Link session's typed state survives the JSON column unchanged."""

from __future__ import annotations

import json

from gingham.bank.accounts import AccountTemplate
from gingham.bank.mfa import MfaPlan
from gingham.link.state import (
    BankConsent,
    Login,
    MfaProgress,
    MfaStep,
    OAuthTrip,
    OfferedAccount,
    SessionState,
    View,
)

CHECKING = AccountTemplate("Plaid Checking", None, "0000", "depository", "checking", 100.0, 110.0)


def test_every_field_round_trips_through_json() -> None:
    state = SessionState(
        event_count=7,
        query="platypus",
        results=["ins_109508"],
        user_item_id="item-1",
        error={"error_code": "INVALID_MFA"},
        error_view=View.MFA,
        can_retry=False,
        notice="slow",
        login=Login("user_good", [CHECKING]),
        mfa=MfaProgress(MfaPlan("questions", 2, 3), MfaStep.QUESTIONS, 1),
        offered=[OfferedAccount("acc-1", CHECKING, "bank-1")],
        preselected=["acc-1"],
        left_out=[CHECKING],
        selected=["acc-1"],
        oauth=OAuthTrip("state-1", "popup", "http://bank/authorize"),
        bank_consent=BankConsent(["auth"], {"bank_user": "u1"}, "sealed"),
        reauthorized=True,
        previous_view=View.SELECT_ACCOUNT,
        public_token_sealed="sealed-token",
    )
    stored = json.loads(json.dumps(state.to_json()))
    assert SessionState.from_json(stored) == state


def test_a_new_session_starts_from_an_empty_column() -> None:
    assert SessionState.from_json({}) == SessionState()

"""The trip to an OAuth bank, from the OAUTH pane and back.

1. The user continues to the bank: `open_oauth` records OPEN_OAUTH and a LinkOAuthState (Plaid's
   oauth_state_id, also the OAuth `state`) with a PKCE pair, and keeps the bank's authorization
   URL for the frame to open in a pop-up, the whole page (redirect) or a QR code.
2. The bank's answer reaches Gingham's callback (gingham.link.oauth), which records it on the
   trip.
3. The frame (`complete_oauth`), or Link re-initialised at the redirect URI, carries on: the Item
   gets what the user shared, if it is enough for the products.
"""

from __future__ import annotations

import uuid
from typing import Any

from gingham import errors
from gingham.bank.accounts import AccountTemplate
from gingham.clients import profile
from gingham.institutions.catalogue import LoginKind
from gingham.link import policy
from gingham.link.eligibility import eligible_accounts, no_eligible_accounts
from gingham.link.flow import LinkFlow
from gingham.link.models import LinkOAuthState
from gingham.link.oauth import PRODUCT_SCOPES, redirect_available
from gingham.link.state import BankConsent, OAuthTrip, OfferedAccount, View
from gingham.link.steps import ending
from gingham.link.wording import SCOPE_NAMES
from gingham.wire.ids import new_object_id

_MODES = ("popup", "redirect", "qr")


def open_oauth(flow: LinkFlow, body: dict[str, Any]) -> None:
    mode = body.get("mode", "popup")
    if mode not in _MODES:
        raise errors.invalid_field("mode must be popup, redirect or qr")
    institution, bank = flow.institution, flow.ctx.bank
    assert institution is not None
    if mode == "qr" and institution.login is not LoginKind.OAUTH_QR:
        raise errors.invalid_field("only institutions with a QR-code flow take mode qr")
    if bank is None:
        raise errors.internal_server_error()
    if mode == "redirect" and not redirect_available(flow.config):
        raise errors.invalid_field(
            "the redirect flow needs the link token's redirect_uri (set it in /link/token/create); "
            "without one only the pop-up flow can be used"
        )
    verifier, challenge = bank.new_pkce_pair()
    state = LinkOAuthState(
        id=str(uuid.uuid4()),
        link_session_id=flow.row.id,
        institution_id=institution.institution_id,
        mode=mode,
        code_verifier_sealed="",
        status="pending",
        result=None,
        created_at=flow.ctx.now,
        completed_at=None,
        processed_at=None,
    )
    state.code_verifier_sealed = flow.ctx.secrets.seal(verifier, context=state.id)
    flow.ctx.session.add(state)
    url = bank.authorization_url(
        institution.institution_id,
        state=state.id,
        code_challenge=challenge,
        redirect_uri=flow.ctx.callback_url,
        application_id=profile.profile_row(
            flow.ctx.session, flow.caller.client_id, flow.ctx.now
        ).application_id,
    )
    flow.state.oauth = OAuthTrip(state.id, mode, url)
    flow.record("OPEN_OAUTH")


def _trip_under_way(flow: LinkFlow) -> LinkOAuthState | None:
    """The session's trip to the bank, if any (a trip that ended is forgotten, so a retry starts
    a new one)."""
    trip = flow.state.oauth
    return flow.ctx.session.get(LinkOAuthState, trip.state_id) if trip else None


def complete_oauth(flow: LinkFlow, body: dict[str, Any]) -> None:
    """Carry on after the bank: to CONNECTED with what was granted, or to the error. Each trip
    is processed once."""
    state = _trip_under_way(flow)
    if state is None or state.status == "pending" or state.processed_at is not None:
        return  # no trip, still at the bank, or already dealt with
    state.processed_at = flow.ctx.now
    # This trip is over whatever follows: a retry makes a new one.
    flow.state.oauth = None
    if state.status == "authorized":
        assert state.result is not None
        _bank_granted(flow, state.result)
    else:
        reason = (state.result or {}).get("bank_error", "server_error")
        ending.fail(flow, errors.oauth_bank_refused(reason), origin=View.OAUTH)


def window_closed(flow: LinkFlow, body: dict[str, Any]) -> None:
    """The pop-up closed (or timed out): if the bank answered meanwhile, carry on; otherwise
    the user is back on the OAUTH pane."""
    state = _trip_under_way(flow)
    if state is not None and state.status != "pending":
        complete_oauth(flow, body)
        return
    flow.record("FAIL_OAUTH" if body.get("timed_out") else "CLOSE_OAUTH")
    flow.state.oauth = None


def _bank_granted(flow: LinkFlow, result: dict[str, Any]) -> None:
    """The user consented at the bank: the Item gets what they shared, if it is enough."""
    s = flow.snapshot
    granted_scopes = set(result.get("scopes", []))
    missing = [
        p
        for p in policy.validated_products(s)
        if p in PRODUCT_SCOPES and PRODUCT_SCOPES[p] not in granted_scopes
    ]
    if not result.get("accounts"):
        ending.fail(flow, errors.no_accounts_shared_at_bank(), origin=View.OAUTH)
        return
    if missing:
        needed = ", ".join(SCOPE_NAMES[PRODUCT_SCOPES[p]] for p in missing)
        ending.fail(flow, errors.access_not_granted(missing, needed), origin=View.OAUTH)
        return
    shared = [(a["account_id"], template_from_bank(a)) for a in result["accounts"]]
    products = policy.products_to_suit(s)
    # account_filters apply after the OAuth flow, to what the user shared.
    eligible = eligible_accounts(
        [t for _, t in shared], products, flow.config.get("account_filters")
    )
    if not eligible:
        ending.fail(flow, no_eligible_accounts(products), origin=View.OAUTH)
        return
    chosen = [(bank_id, t) for bank_id, t in shared if t in eligible]
    if (unserved := policy.unserved_product(s, [t for _, t in chosen])) is not None:
        ending.fail(flow, no_eligible_accounts([unserved]), origin=View.OAUTH)
        return
    flow.state.offered = [OfferedAccount(new_object_id(), t, bank_id) for bank_id, t in chosen]
    flow.state.selected = [a.id for a in flow.state.offered]
    flow.state.bank_consent = BankConsent(
        list(result["scopes"]), result["consent"], result["tokens_sealed"]
    )
    if flow.is_update_mode:
        ending.finish_update_mode(flow)
        return
    ending.link_item(flow)


def template_from_bank(account: dict[str, Any]) -> AccountTemplate:
    balances = account.get("balances") or {}
    # The bank sends numbers only when the user shared them (its `auth` scope). Chase-like banks'
    # are tokenized; their mask stays the real account's.
    numbers = account.get("numbers") or {}
    return AccountTemplate(
        name=account["name"],
        official_name=account.get("official_name"),
        mask=account.get("mask"),
        type=account["type"],
        subtype=account.get("subtype"),
        available=balances.get("available"),
        current=balances.get("current"),
        limit=balances.get("limit"),
        currency=balances.get("iso_currency_code"),
        account_number=numbers.get("account"),
        routing_number=numbers.get("routing"),
        numbers_tokenized=bool(numbers.get("tokenized")),
    )

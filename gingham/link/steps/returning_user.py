"""The returning user experience: a phone number verified with a one-time code, then the
institutions and accounts the user saved before, for a fast link.

The number comes from the link token's `user.phone_number` or is typed on SUBMIT_PHONE (the
consent pane leads there). A guest who linked at a credential bank may save the connection with
their number from CONNECTED; once the number is verified, Link hands the Item over
(gingham.link.remembered keeps what was saved). A number Plaid knows to have agreed to codes before is sent one at
once (AUTO_SUBMIT_PHONE). The user can always continue as a guest (SKIP_SUBMIT_PHONE), into the
usual institution search. A saved connection Link can reuse goes straight to its accounts
(SELECT_SAVED_ACCOUNT); one it cannot goes through the usual login at that bank. Either way the
Item is an ordinary one (gingham.items.linking.create_from_link).

Events, in Plaid's names: SUBMIT_PHONE, AUTO_SUBMIT_PHONE, SKIP_SUBMIT_PHONE, SUBMIT_OTP,
VERIFY_PHONE, SELECT_SAVED_INSTITUTION with SELECT_INSTITUTION (`match_reason`
SAVED_INSTITUTION), SELECT_SAVED_ACCOUNT, CONNECT_NEW_INSTITUTION.
"""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.bank.logins import accounts_of_login
from gingham.crypto import same_secret
from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health
from gingham.link import legacy, policy
from gingham.link.eligibility import eligible_accounts, no_eligible_accounts
from gingham.link.flow import LinkFlow
from gingham.link.remembered import remember, remembered_connections
from gingham.link.sandbox_profiles import (
    SANDBOX_OTP,
    SavedConnection,
    display_phone,
    normalize_phone,
    profile_for,
)
from gingham.link.state import Login, OfferedAccount, PhoneVerification, View
from gingham.link.steps import ending, institution
from gingham.link.steps.accounts import take_selection
from gingham.link.wording import (
    OTP_INCORRECT,
    OTP_SENT_AGAIN,
    OTP_TOO_MANY,
    PHONE_NOT_IN_SANDBOX,
    PHONE_NOT_VALID,
    SAVED_CONNECTION_NOT_REUSABLE,
)
from gingham.wire.ids import new_object_id

# After this many wrong codes the code stops working: the user sends a new one or goes on as a
# guest.
MAX_WRONG_CODES = 3

# Plaid offers the returning user experience to users in the US and Canada.
_COUNTRIES = frozenset({"US", "CA"})


def is_offered(flow: LinkFlow) -> bool:
    """A new link in the US or Canada: not update mode, not a public-key integration."""
    return (
        not flow.is_update_mode
        and not flow.updates_user
        and not legacy.is_legacy(flow.config)
        and bool(_COUNTRIES & set(flow.config.get("country_codes") or ()))
    )


def token_phone(flow: LinkFlow) -> str | None:
    """The link token's `user.phone_number`, as E.164, if it is a phone number."""
    raw = (flow.config.get("user") or {}).get("phone_number")
    return normalize_phone(raw) if isinstance(raw, str) else None


def _phone(flow: LinkFlow) -> PhoneVerification:
    if flow.state.phone is None:
        flow.state.phone = PhoneVerification()
    return flow.state.phone


# -- SUBMIT_PHONE -------------------------------------------------------------------------------


def continue_from_consent(flow: LinkFlow, body: dict[str, Any]) -> None:
    """With the link token's phone number, Link asks for its code (at once, for a number that
    agreed to codes before); otherwise consent goes on as usual."""
    phone = token_phone(flow) if is_offered(flow) else None
    if phone is None:
        institution.continue_from_consent(flow, body)
        return
    # A returning user agreed to codes when they saved their accounts; a new one has not yet.
    if _saved_with(flow, phone):
        _phone(flow).number = phone
        flow.record("AUTO_SUBMIT_PHONE")
        flow.show(View.VERIFY_PHONE)
        return
    flow.show(View.SUBMIT_PHONE)


def ask_for_phone(flow: LinkFlow, body: dict[str, Any]) -> None:
    if not is_offered(flow):
        raise errors.invalid_field("this Link session does not offer the returning user experience")
    flow.show(View.SUBMIT_PHONE)


def submit_phone(flow: LinkFlow, body: dict[str, Any]) -> None:
    raw = body.get("phone_number")
    if not isinstance(raw, str):
        raise errors.invalid_field("phone_number must be a string")
    flow.record("SUBMIT_PHONE")
    phone = _phone(flow)
    number = normalize_phone(raw)
    phone.notice = None
    if number is None or profile_for(number) is None:
        phone.error = PHONE_NOT_VALID if number is None else PHONE_NOT_IN_SANDBOX
        flow.show(View.SUBMIT_PHONE)
        return
    phone.number, phone.failures, phone.error = number, 0, None
    flow.show(View.VERIFY_PHONE)


def skip_phone(flow: LinkFlow, body: dict[str, Any]) -> None:
    """Continue as a guest: the usual institution search, or, for a guest who was saving the
    Item just linked, the hand-over."""
    flow.record("SKIP_SUBMIT_PHONE")
    remembering = flow.state.phone is not None and flow.state.phone.remembering
    flow.state.phone = None
    if remembering:
        ending.handoff(flow, {})
        return
    flow.show(View.SELECT_INSTITUTION)


def back_to_consent(flow: LinkFlow, body: dict[str, Any]) -> None:
    remembering = flow.state.phone is not None and flow.state.phone.remembering
    flow.state.phone = None
    flow.show(View.CONNECTED if remembering else View.CONSENT)


# -- VERIFY_PHONE -------------------------------------------------------------------------------


def submit_otp(flow: LinkFlow, body: dict[str, Any]) -> None:
    code = body.get("code")
    if not isinstance(code, str):
        raise errors.invalid_field("code must be a string")
    phone = _phone(flow)
    flow.record("SUBMIT_OTP")
    phone.notice = None
    if not same_secret(code.strip(), SANDBOX_OTP):
        phone.failures += 1
        if phone.failures >= MAX_WRONG_CODES:
            phone.error = OTP_TOO_MANY
            flow.show(View.SUBMIT_PHONE)
            return
        phone.error = OTP_INCORRECT
        flow.show(View.VERIFY_PHONE)
        return
    phone.verified, phone.error = True, None
    flow.record("VERIFY_PHONE")
    if phone.remembering:
        _remember_linked_connection(flow)
        # Plaid: once the phone number is verified, Link closes by itself.
        ending.handoff(flow, {})
        return
    if saved_connections(flow):
        flow.show(View.SELECT_SAVED_INSTITUTION)
    else:
        flow.show(View.SELECT_INSTITUTION)


def resend_code(flow: LinkFlow, body: dict[str, Any]) -> None:
    phone = _phone(flow)
    assert phone.number is not None
    phone.failures, phone.error = 0, None
    phone.notice = OTP_SENT_AGAIN.format(phone=display_phone(phone.number))
    flow.show(View.VERIFY_PHONE)


def back_to_phone(flow: LinkFlow, body: dict[str, Any]) -> None:
    phone = _phone(flow)
    phone.error = phone.notice = None
    flow.show(View.SUBMIT_PHONE)


# -- SELECT_SAVED_INSTITUTION -------------------------------------------------------------------


def saved_connections(flow: LinkFlow) -> list[SavedConnection]:
    """The verified user's saved institutions that this link token's products and countries
    allow."""
    phone = flow.state.phone
    if phone is None or not phone.verified or phone.number is None:
        return []
    allowed = {
        i.institution_id
        for i in catalogue.matching(
            country_codes=flow.config["country_codes"],
            products=flow.config.get("products") or (),
            institutions=flow.effective_institutions(),
        )
    }
    return [saved for saved in _saved_with(flow, phone.number) if saved.institution_id in allowed]


def _saved_with(flow: LinkFlow, number: str) -> list[SavedConnection]:
    """The Sandbox profile's saved connections, then those saved in Link, one per institution."""
    profile = profile_for(number)
    saved = list(profile.saved) if profile else []
    seen = {s.institution_id for s in saved}
    for connection in remembered_connections(flow.ctx.session, flow.token.environment, number):
        if connection.institution_id not in seen:
            saved.append(connection)
    return saved


def select_saved_institution(flow: LinkFlow, body: dict[str, Any]) -> None:
    institution_id = body.get("institution_id")
    saved = next((s for s in saved_connections(flow) if s.institution_id == institution_id), None)
    if saved is None:
        raise errors.invalid_field(f"institution_id {institution_id!r} is not a saved institution")
    flow.institution_id = saved.institution_id
    bank = flow.institution
    assert bank is not None
    flow.state.error = flow.state.notice = None
    flow.record("SELECT_SAVED_INSTITUTION")
    flow.record("SELECT_INSTITUTION", match_reason="SAVED_INSTITUTION")
    if bank.health is Health.DOWN:
        ending.fail(flow, errors.institution_down(bank.name), origin=View.SELECT_INSTITUTION)
        return
    if institution.refuses_unregistered_app(flow, bank):
        return
    if not saved.reusable:
        # Plaid: a connection Link cannot reuse goes through the full flow to reconnect.
        flow.state.notice = SAVED_CONNECTION_NOT_REUSABLE.format(name=bank.name)
        flow.show(View.OAUTH if bank.oauth else View.CREDENTIAL)
        return
    _offer_saved_accounts(flow, saved)


def _offer_saved_accounts(flow: LinkFlow, saved: SavedConnection) -> None:
    """The login's accounts the products can use, those saved before ticked."""
    assert flow.institution_id is not None
    templates = list(accounts_of_login(flow.ctx.session, flow.institution_id, saved.username))
    flow.state.login = Login(saved.username, templates)
    products = policy.products_to_suit(flow.snapshot)
    eligible = eligible_accounts(templates, products, flow.config.get("account_filters"))
    if not eligible:
        ending.fail(flow, no_eligible_accounts(products), origin=View.SELECT_INSTITUTION)
        return
    flow.state.offered = [OfferedAccount(new_object_id(), t) for t in eligible]
    ticked = [a.id for a in flow.state.offered if a.template.mask in saved.masks]
    flow.state.preselected = ticked[:1] if policy.single_select(flow.snapshot) else ticked
    flow.show(View.SELECT_SAVED_ACCOUNT)


def connect_new_institution(flow: LinkFlow, body: dict[str, Any]) -> None:
    flow.record("CONNECT_NEW_INSTITUTION")
    flow.institution_id = None
    flow.state.login = None
    flow.state.offered, flow.state.preselected, flow.state.error = [], [], None
    flow.show(View.SELECT_INSTITUTION)


# -- SELECT_SAVED_ACCOUNT -----------------------------------------------------------------------


def select_saved_accounts(flow: LinkFlow, body: dict[str, Any]) -> None:
    if take_selection(flow, body, pane=View.SELECT_SAVED_ACCOUNT, event="SELECT_SAVED_ACCOUNT"):
        ending.link_item(flow)


def back_to_saved_institutions(flow: LinkFlow, body: dict[str, Any]) -> None:
    flow.institution_id = None
    flow.state.login = None
    flow.state.offered, flow.state.preselected, flow.state.error = [], [], None
    flow.show(View.SELECT_SAVED_INSTITUTION)


# -- saving a guest's connection for next time (from CONNECTED) ---------------------------------


def can_remember(flow: LinkFlow) -> bool:
    """A guest who just linked an Item at a credential bank can save it with their number."""
    phone = flow.state.phone
    return (
        is_offered(flow)
        and flow.item_id is not None
        and not (phone is not None and phone.verified)
        and flow.state.login is not None
        and flow.state.bank_consent is None
    )


def offer_to_remember(flow: LinkFlow, body: dict[str, Any]) -> None:
    if not can_remember(flow):
        raise errors.invalid_field("this Link session cannot save its connection")
    flow.state.phone = PhoneVerification(remembering=True)
    flow.show(View.SUBMIT_PHONE)


def _remember_linked_connection(flow: LinkFlow) -> None:
    phone, login = flow.state.phone, flow.state.login
    assert phone is not None and phone.number is not None and login is not None
    assert flow.institution_id is not None
    chosen = flow.state.offered_by_id(flow.state.selected)
    remember(
        flow.ctx.session,
        flow.token.environment,
        phone.number,
        flow.institution_id,
        login.username,
        [a.template.mask for a in chosen if a.template.mask],
        flow.ctx.now,
    )

"""How a Link session ends: the Item linked or repaired, the error pane, onSuccess and onExit."""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.accounts.service import accounts_of_item
from gingham.bank.accounts import AccountTemplate
from gingham.bank.logins import login_id
from gingham.items import linking
from gingham.link import legacy, policy
from gingham.link.eligibility import eligible_accounts
from gingham.link.flow import LinkFlow, error_event_fields
from gingham.link.state import MfaStep, OfferedAccount, SessionState, View

# Errors a retry cannot fix: the user must act at their bank first (a locked account, a setup
# step on the bank's website), or nothing in Link would go differently.
_FINAL_ERRORS = frozenset(
    {
        "ITEM_LOCKED",
        "USER_SETUP_REQUIRED",
        "ITEM_NOT_SUPPORTED",
        "MFA_NOT_SUPPORTED",
        "ITEM_NO_ERROR",
    }
)


def link_item(flow: LinkFlow) -> None:
    """The session's new Item, with the accounts the user chose: then CONNECTED."""
    institution = flow.institution
    assert institution is not None
    chosen = flow.state.offered_by_id(flow.state.selected)
    templates = [account.template for account in chosen]
    consent = flow.state.bank_consent
    item_id, public_token = linking.create_from_link(
        flow.ctx.session,
        flow.caller,
        institution,
        [linking.LinkedAccount(a.id, a.template, a.bank_account_id) for a in chosen],
        config=flow.config,
        serves=lambda p: institution.supports(p) and bool(eligible_accounts(templates, [p], None)),
        login_id=_login_id(flow),
        consent=linking.Consent(
            connection=consent.as_connection() if consent else None,
            use_cases=flow.customization.consented_use_cases,
            renew=True,
        ),
        now=flow.ctx.now,
    )
    flow.item_id = item_id
    flow.seal_public_token(public_token)
    flow.show(View.CONNECTED)


def _login_id(flow: LinkFlow) -> str:
    """The bank login this session signed in with: at an OAuth bank, the user the bank names;
    otherwise the username entered at the institution."""
    if flow.state.bank_consent is not None:
        return flow.state.bank_consent.bank_user
    assert flow.institution_id is not None and flow.state.login is not None
    return login_id(flow.institution_id, flow.state.login.username)


def finish_update_mode(flow: LinkFlow) -> None:
    """Update mode repairs the existing Item (same item_id, same access token): then CONNECTED,
    showing the accounts it now shares."""
    s = flow.snapshot
    item, institution = s.item, flow.institution
    assert item is not None and institution is not None
    bank = flow.state.bank_consent
    chose_accounts = bank is None and policy.selects_accounts_in_update_mode(s)
    offered = [
        linking.LinkedAccount(a.id, a.template, a.bank_account_id) for a in flow.state.offered
    ]
    public_token = linking.repair_from_link(
        flow.ctx.session,
        flow.caller,
        item,
        institution,
        consent=linking.Consent(
            connection=bank.as_connection() if bank else None,
            use_cases=s.customization.consented_use_cases,
            products=policy.added_products(s),
            consented_products=policy.consented_products(s),
            # Reviewing the consent, or giving it at the bank again, renews it.
            renew=flow.state.reauthorized or bank is not None,
        ),
        bank_accounts=offered if bank is not None else (),
        choice=linking.AccountChoice(offered, flow.state.selected) if chose_accounts else None,
        # Adding a product on its consent panes alone is no sign-in.
        credential_login=bank is None and flow.state.login is not None,
        now=flow.ctx.now,
        real_now=flow.ctx.real_now or flow.ctx.now,
    )
    flow.forget_snapshot()
    flow.item_id = item.id
    flow.seal_public_token(public_token)
    flow.state.offered = [
        OfferedAccount(
            account.id,
            AccountTemplate(
                name=account.name,
                official_name=None,
                mask=account.mask,
                type=account.type,
                subtype=account.subtype,
                available=account.available_balance,
                current=account.current_balance,
            ),
        )
        for account in accounts_of_item(flow.ctx.session, item.id)
    ]
    # onSuccess lists what the user selected; otherwise every account the Item shares.
    selected = set(flow.state.selected) if chose_accounts else None
    flow.state.selected = [a.id for a in flow.state.offered if selected is None or a.id in selected]
    flow.show(View.CONNECTED)


def handoff(flow: LinkFlow, body: dict[str, Any]) -> None:
    flow.record("HANDOFF")
    _finish_success(flow)


def _finish_success(flow: LinkFlow) -> None:
    institution = flow.institution
    assert institution is not None
    accounts = [
        {
            "id": a.id,
            "name": a.template.name,
            "mask": a.template.mask,
            "type": a.template.type,
            "subtype": a.template.subtype,
            "verification_status": None,
            "class_type": None,
        }
        for a in flow.state.offered_by_id(flow.state.selected)
    ]
    chosen = {"name": institution.name, "institution_id": institution.institution_id}
    if legacy.is_legacy(flow.config):
        metadata = legacy.success_metadata(chosen, accounts, flow.row.id)
        flow.outcome = {
            "type": "success",
            "public_token": flow.public_token(),
            "metadata": metadata,
        }
        flow.end("success", {"type": "success", "metadata": metadata})
        return
    metadata = {
        "institution": chosen,
        "accounts": accounts,
        "account": accounts[0] if len(accounts) == 1 else None,
        "account_id": accounts[0]["id"] if len(accounts) == 1 else None,
        "link_session_id": flow.row.id,
        "transfer_status": None,
    }
    flow.outcome = {"type": "success", "public_token": flow.public_token(), "metadata": metadata}
    flow.end("success", {"type": "success", "metadata": metadata})


# -- ERROR ------------------------------------------------------------------------------------


def fail(flow: LinkFlow, error: errors.PlaidError, *, origin: View) -> None:
    """The error pane, for an error met on the `origin` pane."""
    flow.record_error(error)
    flow.state.error = error.summary()
    flow.state.error_view = origin
    flow.state.can_retry = error.error_code not in _FINAL_ERRORS
    flow.show(View.ERROR)


def retry(flow: LinkFlow, body: dict[str, Any]) -> None:
    """Back to where the error happened: the trip to the bank again, the search (another
    institution), or the credentials."""
    if not flow.state.can_retry:
        raise errors.invalid_field("this error cannot be retried; the session can only be exited")
    origin = flow.state.error_view or View.CREDENTIAL
    flow.state.error = None
    if origin is View.OAUTH and flow.institution is not None:
        flow.show(View.OAUTH)
    elif origin is View.SELECT_INSTITUTION or flow.institution is None:
        if not flow.is_update_mode:
            flow.institution_id = None
        flow.show(View.SELECT_INSTITUTION)
    else:
        flow.show(View.CREDENTIAL)


# -- EXIT -------------------------------------------------------------------------------------


def ask_to_exit(flow: LinkFlow, body: dict[str, Any]) -> None:
    flow.state.previous_view = flow.view
    flow.show(View.EXIT)


def cancel_exit(flow: LinkFlow, body: dict[str, Any]) -> None:
    previous = flow.state.previous_view or View.CONSENT
    mfa = flow.state.mfa
    metadata = {"mfa_type": mfa.step} if previous is View.MFA and mfa else {}
    flow.show(previous, **metadata)


def confirm_exit(flow: LinkFlow, body: dict[str, Any]) -> None:
    finish_exit(flow, flow.state.previous_view or View.CONSENT)


def force_exit(flow: LinkFlow, body: dict[str, Any]) -> None:
    """The app called the handler's exit({force: true}): Link closes from wherever it is."""
    finish_exit(flow, flow.view)


def finish_exit(flow: LinkFlow, left_from: View, error: errors.PlaidError | None = None) -> None:
    if left_from is View.EXIT:
        left_from = flow.state.previous_view or View.CONSENT
    remembering = flow.state.phone is not None and flow.state.phone.remembering
    if left_from is View.CONNECTED or remembering:
        # The Item is already linked: exiting now still hands it over (Plaid's exit()), also
        # while the user is saving it for next time.
        flow.record("HANDOFF")
        _finish_success(flow)
        return
    status = exit_status(left_from, flow.state)
    shown_error = error.summary() if error else flow.state.error
    flow.record(
        "EXIT", exit_status=status, **(error_event_fields(shown_error) if shown_error else {})
    )
    institution = flow.institution
    metadata = {
        "institution": (
            {"name": institution.name, "institution_id": institution.institution_id}
            if institution
            else None
        ),
        "status": status,
        "link_session_id": flow.row.id,
        "request_id": flow.ctx.request_id,
    }
    flow.outcome = {"type": "exit", "error": shown_error, "metadata": metadata}
    flow.end("exit", {"type": "exit", "error": shown_error, "metadata": metadata})


_EXIT_STATUSES = {
    View.CONSENT: "requires_credentials",
    View.DATA_TRANSPARENCY_CONSENT: "requires_credentials",
    View.SELECT_INSTITUTION: "institution_not_found",
    View.CREDENTIAL: "requires_credentials",
    View.SELECT_ACCOUNT: "requires_account_selection",
    View.OAUTH: "requires_oauth",
    View.CONNECTED: "connected",
    # The returning user experience: no institution chosen yet, or its accounts to choose.
    View.SUBMIT_PHONE: "requires_credentials",
    View.VERIFY_PHONE: "requires_credentials",
    View.SELECT_SAVED_INSTITUTION: "requires_credentials",
    View.SELECT_SAVED_ACCOUNT: "requires_account_selection",
}

_NOT_SUPPORTED_ERRORS = frozenset(
    {"INSTITUTION_NOT_SUPPORTED", "INSTITUTION_REGISTRATION_REQUIRED"}
)

_MFA_EXIT_STATUSES = {
    MfaStep.DEVICE: "choose_device",
    MfaStep.CODE: "requires_code",
    MfaStep.QUESTIONS: "requires_questions",
    MfaStep.SELECTIONS: "requires_selections",
}


def exit_status(view: View, state: SessionState) -> str | None:
    """Plaid's onExit status for leaving from `view`."""
    if view is View.ERROR:
        # An institution that will not take this app is, for it, one that is not supported.
        if (state.error or {}).get("error_code") in _NOT_SUPPORTED_ERRORS:
            return "institution_not_supported"
        return exit_status(state.error_view or View.CREDENTIAL, state)
    if view is View.MFA:
        return _MFA_EXIT_STATUSES[state.mfa.step] if state.mfa else "requires_code"
    return _EXIT_STATUSES.get(view)

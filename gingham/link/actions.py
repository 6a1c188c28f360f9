"""Which step runs for which action of the user, on which pane: Link's state machine, as a table.

The frame sends an action with the pane it was taken on; an action the pane does not offer is
refused. Event sequences follow Plaid's documented non-OAuth example: OPEN(CONSENT),
TRANSITION_VIEW(SELECT_INSTITUTION), SELECT_INSTITUTION, TRANSITION_VIEW(CREDENTIAL),
SUBMIT_CREDENTIALS, TRANSITION_VIEW(LOADING), [TRANSITION_VIEW(MFA), SUBMIT_MFA,
TRANSITION_VIEW(LOADING)], TRANSITION_VIEW(SELECT_ACCOUNT), TRANSITION_VIEW(CONNECTED), HANDOFF.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gingham import errors
from gingham.items import service as items_service
from gingham.link.flow import LinkFlow
from gingham.link.state import View
from gingham.link.steps import accounts, credentials, ending, institution, oauth
from gingham.link.steps import returning_user as ru
from gingham.users import service as users_service

Step = Callable[[LinkFlow, dict[str, Any]], None]

# Every pane but the last two can be left: `exit` opens the exit confirmation.
STEPS: dict[tuple[View, str], Step] = {
    # With the link token's phone number, consent leads to the returning user experience.
    (View.CONSENT, "continue"): ru.continue_from_consent,
    (View.CONSENT, "exit"): ending.ask_to_exit,
    (View.DATA_TRANSPARENCY_CONSENT, "continue"): institution.renew_consent,
    (View.DATA_TRANSPARENCY_CONSENT, "exit"): ending.ask_to_exit,
    (View.SELECT_INSTITUTION, "search"): institution.search,
    (View.SELECT_INSTITUTION, "select_institution"): institution.select_institution,
    (View.SELECT_INSTITUTION, "exit"): ending.ask_to_exit,
    (View.OAUTH, "open_oauth"): oauth.open_oauth,
    (View.OAUTH, "oauth_complete"): oauth.complete_oauth,
    (View.OAUTH, "oauth_closed"): oauth.window_closed,
    (View.OAUTH, "back"): institution.back_to_search,
    (View.OAUTH, "exit"): ending.ask_to_exit,
    (View.CREDENTIAL, "submit_credentials"): credentials.submit_credentials,
    (View.CREDENTIAL, "back"): institution.back_to_search,
    (View.CREDENTIAL, "exit"): ending.ask_to_exit,
    (View.MFA, "choose_device"): credentials.choose_device,
    (View.MFA, "submit_mfa"): credentials.submit_mfa,
    (View.MFA, "exit"): ending.ask_to_exit,
    (View.SELECT_ACCOUNT, "select_accounts"): accounts.select_accounts,
    (View.SELECT_ACCOUNT, "exit"): ending.ask_to_exit,
    (View.CONNECTED, "continue"): ending.handoff,
    (View.ERROR, "retry"): ending.retry,
    (View.ERROR, "exit"): ending.ask_to_exit,
    (View.EXIT, "exit_confirm"): ending.confirm_exit,
    (View.EXIT, "exit_cancel"): ending.cancel_exit,
    # The returning user experience (gingham.link.steps.returning_user).
    (View.CONSENT, "use_phone"): ru.ask_for_phone,
    (View.SUBMIT_PHONE, "submit_phone"): ru.submit_phone,
    (View.SUBMIT_PHONE, "skip_phone"): ru.skip_phone,
    (View.SUBMIT_PHONE, "back"): ru.back_to_consent,
    (View.SUBMIT_PHONE, "exit"): ending.ask_to_exit,
    (View.VERIFY_PHONE, "submit_otp"): ru.submit_otp,
    (View.VERIFY_PHONE, "resend_code"): ru.resend_code,
    (View.VERIFY_PHONE, "skip_phone"): ru.skip_phone,
    (View.VERIFY_PHONE, "back"): ru.back_to_phone,
    (View.VERIFY_PHONE, "exit"): ending.ask_to_exit,
    (View.SELECT_SAVED_INSTITUTION, "select_saved_institution"): ru.select_saved_institution,
    (View.SELECT_SAVED_INSTITUTION, "connect_new"): ru.connect_new_institution,
    (View.SELECT_SAVED_INSTITUTION, "exit"): ending.ask_to_exit,
    (View.SELECT_SAVED_ACCOUNT, "select_saved_accounts"): ru.select_saved_accounts,
    (View.SELECT_SAVED_ACCOUNT, "connect_new"): ru.connect_new_institution,
    (View.SELECT_SAVED_ACCOUNT, "back"): ru.back_to_saved_institutions,
    (View.SELECT_SAVED_ACCOUNT, "exit"): ending.ask_to_exit,
    (View.CONNECTED, "remember"): ru.offer_to_remember,
}

# Actions taken on any pane: the app closing Link (the handler's exit({force: true})).
ANYWHERE: dict[str, Step] = {"force_exit": ending.force_exit}


def act(flow: LinkFlow, action: str, body: dict[str, Any]) -> None:
    step = ANYWHERE.get(action) or STEPS.get((flow.view, action))
    if step is None:
        raise errors.invalid_field(f"action {action!r} is not available in the {flow.view} view")
    step(flow, body)


def start(flow: LinkFlow) -> None:
    """A new session: OPEN on the consent pane. A user's update mode picks its Item now."""
    flow.state.results = institution.default_results(flow)
    if flow.updates_user and flow.token.user_id is not None:
        flow.state.user_item_id = users_service.most_recently_broken_item(
            flow.ctx.session,
            flow.token.user_id,
            (flow.config.get("update") or {}).get("item_ids") or (),
        )
        flow.aim_at_users_item()
    if flow.is_update_mode and flow.token.item_id is not None:
        flow.institution_id = items_service.institution_of(flow.ctx.session, flow.token.item_id)
    flow.view = View.CONSENT
    update_mode = flow.is_update_mode or flow.updates_user
    flow.record("OPEN", view_name=View.CONSENT, is_update_mode="true" if update_mode else "false")
    if flow.updates_user and not flow.is_update_mode:
        # Trying again would find the same: the pane offers only Exit, whose onExit carries the
        # error.
        ending.fail(flow, errors.nothing_to_update(), origin=View.CONSENT)


def resume_after_redirect(flow: LinkFlow) -> None:
    """Link re-initialised at the app's redirect URI: carry on where the session left off."""
    flow.record("OPEN", view_name=None, is_update_mode="true" if flow.is_update_mode else "false")
    oauth.complete_oauth(flow, {})

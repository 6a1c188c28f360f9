"""Signing in at a credential bank: the username and password, then the bank's MFA.

Wrong credentials or answers keep the user on the pane to try again, up to the link token's
limit of failed attempts (counted across its sessions); then Link gives up and the link token
stops working (INVALID_LINK_TOKEN; gingham.link.expiry).
"""

from __future__ import annotations

from typing import Any

from gingham import errors
from gingham.bank import mfa
from gingham.bank.logins import accounts_of_login, sign_in_at, username_of
from gingham.crypto import same_secret
from gingham.items.lifecycle import Cause
from gingham.link import expiry
from gingham.link.flow import LinkFlow
from gingham.link.state import Login, MfaProgress, MfaStep, View
from gingham.link.steps import accounts, ending


def ask_only_for_a_new_code(flow: LinkFlow) -> bool:
    """An Item whose one-time code expired needs only a new code from the user's device
    (Plaid's abbreviated re-authentication): the MFA pane, without the credentials."""
    item = flow.snapshot.item
    if item is None or item.error_cause != Cause.OTP_EXPIRED or not item.login_id:
        return False
    username = username_of(flow.ctx.session, item.login_id)
    if username is None or flow.institution_id is None:
        return False
    flow.state.login = Login(
        username, list(accounts_of_login(flow.ctx.session, flow.institution_id, username))
    )
    flow.state.mfa = MfaProgress(mfa.MfaPlan.from_config({"type": "device"}), MfaStep.DEVICE)
    flow.show(View.MFA, mfa_type=MfaStep.DEVICE)
    return True


def submit_credentials(flow: LinkFlow, body: dict[str, Any]) -> None:
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise errors.invalid_field("username and password must be strings")
    flow.record("SUBMIT_CREDENTIALS")
    flow.show(View.LOADING)
    try:
        assert flow.institution_id is not None
        login = sign_in_at(flow.ctx.session, flow.institution_id, username, password)
    except errors.PlaidError as error:
        _login_failed(flow, error)
        return
    flow.state.login = Login(login.username, list(login.accounts))
    flow.state.error = None
    if login.mfa:
        try:
            plan = mfa.MfaPlan.from_config(login.mfa)
        except ValueError as exc:
            unsupported = errors.ItemError("MFA_NOT_SUPPORTED", str(exc))
            ending.fail(flow, unsupported, origin=View.CREDENTIAL)
            return
        step = MfaStep(plan.type)
        flow.state.mfa = MfaProgress(plan, step)
        flow.show(View.MFA, mfa_type=step)
        return
    accounts.offer_accounts(flow)


def _login_failed(flow: LinkFlow, error: errors.PlaidError) -> None:
    if error.error_code == "INVALID_LINK_TOKEN":
        # user_custom's force_error: Link gives up on the token at once.
        expiry.end_with_invalid_token(flow)
        return
    if error.error_code == "INVALID_CREDENTIALS":
        # Wrong credentials keep the user on the credentials pane to try again.
        if expiry.count_failed_login(flow):
            return
        flow.record_error(error)
        flow.state.error = error.summary()
        flow.show(View.CREDENTIAL)
        return
    ending.fail(flow, error, origin=View.CREDENTIAL)


def choose_device(flow: LinkFlow, body: dict[str, Any]) -> None:
    progress = flow.state.mfa
    if progress is None or progress.step is not MfaStep.DEVICE:
        raise errors.invalid_field("choose_device is only available when choosing a device")
    if body.get("device_id") not in {device["id"] for device in mfa.DEVICES}:
        raise errors.invalid_field("device_id must be one of the devices offered")
    flow.record("SUBMIT_MFA", mfa_type=MfaStep.DEVICE)
    progress.step = MfaStep.CODE
    flow.state.error = None
    flow.show(View.MFA, mfa_type=MfaStep.CODE)


def submit_mfa(flow: LinkFlow, body: dict[str, Any]) -> None:
    progress = flow.state.mfa
    assert progress is not None
    step = progress.step
    if step is MfaStep.DEVICE:
        raise errors.invalid_field("choose a device first (choose_device)")
    answers = body.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise errors.invalid_field("answers must be an array of strings")
    flow.record("SUBMIT_MFA", mfa_type=step)
    flow.show(View.LOADING, mfa_type=step)
    expected = mfa.expected_answers(step, progress.round, progress.plan)
    given = [a.strip() for a in answers]
    if len(given) != len(expected) or not all(
        same_secret(a, b) for a, b in zip(given, expected, strict=True)
    ):
        if expiry.count_failed_login(flow):
            return
        error = errors.invalid_mfa()
        flow.record_error(error)
        flow.state.error = error.summary()
        flow.show(View.MFA, mfa_type=step)
        return
    flow.state.error = None
    if step is not MfaStep.CODE and progress.round + 1 < progress.plan.rounds:
        progress.round += 1
        flow.show(View.MFA, mfa_type=step)
        return
    accounts.offer_accounts(flow)

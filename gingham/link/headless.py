"""/_gingham/link/complete: a whole Link session without a browser, for apps' CI.

It clicks through Link with the same state machine the frame uses: consent, the institution,
credentials and MFA answers, the accounts, the ending. At an OAuth institution it plays the user
at the sandbox OAuth bank over HTTP (sign-in, then consent to the accounts asked for and every
kind of data), after the session's first transaction has committed, as the bank is another
system; the bank's answer comes back through Link's own callback logic, and the session carries
on in a second transaction.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from starlette.concurrency import run_in_threadpool

from gingham import errors
from gingham.bank import mfa
from gingham.hosted_link.options import is_hosted
from gingham.hosted_link.service import session_ended
from gingham.link import actions, oauth, panes, service
from gingham.link.api import flow_context
from gingham.link.flow import LinkFlow
from gingham.link.models import LinkSession
from gingham.link.state import MfaStep, View
from gingham.link_tokens.models import LinkToken
from gingham.link_tokens.service import invalid_link_token
from gingham.oauth_bank.connector import BankError
from gingham.oauth_bank.headless import HeadlessConsentFailed
from gingham.wire.context import JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint
from gingham.wire.validation import Schema

COMPLETE_SCHEMA: Schema = {
    "type": "object",
    "required": ["link_token"],
    "properties": {
        "link_token": {"type": "string", "minLength": 1},
        "outcome": {"type": "string", "enum": ["success", "exit"]},
        "institution_id": {"type": "string", "minLength": 1},
        "username": {"type": "string"},
        "password": {"type": "string"},
        "account_masks": {"type": "array", "items": {"type": "string"}},
        "exit_from": {
            "type": "string",
            "enum": ["CONSENT", "SELECT_INSTITUTION", "CREDENTIAL", "MFA", "SELECT_ACCOUNT"],
        },
    },
}

_DEFAULT_INSTITUTION = "ins_109508"
_MAX_STEPS = 100


def complete_link_session(ctx: RequestContext, body: JSONObject) -> JSONObject:
    """Run a whole Link session without a browser, as a user would click through it."""
    flow_ctx = flow_context(ctx.runtime, ctx.session, ctx.request_id, now=ctx.now)
    token = service.usable_link_token(flow_ctx, body["link_token"])
    if token.client_id != ctx.caller.client_id:
        raise invalid_link_token()
    flow = service.open_session(flow_ctx, token)
    row = flow.row
    _drive(flow, body, _exit_from(body), at_oauth="stop")
    if flow.outcome is None:
        # At the OAuth bank: the rest happens once this transaction has committed.
        if ctx.runtime.bank is None:
            raise errors.invalid_field("this server has no sandbox OAuth bank to sign in at")
        # The session row first: the trip's state refers to it (a flush orders rows by their
        # relationships, and there is none). save() below updates it.
        ctx.session.add(row)
        ctx.session.flush()
        actions.act(flow, "open_oauth", {"mode": "popup"})
        assert flow.state.oauth is not None
        trip_url = flow.state.oauth.url
        flow.save()
        events = list(flow.events)

        async def at_the_bank(result: JSONObject) -> None:
            result.update(await _sign_in_at_the_bank(ctx, token.id, row.id, trip_url, body))
            result["events"] = [*events, *result["events"]]

        ctx.after_commit(at_the_bank)
        return {"link_session_id": row.id}
    flow.save()
    _ended(flow)
    return _result(flow)


def _ended(flow: LinkFlow) -> None:
    # What the frame's routes do when a session ends (a Hosted Link token's LINK webhooks);
    # only a Hosted Link token has any.
    if flow.status != "open" and is_hosted(flow.config):
        session_ended(flow.ctx, flow.token, flow.row)


def _exit_from(body: JSONObject) -> str | None:
    exit_from: str | None = body.get("exit_from")
    return exit_from or ("CONSENT" if body.get("outcome") == "exit" else None)


async def _sign_in_at_the_bank(
    ctx: RequestContext, token_id: str, session_id: str, trip_url: str, body: JSONObject
) -> JSONObject:
    runtime = ctx.runtime
    assert runtime.bank is not None
    try:
        back_at = await runtime.bank.consent_as_user(
            trip_url,
            username=body.get("username", "user_good"),
            password=body.get("password", "pass_good"),
            account_masks=body.get("account_masks"),
        )
    except HeadlessConsentFailed as failed:
        raise errors.invalid_field(f"at the sandbox OAuth bank: {failed}") from None
    except BankError as failed:
        raise errors.invalid_field(
            f"the sandbox OAuth bank could not be reached: {failed}"
        ) from None
    answer = await oauth.record_bank_answer(runtime, dict(parse_qsl(urlsplit(back_at).query)))
    if answer is None:
        raise errors.invalid_field("the OAuth bank's answer arrived for a trip that had ended")

    def carry_on() -> JSONObject:
        with runtime.session_factory() as session, session.begin():
            now = runtime.client_clocks.now(session, ctx.caller.client_id, runtime.clock.now())
            flow_ctx = flow_context(runtime, session, ctx.request_id, now=now)
            token = session.get(LinkToken, token_id)
            row = session.get(LinkSession, session_id)
            assert token is not None and row is not None
            flow = LinkFlow(flow_ctx, token, row)
            actions.act(flow, "oauth_complete", {})
            _drive(flow, body, _exit_from(body), at_oauth="refuse")
            flow.save()
            _ended(flow)
            return _result(flow)

    if runtime.database_in_threads:
        return await run_in_threadpool(carry_on)
    return carry_on()


def _result(flow: LinkFlow) -> JSONObject:
    response = panes.response(flow)
    outcome = response["outcome"]
    assert outcome is not None
    if outcome["type"] == "success":
        return {
            "link_session_id": flow.row.id,
            "status": "SUCCESS",
            "public_token": outcome["public_token"],
            "metadata": outcome["metadata"],
            "events": response["events"],
        }
    return {
        "link_session_id": flow.row.id,
        "status": "EXITED",
        "error": outcome["error"],
        "metadata": outcome["metadata"],
        "events": response["events"],
    }


def _drive(flow: LinkFlow, body: JSONObject, exit_from: str | None, *, at_oauth: str) -> None:
    """Click through to the end, or to the OAuth bank (`at_oauth` "stop"), which a session that
    has been there already may not reach again ("refuse")."""
    for _ in range(_MAX_STEPS):  # a session has a few dozen steps at most; never loop forever
        if flow.outcome is not None:
            return
        view = flow.view
        if view == exit_from or view is View.ERROR:
            actions.act(flow, "force_exit", {})
        elif view in (View.CONSENT, View.DATA_TRANSPARENCY_CONSENT, View.CONNECTED):
            actions.act(flow, "continue", {})
        elif view in (View.SUBMIT_PHONE, View.VERIFY_PHONE):
            # A link token with user.phone_number: links as a guest, as one who skips it.
            actions.act(flow, "skip_phone", {})
        elif view is View.SELECT_INSTITUTION:
            institution_id = body.get("institution_id", _DEFAULT_INSTITUTION)
            actions.act(flow, "select_institution", {"institution_id": institution_id})
        elif view is View.CREDENTIAL:
            _sign_in(flow, body)
        elif view is View.MFA:
            _answer_mfa(flow)
        elif view is View.SELECT_ACCOUNT:
            _select_accounts(flow, body)
        elif view is View.OAUTH and at_oauth == "stop":
            return
        else:
            raise errors.invalid_field(f"/_gingham/link/complete cannot go on from Link's {view}")
    raise errors.invalid_field(f"the Link session did not end within {_MAX_STEPS} steps")


def _sign_in(flow: LinkFlow, body: JSONObject) -> None:
    if flow.state.error:
        actions.act(flow, "force_exit", {})  # wrong credentials: retrying would not change them
        return
    actions.act(
        flow,
        "submit_credentials",
        {
            "username": body.get("username", "user_good"),
            "password": body.get("password", "pass_good"),
        },
    )


def _select_accounts(flow: LinkFlow, body: JSONObject) -> None:
    if flow.state.error:
        actions.act(flow, "force_exit", {})  # product validations refused these accounts
        return
    masks = body.get("account_masks")
    chosen = [a.id for a in flow.state.offered if masks is None or a.template.mask in masks]
    if not chosen:
        raise errors.invalid_field("account_masks matches none of the accounts offered")
    if flow.customization.single_account:
        chosen = chosen[:1]
    actions.act(flow, "select_accounts", {"account_ids": chosen})


def _answer_mfa(flow: LinkFlow) -> None:
    if flow.state.error:
        actions.act(flow, "force_exit", {})
        return
    progress = flow.state.mfa
    assert progress is not None
    if progress.step is MfaStep.DEVICE:
        actions.act(flow, "choose_device", {"device_id": mfa.DEVICES[0]["id"]})
        return
    answers = mfa.expected_answers(progress.step, progress.round, progress.plan)
    actions.act(flow, "submit_mfa", {"answers": answers})


ENDPOINTS: list[Endpoint] = [
    Endpoint("/_gingham/link/complete", complete_link_session, COMPLETE_SCHEMA),
]

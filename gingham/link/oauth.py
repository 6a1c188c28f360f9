"""Link's side of OAuth institutions: the bank's answer, and the app's redirect URI.

The trip to the bank starts on the OAUTH pane (gingham.link.steps.oauth). The bank returns the
browser to Gingham's callback (`handle_callback`), which exchanges the code and reads the granted
accounts over HTTP, as it would at a real bank, records them on the trip, then either tells the
pop-up's opener (the frame) or redirects to the app's redirect_uri with oauth_state_id. Link
re-initialised there with receivedRedirectUri (`parse_received_redirect_uri`, `resume_state`)
continues the same session.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gingham import errors
from gingham.hosted_link.options import is_hosted
from gingham.link.models import LinkOAuthState, LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.wire.page_headers import page_headers

if TYPE_CHECKING:
    from gingham.wire.context import Runtime

logger = logging.getLogger("gingham.link.oauth")

CALLBACK_PATH = "/link/oauth/callback"
# Hosted Link's return leg: without an app page to come back to, the bank returns the browser to
# Gingham (gingham.hosted_link.pages), which opens the Hosted Link page again with the
# oauth_state_id, whatever redirect_uri the token has.
HOSTED_LINK_RETURN_PATH = "/hosted-link/oauth-return"

# The data each product needs the user to share at the bank (the bank's scope names).
PRODUCT_SCOPES = {
    "transactions": "transactions",
    "auth": "auth",
    "identity": "identity",
}


def qr_svg(url: str) -> str:
    """The bank's authorization URL as an SVG QR code, for a phone to open (EU banks)."""
    # Imported here: few sessions show a QR code, and the server starts faster without it.
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, box_size=8, border=2)
    svg: str = image.to_string(encoding="unicode")
    return svg


def callback_url(runtime: Runtime) -> str:
    return runtime.settings.base_url + CALLBACK_PATH


def parse_received_redirect_uri(token: LinkToken, received: str) -> str:
    """The oauth_state_id in a receivedRedirectUri, which must be the link token's redirect_uri
    plus that one parameter and nothing else."""
    parts = urlsplit(received)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if parts.fragment or len(query) != 1 or query[0][0] != "oauth_state_id" or not query[0][1]:
        raise errors.invalid_field(
            "receivedRedirectUri must be the redirect URI with only the oauth_state_id query "
            "parameter Link added (no other parameters, no fragment): oauth uri does not contain a valid oauth_state_id query parameter"
        )
    base = parts._replace(query="", fragment="").geturl()
    if is_hosted(token.config) and parts.path == HOSTED_LINK_RETURN_PATH:
        return query[0][1]
    if base != (token.config.get("redirect_uri") or ""):
        raise errors.invalid_field(
            f"receivedRedirectUri {base!r} is not the link token's redirect_uri "
            f"{token.config.get('redirect_uri')!r}"
        )
    return query[0][1]


def return_uri(config: Mapping[str, Any], base_url: str) -> str | None:
    """Where the bank's answer sends the browser in the redirect flow, if anywhere."""
    if is_hosted(dict(config)):
        return base_url + HOSTED_LINK_RETURN_PATH
    redirect_uri: str | None = config.get("redirect_uri")
    return redirect_uri


def redirect_available(config: Mapping[str, Any]) -> bool:
    return is_hosted(dict(config)) or bool(config.get("redirect_uri"))


def resume_state(session: Session, token: LinkToken, oauth_state_id: str) -> LinkOAuthState:
    state = session.get(LinkOAuthState, oauth_state_id, with_for_update=True)
    if state is None:
        raise errors.OAuthError(
            "OAUTH_STATE_ID_NOT_FOUND", "the provided oauth_state_id wasn't found", status=404
        )
    link_session = session.get(LinkSession, state.link_session_id)
    if link_session is None or link_session.link_token_id != token.id:
        raise errors.OAuthError(
            "INCORRECT_LINK_TOKEN", "link token does not match original link token", status=400
        )
    if state.processed_at is not None or link_session.status != "open":
        # Plaid answers a reused oauth_state_id (say, the user refreshed the redirect page)
        # with HTTP 208.
        raise errors.OAuthError(
            "OAUTH_STATE_ID_ALREADY_PROCESSED",
            "this oauth_state_id has already been processed (was the redirect page reloaded?); "
            "start Link again to link another account",
            status=208,
        )
    return state


@dataclass(frozen=True, slots=True)
class BankAnswer:
    """What the bank said when it sent the user back, once recorded on the trip."""

    state_id: str
    # authorized, denied or failed
    status: str
    mode: str
    redirect_uri: str | None


async def record_bank_answer(runtime: Runtime, params: Mapping[str, str]) -> BankAnswer | None:
    """Take the bank's answer (`code` or `error`, and `state`): exchange a code for the user's
    tokens, accounts and consent, and record the outcome on the trip; None when the trip is
    unknown or already answered."""
    state_id = params.get("state", "")
    with runtime.session_factory() as session, session.begin():
        state = session.get(LinkOAuthState, state_id)
        if state is None or state.status != "pending":
            return None
        mode, institution_id = state.mode, state.institution_id
        verifier = runtime.secrets.open(state.code_verifier_sealed, context=state.id)
    outcome: dict[str, Any]
    if params.get("error"):
        outcome = {
            "status": "denied" if params["error"] == "access_denied" else "failed",
            "result": {
                "bank_error": params["error"],
                "bank_error_description": params.get("error_description"),
            },
        }
    else:
        outcome = await _exchange(runtime, institution_id, params.get("code", ""), verifier)
    with runtime.session_factory() as session, session.begin():
        state = session.get(LinkOAuthState, state_id, with_for_update=True)
        if state is None or state.status != "pending":
            return None
        state.status = outcome["status"]
        state.result = outcome["result"]
        state.completed_at = runtime.clock.now()
        link_session = session.get(LinkSession, state.link_session_id)
        token = session.get(LinkToken, link_session.link_token_id) if link_session else None
        redirect_uri = return_uri(token.config, runtime.settings.base_url) if token else None
    return BankAnswer(state_id, outcome["status"], mode, redirect_uri)


async def handle_callback(request: Request, runtime: Runtime) -> Response:
    """Where the bank sends the browser back: GET with `code` or `error`, and `state`."""
    answer = await record_bank_answer(runtime, request.query_params)
    if answer is None:
        return _page("This link has expired", "Go back to the app and start again.", status=400)
    if answer.mode == "redirect" and answer.redirect_uri:
        return RedirectResponse(
            f"{answer.redirect_uri}?{urlencode({'oauth_state_id': answer.state_id})}",
            status_code=303,
        )
    if answer.mode == "qr":
        # The phone that scanned the code is done; Link on the computer carries on by itself.
        return _page(
            "Done — go back to your computer"
            if answer.status == "authorized"
            else "Nothing was shared",
            "You can close this page. Link on your computer continues from here.",
        )
    return _popup_done(answer.state_id, answer.status == "authorized")


async def _exchange(
    runtime: Runtime, institution_id: str, code: str, verifier: str
) -> dict[str, Any]:
    bank = runtime.bank
    assert bank is not None
    try:
        tokens = await bank.exchange_code(institution_id, code, verifier, callback_url(runtime))
        accounts = await bank.fetch_accounts(institution_id, tokens.access_token)
        consent = await bank.fetch_consent(institution_id, tokens.access_token)
    except Exception:  # the bank is another system: any failure there is a failed login
        logger.exception("OAuth code exchange with %s failed", institution_id)
        return {"status": "failed", "result": {"bank_error": "server_error"}}
    return {
        "status": "authorized",
        "result": {
            "accounts": [account.as_json() for account in accounts],
            "scopes": list(tokens.scopes),
            "consent": consent.as_json(),
            "tokens_sealed": runtime.secrets.seal(
                tokens.to_json(), context=f"bank:{consent.consent_id}"
            ),
        },
    }


def _page(
    title: str, text: str, *, status: int = 200, script: str = "", nonce: str | None = None
) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#111827}}
main{{max-width:28rem;padding:24px;text-align:center}}</style></head>
<body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></main>{script}</body></html>""",
        status_code=status,
        headers=page_headers(script_nonce=nonce),
    )


def _popup_done(state_id: str, authorized: bool) -> HTMLResponse:
    # The pop-up was opened by the Link frame, which is on this same origin: tell it, then close.
    nonce = secrets.token_urlsafe(16)
    script = (
        f'<script nonce="{nonce}">'
        "(function(){try{if(window.opener){window.opener.postMessage("
        f"{{gingham_oauth:1,oauth_state_id:{state_id!r}}},window.location.origin);}}}}catch(e){{}}"
        "setTimeout(function(){window.close();},50);})();</script>"
    )
    if authorized:
        return _page(
            "You're all set",
            "You can close this window and return to the app.",
            script=script,
            nonce=nonce,
        )
    return _page(
        "Nothing was shared",
        "You can close this window and return to the app.",
        script=script,
        nonce=nonce,
    )

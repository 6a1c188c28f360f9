"""The sign-in the user goes through at the bank: authorize, sign in, choose, decide.

The validated authorize request is stored (`BankAuthorizationRequest`) while the user is on the
bank's pages, bound to the browser by a cookie, and replayed through Authlib when they decide.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from authlib.oauth2.rfc6749 import OAuth2Error  # type: ignore[import-untyped]
from sqlalchemy import update
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gingham.clients import profile
from gingham.institutions.catalogue import SandboxInstitution
from gingham.oauth_bank import service, views
from gingham.oauth_bank.authlib_adapter import (
    IncomingRequest,
    first_values,
    read_form,
    read_request,
)
from gingham.oauth_bank.authorization import BankAuthorizationServer, BankContext
from gingham.oauth_bank.ledger import (
    REQUIRED_SCOPE,
    SCOPE_NAMES,
    Scope,
    accounts_held,
    bank_username,
    offered_scopes,
)
from gingham.oauth_bank.models import BankAuthorizationRequest, BankClient, BankConsent
from gingham.oauth_bank.runtime import BankRuntime, at_institution
from gingham.wire.ids import new_object_id, token_hash

BROWSER_COOKIE: Final = "gingham_bank_browser"
# How long the user may take between the authorize request and their decision.
SIGN_IN_LIFETIME: Final = timedelta(minutes=30)


def _invalid_authorize_request(
    server: BankAuthorizationServer, institution: SandboxInstitution, error: Any
) -> Response:
    # RFC 6749 §4.1.2.1: errors go back to the client only at a verified redirect URI of a known
    # client; otherwise the user is told, and never redirected.
    if error.redirect_uri:
        response: Response = server.handle_error_response(None, error)
        return response
    return views.message_page(
        institution,
        "This sign-in link is not valid",
        "The app that sent you here made a request the bank cannot accept: "
        f"{error.description or error.error}",
        status=400,
    )


def _replay(
    context: BankContext, pending: BankAuthorizationRequest, authorize_url: str
) -> tuple[BankAuthorizationServer, Any] | Response:
    """The stored authorize request, validated again by Authlib: the grant to answer with."""
    server = BankAuthorizationServer(context)
    stored = IncomingRequest(
        method="GET", url=authorize_url, headers={}, query=tuple(pending.parameters.items())
    )
    try:
        return server, server.get_consent_grant(stored)
    except OAuth2Error as error:
        # The client's registration changed while the user was at the bank.
        return _invalid_authorize_request(server, context.institution, error)


def _open_sign_in(
    context: BankContext, request_id: str, browser: str | None, *, finish: bool = False
) -> BankAuthorizationRequest | Response:
    """The sign-in in progress, checked to belong to this browser and to be still open.

    With `finish`, it is also closed, atomically: of two decisions sent at once only one counts.
    """
    institution = context.institution
    pending = context.session.get(BankAuthorizationRequest, request_id) if request_id else None
    if pending is None or pending.institution_id != institution.institution_id:
        return views.message_page(
            institution,
            "Sign-in not found",
            "This sign-in does not exist. Go back to the app and connect again.",
            status=404,
        )
    if browser is None or token_hash(browser) != pending.browser_hash:
        return views.message_page(
            institution,
            "Sign-in started elsewhere",
            "This sign-in was started in another browser. Go back to the app and connect again.",
            status=403,
        )
    already_finished = views.message_page(
        institution,
        "Sign-in already finished",
        "You have already answered this request. Go back to the app to continue.",
        status=409,
    )
    if pending.finished_at is not None:
        return already_finished
    if context.now >= pending.expires_at:
        return views.message_page(
            institution,
            "Sign-in expired",
            "This sign-in took too long and has expired. Go back to the app and connect again.",
            status=400,
        )
    if finish:
        claimed = context.session.execute(
            update(BankAuthorizationRequest)
            .where(
                BankAuthorizationRequest.id == pending.id,
                BankAuthorizationRequest.finished_at.is_(None),
            )
            .values(finished_at=context.now)
            .execution_options(synchronize_session=False)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return already_finished
    return pending


def _requested_scopes(
    institution: SandboxInstitution, pending: BankAuthorizationRequest
) -> list[Scope]:
    """What the consent page offers: asked for by the client and offered by this bank."""
    requested = set((pending.parameters.get("scope") or " ".join(SCOPE_NAMES)).split())
    requested.add(REQUIRED_SCOPE)
    return [scope for scope in offered_scopes(institution) if scope.name in requested]


def _consent_page(
    context: BankContext,
    pending: BankAuthorizationRequest,
    *,
    checked_accounts: set[str] | None = None,
    checked_scopes: set[str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    institution = context.institution
    assert pending.username is not None
    client = context.session.get(BankClient, pending.client_id)
    prefix = f"/{institution.institution_id}/oauth"
    return views.consent_page(
        institution,
        app=_requesting_app(
            context, client.name if client is not None else pending.client_id, pending.parameters
        ),
        username=pending.username,
        request_id=pending.id,
        action=f"{prefix}/consent",
        error_href=f"{prefix}/error?request={pending.id}",
        accounts=accounts_held(context.session, institution, pending.username),
        scopes=_requested_scopes(institution, pending),
        checked_accounts=checked_accounts,
        checked_scopes=checked_scopes,
        error=error,
        status=status,
    )


def _requesting_app(
    context: BankContext, client_name: str, parameters: Mapping[str, Any]
) -> views.RequestingApp:
    """The app the authorize request names by `application_id` (the aggregator's app, as Plaid
    names it to banks), with its profile as registered; else the OAuth client itself."""
    application_id = parameters.get("application_id")
    row = (
        profile.by_application_id(context.session, application_id)
        if isinstance(application_id, str) and application_id
        else None
    )
    if row is None:
        return views.RequestingApp(client_name)
    return views.RequestingApp(
        name=row.display_name or client_name,
        logo_url=row.logo_url,
        website=row.application_url,
        reason=row.reason_for_access,
        use_case=row.use_case,
    )


def _not_signed_in(institution: SandboxInstitution) -> Response:
    return views.message_page(
        institution,
        "Sign in first",
        "Sign in to the bank before choosing what to share.",
        status=400,
    )


def routes(runtime: BankRuntime) -> list[Route]:
    secure_cookie = runtime.public_url.startswith("https://")

    async def authorize(request: Request, institution: SandboxInstitution) -> Response:
        incoming = await read_request(request)
        browser = request.cookies.get(BROWSER_COOKIE)
        new_browser = browser is None
        browser = browser or secrets.token_urlsafe(32)

        def work(context: BankContext) -> Response:
            server = BankAuthorizationServer(context)
            try:
                grant = server.get_consent_grant(incoming)
            except OAuth2Error as error:
                return _invalid_authorize_request(server, institution, error)
            pending = BankAuthorizationRequest(
                id=new_object_id(),
                institution_id=institution.institution_id,
                client_id=grant.client.get_client_id(),
                parameters=dict(grant.request.payload.data),
                browser_hash=token_hash(browser),
                username=None,
                created_at=context.now,
                expires_at=context.now + SIGN_IN_LIFETIME,
                finished_at=None,
            )
            context.session.add(pending)
            return views.login_page(
                institution,
                app=_requesting_app(context, grant.client.row.name, pending.parameters),
                request_id=pending.id,
                action=f"/{institution.institution_id}/oauth/login",
            )

        response = await runtime.run_in_thread(institution, work)
        if new_browser:
            response.set_cookie(
                BROWSER_COOKIE, browser, httponly=True, samesite="lax", secure=secure_cookie
            )
        return response

    async def login(request: Request, institution: SandboxInstitution) -> Response:
        form = first_values(await read_form(request))
        browser = request.cookies.get(BROWSER_COOKIE)

        def work(context: BankContext) -> Response:
            pending = _open_sign_in(context, form.get("request", ""), browser)
            if isinstance(pending, Response):
                return pending
            # Sandbox: every password is right, as at Plaid's sandbox OAuth banks.
            pending.username = bank_username(form.get("username", ""))
            return RedirectResponse(
                f"/{institution.institution_id}/oauth/consent?request={pending.id}",
                status_code=303,
            )

        return await runtime.run_in_thread(institution, work)

    async def consent_form(request: Request, institution: SandboxInstitution) -> Response:
        request_id = request.query_params.get("request", "")
        browser = request.cookies.get(BROWSER_COOKIE)

        def work(context: BankContext) -> Response:
            pending = _open_sign_in(context, request_id, browser)
            if isinstance(pending, Response):
                return pending
            if pending.username is None:
                return _not_signed_in(institution)
            return _consent_page(context, pending)

        return await runtime.run_in_thread(institution, work)

    async def decide(request: Request, institution: SandboxInstitution) -> Response:
        fields = await read_form(request)
        form = first_values(fields)
        request_id, decision = form.get("request", ""), form.get("decision", "")
        chosen_accounts = {value for key, value in fields if key == "account"}
        chosen_scopes = {value for key, value in fields if key == "scope"}
        browser = request.cookies.get(BROWSER_COOKIE)
        authorize_url = str(request.url_for("authorize", institution_id=institution.institution_id))

        def work(context: BankContext) -> Response:
            pending = _open_sign_in(context, request_id, browser)
            if isinstance(pending, Response):
                return pending
            if pending.username is None:
                return _not_signed_in(institution)
            if decision not in ("allow", "deny"):
                return views.message_page(
                    institution, "Choose Allow or Deny", "Press Allow or Deny.", status=400
                )
            held = accounts_held(context.session, institution, pending.username)
            account_ids = [a.account_id for a in held if a.account_id in chosen_accounts]
            if decision == "allow" and not account_ids:
                return _consent_page(
                    context,
                    pending,
                    checked_accounts=chosen_accounts,
                    checked_scopes=chosen_scopes,
                    error="Choose at least one account to share, or press Deny.",
                    status=400,
                )
            finished = _open_sign_in(context, request_id, browser, finish=True)
            if isinstance(finished, Response):
                return finished
            replayed = _replay(context, pending, authorize_url)
            if isinstance(replayed, Response):
                return replayed
            server, grant = replayed
            consent: BankConsent | None = None
            if decision == "allow":
                consent = service.grant_consent(
                    context.session,
                    institution=institution,
                    username=pending.username,
                    client_id=pending.client_id,
                    account_ids=account_ids,
                    scopes=[
                        scope.name
                        for scope in _requested_scopes(institution, pending)
                        if scope.name == REQUIRED_SCOPE or scope.name in chosen_scopes
                    ],
                    now=context.now,
                )
            else:
                service.reject_consent(
                    context.session,
                    institution=institution,
                    username=pending.username,
                    client_id=pending.client_id,
                    now=context.now,
                )
            # Authlib answers: a code for a consent, access_denied for none; with the state.
            response: Response = server.create_authorization_response(
                grant.request, grant_user=consent, grant=grant
            )
            return response

        return await runtime.run_in_thread(institution, work)

    async def simulate_error(request: Request, institution: SandboxInstitution) -> Response:
        request_id = request.query_params.get("request", "")
        browser = request.cookies.get(BROWSER_COOKIE)
        authorize_url = str(request.url_for("authorize", institution_id=institution.institution_id))

        def work(context: BankContext) -> Response:
            pending = _open_sign_in(context, request_id, browser, finish=True)
            if isinstance(pending, Response):
                return pending
            replayed = _replay(context, pending, authorize_url)
            if isinstance(replayed, Response):
                return replayed
            server, grant = replayed
            simulated = OAuth2Error(
                error="server_error",
                description="The bank could not complete the request (simulated).",
                redirect_uri=grant.redirect_uri,
                state=grant.request.payload.state,
            )
            response: Response = server.handle_error_response(grant.request, simulated)
            return response

        return await runtime.run_in_thread(institution, work)

    prefix = "/{institution_id}/oauth"
    return [
        Route(
            f"{prefix}/authorize",
            at_institution(authorize, page=True),
            methods=["GET"],
            name="authorize",
        ),
        Route(f"{prefix}/login", at_institution(login, page=True), methods=["POST"]),
        Route(f"{prefix}/consent", at_institution(consent_form, page=True), methods=["GET"]),
        Route(f"{prefix}/consent", at_institution(decide, page=True), methods=["POST"]),
        Route(f"{prefix}/error", at_institution(simulate_error, page=True), methods=["GET"]),
    ]

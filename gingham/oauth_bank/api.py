"""The bank's JSON endpoints: token and revocation (Authlib), discovery, and the account API that
access tokens open."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gingham.institutions.catalogue import SandboxInstitution
from gingham.oauth_bank import service
from gingham.oauth_bank.authlib_adapter import read_request
from gingham.oauth_bank.authorization import (
    CLIENT_AUTH_METHODS,
    BankAuthorizationServer,
    BankContext,
)
from gingham.oauth_bank.ledger import (
    REQUIRED_SCOPE,
    account_numbers,
    accounts_held,
    bank_user_id,
    offered_scopes,
)
from gingham.oauth_bank.models import BankConsent, BankToken, ConsentStatus
from gingham.oauth_bank.runtime import BankRuntime, at_institution, json_error
from gingham.wire.json import format_datetime

NO_STORE = {"Cache-Control": "no-store"}


def _invalid_token(description: str, **extra: Any) -> Response:
    # RFC 6750 §3: the error in the WWW-Authenticate challenge, and in the body for humans.
    return json_error(
        401,
        "invalid_token",
        description,
        headers={
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'
        },
        **extra,
    )


def _authenticated(
    context: BankContext, authorization: str
) -> tuple[BankToken, BankConsent] | Response:
    """The token and its consent behind an `Authorization: Bearer` header, or the 401/403."""
    scheme, _, access_token = authorization.partition(" ")
    access_token = access_token.strip()
    if scheme.lower() != "bearer" or not access_token:
        return json_error(
            401,
            "invalid_request",
            "Send the access token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="bank"'},
        )
    token = service.find_token_by_access_token(
        context.session, access_token, context.institution.institution_id
    )
    if (
        token is None
        or token.access_revoked_at is not None
        or context.now >= token.access_expires_at
    ):
        return _invalid_token("The access token is invalid, expired or revoked.")
    consent = service.consent_for(context.session, token.consent_id)
    assert consent is not None
    # Recording an expiry that has happened is worth keeping, though the answer is a 401.
    context.commit_despite_error = True
    status = service.record_expiry(consent, context.now)
    if status is not ConsentStatus.AUTHORISED:
        return _invalid_token(
            f"The consent behind this token is {status.lower()}.", consent_status=status
        )
    if REQUIRED_SCOPE not in token.scope.split():
        return json_error(
            403,
            "insufficient_scope",
            f"The token does not carry the {REQUIRED_SCOPE!r} scope.",
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
        )
    return token, consent


def _account_json(
    session: Session, institution: SandboxInstitution, token: BankToken, consent: BankConsent
) -> list[dict[str, Any]]:
    shared = set(service.shared_account_ids(consent))
    with_numbers = "auth" in token.scope.split()
    accounts = []
    for held in accounts_held(session, institution, consent.username):
        if held.account_id not in shared:
            continue
        template = held.template
        entry: dict[str, Any] = {
            "account_id": held.account_id,
            "name": template.name,
            "official_name": template.official_name,
            "mask": template.mask,
            "type": template.type,
            "subtype": template.subtype,
            "balances": {
                "available": template.available,
                "current": template.current,
                "limit": template.limit,
                "iso_currency_code": held.iso_currency_code,
            },
        }
        if with_numbers:
            entry["numbers"] = account_numbers(institution, held, token.client_id)
        accounts.append(entry)
    return accounts


def _consent_json(consent: BankConsent) -> dict[str, Any]:
    return {
        "consent_id": consent.id,
        "bank_user": bank_user_id(consent.institution_id, consent.username),
        "status": consent.status,
        "scopes": consent.scopes,
        "account_ids": service.shared_account_ids(consent),
        "created_at": format_datetime(consent.created_at),
        "expires_at": format_datetime(consent.expires_at),
    }


def routes(runtime: BankRuntime) -> list[Route]:
    async def token(request: Request, institution: SandboxInstitution) -> Response:
        incoming = await read_request(request)

        def work(context: BankContext) -> Response:
            response: Response = BankAuthorizationServer(context).create_token_response(incoming)
            return response

        return await runtime.run_in_thread(institution, work)

    async def revoke(request: Request, institution: SandboxInstitution) -> Response:
        incoming = await read_request(request)

        def work(context: BankContext) -> Response:
            server = BankAuthorizationServer(context)
            response: Response = server.create_endpoint_response("revocation", incoming)
            return response

        return await runtime.run_in_thread(institution, work)

    async def accounts(request: Request, institution: SandboxInstitution) -> Response:
        authorization = request.headers.get("authorization", "")

        def work(context: BankContext) -> Response:
            found = _authenticated(context, authorization)
            if isinstance(found, Response):
                return found
            token, consent = found
            return JSONResponse(
                {
                    "accounts": _account_json(context.session, institution, token, consent),
                    "consent_id": consent.id,
                },
                headers=NO_STORE,
            )

        return await runtime.run_in_thread(institution, work)

    async def consent(request: Request, institution: SandboxInstitution) -> Response:
        authorization = request.headers.get("authorization", "")

        def work(context: BankContext) -> Response:
            found = _authenticated(context, authorization)
            if isinstance(found, Response):
                return found
            return JSONResponse(_consent_json(found[1]), headers=NO_STORE)

        return await runtime.run_in_thread(institution, work)

    async def metadata(request: Request) -> Response:
        # RFC 8414 §3: for an issuer with a path, the well-known segment comes first.
        institution_id = request.path_params["institution_id"]
        institution = await runtime.institution(institution_id)
        if institution is None:
            return json_error(404, "not_found", f"There is no OAuth bank {institution_id!r} here.")
        issuer = f"{runtime.public_url}/{institution_id}"
        return JSONResponse(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/oauth/authorize",
                "token_endpoint": f"{issuer}/oauth/token",
                "revocation_endpoint": f"{issuer}/oauth/revoke",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "scopes_supported": [scope.name for scope in offered_scopes(institution)],
            }
        )

    return [
        Route("/.well-known/oauth-authorization-server/{institution_id}", metadata),
        Route("/{institution_id}/oauth/token", at_institution(token, page=False), methods=["POST"]),
        Route(
            "/{institution_id}/oauth/revoke", at_institution(revoke, page=False), methods=["POST"]
        ),
        Route("/{institution_id}/api/accounts", at_institution(accounts, page=False)),
        Route("/{institution_id}/api/consent", at_institution(consent, page=False)),
    ]

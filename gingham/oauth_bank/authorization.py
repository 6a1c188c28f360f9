"""The bank's OAuth 2.0 authorization server: Authlib's grants bound to the bank's records.

One `BankAuthorizationServer` is built per request around a `BankContext` (the request's session,
institution and time), so Authlib's callbacks, which receive no request context of their own
(`query_client(client_id)`), still know where they are. Building one is a few dictionary inserts.

Rules on top of RFC 6749: PKCE with S256 is required of every client (RFC 9700); redirect URIs
must match a registered one exactly and must be given; codes live five minutes and are spent once,
and a replayed code revokes the tokens it produced (RFC 6749 §4.1.2); refresh tokens rotate.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final

from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc7009 import RevocationEndpoint  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from gingham.institutions.catalogue import SandboxInstitution
from gingham.oauth_bank import service
from gingham.oauth_bank.authlib_adapter import StarletteAuthorizationServer
from gingham.oauth_bank.ledger import SCOPE_NAMES
from gingham.oauth_bank.models import (
    BankAuthorizationCode,
    BankClient,
    BankConsent,
    BankToken,
    ConsentStatus,
)
from gingham.wire.json import format_datetime

CLIENT_AUTH_METHODS: Final = ["client_secret_basic", "client_secret_post"]
GRANT_TYPES: Final = frozenset({"authorization_code", "refresh_token"})


@dataclass(frozen=True, slots=True)
class Lifetimes:
    access_token: timedelta = timedelta(minutes=15)
    authorization_code: timedelta = timedelta(minutes=5)


@dataclass(slots=True)
class BankContext:
    session: Session
    institution: SandboxInstitution
    now: datetime
    lifetimes: Lifetimes
    # Set when a failed request still has something to keep (the revocation a replayed code
    # causes); otherwise a failed request's unit of work is rolled back.
    commit_despite_error: bool = False


# --- Authlib's model protocols, over the bank's rows


class ClientView:
    """`authlib.oauth2.rfc6749.ClientMixin` for a `BankClient`."""

    def __init__(self, row: BankClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.id

    def get_default_redirect_uri(self) -> str | None:
        # None makes redirect_uri a required parameter: the bank never guesses where to send
        # the user back to.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return " ".join(SCOPE_NAMES)
        return " ".join(name for name in scope.split() if name in SCOPE_NAMES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return service.client_secret_matches(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in CLIENT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES


class CodeView:
    """`AuthorizationCodeMixin` for a `BankAuthorizationCode`."""

    def __init__(self, row: BankAuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class TokenView:
    """`TokenMixin` for one of the two tokens of a `BankToken` row."""

    def __init__(self, row: BankToken, kind: str) -> None:
        self.row = row
        self.kind = kind  # "access_token" or "refresh_token"

    def check_client(self, client: ClientView) -> bool:
        return self.row.client_id == client.get_client_id()

    def get_scope(self) -> str:
        return self.row.scope


# --- Grants


def _active_consent(context: BankContext, consent_id: str) -> BankConsent | None:
    consent = service.consent_for(context.session, consent_id)
    if consent is None:
        return None
    if service.record_expiry(consent, context.now) is not ConsentStatus.AUTHORISED:
        return None
    return consent


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE for every client, S256 only: a missing challenge or `plain` is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': this bank requires PKCE (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    @property
    def context(self) -> BankContext:
        context: BankContext = self.server.context
        return context

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        consent: BankConsent = request.user
        data = request.payload.data
        service.save_authorization_code(
            self.context.session,
            code=code,
            institution_id=self.context.institution.institution_id,
            client_id=request.client.get_client_id(),
            consent_id=consent.id,
            redirect_uri=request.payload.redirect_uri,
            # What the user granted, which may be less than what the client asked for.
            scope=" ".join(consent.scopes),
            code_challenge=data["code_challenge"],
            code_challenge_method=data["code_challenge_method"],
            now=self.context.now,
            lifetime=self.context.lifetimes.authorization_code,
        )

    def query_authorization_code(self, code: str, client: ClientView) -> CodeView | None:
        context = self.context
        row = service.find_authorization_code(
            context.session, code, context.institution.institution_id, client.get_client_id()
        )
        if row is None or context.now >= row.expires_at:
            return None
        if row.used_at is not None:
            # A replayed code may be a stolen one: what it produced is no longer trusted.
            service.revoke_tokens_of_consent(context.session, row.consent_id, context.now)
            context.commit_despite_error = True
            return None
        return CodeView(row)

    def delete_authorization_code(self, authorization_code: CodeView) -> None:
        if not service.spend_authorization_code(
            self.context.session, authorization_code.row, self.context.now
        ):
            raise InvalidGrantError("The code has already been used.")

    def authenticate_user(self, authorization_code: CodeView) -> BankConsent:
        consent = _active_consent(self.context, authorization_code.row.consent_id)
        if consent is None:
            raise InvalidGrantError("The consent behind this code is no longer valid.")
        return consent


class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    @property
    def context(self) -> BankContext:
        context: BankContext = self.server.context
        return context

    def authenticate_refresh_token(self, refresh_token: str) -> TokenView | None:
        context = self.context
        row = service.find_token_by_refresh_token(
            context.session, refresh_token, context.institution.institution_id
        )
        if row is None or row.refresh_revoked_at is not None:
            return None
        if _active_consent(context, row.consent_id) is None:
            return None
        return TokenView(row, "refresh_token")

    def authenticate_user(self, refresh_token: TokenView) -> BankConsent | None:
        return _active_consent(self.context, refresh_token.row.consent_id)

    def revoke_old_credential(self, refresh_token: TokenView) -> None:
        if not service.retire_refresh_token(
            self.context.session, refresh_token.row, self.context.now
        ):
            # Two refreshes raced with the same token; the other one won.
            raise InvalidGrantError("The refresh token has already been used.")


class TokenRevocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    @property
    def context(self) -> BankContext:
        context: BankContext = self.server.context
        return context

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenView | None:
        context = self.context
        institution_id = context.institution.institution_id
        # The hint only decides the search order (RFC 7009 §2.1).
        kinds = ["access_token", "refresh_token"]
        if token_type_hint == "refresh_token":
            kinds.reverse()
        for kind in kinds:
            find = (
                service.find_token_by_access_token
                if kind == "access_token"
                else service.find_token_by_refresh_token
            )
            row = find(context.session, token_string, institution_id)
            if row is not None:
                return TokenView(row, kind)
        return None

    def revoke_token(self, token: TokenView, request: OAuth2Request) -> None:
        context = self.context
        if token.kind == "refresh_token":
            # Revoking a refresh token ends the whole grant (RFC 7009 §2.1).
            service.revoke_tokens_of_consent(context.session, token.row.consent_id, context.now)
        else:
            service.revoke_access_token(context.session, token.row, context.now)


# --- The server


def _new_token(kind: str) -> str:
    return f"bank-{kind}-{secrets.token_urlsafe(32)}"


class BankAuthorizationServer(StarletteAuthorizationServer):
    def __init__(self, context: BankContext) -> None:
        super().__init__(scopes_supported=list(SCOPE_NAMES))
        self.context = context
        self.register_token_generator("default", self._generate_token)
        self.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.register_endpoint(TokenRevocation)

    def query_client(self, client_id: str) -> ClientView | None:
        row = service.find_client(self.context.session, client_id)
        return None if row is None else ClientView(row)

    def _generate_token(
        self,
        grant_type: str,
        client: ClientView,
        user: BankConsent | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None, "every bank token is bound to a consent"
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": _new_token("access"),
            "expires_in": int(self.context.lifetimes.access_token.total_seconds()),
            "scope": scope if scope is not None else " ".join(user.scopes),
            "consent_id": user.id,
            "consent_expires_at": format_datetime(user.expires_at),
        }
        if include_refresh_token:
            token["refresh_token"] = _new_token("refresh")
        return token

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        consent: BankConsent = request.user
        service.save_token(
            self.context.session,
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token"),
            institution_id=self.context.institution.institution_id,
            client_id=request.client.get_client_id(),
            consent_id=consent.id,
            scope=token["scope"],
            now=self.context.now,
            access_lifetime=self.context.lifetimes.access_token,
        )

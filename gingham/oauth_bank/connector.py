"""Gingham's side of an OAuth bank: the client that sends users to the bank and calls its API.

It talks to the bank over real HTTP through the injected `httpx.AsyncClient`, as every outbound
call of Gingham does, and knows the bank only by its documented endpoints, so the same interface
can front a real open-banking bank later.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal, Protocol
from urllib.parse import quote, urlencode

import httpx

from gingham.clock import Clock
from gingham.oauth_bank import headless
from gingham.wire.json import format_datetime, parse_datetime

DEFAULT_SCOPES: Final = ("accounts", "transactions", "identity", "auth")
ClientAuthMethod = Literal["client_secret_basic", "client_secret_post"]


def new_pkce_pair() -> tuple[str, str]:
    """A PKCE (verifier, S256 challenge) pair, RFC 7636."""
    verifier = secrets.token_urlsafe(48)  # 64 characters, within the 43-128 allowed
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    consent_id: str
    scopes: tuple[str, ...]
    consent_expires_at: datetime | None = None

    def to_json(self) -> str:
        """The tokens as one string, for Gingham to seal and keep with the Item."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat(),
                "consent_id": self.consent_id,
                "scopes": list(self.scopes),
                "consent_expires_at": format_datetime(self.consent_expires_at),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        data = json.loads(text)
        return cls(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_at=parse_datetime(data["expires_at"]),
            consent_id=data["consent_id"],
            scopes=tuple(data["scopes"]),
            consent_expires_at=_optional_datetime(data.get("consent_expires_at")),
        )


@dataclass(frozen=True, slots=True)
class Balances:
    available: float | None
    current: float | None
    limit: float | None
    iso_currency_code: str | None


@dataclass(frozen=True, slots=True)
class AccountNumbers:
    account: str
    routing: str
    # Chase-like banks share numbers that work for ACH but are not the real ones.
    tokenized: bool


@dataclass(frozen=True, slots=True)
class BankAccount:
    account_id: str
    name: str
    official_name: str | None
    mask: str | None
    type: str
    subtype: str | None
    balances: Balances
    numbers: AccountNumbers | None

    def as_json(self) -> dict[str, Any]:
        """The account as the bank's API sends it."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ConsentInfo:
    consent_id: str
    # The bank's stable, opaque id of the user who consented: the same login, the same id.
    bank_user: str
    status: str
    scopes: tuple[str, ...]
    account_ids: tuple[str, ...]
    created_at: datetime | None
    expires_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "consent_id": self.consent_id,
            "bank_user": self.bank_user,
            "status": self.status,
            "scopes": list(self.scopes),
            "account_ids": list(self.account_ids),
            "created_at": format_datetime(self.created_at),
            "expires_at": format_datetime(self.expires_at),
        }


class BankError(Exception):
    """The bank answered with an error (`error` is its OAuth error code) or not at all."""

    def __init__(
        self, status_code: int, error: str, description: str = "", consent_status: str | None = None
    ) -> None:
        super().__init__(f"{status_code} {error}: {description}" if description else error)
        self.status_code = status_code
        self.error = error
        self.description = description
        # Set when the bank refused a token because its consent is no longer Authorised.
        self.consent_status = consent_status


class InvalidGrant(BankError):
    """The code or refresh token is spent, expired, revoked, or its consent is gone: the user
    has to go through the bank again."""


class InvalidAccessToken(BankError):
    """The API refused the access token (expired, revoked, or its consent is gone)."""


class BankUnavailable(BankError):
    """The bank could not be reached or answered something that is not its API."""


class BankConnector(Protocol):
    """What Gingham needs of an OAuth bank; `OAuthBankConnector` is the HTTP implementation."""

    def new_pkce_pair(self) -> tuple[str, str]: ...

    def authorization_url(
        self,
        institution_id: str,
        *,
        state: str,
        code_challenge: str,
        redirect_uri: str,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        application_id: str | None = None,
    ) -> str: ...

    async def exchange_code(
        self, institution_id: str, code: str, code_verifier: str, redirect_uri: str
    ) -> TokenSet: ...

    async def refresh(
        self, institution_id: str, refresh_token: str, *, scopes: tuple[str, ...] | None = None
    ) -> TokenSet: ...

    async def revoke(
        self,
        institution_id: str,
        token: str,
        *,
        token_type_hint: Literal["access_token", "refresh_token"] | None = "refresh_token",
    ) -> None: ...

    async def fetch_accounts(self, institution_id: str, access_token: str) -> list[BankAccount]: ...

    async def fetch_consent(self, institution_id: str, access_token: str) -> ConsentInfo: ...

    async def consent_as_user(
        self,
        authorization_url: str,
        *,
        username: str,
        password: str,
        account_masks: Sequence[str] | None,
    ) -> str: ...


class OAuthBankConnector:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        clock: Clock,
        browser_base_url: str | None = None,
        auth_method: ClientAuthMethod = "client_secret_basic",
    ) -> None:
        """`base_url` is where Gingham reaches the bank; `browser_base_url`, where users' browsers
        do, when that differs (a container network, a proxy)."""
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._browser_base_url = (browser_base_url or base_url).rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._auth_method = auth_method

    def new_pkce_pair(self) -> tuple[str, str]:
        return new_pkce_pair()

    async def consent_as_user(
        self,
        authorization_url: str,
        *,
        username: str,
        password: str,
        account_masks: Sequence[str] | None,
    ) -> str:
        """Play the user at the bank for `authorization_url` without a browser (headless Link):
        sign in and allow the accounts asked for; where the bank sends the browser back."""
        if authorization_url.startswith(self._browser_base_url):
            # The browser's address of the bank may not be Gingham's (a container network).
            authorization_url = self._base_url + authorization_url[len(self._browser_base_url) :]
        try:
            return await headless.consent_as_user(
                self._http,
                authorization_url,
                username=username,
                password=password,
                account_masks=account_masks,
            )
        except httpx.HTTPError as exc:
            raise BankUnavailable(0, "unreachable", f"{type(exc).__name__}: {exc}") from exc

    def authorization_url(
        self,
        institution_id: str,
        *,
        state: str,
        code_challenge: str,
        redirect_uri: str,
        scopes: tuple[str, ...] = DEFAULT_SCOPES,
        application_id: str | None = None,
    ) -> str:
        """The bank's authorize URL. `application_id` names the app the user is connecting for,
        as Plaid names it to the banks in its OAuth redirects: the bank's consent page shows
        that app's profile."""
        parameters = {
            "response_type": "code",
            "client_id": self._client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        if application_id is not None:
            parameters["application_id"] = application_id
        query = urlencode(parameters)
        return f"{self._browser_base_url}/{quote(institution_id)}/oauth/authorize?{query}"

    async def exchange_code(
        self, institution_id: str, code: str, code_verifier: str, redirect_uri: str
    ) -> TokenSet:
        return await self._token_request(
            institution_id,
            {
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
            },
        )

    async def refresh(
        self, institution_id: str, refresh_token: str, *, scopes: tuple[str, ...] | None = None
    ) -> TokenSet:
        """A new token pair; the bank rotates refresh tokens, so `refresh_token` is spent."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        if scopes is not None:
            form["scope"] = " ".join(scopes)
        return await self._token_request(institution_id, form)

    async def revoke(
        self,
        institution_id: str,
        token: str,
        *,
        token_type_hint: Literal["access_token", "refresh_token"] | None = "refresh_token",
    ) -> None:
        """RFC 7009. Revoking the refresh token ends the whole grant at the bank."""
        form = {"token": token}
        if token_type_hint is not None:
            form["token_type_hint"] = token_type_hint
        response = await self._post_with_client_auth(
            f"{self._base_url}/{quote(institution_id)}/oauth/revoke", form
        )
        if response.status_code != 200:
            raise self._error(response, BankError)

    async def fetch_accounts(self, institution_id: str, access_token: str) -> list[BankAccount]:
        body = await self._api_get(institution_id, "accounts", access_token)
        return [_account(entry) for entry in body["accounts"]]

    async def fetch_consent(self, institution_id: str, access_token: str) -> ConsentInfo:
        body = await self._api_get(institution_id, "consent", access_token)
        return ConsentInfo(
            consent_id=body["consent_id"],
            bank_user=body["bank_user"],
            status=body["status"],
            scopes=tuple(body["scopes"]),
            account_ids=tuple(body["account_ids"]),
            created_at=_optional_datetime(body.get("created_at")),
            expires_at=_optional_datetime(body.get("expires_at")),
        )

    # --- HTTP

    async def _token_request(self, institution_id: str, form: dict[str, str]) -> TokenSet:
        response = await self._post_with_client_auth(
            f"{self._base_url}/{quote(institution_id)}/oauth/token", form
        )
        if response.status_code != 200:
            raise self._error(response, BankError)
        body = self._json(response)
        return TokenSet(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
            expires_at=self._clock.now() + timedelta(seconds=int(body["expires_in"])),
            consent_id=body["consent_id"],
            scopes=tuple(str(body.get("scope") or "").split()),
            consent_expires_at=_optional_datetime(body.get("consent_expires_at")),
        )

    async def _post_with_client_auth(self, url: str, form: dict[str, str]) -> httpx.Response:
        headers = {"Accept": "application/json"}
        if self._auth_method == "client_secret_basic":
            # RFC 6749 §2.3.1: both parts are form-encoded before they are joined.
            pair = f"{quote(self._client_id, safe='')}:{quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form = {**form, "client_id": self._client_id, "client_secret": self._client_secret}
        try:
            return await self._http.post(url, data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise BankUnavailable(0, "unreachable", f"{type(exc).__name__}: {exc}") from exc

    async def _api_get(self, institution_id: str, resource: str, access_token: str) -> Any:
        try:
            response = await self._http.get(
                f"{self._base_url}/{quote(institution_id)}/api/{resource}",
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise BankUnavailable(0, "unreachable", f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 401:
            raise self._error(response, InvalidAccessToken)
        if response.status_code != 200:
            raise self._error(response, BankError)
        return self._json(response)

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise BankUnavailable(
                response.status_code, "invalid_response", "the bank did not answer JSON"
            ) from exc

    @staticmethod
    def _error(response: httpx.Response, default: type[BankError]) -> BankError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "error" not in body:
            return BankUnavailable(response.status_code, "invalid_response", response.text[:200])
        error = str(body["error"])
        kind = InvalidGrant if error == "invalid_grant" else default
        return kind(
            response.status_code,
            error,
            str(body.get("error_description") or ""),
            consent_status=body.get("consent_status"),
        )


def _optional_datetime(value: str | None) -> datetime | None:
    return None if not value else parse_datetime(value)


def _account(entry: dict[str, Any]) -> BankAccount:
    balances = entry["balances"]
    numbers = entry.get("numbers")
    return BankAccount(
        account_id=entry["account_id"],
        name=entry["name"],
        official_name=entry.get("official_name"),
        mask=entry.get("mask"),
        type=entry["type"],
        subtype=entry.get("subtype"),
        balances=Balances(
            available=balances.get("available"),
            current=balances.get("current"),
            limit=balances.get("limit"),
            iso_currency_code=balances.get("iso_currency_code"),
        ),
        numbers=(
            None
            if not numbers
            else AccountNumbers(
                account=numbers["account"],
                routing=numbers["routing"],
                tokenized=bool(numbers.get("tokenized")),
            )
        ),
    )

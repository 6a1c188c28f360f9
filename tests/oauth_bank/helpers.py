"""A user's browser at the sandbox bank, driven over HTTP, and the wiring shared by the tests."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from gingham.oauth_bank.connector import OAuthBankConnector
from gingham.oauth_bank.service import ConnectorCredentials

BANK_URL = "http://127.0.0.1:8766"
REDIRECT_URI = "http://127.0.0.1:8765/link/oauth/callback"
PLATYPUS = "ins_127287"
CHASE = "ins_3"
EU_BANK = "ins_117181"

_REQUEST_ID = re.compile(r'name="request" value="([^"]+)"')
_ACCOUNT = re.compile(r'id="account-(\w+)" name="account"\s+value="([^"]+)"')


T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion on a new event loop in a new thread."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class Decision:
    """Where the bank sent the browser back: the redirect URI and its query."""

    location: str

    @property
    def base(self) -> str:
        return self.location.split("?", 1)[0]

    @property
    def params(self) -> dict[str, str]:
        return query_of(self.location)


class BankBrowser:
    """A browser going through the bank's pages: its own cookie jar, like a real one."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def open(self, authorization_url: str) -> str:
        """Open the authorization URL; returns the sign-in's request id from the login page."""
        response = await self.http.get(authorization_url)
        assert response.status_code == 200, response.text
        found = _REQUEST_ID.search(response.text)
        assert found, "no sign-in form on the page"
        return found.group(1)

    async def sign_in(
        self, institution_id: str, request_id: str, username: str = "", password: str = ""
    ) -> httpx.Response:
        response = await self.http.post(
            f"/{institution_id}/oauth/login",
            data={"request": request_id, "username": username, "password": password},
        )
        assert response.status_code == 303, response.text
        return await self.http.get(response.headers["location"])

    @staticmethod
    def account_ids_by_mask(consent_page: str) -> dict[str, str]:
        return dict(_ACCOUNT.findall(consent_page))

    async def decide(
        self,
        institution_id: str,
        request_id: str,
        decision: str,
        *,
        account_ids: Sequence[str] = (),
        scopes: Sequence[str] = (),
    ) -> httpx.Response:
        form = {
            "request": request_id,
            "decision": decision,
            "account": list(account_ids),
            "scope": list(scopes),
        }
        return await self.http.post(f"/{institution_id}/oauth/consent", data=form)

    async def consent(
        self,
        authorization_url: str,
        *,
        institution_id: str = PLATYPUS,
        username: str = "",
        masks: list[str] | None = None,
        scopes: list[str] | None = None,
        decision: str = "allow",
    ) -> Decision:
        """The whole visit: sign in, tick the given accounts (default all) and scopes, decide."""
        request_id = await self.open(authorization_url)
        page = await self.sign_in(institution_id, request_id, username)
        assert page.status_code == 200, page.text
        by_mask = self.account_ids_by_mask(page.text)
        chosen = list(by_mask.values()) if masks is None else [by_mask[m] for m in masks]
        response = await self.decide(
            institution_id,
            request_id,
            decision,
            account_ids=chosen,
            scopes=["accounts", "transactions", "identity", "auth"] if scopes is None else scopes,
        )
        assert response.status_code == 302, response.text
        return Decision(response.headers["location"])


async def link(
    connector: OAuthBankConnector,
    browser: BankBrowser,
    *,
    institution_id: str = PLATYPUS,
    username: str = "",
    masks: list[str] | None = None,
    scopes: list[str] | None = None,
) -> tuple[str, str]:
    """Through the bank to a code: returns (code, verifier)."""
    verifier, challenge = connector.new_pkce_pair()
    url = connector.authorization_url(
        institution_id, state="state-1", code_challenge=challenge, redirect_uri=REDIRECT_URI
    )
    decision = await browser.consent(
        url, institution_id=institution_id, username=username, masks=masks, scopes=scopes
    )
    assert decision.params["state"] == "state-1"
    return decision.params["code"], verifier


async def token_request(
    http: httpx.AsyncClient, credentials: ConnectorCredentials, form: dict[str, str]
) -> httpx.Response:
    """A raw token-endpoint call with HTTP Basic client authentication."""
    return await http.post(
        f"/{PLATYPUS}/oauth/token",
        data=form,
        auth=(credentials.client_id, credentials.client_secret),
    )

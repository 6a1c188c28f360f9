"""The user's part at the sandbox OAuth bank, played over HTTP without a browser.

`/_gingham/link/complete` links OAuth Items in CI this way: it opens the bank's authorize URL,
signs in, and answers the consent page with the accounts and data asked for, exactly as a person
would with the bank's own pages (the bank sees a browser: its cookie, its forms). What comes back
is the bank's redirect to Link's callback, with a code or an error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urljoin

import httpx

from gingham.oauth_bank.pages import BROWSER_COOKIE

_REQUEST_ID = re.compile(r'name="request" value="([^"]+)"')
_ACCOUNT = re.compile(r'id="account-([^"]+)" name="account" value="([^"]+)"')
_SCOPE = re.compile(r'name="scope" value="([^"]+)"')
_FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class HeadlessConsentFailed(Exception):
    """The bank did not lead back to the client: its page, status and what it said."""


async def consent_as_user(
    http: httpx.AsyncClient,
    authorization_url: str,
    *,
    username: str,
    password: str,
    account_masks: Sequence[str] | None,
) -> str:
    """Sign in at the bank and allow access to the accounts whose masks are `account_masks` (all
    the bank offers when None) with every kind of data it asks about; the URL the bank sends the
    browser back to."""
    opened = await http.get(authorization_url)
    page = _page(opened, "the sign-in page")
    # The bank sets its browser cookie once; a client that kept it from an earlier visit (the
    # connector's, for every headless Link) gets no new one and must send the one it has.
    cookie = opened.cookies.get(BROWSER_COOKIE) or http.cookies.get(BROWSER_COOKIE) or ""
    headers = {"Cookie": f"{BROWSER_COOKIE}={cookie}"}
    signed_in = await http.post(
        urljoin(authorization_url, _found(_FORM_ACTION, page, "the sign-in form")),
        data={
            "request": _found(_REQUEST_ID, page, "the sign-in form"),
            "username": username,
            "password": password,
        },
        headers=headers,
    )
    consent_url = urljoin(authorization_url, _redirect(signed_in, "signing in"))
    consent = _page(await http.get(consent_url, headers=headers), "the consent page")
    offered = {html.unescape(mask): account_id for mask, account_id in _ACCOUNT.findall(consent)}
    chosen = [
        account_id
        for mask, account_id in offered.items()
        if account_masks is None or mask in account_masks
    ]
    if not chosen:
        raise HeadlessConsentFailed(
            f"the bank offers accounts ending {', '.join(sorted(offered))}; account_masks "
            "matches none of them"
        )
    decided = await http.post(
        urljoin(consent_url, _found(_FORM_ACTION, consent, "the consent form")),
        data={
            "request": _found(_REQUEST_ID, consent, "the consent form"),
            "decision": "allow",
            "account": chosen,
            "scope": list(dict.fromkeys(_SCOPE.findall(consent))),
        },
        headers=headers,
    )
    return _redirect(decided, "allowing access")


def _page(response: httpx.Response, what: str) -> str:
    if response.status_code != 200:
        raise HeadlessConsentFailed(f"the bank answered {what} with HTTP {response.status_code}")
    return response.text


def _found(pattern: re.Pattern[str], page: str, what: str) -> str:
    match = pattern.search(page)
    if match is None:
        raise HeadlessConsentFailed(f"the bank's page has no {what}")
    return html.unescape(match.group(1))


def _redirect(response: httpx.Response, what: str) -> str:
    location = str(response.headers.get("location") or "")
    if response.status_code not in (302, 303) or not location:
        raise HeadlessConsentFailed(
            f"the bank did not send the browser on after {what} (HTTP {response.status_code})"
        )
    return location

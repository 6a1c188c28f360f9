"""Signing in to the dashboard from a test client, as a browser does: the form's CSRF token
first, then the posted keys."""

from __future__ import annotations

import re

import httpx2 as httpx
from starlette.testclient import TestClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, credentials: dict[str, str]) -> httpx.Response:
    form = client.get("/dashboard/sign-in")
    return client.post(
        "/dashboard/sign-in",
        data={**credentials, "csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )


def post_form(
    client: TestClient, page_path: str, action: str, fields: dict[str, str]
) -> httpx.Response:
    """Submit a form of the page at `page_path` (with that page's CSRF token)."""
    token = csrf_token(client.get(page_path).text)
    return client.post(action, data={**fields, "csrf_token": token}, follow_redirects=False)

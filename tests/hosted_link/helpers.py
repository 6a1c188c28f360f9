"""Hosted Link tokens and pages, as an app and a user's browser reach them."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from starlette.testclient import TestClient

from tests.builders import PlaidCaller, link_token_request

WEBHOOK = "https://app.example.com/plaid/webhook"
_CONFIG = re.compile(r'<script type="application/json" id="gingham-hosted-link">(.*?)</script>')


def create_hosted(plaid: PlaidCaller, **overrides: Any) -> dict[str, Any]:
    body = link_token_request(**{"webhook": WEBHOOK, "hosted_link": {}, **overrides})
    return plaid.ok("/link/token/create", body)


def page_path(created: dict[str, Any]) -> str:
    return urlsplit(created["hosted_link_url"]).path


def page_config(client: TestClient, path: str) -> dict[str, Any]:
    """The configuration the Hosted Link page hands link.js."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    match = _CONFIG.search(response.text)
    assert match, response.text
    config: dict[str, Any] = json.loads(match.group(1))
    return config


def link_webhooks(plaid: PlaidCaller, link_session_id: str) -> dict[str, dict[str, Any]]:
    """The LINK webhooks queued for a session, by webhook_code (each code once)."""
    events = plaid.ok("/_gingham/webhooks/list", {})["events"]
    payloads = [
        e["payload"]
        for e in events
        if e["webhook_type"] == "LINK" and e["payload"]["link_session_id"] == link_session_id
    ]
    by_code = {payload["webhook_code"]: payload for payload in payloads}
    assert len(by_code) == len(payloads), payloads
    return by_code

"""The request log over HTTP: what is recorded, redacted, kept, listed and found."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings
from tests.builders import PlaidCaller, link_token_request


def logged(plaid: PlaidCaller, **body: Any) -> list[dict[str, Any]]:
    """The caller's request log, once the writer has written what is queued."""
    plaid.client.app.state.request_log.flush()  # type: ignore[attr-defined]
    requests: list[dict[str, Any]] = plaid.ok("/_gingham/requests/list", body)["requests"]
    return requests


class TestRecording:
    def test_a_request_is_recorded_with_its_answer(self, plaid: PlaidCaller) -> None:
        response = plaid.post("/link/token/create", link_token_request())
        assert response.status_code == 200
        [entry] = logged(plaid)
        assert entry["endpoint"] == "/link/token/create"
        assert entry["method"] == "POST"
        assert entry["status"] == 200
        assert entry["error_code"] is None
        assert entry["request_id"] == response.json()["request_id"]
        assert entry["latency_ms"] > 0
        assert entry["created_at"].endswith("Z")
        assert entry["request_body"]["user"] == {"client_user_id": "user-123"}
        assert entry["response_body"]["request_id"] == entry["request_id"]

    def test_an_error_is_recorded_with_its_code(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/item/get", {"access_token": "access-sandbox-nonsense"})
        [entry] = logged(plaid)
        assert entry["status"] == 400
        assert entry["error_code"] == error["error_code"]
        assert entry["response_body"]["error_code"] == error["error_code"]

    def test_a_request_whose_credentials_fail_is_nobodys(self, plaid: PlaidCaller) -> None:
        wrong = PlaidCaller(plaid.client, {**plaid.credentials, "secret": "0" * 30})
        wrong.post("/link/token/create", link_token_request())
        assert logged(plaid) == []

    def test_the_log_does_not_log_itself(self, plaid: PlaidCaller) -> None:
        logged(plaid)
        logged(plaid)
        assert logged(plaid) == []

    def test_each_client_sees_only_its_own(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        plaid.ok("/link/token/create", link_token_request())
        assert logged(other_plaid) == []
        assert len(logged(plaid)) == 1


class TestRedaction:
    def test_secrets_and_tokens_never_reach_the_log(self, plaid: PlaidCaller) -> None:
        public_token = plaid.public_token()
        exchanged = plaid.ok(
            "/item/public_token/exchange",
            {
                "public_token": public_token,
                # Credentials in the body as well as the headers.
                "client_id": plaid.credentials["client_id"],
                "secret": plaid.credentials["secret"],
            },
        )
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        plaid.ok("/item/get", {"access_token": exchanged["access_token"]})
        entries = logged(plaid)
        text = json.dumps(entries)
        for secret in (
            plaid.credentials["secret"],
            public_token,
            exchanged["access_token"],
            link_token,
        ):
            assert secret not in text
        exchange = next(e for e in entries if e["endpoint"] == "/item/public_token/exchange")
        assert exchange["request_body"]["public_token"].startswith("public-sandbox-****")
        assert exchange["response_body"]["access_token"].startswith("access-sandbox-****")
        assert exchange["response_body"]["item_id"] == exchanged["item_id"]

    def test_a_custom_users_password_is_redacted(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/sandbox/public_token/create",
            {
                "institution_id": "ins_109508",
                "initial_products": ["transactions"],
                "options": {"override_username": "user_good", "override_password": "pass_good"},
            },
        )
        [entry] = logged(plaid)
        assert entry["request_body"]["options"]["override_password"] == "[REDACTED]"
        assert entry["request_body"]["options"]["override_username"] == "user_good"


class TestListing:
    @pytest.fixture
    def history(self, plaid: PlaidCaller) -> dict[str, str]:
        """Three requests: a link token, a failed /item/get, a public token."""
        ids = {
            "link": plaid.post("/link/token/create", link_token_request()).json()["request_id"],
            "error": plaid.post("/item/get", {"access_token": "x"}).json()["request_id"],
            "public": plaid.post(
                "/sandbox/public_token/create",
                {"institution_id": "ins_109508", "initial_products": ["auth"]},
            ).json()["request_id"],
        }
        return ids

    def test_newest_first(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        assert [e["request_id"] for e in logged(plaid)] == [
            history["public"],
            history["error"],
            history["link"],
        ]

    def test_by_endpoint(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        [entry] = logged(plaid, endpoint="/item/get")
        assert entry["request_id"] == history["error"]

    def test_by_status(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        assert [e["request_id"] for e in logged(plaid, status=400)] == [history["error"]]

    def test_by_request_id(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        [entry] = logged(plaid, request_id=history["link"])
        assert entry["endpoint"] == "/link/token/create"

    def test_search_looks_in_the_bodies(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        assert [e["request_id"] for e in logged(plaid, search="ins_109508")] == [history["public"]]
        assert [e["request_id"] for e in logged(plaid, search="user-123")] == [history["link"]]
        assert logged(plaid, search="100%_nothing") == []

    def test_search_finds_error_codes(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        assert [e["request_id"] for e in logged(plaid, search="INVALID_")] == [history["error"]]

    def test_pages_with_limit_and_before(self, plaid: PlaidCaller, history: dict[str, str]) -> None:
        [first] = logged(plaid, limit=1)
        [second] = logged(plaid, limit=1, before=first["id"])
        assert [first["request_id"], second["request_id"]] == [history["public"], history["error"]]

    def test_unknown_filters_are_refused(self, plaid: PlaidCaller) -> None:
        plaid.error("/_gingham/requests/list", {"colour": "red"})


@pytest.fixture
def app_with(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        app = create_app(
            dataclasses.replace(settings, **overrides), clock=clock, session_factory=session_factory
        )
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


class TestRetention:
    def test_each_client_keeps_its_newest(self, app_with: Any, credentials: dict[str, str]) -> None:
        plaid = PlaidCaller(app_with(request_log_retention=3), credentials)
        request_ids = [
            plaid.post("/link/token/create", link_token_request()).json()["request_id"]
            for _ in range(5)
        ]
        assert [e["request_id"] for e in logged(plaid)] == request_ids[:1:-1]

    def test_retention_holds_across_batches(
        self, app_with: Any, credentials: dict[str, str]
    ) -> None:
        plaid = PlaidCaller(app_with(request_log_retention=2), credentials)
        request_ids = []
        for _ in range(4):
            request_ids.append(plaid.post("/item/get", {"access_token": "x"}).json()["request_id"])
            plaid.client.app.state.request_log.flush()  # type: ignore[attr-defined]
        assert [e["request_id"] for e in logged(plaid)] == request_ids[:1:-1]

    def test_trimming_can_wait_until_a_client_has_grown(
        self, app_with: Any, credentials: dict[str, str]
    ) -> None:
        plaid = PlaidCaller(app_with(request_log_retention=2), credentials)
        writer = plaid.client.app.state.request_log  # type: ignore[attr-defined]
        request_ids = [
            plaid.post("/item/get", {"access_token": "x"}).json()["request_id"] for _ in range(3)
        ]
        writer.flush(trim_every=4)
        assert [e["request_id"] for e in logged(plaid)] == request_ids[::-1]
        request_ids.append(plaid.post("/item/get", {"access_token": "x"}).json()["request_id"])
        writer.flush(trim_every=4)
        assert [e["request_id"] for e in logged(plaid)] == request_ids[:1:-1]


class TestSwitchedOff:
    def test_nothing_is_recorded(self, app_with: Any, credentials: dict[str, str]) -> None:
        plaid = PlaidCaller(app_with(request_log=False), credentials)
        plaid.ok("/link/token/create", link_token_request())
        assert plaid.client.app.state.request_log is None  # type: ignore[attr-defined]
        assert plaid.ok("/_gingham/requests/list")["requests"] == []

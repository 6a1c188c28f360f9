"""Request bodies are bounded: too large is 413 before or while it streams in, too slow is 408,
and credentials sent in headers are checked before any of the body is read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from starlette.types import Message

from gingham.app import create_app
from gingham.clock import FrozenClock
from gingham.config import Settings

LIMIT = 4096


@pytest.fixture
def small_client(
    settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    app = create_app(
        replace(settings, max_body_bytes=LIMIT), clock=clock, session_factory=session_factory
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _headers(credentials: dict[str, str]) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "PLAID-CLIENT-ID": credentials["client_id"],
        "PLAID-SECRET": credentials["secret"],
    }


def _padded(size: int) -> bytes:
    # A well-formed request whose one string makes it `size` bytes long.
    head = b'{"client_name": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


class TestMaximumBodySize:
    def test_an_announced_body_over_the_limit_is_413_in_plaids_shape(
        self, small_client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = small_client.post(
            "/link/token/create", content=_padded(LIMIT + 1), headers=_headers(credentials)
        )
        assert response.status_code == 413
        body = response.json()
        assert body["error_type"] == "INVALID_REQUEST"
        assert body["error_code"] == "INVALID_BODY"
        assert str(LIMIT) in body["error_message"]
        assert body["request_id"]

    def test_a_streamed_body_over_the_limit_is_refused_as_it_arrives(
        self, small_client: TestClient, credentials: dict[str, str]
    ) -> None:
        def chunks() -> Iterator[bytes]:
            # No Content-Length: the body is counted as it streams in.
            for _ in range(64):
                yield b" " * 1024

        response = small_client.post(
            "/link/token/create", content=chunks(), headers=_headers(credentials)
        )
        assert response.status_code == 413
        assert response.json()["error_code"] == "INVALID_BODY"

    def test_a_body_at_the_limit_is_read(
        self, small_client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = small_client.post(
            "/link/token/create", content=_padded(LIMIT), headers=_headers(credentials)
        )
        # Read and validated: the request lacks the link token's other required fields.
        assert response.status_code == 400
        assert response.json()["error_code"] == "MISSING_FIELDS"

    def test_the_default_limit_is_one_mebibyte(self) -> None:
        assert Settings().max_body_bytes == 1024 * 1024
        assert Settings.from_env({"GINGHAM_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048

    def test_every_route_is_bounded_not_only_plaids_endpoints(
        self, small_client: TestClient
    ) -> None:
        response = small_client.post(
            "/link/v2/stable/link.html",
            content=b"a=" + b"x" * LIMIT,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 413


class TestCredentialsInHeaders:
    def test_wrong_header_credentials_are_refused_before_the_body_is_read(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        # Not JSON at all: had the body been parsed first, this would be INVALID_BODY.
        response = client.post(
            "/item/get",
            content=b"not json",
            headers={**_headers(credentials), "PLAID-SECRET": "wrong"},
        )
        assert response.status_code == 400
        assert response.json()["error_code"] == "INVALID_API_KEYS"

    def test_right_header_credentials_go_on_to_the_body(
        self, client: TestClient, credentials: dict[str, str]
    ) -> None:
        response = client.post("/item/get", content=b"not json", headers=_headers(credentials))
        assert response.json()["error_code"] == "INVALID_BODY"


class TestSlowBodies:
    def test_a_body_that_stalls_is_408_in_plaids_shape(
        self, settings: Settings, clock: FrozenClock, session_factory: sessionmaker[Session]
    ) -> None:
        app = create_app(
            replace(settings, body_timeout_seconds=0.05),
            clock=clock,
            session_factory=session_factory,
        )
        received: list[Message] = []

        async def stalling_receive() -> Message:
            if not received:
                received.append({"type": "http.request", "body": b"{", "more_body": True})
                return received[-1]
            await asyncio.sleep(10)
            raise AssertionError("the stalled body should have been abandoned")

        sent: list[Message] = []

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/item/get",
            "headers": [(b"content-type", b"application/json")],
            "query_string": b"",
            "http_version": "1.1",
            "scheme": "http",
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "root_path": "",
            "app": app,
        }
        # On a loop of its own, in a thread of its own: the browser tests keep one running here.
        with ThreadPoolExecutor(max_workers=1) as executor:
            executor.submit(asyncio.run, app(scope, stalling_receive, send)).result()
        assert sent[0]["status"] == 408
        body = json.loads(sent[1]["body"])
        assert body["error_code"] == "INVALID_BODY"
        assert "0.05 seconds" in body["error_message"]

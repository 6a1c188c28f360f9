"""The writer's queue: bounded, and dropping with a count rather than blocking."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from gingham.config import Settings
from gingham.request_log.writer import RequestLogWriter, stored_body
from gingham.wire.recording import RecordedRequest


def _recorded(endpoint: str = "/item/get") -> RecordedRequest:
    return RecordedRequest(
        client_id="c",
        environment="sandbox",
        endpoint=endpoint,
        status=200,
        latency_ms=1.0,
        request_id="r",
        request_body=b"{}",
        response_body=b"{}",
        response_media_type="application/json",
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )


class TestQueue:
    def test_a_full_queue_drops_and_counts(self) -> None:
        writer = RequestLogWriter(sessionmaker[Session](), retention=10, capacity=2)
        for _ in range(5):
            writer.record(_recorded())
        assert writer.dropped == 3

    def test_the_log_endpoints_are_not_logged(self) -> None:
        writer = RequestLogWriter(sessionmaker[Session](), retention=10)
        assert writer.records("/item/get")
        assert not writer.records("/_gingham/requests/list")
        assert not writer.records("/_gingham/webhook_inbox/list")


class TestStoredBody:
    def test_a_file_is_noted_not_kept(self) -> None:
        assert json.loads(stored_body(b"%PDF-1.7", "application/pdf") or "") == {
            "_body": "application/pdf",
            "_bytes": 8,
        }

    def test_a_large_body_is_noted_not_kept(self) -> None:
        stored = stored_body(b'{"a": "' + b"x" * 20_000 + b'"}', "application/json")
        assert json.loads(stored or "") == {
            "_body": "too large to keep",
            "_bytes": 20_009,
        }

    def test_a_body_left_out_of_the_queue_is_noted_by_its_size(self) -> None:
        assert json.loads(stored_body(b"", "application/json", 20_000) or "") == {
            "_body": "too large to keep",
            "_bytes": 20_000,
        }


class TestSettings:
    def test_from_the_environment(self) -> None:
        settings = Settings.from_env(
            {"GINGHAM_REQUEST_LOG": "0", "GINGHAM_REQUEST_LOG_RETENTION": "5"}
        )
        assert (settings.request_log, settings.request_log_retention) == (False, 5)
        assert Settings.from_env({}).request_log is True

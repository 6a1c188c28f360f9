"""Plaid's retry curve and its compressed twin; the settings that choose them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gingham.config import Settings
from gingham.webhooks.retries import COMPRESSED_RETRIES, PLAID_RETRIES, retry_profile

CREATED = datetime(2026, 3, 2, tzinfo=UTC)


class TestPlaidCurve:
    def test_thirty_seconds_then_four_times_longer(self) -> None:
        assert [delay.total_seconds() for delay in PLAID_RETRIES.delays] == [
            30,
            120,
            480,
            1920,
            7680,
            30720,
        ]

    def test_seven_attempts_within_a_day(self) -> None:
        assert PLAID_RETRIES.max_attempts == 7
        now = CREATED
        for attempt in range(1, 7):
            due = PLAID_RETRIES.next_due(attempt, now)
            assert due is not None
            now = due
        assert now - CREATED < timedelta(hours=24)
        assert PLAID_RETRIES.next_due(7, now) is None
        # The step that would come next is past Plaid's 24 hours.
        assert now + PLAID_RETRIES.delays[-1] * 4 - CREATED > timedelta(hours=24)


class TestCompressedCurve:
    def test_same_attempts_far_shorter_delays(self) -> None:
        assert COMPRESSED_RETRIES.max_attempts == PLAID_RETRIES.max_attempts
        assert COMPRESSED_RETRIES.delays[0] == timedelta(milliseconds=50)
        assert sum(COMPRESSED_RETRIES.delays, timedelta()) < timedelta(minutes=2)


class TestSettings:
    def test_profiles_by_name(self) -> None:
        assert retry_profile("plaid") is PLAID_RETRIES
        assert retry_profile("compressed") is COMPRESSED_RETRIES
        with pytest.raises(ValueError, match="plaid, compressed"):
            retry_profile("fast")

    def test_environment(self) -> None:
        assert Settings.from_env({}).webhook_retry == "plaid"
        assert Settings.from_env({}).webhook_worker is True
        settings = Settings.from_env({"GINGHAM_WEBHOOK_RETRY": "compressed", "GINGHAM_WORKER": "0"})
        assert (settings.webhook_retry, settings.webhook_worker) == ("compressed", False)
        assert Settings.from_env({"GINGHAM_WORKER": "1"}).webhook_worker is True

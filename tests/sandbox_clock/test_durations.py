"""ISO 8601 durations as `by` takes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gingham.sandbox_clock.durations import Duration, DurationError, parse_duration

START = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


class TestParseDuration:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("P7D", Duration(fixed=timedelta(days=7))),
            ("PT36H", Duration(fixed=timedelta(hours=36))),
            ("P1DT2H", Duration(fixed=timedelta(days=1, hours=2))),
            ("PT1H30M15S", Duration(fixed=timedelta(hours=1, minutes=30, seconds=15))),
            ("PT0.5S", Duration(fixed=timedelta(milliseconds=500))),
            ("PT1,5S", Duration(fixed=timedelta(milliseconds=1500))),
            ("P2W", Duration(fixed=timedelta(weeks=2))),
            ("P1Y2M3D", Duration(years=1, months=2, fixed=timedelta(days=3))),
            ("P0D", Duration()),
        ],
    )
    def test_valid(self, text: str, expected: Duration) -> None:
        assert parse_duration(text) == expected

    @pytest.mark.parametrize(
        "text",
        ["", "P", "PT", "P1DT", "7D", "P1H", "PT1D", "P1.5D", "P1D2H", " P1D", "p1d", "P\u0661D"],
    )
    def test_invalid(self, text: str) -> None:
        with pytest.raises(DurationError, match="not an ISO 8601 duration"):
            parse_duration(text)

    def test_negative_durations_are_refused_as_going_back(self) -> None:
        with pytest.raises(DurationError, match="clocks only move forward"):
            parse_duration("-P1D")

    def test_absurd_lengths(self) -> None:
        with pytest.raises(DurationError, match="too long"):
            parse_duration("P99999999999D")


class TestAddedTo:
    def test_months_are_calendar_months_ending_on_the_last_day(self) -> None:
        assert parse_duration("P1M").added_to(START) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
        assert parse_duration("P13M").added_to(START) == datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
        assert parse_duration("P1Y").added_to(START) == datetime(2027, 1, 31, 12, 0, tzinfo=UTC)

    def test_fixed_parts_after_the_calendar_parts(self) -> None:
        assert parse_duration("P1MT1H").added_to(START) == datetime(2026, 2, 28, 13, 0, tzinfo=UTC)

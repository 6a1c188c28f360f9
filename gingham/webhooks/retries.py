"""When a failed webhook attempt is tried again: Plaid's schedule, and the same curve compressed
for tests and local development (GINGHAM_WEBHOOK_RETRY)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryProfile:
    """When failed attempts are tried again: `delays[n - 1]` after attempt n failed; after the
    last delay, never again."""

    name: str
    delays: tuple[timedelta, ...]

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def next_due(self, failed_attempt: int, now: datetime) -> datetime | None:
        if failed_attempt > len(self.delays):
            return None
        return now + self.delays[failed_attempt - 1]


# Plaid's: 30 s, then four times longer each time (2 min, 8 min, 32 min, ~2.1 h, ~8.5 h). The
# seventh attempt comes ~11.4 h after the first and the next step (~34 h) would pass Plaid's 24 h,
# so seven attempts in all. Redeliveries (attempt 8 and on) get no retries.
PLAID_RETRIES = RetryProfile("plaid", tuple(timedelta(seconds=30 * 4**n) for n in range(6)))
# The same curve 600 times faster (50 ms, 200 ms, 0.8 s, 3.2 s, 12.8 s, 51.2 s), for tests and
# local development that should see retries without waiting for them.
COMPRESSED_RETRIES = RetryProfile(
    "compressed", tuple(delay / 600 for delay in PLAID_RETRIES.delays)
)
RETRY_PROFILES = {profile.name: profile for profile in (PLAID_RETRIES, COMPRESSED_RETRIES)}


def retry_profile(name: str) -> RetryProfile:
    try:
        return RETRY_PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown webhook retry profile {name!r}; choose one of: {', '.join(RETRY_PROFILES)}"
        ) from None

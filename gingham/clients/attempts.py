"""Failed credentials, counted per client_id and per source address, so that guessing secrets
is slowed to a crawl and a misconfigured app floods nothing.

After `limit` failures within `window` seconds from one address, that address is refused
(RATE_LIMIT_EXCEEDED) without its credentials being checked, until the window has passed. After
`limit` failures for one client_id from anywhere, further failures for it are answered
RATE_LIMIT_EXCEEDED instead of INVALID_API_KEYS: the right secret still works, so an attacker
cannot lock the app out. Counts live in this process (each `gingham serve` process counts its
own).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from gingham import errors

# Distinct addresses and client_ids remembered at once; the least recent are forgotten first.
_CAPACITY = 10_000


class FailedCredentials:
    def __init__(
        self,
        *,
        limit: int,
        window: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._monotonic = monotonic
        self._by_address: OrderedDict[str, deque[float]] = OrderedDict()
        self._by_client: OrderedDict[str, deque[float]] = OrderedDict()
        # The worker threads of a PostgreSQL server count too.
        self._lock = threading.Lock()

    def refuse_if_limited(self, address: str | None) -> None:
        """RATE_LIMIT_EXCEEDED when `address` has failed too often lately."""
        if address is not None and self._over(self._by_address, address):
            raise errors.too_many_failed_credentials(address, int(self._window))

    def failed(self, client_id: str | None, address: str | None) -> errors.PlaidError:
        """Count a failure; the error to answer it with."""
        for table, key in ((self._by_address, address), (self._by_client, client_id)):
            if key is not None:
                self._add(table, key)
        if client_id is not None and self._count(self._by_client, client_id) > self._limit:
            return errors.too_many_failed_credentials(f"client_id {client_id}", int(self._window))
        return errors.invalid_api_keys()

    def _recent(self, table: OrderedDict[str, deque[float]], key: str) -> deque[float]:
        moments = table.setdefault(key, deque())
        table.move_to_end(key)
        horizon = self._monotonic() - self._window
        while moments and moments[0] < horizon:
            moments.popleft()
        while len(table) > _CAPACITY:
            table.popitem(last=False)
        return moments

    def _add(self, table: OrderedDict[str, deque[float]], key: str) -> None:
        with self._lock:
            self._recent(table, key).append(self._monotonic())

    def _count(self, table: OrderedDict[str, deque[float]], key: str) -> int:
        with self._lock:
            return len(self._recent(table, key)) if key in table else 0

    def _over(self, table: OrderedDict[str, deque[float]], key: str) -> bool:
        return self._count(table, key) >= self._limit

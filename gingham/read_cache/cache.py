"""The entries one process keeps, bounded, under the one version they were stored with."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypeVar

from gingham.accounts.models import AccountRecord
from gingham.items.models import ItemRecord

Key = TypeVar("Key")
Value = TypeVar("Value")


class ReadCache:
    """Items by access-token hash and by id, and each Item's accounts, as the frozen records the
    queries return (immutable, so every reader may hold the same one).

    Each kind keeps at most `capacity` entries, the least recently used leaving first. All of
    them belong to one version of the database's write count (gingham.read_cache): a reader
    holding a higher one drops them all and starts the new version, a reader holding a lower one
    (it read the count before a writer's commit) neither reads nor stores. One lock guards it:
    the endpoints run on several threads, and each operation is a few dictionary steps.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a read cache holds at least one entry of each kind")
        self.capacity = capacity
        self._lock = threading.Lock()
        self._version = -1
        self.items_by_token: OrderedDict[str, ItemRecord] = OrderedDict()
        self.items_by_id: OrderedDict[str, ItemRecord] = OrderedDict()
        self.accounts_by_item: OrderedDict[str, tuple[AccountRecord, ...]] = OrderedDict()

    def get(self, entries: OrderedDict[Key, Value], version: int, key: Key) -> Value | None:
        with self._lock:
            if not self._at(version):
                return None
            value = entries.get(key)
            if value is not None:
                entries.move_to_end(key)
            return value

    def put(self, entries: OrderedDict[Key, Value], version: int, key: Key, value: Value) -> None:
        with self._lock:
            if not self._at(version):
                return
            entries[key] = value
            entries.move_to_end(key)
            if len(entries) > self.capacity:
                entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.items_by_token) + len(self.items_by_id) + len(self.accounts_by_item)

    def _at(self, version: int) -> bool:
        # Called with the lock held.
        if version > self._version:
            self._version = version
            self.items_by_token.clear()
            self.items_by_id.clear()
            self.accounts_by_item.clear()
        return version == self._version

"""Seeded randomness: the same parts always give the same stream of numbers and fake values."""

from __future__ import annotations

import hashlib
import random
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker

_fakers = threading.local()


def seed_of(*parts: str) -> int:
    """A 64-bit seed from `parts`, stable across processes and Python versions (hash() is not)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng(*parts: str) -> random.Random:
    """A random stream of its own for `parts` (e.g. the login's seed, an account mask, a day)."""
    return random.Random(seed_of(*parts))


def faker(*parts: str, locale: str = "en_US") -> Faker:
    """A Faker seeded by `parts`. One instance per thread and locale is reused (building one costs
    milliseconds); each call reseeds it, so use the result before calling again."""
    cache: dict[str, Faker] | None = getattr(_fakers, "by_locale", None)
    if cache is None:
        cache = _fakers.by_locale = {}
    instance = cache.get(locale)
    if instance is None:
        # Imported at first use: Faker takes a tenth of a second to import, and the server
        # starts (and answers most requests) without it.
        from faker import Faker

        instance = cache[locale] = Faker(locale)
    instance.seed_instance(seed_of(*parts))
    return instance

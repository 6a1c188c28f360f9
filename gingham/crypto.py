"""Encryption at rest for the few secrets Gingham must read back.

Bearer tokens Gingham only has to recognise are stored as hashes. A handful it must hand out again
later (a Link session's public token, which /link/token/get returns; a bank's refresh token) are
sealed with AES-256-GCM under a key that never enters the database, so a copy of the database
alone still yields nothing usable.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_NAME = "secret.key"


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the secret key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, *, context: str) -> str:
        """Encrypt `plaintext`, bound to `context` (e.g. the row it belongs to)."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str, *, context: str) -> str:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()


def load_or_create_key(configured: str, data_dir: Path) -> bytes:
    """The key from GINGHAM_SECRET_KEY (base64url), else from the data directory's key file,
    created on first use. Every process serving one database must use the same key."""
    if configured:
        return base64.urlsafe_b64decode(configured.encode())
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        # Only its owner may list the data directory, where the key and the database live.
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as key_file:
                key_file.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return base64.urlsafe_b64decode(path.read_text().strip().encode())


def same_secret(given: str, expected: str) -> bool:
    """Whether `given` is `expected`, compared in time that does not depend on where they
    differ: used for every password, code and token compared in Gingham's own code (tokens
    looked up by their hash need not be)."""
    return hmac.compare_digest(given.encode(), expected.encode())

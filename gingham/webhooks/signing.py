"""Plaid's webhook signatures: an ES256 JWT in the Plaid-Verification header.

The JWT's header is {"alg": "ES256", "kid": <key uuid>, "typ": "JWT"}; its claims are `iat` (wall
clock seconds, never the sandbox clock: receivers reject tokens older than five minutes) and
`request_body_sha256`, the lowercase hex SHA-256 of the exact bytes POSTed. Receivers fetch the
public key by `kid` from /webhook_verification_key/get.

Keys: one signs at a time (the newest); it is created on first use. Rotation adds a new key and
expires nothing: a receiver may verify a signature made a moment before the rotation with a key
it fetches a moment after. `retire_signing_keys` later sets `expired_at` on keys superseded for
longer than RETIREMENT_GRACE — longer than any signature they made can still be accepted (five
minutes of `iat` tolerance plus the 10 s delivery timeout), since every attempt, retries
included, is signed afresh when it is sent.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.crypto import SecretBox
from gingham.webhooks.models import WebhookSigningKey

RETIREMENT_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: ECKey

    def sign(self, body: bytes, *, iat: int) -> str:
        """The Plaid-Verification header value for `body`, sent at unix time `iat`."""
        return jwt.encode(
            {"alg": "ES256", "kid": self.kid, "typ": "JWT"},
            {"iat": iat, "request_body_sha256": hashlib.sha256(body).hexdigest()},
            self.private_key,
            algorithms=["ES256"],
        )


def _seal_context(kid: str) -> str:
    return f"webhook-key:{kid}"


def _newest_key(session: Session) -> WebhookSigningKey | None:
    return session.scalars(
        select(WebhookSigningKey)
        .where(WebhookSigningKey.expired_at.is_(None))
        .order_by(WebhookSigningKey.created_at.desc(), WebhookSigningKey.kid)
        .limit(1)
    ).first()


def _create_key(session: Session, secrets: SecretBox, now: datetime) -> WebhookSigningKey:
    private_key = ECKey.generate_key("P-256", private=True)
    public = private_key.as_dict(private=False)
    kid = str(uuid.uuid4())
    row = WebhookSigningKey(
        kid=kid,
        private_key_sealed=secrets.seal(
            private_key.as_pem(private=True).decode(), context=_seal_context(kid)
        ),
        x=public["x"],
        y=public["y"],
        created_at=now,
        expired_at=None,
    )
    session.add(row)
    session.flush()
    return row


def active_key_id(session: Session) -> str | None:
    return session.scalar(
        select(WebhookSigningKey.kid)
        .where(WebhookSigningKey.expired_at.is_(None))
        .order_by(WebhookSigningKey.created_at.desc(), WebhookSigningKey.kid)
        .limit(1)
    )


def load_signing_key(session: Session, secrets: SecretBox, now: datetime) -> SigningKey:
    """The key that signs now, created on first use."""
    row = _newest_key(session) or _create_key(session, secrets, now)
    pem = secrets.open(row.private_key_sealed, context=_seal_context(row.kid))
    return SigningKey(row.kid, ECKey.import_key(pem.encode()))


def rotate_signing_key(session: Session, secrets: SecretBox, now: datetime) -> str:
    """Make a new key the signing key; the kid of the new key. Older keys stay verifiable."""
    newest = _newest_key(session)
    # The newest key signs, so the new one must be strictly newer, even on a clock that has not
    # moved since the last key was made.
    if newest is not None and newest.created_at >= now:
        now = newest.created_at + timedelta(microseconds=1)
    return _create_key(session, secrets, now).kid


def retire_signing_keys(
    session: Session, now: datetime, *, grace: timedelta = RETIREMENT_GRACE
) -> list[str]:
    """Expire every key that a newer key replaced at least `grace` ago; their kids."""
    keys = session.scalars(
        select(WebhookSigningKey)
        .where(WebhookSigningKey.expired_at.is_(None))
        .order_by(WebhookSigningKey.created_at, WebhookSigningKey.kid)
    ).all()
    retired = [
        older.kid for older, newer in itertools.pairwise(keys) if newer.created_at <= now - grace
    ]
    if retired:
        session.execute(
            update(WebhookSigningKey)
            .where(WebhookSigningKey.kid.in_(retired))
            .values(expired_at=now)
        )
    return retired


def _unix(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def verification_key(session: Session, key_id: str) -> dict[str, Any]:
    """The public JWK for /webhook_verification_key/get, or INVALID_WEBHOOK_VERIFICATION_KEY_ID."""
    row = session.get(WebhookSigningKey, key_id)
    if row is None:
        raise errors.InvalidInput(
            "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
            "invalid key_id provided: it is not the kid of any webhook verification key. "
            "Take key_id from the kid in the header of the Plaid-Verification JWT",
        )
    return {
        "alg": "ES256",
        "crv": "P-256",
        "kid": row.kid,
        "kty": "EC",
        "use": "sig",
        "x": row.x,
        "y": row.y,
        "created_at": _unix(row.created_at),
        "expired_at": _unix(row.expired_at),
    }

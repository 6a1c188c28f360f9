"""Checks a webhook's Plaid-Verification header the way Plaid's docs tell an app to:

1. read the JWT's header without verifying it, and accept only alg ES256;
2. fetch the key by its kid, as /webhook_verification_key/get serves it, refusing expired keys;
3. verify the signature with that key;
4. refuse an `iat` more than five minutes old (or as far in the future);
5. compare `request_body_sha256` with the SHA-256 of the exact body, in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from sqlalchemy.orm import Session

from gingham import errors
from gingham.webhooks import signing

MAX_AGE_SECONDS = 5 * 60


class Unverified(Exception):
    """Why a webhook failed verification, in words an app developer would log."""


def verify(session: Session, token: str | None, body: bytes, now: datetime) -> dict[str, Any]:
    """The JWT's claims, or Unverified saying which check failed."""
    if not token:
        raise Unverified("no Plaid-Verification header")
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as exc:
        raise Unverified(f"Plaid-Verification is not a JWT: {exc}") from None
    if header.get("alg") != "ES256":
        raise Unverified(f"alg {header.get('alg')!r} is not ES256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unverified("the JWT header has no kid")
    try:
        key = signing.verification_key(session, kid)
    except errors.PlaidError:
        raise Unverified(f"no verification key has kid {kid}") from None
    if key["expired_at"] is not None:
        raise Unverified(f"the verification key {kid} has expired")
    public = {name: key[name] for name in ("kty", "crv", "x", "y")}
    try:
        claims = jwt.decode(token, ECKey.import_key(public), algorithms=["ES256"]).claims
    except (JoseError, ValueError) as exc:
        raise Unverified(f"the signature does not verify with key {kid}: {exc}") from None
    issued_at = claims.get("iat")
    if not isinstance(issued_at, int):
        raise Unverified("the JWT has no iat")
    age = now.timestamp() - issued_at
    if age > MAX_AGE_SECONDS:
        raise Unverified(f"iat is {age:.0f} s old, more than five minutes")
    if age < -MAX_AGE_SECONDS:
        raise Unverified(f"iat is {-age:.0f} s in the future")
    claimed = claims.get("request_body_sha256")
    if not isinstance(claimed, str) or not hmac.compare_digest(
        hashlib.sha256(body).hexdigest(), claimed
    ):
        raise Unverified("the body's SHA-256 does not match request_body_sha256")
    return claims

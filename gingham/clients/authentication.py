"""How Plaid endpoints check API credentials: the secret's environment from the database, with
failures counted so that guessing secrets is slowed to a crawl (gingham.clients.attempts); and,
on the few endpoints that took one, a legacy public key. create_app hands one to the wire adapter.

A rotated or revoked secret stops working at once in every process that shares the database,
because the check that admits a request always reads the database, in the request's own
unit of work (its transaction, or for a read-only endpoint its own statement: gingham.db). The secrets this process verified lately (VerifiedSecrets) only let a request with
header credentials skip the early check before its body is read (a transaction of its own); a
stale entry there costs at most reading the body of a request that is then refused.

Why not a cache made safe across processes (a version row bumped with every credential change,
SQLite's PRAGMA data_version, PostgreSQL's LISTEN/NOTIFY)? Secrets are stored as SHA-256 (not a
slow password hash), so verifying one is a single read by a unique index: exactly what reading a
version row would cost, and no more (docs/PERFORMANCE.md has the measurements). data_version
changes with every commit, which every request makes, and a notification arrives after the
commit, so another process could still admit the old secret in between. Reading the secret itself
is correct on both databases and needs no new table or listener."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients import public_keys, service
from gingham.clients.attempts import FailedCredentials
from gingham.clients.service import VerifiedSecrets
from gingham.wire.ids import token_hash

# Gingham serves one host, which is Plaid's sandbox; a public key names no environment of its
# own (Plaid told them apart by host), so requests made with one run in sandbox.
PUBLIC_KEY_ENVIRONMENT = "sandbox"


class ApiKeyAuthenticator:
    def __init__(
        self,
        failed_credentials: FailedCredentials,
        verified_secrets: VerifiedSecrets | None = None,
    ) -> None:
        self.failed_credentials = failed_credentials
        self.verified_secrets = verified_secrets or VerifiedSecrets()

    def recently_verified(self, client_id: str, secret: str) -> bool:
        return self.verified_secrets.get(client_id, token_hash(secret)) is not None

    def forget_secrets(self, client_id: str) -> None:
        # Only spares this process's early check a body read; every process refuses a rotated-out
        # secret at once either way (see above).
        self.verified_secrets.forget(client_id)

    def authenticate(
        self, session: Session, client_id: str, secret: str, address: str | None
    ) -> str:
        """The secret's environment; failures are counted, and an address or client_id that
        fails too often is refused for a while."""
        self.failed_credentials.refuse_if_limited(address)
        secret_hash = token_hash(secret)
        try:
            environment = service.authenticate(session, client_id, secret_hash)
        except errors.InvalidInput as error:
            if error.error_code != "INVALID_API_KEYS":
                raise
            # Revoked (perhaps by another process): the early check must not skip it again.
            self.verified_secrets.discard(client_id, secret_hash)
            raise self.failed_credentials.failed(client_id, address) from None
        self.verified_secrets.put(client_id, secret_hash, environment)
        return environment

    def authenticate_public_key(
        self, session: Session, public_key: str, path: str, address: str | None
    ) -> tuple[str, str]:
        """(client_id, environment) for a public key the API still accepts; unknown keys are
        counted against the address like wrong secrets."""
        self.failed_credentials.refuse_if_limited(address)
        owner = public_keys.owner_of_public_key(session, public_key)
        if owner is None:
            # Counted for the address only: no client_id to count it for.
            self.failed_credentials.failed(None, address)
            raise errors.public_key_unknown()
        if not owner.api_enabled.get(PUBLIC_KEY_ENVIRONMENT, False):
            raise errors.public_key_api_disabled(PUBLIC_KEY_ENVIRONMENT, path)
        return owner.client_id, PUBLIC_KEY_ENVIRONMENT

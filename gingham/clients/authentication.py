"""How Plaid endpoints check API credentials: the secret's environment from the database (or
from the secrets this process verified lately), with failures counted so that guessing secrets
is slowed to a crawl (gingham.clients.attempts). create_app hands one to the wire adapter."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients import service
from gingham.clients.attempts import FailedCredentials
from gingham.clients.service import VerifiedSecrets
from gingham.wire.ids import token_hash


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

    def authenticate(
        self, session: Session, client_id: str, secret: str, address: str | None
    ) -> str:
        """The secret's environment; failures are counted, and an address or client_id that
        fails too often is refused for a while."""
        self.failed_credentials.refuse_if_limited(address)
        try:
            return service.authenticate(session, client_id, secret, self.verified_secrets)
        except errors.InvalidInput as error:
            if error.error_code != "INVALID_API_KEYS":
                raise
            raise self.failed_credentials.failed(client_id, address) from None

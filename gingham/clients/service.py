"""API clients and their secrets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients.models import ApiClient, ClientSecret
from gingham.wire.ids import new_client_id, new_secret, token_hash

ENVIRONMENTS = ("sandbox", "production")


@dataclass(frozen=True, slots=True)
class IssuedCredentials:
    """A client's credentials as shown once, at creation; only hashes are kept."""

    client_id: str
    name: str
    environment: str
    secret: str


def create_client(
    session: Session, name: str, now: datetime, *, environment: str = "sandbox"
) -> IssuedCredentials:
    client = ApiClient(id=new_client_id(), name=name, created_at=now)
    session.add(client)
    session.flush()
    secret = add_secret(session, client.id, environment, now)
    return IssuedCredentials(client.id, name, environment, secret)


def add_secret(session: Session, client_id: str, environment: str, now: datetime) -> str:
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}")
    secret = new_secret()
    session.add(
        ClientSecret(
            id=uuid.uuid4().hex,
            client_id=client_id,
            environment=environment,
            secret_hash=token_hash(secret),
            created_at=now,
        )
    )
    session.flush()
    return secret


def has_any_client(session: Session) -> bool:
    return session.scalar(select(ApiClient.id).limit(1)) is not None


def authenticate(session: Session, client_id: str, secret: str) -> str:
    """The environment the secret belongs to, or INVALID_API_KEYS."""
    environment = session.scalar(
        select(ClientSecret.environment).where(
            ClientSecret.secret_hash == token_hash(secret),
            ClientSecret.client_id == client_id,
            ClientSecret.revoked_at.is_(None),
        )
    )
    if environment is None:
        raise errors.invalid_api_keys()
    return environment

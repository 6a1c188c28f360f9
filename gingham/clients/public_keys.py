"""Legacy public keys: the static `public_key` Plaid's dashboard gave each client before link
tokens, and the dashboard's switches that turn it off per environment, for Link and for the API
separately (the Link token migration guide's last step).

A key belongs to exactly one client and is made the first time it is asked for, so clients made
before keys existed get one too. Switches are kept only once changed: no row means both are on.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.clients.models import ENVIRONMENTS, ClientPublicKey, PublicKeySwitch


@dataclass(frozen=True, slots=True)
class PublicKeyOwner:
    client_id: str
    public_key: str
    link_enabled: Mapping[str, bool]  # environment -> Link may run with the key there
    api_enabled: Mapping[str, bool]  # environment -> the API accepts the key there


_KEY_SHAPE = re.compile(r"[0-9a-f]{30}")


def new_public_key() -> str:
    # Plaid's public keys were 30 lowercase hex characters.
    return secrets.token_hex(15)


def public_key_of(session: Session, client_id: str, *, now: datetime | None = None) -> str:
    """The client's public key, made now if it has none."""
    key = session.scalar(
        select(ClientPublicKey.public_key).where(ClientPublicKey.client_id == client_id)
    )
    if key is not None:
        return key
    key = new_public_key()
    session.add(
        ClientPublicKey(client_id=client_id, public_key=key, created_at=now or datetime.now(UTC))
    )
    session.flush()
    return key


def owner_of_public_key(session: Session, public_key: str) -> PublicKeyOwner | None:
    """The client a public key belongs to, with its switches; None for a key no client holds."""
    # A string no key could be never reaches the database, which would refuse one too long.
    if not _KEY_SHAPE.fullmatch(public_key):
        return None
    client_id = session.scalar(
        select(ClientPublicKey.client_id).where(ClientPublicKey.public_key == public_key)
    )
    if client_id is None:
        return None
    state = switches(session, client_id)
    return PublicKeyOwner(
        client_id=client_id,
        public_key=public_key,
        link_enabled={environment: state[environment]["link"] for environment in ENVIRONMENTS},
        api_enabled={environment: state[environment]["api"] for environment in ENVIRONMENTS},
    )


def switches(session: Session, client_id: str) -> dict[str, dict[str, bool]]:
    """Every environment's switches: {"sandbox": {"link": True, "api": True}, ...}."""
    state = {environment: {"link": True, "api": True} for environment in ENVIRONMENTS}
    rows = session.scalars(select(PublicKeySwitch).where(PublicKeySwitch.client_id == client_id))
    for row in rows:
        if row.environment in state:
            state[row.environment] = {"link": row.link_enabled, "api": row.api_enabled}
    return state


def set_switches(
    session: Session,
    client_id: str,
    environment: str,
    *,
    link: bool | None = None,
    api: bool | None = None,
    now: datetime | None = None,
) -> dict[str, dict[str, bool]]:
    """Turn the key on or off in one environment, for Link, the API or both (None leaves a
    switch as it is); return every environment's switches as they now stand."""
    if environment not in ENVIRONMENTS:
        raise ValueError(f"unknown environment {environment!r}")
    row = session.get(PublicKeySwitch, (client_id, environment))
    if row is None:
        row = PublicKeySwitch(
            client_id=client_id, environment=environment, link_enabled=True, api_enabled=True
        )
        session.add(row)
    if link is not None:
        row.link_enabled = link
    if api is not None:
        row.api_enabled = api
    row.updated_at = now or datetime.now(UTC)
    session.flush()
    return switches(session, client_id)

"""The bank's behaviour on its records: clients, consents and the tokens bound to them.

Functions take the session first and only flush; the caller commits. Also the simulation hooks
later work drives (a user revoking a consent, or one account of it, at the bank).
"""

from __future__ import annotations

import binascii
import hmac
import secrets as token_source
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gingham.crypto import SecretBox
from gingham.institutions.catalogue import SandboxInstitution
from gingham.oauth_bank.models import (
    BankAuthorizationCode,
    BankClient,
    BankConsent,
    BankToken,
    ConsentStatus,
)
from gingham.wire.ids import new_object_id, token_hash

CONNECTOR_CLIENT_ID = "gingham-oauth-connector"
CONNECTOR_SECRET_CONTEXT = "oauth_bank.connector"


@dataclass(frozen=True, slots=True)
class ConnectorCredentials:
    client_id: str
    client_secret: str


def new_client_secret() -> str:
    return token_source.token_urlsafe(32)


def register_client(
    session: Session,
    *,
    name: str,
    redirect_uris: list[str],
    now: datetime,
    client_id: str | None = None,
    sealed_by: SecretBox | None = None,
) -> ConnectorCredentials:
    """Register an application with the bank; its secret is returned here and never again."""
    client_id = client_id or uuid.uuid4().hex
    secret = new_client_secret()
    session.add(
        BankClient(
            id=client_id,
            name=name,
            secret_hash=token_hash(secret),
            sealed_secret=_seal(sealed_by, secret),
            redirect_uris=list(redirect_uris),
            created_at=now,
        )
    )
    session.flush()
    return ConnectorCredentials(client_id, secret)


def _seal(box: SecretBox | None, secret: str) -> str | None:
    return None if box is None else box.seal(secret, context=CONNECTOR_SECRET_CONTEXT)


def ensure_connector_client(
    session: Session, redirect_uris: list[str], *, secrets: SecretBox, now: datetime
) -> ConnectorCredentials:
    """Gingham's own OAuth connector as a client of the bank: registered on first call, its
    redirect URIs brought up to date on every call, and its secret read back from the sealed copy.

    The bank keeps only the secret's hash, as for any client; the connector's secret is also kept
    sealed under Gingham's secret key so every Gingham process can present it. When the key has
    changed and the sealed copy no longer opens, the secret is rotated.
    """
    client = session.get(BankClient, CONNECTOR_CLIENT_ID)
    if client is None:
        try:
            with session.begin_nested():
                return register_client(
                    session,
                    name="Gingham",
                    redirect_uris=redirect_uris,
                    now=now,
                    client_id=CONNECTOR_CLIENT_ID,
                    sealed_by=secrets,
                )
        except IntegrityError:
            # Another Gingham process registered it first; use theirs.
            client = session.get(BankClient, CONNECTOR_CLIENT_ID, populate_existing=True)
            assert client is not None
    if client.redirect_uris != list(redirect_uris):
        client.redirect_uris = list(redirect_uris)
    secret = _open(secrets, client.sealed_secret)
    if secret is None:
        secret = new_client_secret()
        client.secret_hash = token_hash(secret)
        client.sealed_secret = _seal(secrets, secret)
    session.flush()
    return ConnectorCredentials(client.id, secret)


def _open(box: SecretBox, sealed: str | None) -> str | None:
    if sealed is None:
        return None
    try:
        return box.open(sealed, context=CONNECTOR_SECRET_CONTEXT)
    except (InvalidTag, ValueError, binascii.Error):
        return None


def find_client(session: Session, client_id: str) -> BankClient | None:
    return session.get(BankClient, client_id)


def client_secret_matches(client: BankClient, secret: str) -> bool:
    return hmac.compare_digest(client.secret_hash, token_hash(secret))


# --- Consents


def grant_consent(
    session: Session,
    *,
    institution: SandboxInstitution,
    username: str,
    client_id: str,
    account_ids: list[str],
    scopes: list[str],
    now: datetime,
) -> BankConsent:
    consent = BankConsent(
        id=new_object_id(),
        institution_id=institution.institution_id,
        username=username,
        client_id=client_id,
        account_ids=list(account_ids),
        revoked_account_ids=[],
        scopes=list(scopes),
        status=ConsentStatus.AUTHORISED,
        created_at=now,
        expires_at=(
            None
            if institution.consent_days is None
            else now + timedelta(days=institution.consent_days)
        ),
        revoked_at=None,
    )
    session.add(consent)
    session.flush()
    return consent


def reject_consent(
    session: Session,
    *,
    institution: SandboxInstitution,
    username: str,
    client_id: str,
    now: datetime,
) -> BankConsent:
    consent = BankConsent(
        id=new_object_id(),
        institution_id=institution.institution_id,
        username=username,
        client_id=client_id,
        account_ids=[],
        revoked_account_ids=[],
        scopes=[],
        status=ConsentStatus.REJECTED,
        created_at=now,
        expires_at=None,
        revoked_at=None,
    )
    session.add(consent)
    session.flush()
    return consent


def consent_status(consent: BankConsent, now: datetime) -> ConsentStatus:
    """The status as of `now`: an authorised consent past its expiry has expired."""
    status = ConsentStatus(consent.status)
    if status is ConsentStatus.AUTHORISED and consent.expires_at and now >= consent.expires_at:
        return ConsentStatus.EXPIRED
    return status


def record_expiry(consent: BankConsent, now: datetime) -> ConsentStatus:
    """Store an expiry that has happened by `now`, so the stored status tells the truth."""
    status = consent_status(consent, now)
    if status != consent.status:
        consent.status = status
    return status


def shared_account_ids(consent: BankConsent) -> list[str]:
    revoked = set(consent.revoked_account_ids)
    return [account_id for account_id in consent.account_ids if account_id not in revoked]


def consent_for(session: Session, consent_id: str) -> BankConsent | None:
    return session.get(BankConsent, consent_id)


def consents_of_user(
    session: Session, institution_id: str, username: str, *, client_id: str | None = None
) -> list[BankConsent]:
    query = select(BankConsent).where(
        BankConsent.institution_id == institution_id, BankConsent.username == username
    )
    if client_id is not None:
        query = query.where(BankConsent.client_id == client_id)
    return list(session.scalars(query.order_by(BankConsent.created_at, BankConsent.id)))


def consent_for_access_token(session: Session, access_token: str) -> BankConsent | None:
    """The consent behind an access token, whatever the token's or the consent's state."""
    return session.scalar(
        select(BankConsent)
        .join(BankToken, BankToken.consent_id == BankConsent.id)
        .where(BankToken.access_token_hash == token_hash(access_token))
    )


def revoke_consent(
    session: Session, consent_id: str, now: datetime, account_id: str | None = None
) -> BankConsent:
    """The user withdraws the consent at the bank, or only one account of it.

    Withdrawing the last shared account withdraws the consent. Tokens are not touched: every use
    of a token checks its consent, so they stop working with it.
    """
    consent = session.get(BankConsent, consent_id)
    if consent is None:
        raise LookupError(f"no consent {consent_id!r}")
    if account_id is not None:
        if account_id not in consent.account_ids:
            raise LookupError(f"account {account_id!r} is not part of consent {consent_id!r}")
        if account_id not in consent.revoked_account_ids:
            # A new list: SQLAlchemy does not see in-place changes to a JSON value.
            consent.revoked_account_ids = [*consent.revoked_account_ids, account_id]
        if shared_account_ids(consent):
            session.flush()
            return consent
    if consent_status(consent, now) is ConsentStatus.AUTHORISED:
        consent.status = ConsentStatus.REVOKED
        consent.revoked_at = now
    session.flush()
    return consent


# --- Authorization codes and tokens


def save_authorization_code(
    session: Session,
    *,
    code: str,
    institution_id: str,
    client_id: str,
    consent_id: str,
    redirect_uri: str,
    scope: str,
    code_challenge: str,
    code_challenge_method: str,
    now: datetime,
    lifetime: timedelta,
) -> None:
    session.add(
        BankAuthorizationCode(
            code_hash=token_hash(code),
            institution_id=institution_id,
            client_id=client_id,
            consent_id=consent_id,
            redirect_uri=redirect_uri,
            scope=scope,
            code_challenge=code_challenge,
            code_challenge_method=code_challenge_method,
            created_at=now,
            expires_at=now + lifetime,
            used_at=None,
        )
    )
    session.flush()


def find_authorization_code(
    session: Session, code: str, institution_id: str, client_id: str
) -> BankAuthorizationCode | None:
    return session.scalar(
        select(BankAuthorizationCode).where(
            BankAuthorizationCode.code_hash == token_hash(code),
            BankAuthorizationCode.institution_id == institution_id,
            BankAuthorizationCode.client_id == client_id,
        )
    )


def spend_authorization_code(session: Session, code: BankAuthorizationCode, now: datetime) -> bool:
    """Mark the code used; False when another request spent it first."""
    result = session.execute(
        update(BankAuthorizationCode)
        .where(
            BankAuthorizationCode.code_hash == code.code_hash,
            BankAuthorizationCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def save_token(
    session: Session,
    *,
    access_token: str,
    refresh_token: str | None,
    institution_id: str,
    client_id: str,
    consent_id: str,
    scope: str,
    now: datetime,
    access_lifetime: timedelta,
) -> BankToken:
    token = BankToken(
        id=new_object_id(),
        institution_id=institution_id,
        client_id=client_id,
        consent_id=consent_id,
        access_token_hash=token_hash(access_token),
        refresh_token_hash=None if refresh_token is None else token_hash(refresh_token),
        scope=scope,
        issued_at=now,
        access_expires_at=now + access_lifetime,
        access_revoked_at=None,
        refresh_revoked_at=None,
    )
    session.add(token)
    session.flush()
    return token


def find_token_by_access_token(
    session: Session, access_token: str, institution_id: str
) -> BankToken | None:
    return session.scalar(
        select(BankToken).where(
            BankToken.access_token_hash == token_hash(access_token),
            BankToken.institution_id == institution_id,
        )
    )


def find_token_by_refresh_token(
    session: Session, refresh_token: str, institution_id: str
) -> BankToken | None:
    return session.scalar(
        select(BankToken).where(
            BankToken.refresh_token_hash == token_hash(refresh_token),
            BankToken.institution_id == institution_id,
        )
    )


def retire_refresh_token(session: Session, token: BankToken, now: datetime) -> bool:
    """Revoke the refresh token of `token`; False when it was already revoked (a lost race)."""
    result = session.execute(
        update(BankToken)
        .where(BankToken.id == token.id, BankToken.refresh_revoked_at.is_(None))
        .values(refresh_revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token.refresh_revoked_at = now
    return bool(getattr(result, "rowcount", 0) == 1)


def revoke_access_token(session: Session, token: BankToken, now: datetime) -> None:
    token.access_revoked_at = token.access_revoked_at or now
    session.flush()


def revoke_tokens_of_consent(session: Session, consent_id: str, now: datetime) -> None:
    """Revoke every token of the grant: a consent comes from exactly one authorization code."""
    session.execute(
        update(BankToken)
        .where(BankToken.consent_id == consent_id, BankToken.access_revoked_at.is_(None))
        .values(access_revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(BankToken)
        .where(BankToken.consent_id == consent_id, BankToken.refresh_revoked_at.is_(None))
        .values(refresh_revoked_at=now)
        .execution_options(synchronize_session=False)
    )

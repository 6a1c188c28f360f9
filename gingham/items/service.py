"""Items and the tokens that reach them: public tokens, exchange, access tokens, removal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.models import Account
from gingham.bank.accounts import AccountTemplate, home_currency
from gingham.institutions.catalogue import SandboxInstitution
from gingham.items.models import AccessToken, Item, PublicToken
from gingham.wire.endpoint import Caller
from gingham.wire.ids import new_object_id, new_token, token_environment, token_hash

PUBLIC_TOKEN_LIFETIME = timedelta(minutes=30)


def create_item(
    session: Session,
    caller: Caller,
    institution: SandboxInstitution,
    accounts: Sequence[AccountTemplate],
    *,
    products: Sequence[str],
    consented_products: Sequence[str] = (),
    webhook: str | None,
    now: datetime,
) -> Item:
    billed = sorted(set(products) - {"balance"})
    item = Item(
        id=new_object_id(),
        client_id=caller.client_id,
        environment=caller.environment,
        institution_id=institution.institution_id,
        webhook=webhook,
        billed_products=billed,
        consented_products=sorted(set(billed) | set(consented_products)),
        error=None,
        consent_expires_at=None,
        update_type="background",
        created_at=now,
        removed_at=None,
    )
    session.add(item)
    # Accounts reference the Item without an ORM relationship, so the Item must be written first.
    session.flush()
    currency = home_currency(institution.country_codes)
    session.add_all(
        Account(
            id=new_object_id(),
            item_id=item.id,
            position=position,
            name=template.name,
            official_name=template.official_name,
            mask=template.mask,
            type=template.type,
            subtype=template.subtype,
            available_balance=template.available,
            current_balance=template.current,
            limit_balance=template.limit,
            iso_currency_code=template.currency or currency,
            unofficial_currency_code=None,
            verification_status=None,
            holder_category=template.holder_category,
            balances_updated_at=now,
        )
        for position, template in enumerate(accounts)
    )
    session.flush()
    return item


def issue_public_token(session: Session, item: Item, now: datetime) -> str:
    token = new_token("public", item.environment)
    session.add(
        PublicToken(
            token_hash=token_hash(token),
            client_id=item.client_id,
            item_id=item.id,
            created_at=now,
            expires_at=now + PUBLIC_TOKEN_LIFETIME,
            exchanged_at=None,
        )
    )
    return token


def issue_access_token(session: Session, item_id: str, environment: str, now: datetime) -> str:
    token = new_token("access", environment)
    session.add(AccessToken(token_hash=token_hash(token), item_id=item_id, created_at=now))
    return token


def _invalid_public_token(message: str) -> errors.PlaidError:
    return errors.InvalidInput("INVALID_PUBLIC_TOKEN", message)


def exchange_public_token(
    session: Session, caller: Caller, public_token: str, now: datetime
) -> tuple[str, str]:
    """Spend a public token; return (access_token, item_id).

    The token is claimed with one conditional UPDATE, so of two concurrent exchanges exactly one
    sees its row change and the other is told the token is gone.
    """
    _check_token_shape(public_token, "public", caller, _invalid_public_token)
    hashed = token_hash(public_token)
    claimed = session.execute(
        update(PublicToken)
        .where(
            PublicToken.token_hash == hashed,
            PublicToken.client_id == caller.client_id,
            PublicToken.exchanged_at.is_(None),
            PublicToken.expires_at > now,
        )
        .values(exchanged_at=now)
        .returning(PublicToken.item_id),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if claimed is None:
        raise _why_public_token_unusable(session, caller, hashed, now)
    item = session.get(Item, claimed)
    if item is None or item.removed_at is not None:
        raise _invalid_public_token(
            "could not find matching public token: its Item has been removed"
        )
    return issue_access_token(session, item.id, item.environment, now), item.id


def _why_public_token_unusable(
    session: Session, caller: Caller, hashed: str, now: datetime
) -> errors.PlaidError:
    row = session.get(PublicToken, hashed)
    if row is None or row.client_id != caller.client_id:
        return _invalid_public_token("could not find matching public token")
    if row.exchanged_at is not None:
        return _invalid_public_token(
            "could not find matching public token: it has already been exchanged, and public tokens are single use"
        )
    return _invalid_public_token(
        "provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged"
    )


def _check_token_shape(
    token: str, kind: str, caller: Caller, make: Callable[[str], errors.PlaidError]
) -> None:
    environment = token_environment(token, kind)
    if environment is None:
        raise make(
            f"provided {kind} token is in an invalid format. expected format: {kind}-<environment>-<identifier>"
        )
    if environment != caller.environment:
        raise make(
            f"provided {kind} token is for the {environment} environment, but the secret used is for {caller.environment}"
        )


def _invalid_access_token(message: str) -> errors.PlaidError:
    return errors.InvalidInput("INVALID_ACCESS_TOKEN", message)


def item_for_access_token(session: Session, caller: Caller, access_token: str) -> Item:
    """The live Item an access token reaches for this caller, or INVALID_ACCESS_TOKEN."""
    _check_token_shape(access_token, "access", caller, _invalid_access_token)
    item = session.scalar(
        select(Item)
        .join(AccessToken, AccessToken.item_id == Item.id)
        .where(
            AccessToken.token_hash == token_hash(access_token),
            AccessToken.revoked_at.is_(None),
            Item.client_id == caller.client_id,
            Item.removed_at.is_(None),
        )
    )
    if item is None:
        raise errors.invalid_access_token()
    return item


def remove_item(session: Session, item: Item, now: datetime) -> None:
    item.removed_at = now
    _revoke_access_tokens(session, item.id, now)


def rotate_access_token(session: Session, item: Item, now: datetime) -> str:
    _revoke_access_tokens(session, item.id, now)
    return issue_access_token(session, item.id, item.environment, now)


def _revoke_access_tokens(session: Session, item_id: str, now: datetime) -> None:
    session.execute(
        update(AccessToken)
        .where(AccessToken.item_id == item_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )


def raise_if_unhealthy(item: Item) -> None:
    """Product calls on an Item in an error state fail with that error, as at Plaid."""
    if item.error is not None:
        error = item.error
        raise errors.ItemError(
            error["error_code"],
            error["error_message"],
            display_message=error.get("display_message"),
            error_code_reason=error.get("error_code_reason"),
        )

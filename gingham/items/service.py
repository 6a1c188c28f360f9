"""Items and the tokens that reach them: public tokens, exchange, access tokens, removal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, insert, select, update
from sqlalchemy.orm import Session

from gingham import driver_queries, errors
from gingham.accounts.models import Account
from gingham.bank.accounts import AccountTemplate, ach_numbers, home_currency
from gingham.institutions.catalogue import SandboxInstitution
from gingham.items.models import AccessToken, Item, PublicToken
from gingham.items.models import ItemRecord as ItemRecord
from gingham.read_cache import service as read_cache
from gingham.wire.context import Caller
from gingham.wire.ids import new_object_id, new_token, token_environment, token_hash

PUBLIC_TOKEN_LIFETIME = timedelta(minutes=30)


# Statements the hot paths run, built once: building them per request costs more than running
# them. Executed on the session's connection, they skip the ORM's unit of work.
_INSERT_ITEM = insert(Item)
_INSERT_ACCOUNT = insert(Account)
_INSERT_PUBLIC_TOKEN = insert(PublicToken)
_INSERT_ACCESS_TOKEN = insert(AccessToken)
_CLAIM_PUBLIC_TOKEN = (
    update(PublicToken)
    .where(
        PublicToken.token_hash == bindparam("hashed"),
        PublicToken.client_id == bindparam("caller"),
        PublicToken.exchanged_at.is_(None),
        PublicToken.expires_at > bindparam("now"),
    )
    .values(exchanged_at=bindparam("now"))
    .returning(PublicToken.item_id)
)
_REMOVED_AT = select(Item.removed_at).where(Item.id == bindparam("item_id"))


def create_item(
    session: Session,
    caller: Caller,
    institution: SandboxInstitution,
    accounts: Sequence[AccountTemplate],
    *,
    account_ids: Sequence[str] | None = None,
    bank_account_ids: Sequence[str | None] | None = None,
    products: Sequence[str],
    consented_products: Sequence[str] = (),
    consented_use_cases: Sequence[str] | None = None,
    webhook: str | None,
    login_id: str | None,
    now: datetime,
) -> str:
    """Create an Item holding the given accounts, made with the bank login `login_id`
    (gingham.bank.logins.login_id); return its item_id."""
    billed = sorted(set(products) - {"balance"})
    item_id = new_object_id()
    connection = session.connection()
    connection.execute(
        _INSERT_ITEM,
        {
            "id": item_id,
            "client_id": caller.client_id,
            "environment": caller.environment,
            "institution_id": institution.institution_id,
            "webhook": webhook,
            "billed_products": billed,
            "initial_products": billed,
            "consented_products": sorted(set(billed) | set(consented_products)),
            "consented_use_cases": None
            if consented_use_cases is None
            else list(consented_use_cases),
            "error": None,
            "error_cause": None,
            "error_at": None,
            "login_id": login_id,
            "consent_expires_at": None,
            "update_type": "background",
            "created_at": now,
            "removed_at": None,
        },
    )
    insert_accounts(
        session,
        item_id,
        institution,
        accounts,
        account_ids=account_ids,
        bank_account_ids=bank_account_ids,
        now=now,
    )
    return item_id


def insert_accounts(
    session: Session,
    item_id: str,
    institution: SandboxInstitution,
    accounts: Sequence[AccountTemplate],
    *,
    account_ids: Sequence[str] | None = None,
    bank_account_ids: Sequence[str | None] | None = None,
    first_position: int = 0,
    now: datetime,
) -> None:
    """Share these accounts through the Item, after any it has (`first_position` on)."""
    currency = home_currency(institution.country_codes)
    numbers = [ach_numbers(template, institution) for template in accounts]
    session.connection().execute(
        _INSERT_ACCOUNT,
        [
            {
                "id": account_ids[index] if account_ids else new_object_id(),
                "item_id": item_id,
                "position": first_position + index,
                "name": template.name,
                "official_name": template.official_name,
                "mask": template.mask,
                "type": template.type,
                "subtype": template.subtype,
                "available_balance": template.available,
                "current_balance": template.current,
                "limit_balance": template.limit,
                "iso_currency_code": template.currency or currency,
                "unofficial_currency_code": None,
                "verification_status": None,
                "holder_category": template.holder_category,
                "balances_updated_at": now,
                "bank_account_id": bank_account_ids[index] if bank_account_ids else None,
                "account_number": ach.account if ach else None,
                "routing_number": ach.routing if ach else None,
                "wire_routing_number": ach.wire_routing if ach else None,
                "numbers_tokenized": ach.tokenized if ach else False,
                "unshared_at": None,
                "product_data": template.product_data,
            }
            for index, (template, ach) in enumerate(zip(accounts, numbers, strict=True))
        ],
    )


def issue_public_token(session: Session, caller: Caller, item_id: str, now: datetime) -> str:
    token = new_token("public", caller.environment)
    session.connection().execute(
        _INSERT_PUBLIC_TOKEN,
        {
            "token_hash": token_hash(token),
            "client_id": caller.client_id,
            "item_id": item_id,
            "created_at": now,
            "expires_at": now + PUBLIC_TOKEN_LIFETIME,
            "exchanged_at": None,
        },
    )
    return token


def issue_access_token(session: Session, item_id: str, environment: str, now: datetime) -> str:
    token = new_token("access", environment)
    session.connection().execute(
        _INSERT_ACCESS_TOKEN,
        {
            "token_hash": token_hash(token),
            "item_id": item_id,
            "created_at": now,
            "revoked_at": None,
        },
    )
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
    connection = session.connection()
    claimed = connection.execute(
        _CLAIM_PUBLIC_TOKEN,
        {"hashed": hashed, "caller": caller.client_id, "now": now},
    ).scalar_one_or_none()
    if claimed is None:
        raise _why_public_token_unusable(session, caller, hashed, now)
    if connection.execute(_REMOVED_AT, {"item_id": claimed}).scalar() is not None:
        raise _invalid_public_token(
            "could not find matching public token: its Item has been removed"
        )
    return issue_access_token(session, claimed, caller.environment, now), claimed


def item_of_public_token(
    session: Session, caller: Caller, public_token: str, now: datetime
) -> ItemRecord:
    """The Item a live public token is for, without spending the token: how Link opens update
    mode with a public token from /item/public_token/create, as the legacy web SDK did. Refused
    with the errors the exchange gives (INVALID_PUBLIC_TOKEN) for a token the exchange would
    refuse."""
    _check_token_shape(public_token, "public", caller, _invalid_public_token)
    hashed = token_hash(public_token)
    row = session.get(PublicToken, hashed)
    if (
        row is None
        or row.client_id != caller.client_id
        or row.exchanged_at is not None
        or row.expires_at <= now
    ):
        raise _why_public_token_unusable(session, caller, hashed, now)
    item = item_by_id(session, row.item_id)
    if item is None or item.removed_at is not None:
        raise _invalid_public_token(
            "could not find matching public token: its Item has been removed"
        )
    return item


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


def item_for_access_token(session: Session, caller: Caller, access_token: str) -> ItemRecord:
    """The live Item an access token reaches for this caller, or INVALID_ACCESS_TOKEN."""
    _check_token_shape(access_token, "access", caller, _invalid_access_token)
    item = read_cache.item_by_access_token(session, token_hash(access_token))
    if item is None or item.client_id != caller.client_id or item.removed_at is not None:
        raise errors.invalid_access_token()
    return item


def items_where(session: Session, *conditions: ColumnElement[bool]) -> list[ItemRecord]:
    """The Items matching `conditions`, in one query."""
    rows = session.connection().execute(select(*driver_queries.ITEM_COLUMNS).where(*conditions))
    return [ItemRecord(*row) for row in rows]


def item_by_id(session: Session, item_id: str) -> ItemRecord | None:
    """The Item with this id, removed or not (background work holds ids, not access tokens)."""
    return read_cache.item_by_id(session, item_id)


def bill_product(session: Session, item: ItemRecord, product: str) -> ItemRecord:
    """Plaid bills a product added after Link when it is first used: the Item now has it.

    An Item linked with Data Transparency Messaging serves only the products its user consented
    to; any other needs their consent first, through update mode's
    `additional_consented_products` (ADDITIONAL_CONSENT_REQUIRED)."""
    if product in item.billed_products:
        return item
    if item.consented_use_cases is not None and product not in item.consented_products:
        raise errors.ItemError(
            "ADDITIONAL_CONSENT_REQUIRED",
            f"client does not have user consent to access the {product} product. Send the "
            f"user through Link's update mode with {product} in additional_consented_products",
        )
    billed = sorted([*item.billed_products, product])
    session.execute(update(Item).where(Item.id == item.id).values(billed_products=billed))
    return replace(item, billed_products=billed)


def institution_of(session: Session, item_id: str) -> str | None:
    return session.scalar(select(Item.institution_id).where(Item.id == item_id))


def update_webhook(session: Session, item: ItemRecord, webhook: str | None) -> ItemRecord:
    session.execute(update(Item).where(Item.id == item.id).values(webhook=webhook))
    return replace(item, webhook=webhook)


def remove_item(session: Session, item: ItemRecord, now: datetime) -> None:
    session.execute(update(Item).where(Item.id == item.id).values(removed_at=now))
    _revoke_access_tokens(session, item.id, now)


def rotate_access_token(session: Session, item: ItemRecord, now: datetime) -> str:
    _revoke_access_tokens(session, item.id, now)
    return issue_access_token(session, item.id, item.environment, now)


def _revoke_access_tokens(session: Session, item_id: str, now: datetime) -> None:
    session.execute(
        update(AccessToken)
        .where(AccessToken.item_id == item_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now),
        execution_options={"synchronize_session": False},
    )


def raise_if_unhealthy(item: ItemRecord) -> None:
    """Product calls on an Item in an error state fail with that error, as at Plaid."""
    if item.error is not None:
        error = item.error
        raise errors.ItemError(
            error["error_code"],
            error["error_message"],
            display_message=error.get("display_message"),
            error_code_reason=error.get("error_code_reason"),
        )

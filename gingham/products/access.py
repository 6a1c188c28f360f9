"""The checks every product endpoint makes before serving an Item's data, in Plaid's order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.accounts.service import AccountRecord, accounts_of_item
from gingham.items import service as items_service
from gingham.items.models import ItemOAuthConnection
from gingham.items.service import ItemRecord
from gingham.wire.context import JSONObject, RequestContext


@dataclass(frozen=True, slots=True)
class ProductAccess:
    """An Item whose `product` may be served, and the accounts asked for (all shared ones, or
    options.account_ids)."""

    item: ItemRecord
    accounts: list[AccountRecord]


_OAUTH_SCOPES = select(ItemOAuthConnection.scopes).where(
    ItemOAuthConnection.item_id == bindparam("item_id")
)


def open_product(
    ctx: RequestContext,
    body: JSONObject,
    product: str,
    *,
    scope: str | None = None,
    bill: bool = True,
) -> ProductAccess:
    """The Item of `body["access_token"]` with the accounts of `body["options"]["account_ids"]`:

    - an unknown, revoked or other client's token is INVALID_ACCESS_TOKEN;
    - an Item in an error state answers that error (ITEM_LOGIN_REQUIRED …);
    - at an OAuth bank, the user must have shared `scope` there (ACCESS_NOT_GRANTED);
    - `product` is billed on first use, which a Data Transparency Messaging Item allows only
      with its user's consent (ADDITIONAL_CONSENT_REQUIRED);
    - accounts the user stopped sharing are never returned; unknown account_ids are
      INVALID_ACCOUNT_ID.
    """
    item = items_service.item_for_access_token(ctx.session, ctx.caller, body["access_token"])
    items_service.raise_if_unhealthy(item)
    if scope is not None:
        require_oauth_scope(ctx.session, item, scope, product)
    if bill:
        item = items_service.bill_product(ctx.session, item, product)
    options = body.get("options") or {}
    account_ids: Sequence[str] | None = options.get("account_ids")
    return ProductAccess(item, accounts_of_item(ctx.session, item.id, account_ids))


def require_oauth_scope(session: Session, item: ItemRecord, scope: str, product: str) -> None:
    """At an OAuth bank the user chooses what to share: without `scope` the Item has no such
    data, which is ACCESS_NOT_GRANTED (Items at credential banks share everything)."""
    scopes = session.connection().execute(_OAUTH_SCOPES, {"item_id": item.id}).scalar()
    if scopes is not None and scope not in scopes:
        raise errors.ItemError(
            "ACCESS_NOT_GRANTED",
            f"access to {product} data was not granted at the bank for this Item. Send the "
            "user through Link's update mode to share it",
            display_message="The user did not grant the necessary permissions for this product on their account.",
        )

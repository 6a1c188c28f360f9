"""Link tokens: creating them under the rules Plaid documents, and finding them again."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients import allow_lists
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.driver_queries import INSERT_LINK_TOKEN
from gingham.hosted_link.options import check_hosted_link, is_hosted
from gingham.institutions import catalogue
from gingham.items import service as items_service
from gingham.items.service import ItemRecord
from gingham.link_customizations.service import customization_named
from gingham.link_tokens.models import LinkToken
from gingham.products import (
    LINK_PRODUCT_FIELDS,
    UPDATE_MODE_CONSENT_FLOW_PRODUCTS,
    UPDATE_MODE_VALIDATION_PRODUCTS,
    check_link_token_options,
    check_requested_products,
)
from gingham.statements.windows import check_window
from gingham.users import service as users_service
from gingham.users.models import User
from gingham.wire.context import Caller
from gingham.wire.ids import new_token, token_environment, token_hash, token_hint
from gingham.wire.validation import check_url

LIFETIME = timedelta(hours=4)
UPDATE_MODE_LIFETIME = timedelta(minutes=30)

# The languages Link is translated into (LinkTokenCreateRequest.language).
LANGUAGES = (
    "da",
    "de",
    "en",
    "es",
    "et",
    "fr",
    "hi",
    "it",
    "lt",
    "lv",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "sv",
    "vi",
)

# Update mode cannot change which accounts an Item shares at institutions in the UK or the EU
# (Norway's banks, reached through Plaid's European open banking, count as EU here).
NO_UPDATE_MODE_ACCOUNT_SELECTION_COUNTRIES = frozenset(
    [
        "GB",
        "AT",
        "BE",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "IE",
        "IT",
        "LT",
        "LV",
        "NL",
        "NO",
        "PL",
        "PT",
        "SE",
    ]
)


def _check_product_fields(body: dict[str, Any]) -> None:
    owner: dict[str, str] = {}
    for field_name in LINK_PRODUCT_FIELDS:
        requested = body.get(field_name) or ()
        check_requested_products(requested, field_name)
        for product in requested:
            if product in owner and owner[product] != field_name:
                raise errors.invalid_field(
                    f"{product} appears in both {owner[product]} and {field_name}; each product may be requested in one of "
                    + ", ".join(LINK_PRODUCT_FIELDS)
                )
            owner[product] = field_name


def _check_update_mode(body: dict[str, Any]) -> None:
    products = set(body.get("products") or ())
    not_allowed = products - UPDATE_MODE_VALIDATION_PRODUCTS - UPDATE_MODE_CONSENT_FLOW_PRODUCTS
    if not_allowed:
        raise errors.invalid_field(
            "products must be omitted in update mode (access_token or update.user given), except auth/identity for "
            "product validations or assets/statements/income_verification to add those products; "
            f"not allowed here: {', '.join(sorted(not_allowed))}. To gain consent for other products, "
            "use additional_consented_products"
        )
    if products & UPDATE_MODE_VALIDATION_PRODUCTS and products & UPDATE_MODE_CONSENT_FLOW_PRODUCTS:
        raise errors.invalid_field(
            "products cannot combine auth/identity validation with assets, statements or income_verification in one update mode session"
        )
    # required_if_supported_products and optional_products are accepted and have no effect in
    # update mode (Plaid's guide: auth or identity there does not start product validations).
    update = body.get("update") or {}
    if body.get("account_filters") is not None and not update.get("account_selection_enabled"):
        raise errors.invalid_field(
            "account_filters can only be set in update mode when update.account_selection_enabled is true"
        )


def _check_account_selection_region(body: dict[str, Any], item: ItemRecord) -> None:
    if not (body.get("update") or {}).get("account_selection_enabled"):
        return
    institution = catalogue.find(item.institution_id or "")
    if institution is None:
        return
    if not NO_UPDATE_MODE_ACCOUNT_SELECTION_COUNTRIES & set(institution.country_codes):
        return
    raise errors.invalid_field(
        "update.account_selection_enabled is not available for Items at institutions in the UK "
        f"or the EU ({institution.name}, {institution.institution_id}). To share other "
        "accounts, remove this Item with /item/remove and link a new one"
    )


def _check_products_for_item(body: dict[str, Any], item: ItemRecord) -> None:
    """Products validated (auth, identity) or added (assets, statements, income) in update mode,
    and additional consented products, must be ones the Item's institution offers."""
    institution = catalogue.find(item.institution_id or "")
    if institution is None:
        return
    wanted = [*(body.get("products") or ()), *(body.get("additional_consented_products") or ())]
    unsupported = sorted({p for p in wanted if not institution.supports(p)})
    if unsupported:
        raise errors.ItemError(
            "PRODUCTS_NOT_SUPPORTED",
            f"{institution.name} ({institution.institution_id}) does not support "
            f"{', '.join(unsupported)}, so this Item cannot be updated for "
            + ("it" if len(unsupported) == 1 else "them"),
        )


def _check_user_update_mode(session: Session, body: dict[str, Any], user: User | None) -> None:
    """update.user: Link updates the user's most recently broken Item (gingham.link.flow), or
    the most recently broken of `update.item_ids`, which must all be the user's."""
    if user is None:
        raise errors.invalid_field("update.user and update.item_ids require user_token")
    item_ids = (body.get("update") or {}).get("item_ids") or []
    if item_ids:
        theirs = {item.id for item in users_service.items_of_user(session, user)}
        strangers = [item_id for item_id in item_ids if item_id not in theirs]
        if strangers:
            raise errors.invalid_field(
                "update.item_ids must list Items of the user_token's user that have not been "
                f"removed; not theirs: {', '.join(strangers)} (see /user/items/get)"
            )
    _check_update_mode(body)


def _check_income_verification(body: dict[str, Any], user: User | None) -> None:
    """Income is about a user, not an Item: a link token that links an Item for it carries the
    user's token, and `income_verification` says which income to verify (Gingham verifies bank
    income) and, for bank income, over how many days. (Update mode adds the product to an Item
    after its consent pane, under update mode's own rules.)"""
    if "income_verification" not in (body.get("products") or ()):
        return
    if user is None:
        raise errors.invalid_field(
            "user_token is required when products includes income_verification: create the user "
            "with /user/create and pass its user_token"
        )
    options = body.get("income_verification") or {}
    if not options.get("income_source_types"):
        raise errors.invalid_field(
            "income_verification.income_source_types is required when products includes "
            'income_verification (["bank"] for Bank Income)'
        )
    if "bank" in options["income_source_types"] and not options.get("bank_income"):
        raise errors.invalid_field(
            "income_verification.bank_income.days_requested is required when "
            "income_verification.income_source_types includes bank"
        )


def _check_new_item_mode(body: dict[str, Any]) -> None:
    update = body.get("update") or {}
    if (update.get("user") or update.get("item_ids")) and not body.get("user_token"):
        raise errors.invalid_field("update.user and update.item_ids require user_token")
    if update.get("item_ids"):
        raise errors.invalid_field("update.item_ids is only used with update.user set to true")
    if not update.get("user") and not body.get("products"):
        raise errors.invalid_field(
            "products must contain at least one product, unless access_token is given for update mode"
        )


def _check_oauth_return(session: Session, caller: Caller, body: dict[str, Any]) -> None:
    """Where Link returns after an OAuth bank: `redirect_uri` on the web and iOS, the Android
    package name on Android, each on the client's allow-list. An empty string counts as absent,
    as apps commonly send an unset configuration value that way."""
    redirect_uri = body.get("redirect_uri")
    android_package_name = body.get("android_package_name")
    if redirect_uri and android_package_name:
        raise errors.invalid_field(
            "redirect_uri and android_package_name cannot both be set: use android_package_name "
            "for Link on Android and redirect_uri on every other platform"
        )
    if redirect_uri:
        allow_lists.check(
            session, REDIRECT_URIS, caller.client_id, caller.environment, redirect_uri
        )
    elif android_package_name:
        allow_lists.check(
            session, ANDROID_PACKAGES, caller.client_id, caller.environment, android_package_name
        )


def _check_statements_window(body: dict[str, Any], now: datetime) -> None:
    """The `statements` window must be in order and reach back at most two years. Without one,
    Plaid extracts the three months before linking (gingham.statements.windows.default_window)."""
    window = body.get("statements")
    if window is not None:
        check_window(
            date.fromisoformat(window["start_date"]),
            date.fromisoformat(window["end_date"]),
            now.date(),
            prefix="statements.",
        )


_LINK_TOKEN_COLUMNS = tuple(column.key for column in LinkToken.__table__.columns)


def create_link_token(
    session: Session,
    caller: Caller,
    body: dict[str, Any],
    now: datetime,
    *,
    item: ItemRecord | None = None,
) -> tuple[str, LinkToken]:
    """`item`: update mode for an Item found otherwise than by an `access_token` in `body` (a
    public-key session's public token)."""
    if "user" not in body and "user_id" not in body:
        raise errors.missing_fields(["user"])
    if body["language"] not in LANGUAGES:
        raise errors.invalid_field(
            f"language must be one of {', '.join(LANGUAGES)} (got {body['language']!r})"
        )
    _check_product_fields(body)
    check_link_token_options(body)
    _check_statements_window(body, now)
    if (customization := body.get("link_customization_name")) is not None:
        customization_named(session, caller, customization)
    owner = _user_of_request(session, caller, body)
    if webhook := body.get("webhook"):
        check_url(webhook, "webhook")
    _check_oauth_return(session, caller, body)

    config = dict(body)
    # A bearer token: the row keeps whose it is (user_id) instead.
    config.pop("user_token", None)
    item_id = None
    updates_user = bool((body.get("update") or {}).get("user"))
    access_token = config.pop("access_token", None)
    if access_token is not None or item is not None:
        if updates_user:
            raise errors.invalid_field(
                "update.user cannot be combined with access_token: update mode is either for "
                "the Item of an access_token or for the Items of the user_token's user"
            )
        if item is None:
            assert access_token is not None
            item = items_service.item_for_access_token(session, caller, access_token)
        _check_update_mode(body)
        _check_account_selection_region(body, item)
        _check_products_for_item(body, item)
        item_id = item.id
        lifetime = UPDATE_MODE_LIFETIME
    elif updates_user:
        _check_user_update_mode(session, body, owner)
        lifetime = UPDATE_MODE_LIFETIME
    else:
        _check_new_item_mode(body)
        _check_income_verification(body, owner)
        lifetime = LIFETIME
    if is_hosted(body):
        # A Hosted Link token lives as long as its URL.
        lifetime = check_hosted_link(body, update_mode=lifetime == UPDATE_MODE_LIFETIME).lifetime

    token = new_token("link", caller.environment)
    user = body.get("user") or {}
    row = LinkToken(
        id=str(uuid.uuid4()),
        token_hash=token_hash(token),
        token_hint=token_hint(token),
        client_id=caller.client_id,
        environment=caller.environment,
        client_user_id=user.get("client_user_id"),
        item_id=item_id,
        user_id=owner.id if owner else None,
        config=config,
        created_at=now,
        expires_at=now + lifetime,
        failed_logins=0,
    )
    # The row's values straight through the driver: the ORM unit of work would cost more than
    # the rest of the request together, and a Core insert still costs a tenth of it.
    INSERT_LINK_TOKEN.execute(
        session, **{column: getattr(row, column) for column in _LINK_TOKEN_COLUMNS}
    )
    return token, row


def _user_of_request(session: Session, caller: Caller, body: dict[str, Any]) -> User | None:
    """The user whose `user_token` the request carries, or INVALID_USER_TOKEN; None without one
    (an empty string counts as absent, like an unset configuration value)."""
    user_token = body.get("user_token")
    return users_service.user_for_token(session, caller, user_token) if user_token else None


def invalid_link_token(message: str = "invalid link_token provided") -> errors.PlaidError:
    return errors.InvalidInput("INVALID_LINK_TOKEN", message)


def link_token_for(session: Session, caller: Caller, link_token: str) -> LinkToken:
    if token_environment(link_token, "link") is None:
        raise invalid_link_token(
            "invalid link_token provided: expected format link-<environment>-<identifier>"
        )
    row = session.scalar(
        select(LinkToken).where(
            LinkToken.token_hash == token_hash(link_token), LinkToken.client_id == caller.client_id
        )
    )
    # A public-key session's link token is Gingham's own (the app never holds it): like Plaid's
    # public-key sessions, its sessions are not the app's to look up.
    if row is None or row.config.get("legacy"):
        raise invalid_link_token()
    return row

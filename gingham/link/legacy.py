"""Link opened with a public key: Plaid's legacy `Plaid.create({key, env, product, …})`.

A public-key session runs on the same state machine as any other. Gingham checks the legacy
options, finds whose key it is and whether its Link switch is on for `env`, then makes a link
token for the session itself, marked `legacy` in its config. The frame keeps that token to
itself: the app never holds it, so the session cannot appear in /link/token/get (Plaid kept
public-key sessions out of its Link logs too).

What differs from a link token's session: `selectAccount` asks for exactly one account;
onSuccess metadata takes the legacy shape; OAuth institutions and `paymentToken` are refused,
since OAuth needs a link token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gingham import errors
from gingham.clients.public_keys import owner_of_public_key
from gingham.institutions.state import effective_institution
from gingham.items.service import item_of_public_token
from gingham.link.flow import FlowContext
from gingham.link_tokens.service import create_link_token
from gingham.products import check_requested_products
from gingham.wire.context import Caller
from gingham.wire.ids import token_environment
from gingham.wire.validation import request_schema, validate

# The environments a public key could open Link in (Plaid's `env`; Gingham has no Development).
ENVIRONMENTS = ("sandbox", "production")

# The client_user_id of a public-key session's link token: legacy Link knew no user.
LEGACY_CLIENT_USER_ID = "public-key-integration"


@dataclass(frozen=True, slots=True)
class LegacyOptions:
    client_name: str
    env: str
    products: list[str]
    country_codes: list[str] = field(default_factory=lambda: ["US"])
    language: str = "en"
    webhook: str | None = None
    # accountSubtypes, as /link/token/create's account_filters.
    account_filters: dict[str, Any] | None = None
    select_account: bool = False
    token: str | None = None
    user_legal_name: str | None = None
    user_email_address: str | None = None
    link_customization_name: str | None = None
    payment_token: str | None = None


def _wrong_type(option: str, expected: str) -> errors.PlaidError:
    return errors.invalid_field(f"{option} must be {expected}")


def _string(options: Mapping[str, Any], option: str, *, required: bool = False) -> str | None:
    value = options.get(option)
    if value is None:
        if required:
            raise errors.missing_fields([option])
        return None
    if not isinstance(value, str) or (required and not value):
        raise _wrong_type(option, "a non-empty string" if required else "a string")
    return value


def _strings(value: Any, option: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _wrong_type(option, "an array of strings")
    return list(value)


def _check_as_link_token_field(option: str, field_name: str, value: Any) -> None:
    """The rules of the /link/token/create field the option became, in an error naming the
    option as the app wrote it."""
    schema = request_schema("/link/token/create")["properties"][field_name]
    try:
        validate({field_name: value}, {"type": "object", "properties": {field_name: schema}})
    except errors.PlaidError as error:
        raise errors.invalid_field(error.error_message.replace(field_name, option)) from None


def _account_filters(subtypes: Any) -> dict[str, Any]:
    """accountSubtypes ({"credit": ["credit card"]}) as account_filters."""
    if not isinstance(subtypes, dict) or not subtypes:
        raise _wrong_type("accountSubtypes", "an object of account types to subtype arrays")
    known = request_schema("/link/token/create")["properties"]["account_filters"]["properties"]
    for kind, names in subtypes.items():
        if kind not in known:
            raise errors.invalid_field(
                f"accountSubtypes: {kind!r} is not an account type; use {', '.join(known)}"
            )
        _strings(names, "accountSubtypes")
    filters = {kind: {"account_subtypes": names} for kind, names in subtypes.items()}
    _check_as_link_token_field("accountSubtypes", "account_filters", filters)
    return filters


def parse_options(options: Mapping[str, Any]) -> LegacyOptions:
    """The legacy Plaid.create options, checked; a Plaid-shaped error naming the first bad one."""
    client_name = _string(options, "clientName", required=True)
    env = _string(options, "env", required=True)
    assert client_name is not None and env is not None
    if env not in ENVIRONMENTS:
        raise errors.invalid_field(f"env must be one of {', '.join(ENVIRONMENTS)} (got {env!r})")
    product = options.get("product")
    if product is None:
        raise errors.missing_fields(["product"])
    # Plaid took one product as a string too: `product: 'transactions'`.
    products = [product] if isinstance(product, str) and product else _strings(product, "product")
    if not products:
        raise _wrong_type("product", "a non-empty array of strings")
    check_requested_products(products, "product", link_field="products")
    country_codes = options.get("countryCodes")
    if country_codes is not None:
        country_codes = _strings(country_codes, "countryCodes")
        _check_as_link_token_field("countryCodes", "country_codes", country_codes)
    subtypes = options.get("accountSubtypes")
    account_filters = _account_filters(subtypes) if subtypes is not None else None
    select_account = options.get("selectAccount", False)
    if not isinstance(select_account, bool):
        raise _wrong_type("selectAccount", "a boolean")
    # Read only to check their types: OAuth needs a link token (see `oauth_needs_link_token`).
    _string(options, "oauthNonce")
    _string(options, "oauthRedirectUri")
    return LegacyOptions(
        client_name=client_name,
        env=env,
        products=products,
        country_codes=country_codes or ["US"],
        language=_string(options, "language") or "en",
        webhook=_string(options, "webhook"),
        account_filters=account_filters,
        select_account=select_account,
        token=_string(options, "token") or None,
        user_legal_name=_string(options, "userLegalName"),
        user_email_address=_string(options, "userEmailAddress"),
        link_customization_name=_string(options, "linkCustomizationName"),
        payment_token=_string(options, "paymentToken") or None,
    )


def owner_caller(ctx: FlowContext, public_key: str, env: str) -> Caller:
    """The client whose public key this is, in `env`, if its Link switch there is on."""
    owner = owner_of_public_key(ctx.session, public_key)
    if owner is None:
        raise errors.public_key_unknown()
    if not owner.link_enabled.get(env, False):
        raise errors.public_key_link_disabled(env)
    return Caller(owner.client_id, env)


def client_of_public_key(ctx: FlowContext, public_key: str) -> str | None:
    owner = owner_of_public_key(ctx.session, public_key)
    return owner.client_id if owner else None


def mint_link_token(ctx: FlowContext, public_key: str, raw: Mapping[str, Any]) -> str:
    """The link token a public-key session runs on (the frame keeps it; the app never sees
    it), after every check a legacy Plaid.create met."""
    options = parse_options(raw)
    caller = owner_caller(ctx, public_key, options.env)
    if options.payment_token is not None:
        raise errors.oauth_needs_link_token("paymentToken")
    item = None
    if options.token is not None:
        if token_environment(options.token, "public") is None:
            raise errors.invalid_field(
                "token must be a public_token from /item/public_token/create (update mode) or "
                "a link_token"
            )
        item = item_of_public_token(ctx.session, caller, options.token, ctx.now)
        institution = (
            effective_institution(ctx.session, item.institution_id) if item.institution_id else None
        )
        if institution is not None and institution.oauth:
            raise errors.oauth_needs_link_token(f"update mode at {institution.name}")
    user: dict[str, Any] = {"client_user_id": LEGACY_CLIENT_USER_ID}
    if options.user_legal_name:
        user["legal_name"] = options.user_legal_name
    if options.user_email_address:
        user["email_address"] = options.user_email_address
    body: dict[str, Any] = {
        "client_name": options.client_name,
        "language": options.language,
        "country_codes": options.country_codes,
        "user": user,
        "legacy": {"public_key": True, "select_account": options.select_account},
    }
    if item is None:
        # Update mode repairs the Item as it was linked: the legacy product list, and which
        # accounts to show, applied to new Items only.
        body["products"] = options.products
        if options.account_filters is not None:
            body["account_filters"] = options.account_filters
    if options.webhook:
        body["webhook"] = options.webhook
    if options.link_customization_name:
        body["link_customization_name"] = options.link_customization_name
    token, _ = create_link_token(ctx.session, caller, body, ctx.now, item=item)
    return token


def is_legacy(config: Mapping[str, Any]) -> bool:
    return bool(config.get("legacy"))


def success_metadata(
    institution: dict[str, str], accounts: list[dict[str, Any]], link_session_id: str
) -> dict[str, Any]:
    """Plaid's legacy onSuccess metadata: `account` and `account_id` when one account was
    selected; accounts without the fields link tokens added since (`class_type`)."""
    listed = [
        {
            key: account[key]
            for key in ("id", "name", "mask", "type", "subtype", "verification_status")
        }
        for account in accounts
    ]
    metadata: dict[str, Any] = {
        "institution": institution,
        "accounts": listed,
        "link_session_id": link_session_id,
    }
    if len(listed) == 1:
        metadata["account"] = listed[0]
        metadata["account_id"] = listed[0]["id"]
    return metadata

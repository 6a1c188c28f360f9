"""What a Link session asks of the user, decided from one snapshot read per call from the frame.

Everything here is a pure function of a `Snapshot`: the link token's configuration, the Item
update mode works on, the institution as the bank simulation left it, the Link customization
and the client's time. The steps (gingham.link.steps) read the snapshot once and ask these
functions what to do; none of them touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gingham.bank.accounts import AccountTemplate
from gingham.institutions.catalogue import SandboxInstitution
from gingham.items.service import ItemRecord
from gingham.link.eligibility import eligible_accounts
from gingham.link_customizations.service import Customization
from gingham.products import UPDATE_MODE_CONSENT_FLOW_PRODUCTS, UPDATE_MODE_VALIDATION_PRODUCTS

# Update mode on a Data Transparency Messaging Item whose consent expires within this long asks
# the user to review and renew it ("expiring within the next six months").
REAUTHORIZE_WITHIN = timedelta(days=183)
# Adding Assets, Statements or Income in update mode skips signing in again when the Item was
# linked less than two years ago.
CONSENT_ONLY_WITHIN = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class Snapshot:
    config: Mapping[str, Any]
    # Update mode: the link token's Item (or the user's, for a user's update mode), as it is now.
    update_mode: bool
    item: ItemRecord | None
    # The accounts the Item shares, read only when product validations need them.
    shared_accounts: tuple[AccountTemplate, ...] | None
    institution: SandboxInstitution | None
    customization: Customization
    now: datetime

    @property
    def products(self) -> list[str]:
        products: list[str] = self.config.get("products") or []
        return products


def added_products(s: Snapshot) -> list[str]:
    """Assets, Statements or Income, which update mode adds to the Item after their consent
    panes."""
    if not s.update_mode:
        return []
    return sorted(set(s.products) & UPDATE_MODE_CONSENT_FLOW_PRODUCTS)


def consented_products(s: Snapshot) -> list[str]:
    """Products update mode gains the user's consent to without adding them to the Item (billed
    on first use): `additional_consented_products`, and the products validated."""
    products = set(s.config.get("additional_consented_products") or ())
    if s.update_mode:
        products |= set(s.products) & UPDATE_MODE_VALIDATION_PRODUCTS
    return sorted(products)


def validated_products(s: Snapshot) -> list[str]:
    """The products whose accounts and permissions the user must share for the session to
    succeed. Outside update mode, the link token's products. In update mode, only with Update
    Mode with Product Validations (`products` of auth and/or identity): those, and the Auth or
    Identity the Item already has, so that the user cannot take them away by accident. Plain
    update mode validates nothing: the user may revoke what they shared before."""
    if not s.update_mode:
        return s.products
    asked = set(s.products) & UPDATE_MODE_VALIDATION_PRODUCTS
    if not asked:
        return []
    held = set(s.item.billed_products) if s.item is not None else set()
    return sorted(asked | (held & UPDATE_MODE_VALIDATION_PRODUCTS))


def products_to_suit(s: Snapshot) -> list[str]:
    """The products the accounts offered must suit: the link token's, or in update mode the
    products the Item was linked with. Those added since (Auth on first use, say) narrow nothing
    here, so that the user can still see, and leave out, every account the Item shares (product
    validations check them instead)."""
    if not s.update_mode:
        return s.products
    if s.item is None:
        return []
    initial = s.item.initial_products
    return list(initial if initial is not None else s.item.billed_products)


def reauthorizes(s: Snapshot) -> bool:
    """Whether update mode asks the user to review and renew their consent first: forced either
    way by `update.reauthorization_enabled`, and otherwise for a Data Transparency Messaging Item
    whose consent expires within six months."""
    if not s.update_mode:
        return False
    setting = (s.config.get("update") or {}).get("reauthorization_enabled")
    if setting is not None:
        return bool(setting)
    item = s.item
    return (
        item is not None
        and item.consented_use_cases is not None
        and item.consent_expires_at is not None
        and item.consent_expires_at - s.now <= REAUTHORIZE_WITHIN
    )


def single_select(s: Snapshot) -> bool:
    # A public-key integration asked for one account with `selectAccount: true`.
    legacy = s.config.get("legacy") or {}
    return s.customization.single_account or bool(legacy.get("select_account"))


def unserved_product(s: Snapshot, accounts: Sequence[AccountTemplate]) -> str | None:
    """A validated product none of these accounts can serve, if any."""
    for product in validated_products(s):
        if not eligible_accounts(accounts, [product], None):
            return product
    return None


def needs_shared_accounts(s: Snapshot) -> bool:
    """Whether `selects_accounts_in_update_mode` must see the accounts the Item shares."""
    return (
        s.update_mode
        and not (s.config.get("update") or {}).get("account_selection_enabled")
        and bool(validated_products(s))
    )


def selects_accounts_in_update_mode(s: Snapshot) -> bool:
    """update.account_selection_enabled: at a credential bank, update mode shows Account Select
    after the sign-in (at an OAuth bank the bank's consent page is where accounts are chosen).
    Product validations turn it on when the Item shares no account that a validated product can
    use (NO_AUTH_ACCOUNTS)."""
    if not s.update_mode:
        return False
    if (s.config.get("update") or {}).get("account_selection_enabled"):
        return True
    if s.item is None or s.shared_accounts is None:
        return False
    return unserved_product(s, s.shared_accounts) is not None


def consent_is_enough(s: Snapshot) -> bool:
    """Update mode that only adds Assets, Statements or Income to a healthy Item linked less
    than two years ago needs no sign-in: the consent panes are enough."""
    if not added_products(s) or selects_accounts_in_update_mode(s):
        return False
    item = s.item
    return item is not None and item.error is None and s.now - item.created_at < CONSENT_ONLY_WITHIN

"""Update mode's decisions, as pure functions of one snapshot: no database, no frame."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from gingham.items.service import ItemRecord
from gingham.link import policy
from gingham.link_customizations.service import DEFAULT

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)

ITEM = ItemRecord(
    id="item-1",
    client_id="client-1",
    environment="sandbox",
    institution_id="ins_109508",
    webhook=None,
    billed_products=["auth", "transactions"],
    consented_products=["auth", "transactions"],
    error=None,
    consent_expires_at=None,
    update_type="background",
    created_at=NOW - timedelta(days=30),
    removed_at=None,
    error_cause=None,
    error_at=None,
    login_id="login-1",
    consented_use_cases=None,
    initial_products=["transactions"],
)


def snapshot(item: ItemRecord | None = ITEM, **config: Any) -> policy.Snapshot:
    return policy.Snapshot(
        config={"products": [], **config},
        update_mode=item is not None,
        item=item,
        shared_accounts=None,
        institution=None,
        customization=DEFAULT,
        now=NOW,
    )


class TestValidations:
    def test_plain_update_mode_validates_nothing(self) -> None:
        assert policy.validated_products(snapshot()) == []

    def test_asking_for_identity_also_keeps_the_auth_the_item_has(self) -> None:
        assert policy.validated_products(snapshot(products=["identity"])) == ["auth", "identity"]

    def test_outside_update_mode_the_tokens_products_are_validated(self) -> None:
        assert policy.validated_products(snapshot(None, products=["auth"])) == ["auth"]

    def test_accounts_suit_the_products_the_item_was_linked_with(self) -> None:
        assert policy.products_to_suit(snapshot(products=["identity"])) == ["transactions"]


class TestReauthorization:
    def dtm_item(self, expires_in: timedelta) -> ItemRecord:
        return replace(ITEM, consented_use_cases=["Budgeting"], consent_expires_at=NOW + expires_in)

    def test_a_consent_expiring_within_six_months_is_reviewed(self) -> None:
        assert policy.reauthorizes(snapshot(self.dtm_item(timedelta(days=100))))
        assert not policy.reauthorizes(snapshot(self.dtm_item(timedelta(days=300))))

    def test_the_link_token_decides_when_it_says(self) -> None:
        item = self.dtm_item(timedelta(days=100))
        assert not policy.reauthorizes(snapshot(item, update={"reauthorization_enabled": False}))
        assert policy.reauthorizes(snapshot(update={"reauthorization_enabled": True}))


class TestAddingProducts:
    def test_adding_assets_to_a_healthy_recent_item_needs_only_consent(self) -> None:
        assert policy.added_products(snapshot(products=["assets"])) == ["assets"]
        assert policy.consent_is_enough(snapshot(products=["assets"]))

    def test_a_broken_or_old_item_signs_in_again(self) -> None:
        broken = replace(ITEM, error={"error_code": "ITEM_LOGIN_REQUIRED"})
        old = replace(ITEM, created_at=NOW - timedelta(days=800))
        assert not policy.consent_is_enough(snapshot(broken, products=["assets"]))
        assert not policy.consent_is_enough(snapshot(old, products=["assets"]))

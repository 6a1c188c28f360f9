"""/item/public_token/create: a public token for an Item the app already holds (legacy update
mode), and gingham.items.service.item_of_public_token, which Link uses to open update mode with
it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clock import FrozenClock
from gingham.items import service
from gingham.wire.context import Caller
from tests.builders import Linked, PlaidCaller

CREATE = "/item/public_token/create"
EXCHANGE = "/item/public_token/exchange"


def linked(plaid: PlaidCaller) -> Linked:
    exchanged = plaid.ok(EXCHANGE, {"public_token": plaid.public_token()})
    return Linked(exchanged["access_token"], exchanged["item_id"])


def caller_of(plaid: PlaidCaller) -> Caller:
    return Caller(plaid.credentials["client_id"], "sandbox")


class TestCreatePublicToken:
    def test_the_token_expires_in_thirty_minutes(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        item = linked(plaid)
        created = plaid.ok(CREATE, {"access_token": item.access_token})
        assert created["public_token"].startswith("public-sandbox-")
        assert created["expiration"] == "2026-03-02T10:00:00Z"
        assert set(created) == {"public_token", "expiration"}

    def test_its_exchange_yields_the_same_item_and_the_old_access_token_keeps_working(
        self, plaid: PlaidCaller
    ) -> None:
        item = linked(plaid)
        public_token = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]
        exchanged = plaid.ok(EXCHANGE, {"public_token": public_token})
        assert exchanged["item_id"] == item.item_id
        for access_token in (item.access_token, exchanged["access_token"]):
            got = plaid.ok("/item/get", {"access_token": access_token})["item"]
            assert got["item_id"] == item.item_id

    def test_the_token_is_single_use(self, plaid: PlaidCaller) -> None:
        item = linked(plaid)
        public_token = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]
        plaid.ok(EXCHANGE, {"public_token": public_token})
        error = plaid.error(EXCHANGE, {"public_token": public_token})
        assert error["error_code"] == "INVALID_PUBLIC_TOKEN"

    def test_an_item_in_error_still_gets_one(self, plaid: PlaidCaller) -> None:
        # Update mode exists for Items that need their user: that is when apps ask for one.
        item = linked(plaid)
        plaid.ok("/sandbox/item/reset_login", {"access_token": item.access_token})
        plaid.ok(CREATE, {"access_token": item.access_token})

    def test_unknown_and_other_clients_access_tokens_are_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        item = linked(plaid)
        error = other_plaid.error(CREATE, {"access_token": item.access_token})
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_ACCESS_TOKEN",
        )
        error = plaid.error(
            CREATE, {"access_token": "access-sandbox-00000000-0000-4000-8000-000000000000"}
        )
        assert error["error_code"] == "INVALID_ACCESS_TOKEN"

    def test_a_removed_item_gets_none(self, plaid: PlaidCaller) -> None:
        item = linked(plaid)
        plaid.ok("/item/remove", {"access_token": item.access_token})
        assert plaid.error(CREATE, {"access_token": item.access_token})["error_code"] == (
            "INVALID_ACCESS_TOKEN"
        )

    @pytest.mark.parametrize("body", [{}, {"access_token": 7}, {"access_token": None}])
    def test_bad_bodies_are_refused_with_plaids_errors(
        self, plaid: PlaidCaller, body: dict[str, object]
    ) -> None:
        error = plaid.error(CREATE, body)
        assert error["error_type"] == "INVALID_REQUEST"


class TestItemOfPublicToken:
    def test_the_item_is_found_and_the_token_left_unspent(
        self, plaid: PlaidCaller, session: Session, clock: FrozenClock
    ) -> None:
        item = linked(plaid)
        public_token = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]
        found = service.item_of_public_token(session, caller_of(plaid), public_token, clock.now())
        assert found.id == item.item_id
        assert plaid.ok(EXCHANGE, {"public_token": public_token})["item_id"] == item.item_id

    def test_refusals_match_the_exchange(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller, session: Session, clock: FrozenClock
    ) -> None:
        item = linked(plaid)
        public_token = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]

        def refusal(caller: Caller, token: str) -> str:
            with pytest.raises(errors.InvalidInput) as refused:
                service.item_of_public_token(session, caller, token, clock.now())
            assert refused.value.error_code == "INVALID_PUBLIC_TOKEN"
            return refused.value.error_message

        assert refusal(caller_of(other_plaid), public_token) == (
            "could not find matching public token"
        )
        assert "invalid format" in refusal(caller_of(plaid), "link-sandbox-123")
        assert "production environment" in refusal(
            caller_of(plaid), "public-production-00000000-0000-4000-8000-000000000000"
        )
        clock.advance(timedelta(minutes=30))
        assert refusal(caller_of(plaid), public_token).startswith(
            "provided public token is expired"
        )

    def test_a_spent_or_removed_items_token_is_refused(
        self, plaid: PlaidCaller, session: Session, clock: FrozenClock
    ) -> None:
        item = linked(plaid)
        spent = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]
        plaid.ok(EXCHANGE, {"public_token": spent})
        live = plaid.ok(CREATE, {"access_token": item.access_token})["public_token"]
        with pytest.raises(errors.InvalidInput, match="already been exchanged"):
            service.item_of_public_token(session, caller_of(plaid), spent, clock.now())
        plaid.ok("/item/remove", {"access_token": item.access_token})
        with pytest.raises(errors.InvalidInput, match="Item has been removed"):
            service.item_of_public_token(session, caller_of(plaid), live, clock.now())

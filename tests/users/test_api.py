"""/user/create, /user/items/get, and `user_token` in /link/token/create."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request
from tests.users.helpers import create_user, item_id_of, link_for_user, user_update_request

USER_TOKEN_SHAPE = re.compile(
    r"^user-sandbox-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)


class TestCreateUser:
    def test_returns_a_user_token_and_a_user_id(self, plaid: PlaidCaller) -> None:
        created = create_user(plaid)
        assert set(created) == {"user_token", "user_id"}
        assert USER_TOKEN_SHAPE.match(created["user_token"])
        assert isinstance(created["user_id"], str) and created["user_id"]

    def test_optional_fields_of_plaids_schema_are_accepted(self, plaid: PlaidCaller) -> None:
        created = plaid.ok(
            "/user/create",
            {
                "client_user_id": "app-user-2",
                "end_customer": "reseller-customer-9",
                "with_upgraded_user": False,
                "consumer_report_user_identity": {
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "phone_numbers": ["+14155550123"],
                    "emails": ["ada@example.com"],
                    "date_of_birth": "1990-12-10",
                    "primary_address": {
                        "city": "San Francisco",
                        "region": "CA",
                        "street": "1 Main St",
                        "postal_code": "94105",
                        "country": "US",
                    },
                },
            },
        )
        assert USER_TOKEN_SHAPE.match(created["user_token"])

    def test_client_user_id_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/user/create", {})
        assert (error["error_type"], error["error_code"], error["error_message"]) == (
            "INVALID_REQUEST",
            "MISSING_FIELDS",
            "the following required fields are missing: client_user_id",
        )

    def test_client_user_id_must_be_a_non_empty_string_of_at_most_128(
        self, plaid: PlaidCaller
    ) -> None:
        for value in (42, "", "x" * 129, None):
            error = plaid.error("/user/create", {"client_user_id": value})
            assert error["error_code"] == "INVALID_FIELD", (value, error)
            assert "client_user_id" in error["error_message"]

    def test_wrong_types_in_optional_fields_are_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/user/create", {"client_user_id": "app-user-3", "with_upgraded_user": "yes"}
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "with_upgraded_user" in error["error_message"]

    def test_unknown_fields_are_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/user/create", {"client_user_id": "app-user-3", "nickname": "ada"})
        assert error["error_code"] == "UNKNOWN_FIELDS"

    def test_a_second_user_for_the_same_client_user_id_is_refused(self, plaid: PlaidCaller) -> None:
        first = create_user(plaid, "app-user-4")
        error = plaid.error("/user/create", {"client_user_id": "app-user-4"})
        assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
        assert "already been created for client_user_id 'app-user-4'" in error["error_message"]
        assert first["user_id"] in error["error_message"]

    def test_client_user_ids_are_per_client(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        mine = create_user(plaid, "shared-id")
        theirs = create_user(other_plaid, "shared-id")
        assert mine["user_id"] != theirs["user_id"]

    def test_the_user_token_is_not_stored_in_the_clear(
        self, plaid: PlaidCaller, connection: Connection
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        plaid.ok("/link/token/create", user_update_request(user_token))
        plaid.ok("/link/token/create", link_token_request(user_token=user_token))
        dump = []
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                dump.append(" ".join(str(value) for value in row))
        everything = "\n".join(dump)
        assert "app-user-1" in everything  # the dump did read the users
        assert user_token.split("-", 2)[-1] not in everything


class TestUserItems:
    def test_a_new_user_has_no_items(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        assert plaid.ok("/user/items/get", {"user_token": user_token}) == {"items": []}

    def test_items_linked_with_the_users_link_tokens_are_the_users(
        self, plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        first = link_for_user(plaid, user_token)
        second = link_for_user(plaid, user_token, institution_id="ins_109509")
        # Neither an Item linked without the user's token nor another user's Item is theirs.
        plaid.access_token()
        link_for_user(plaid, create_user(plaid, "app-user-2")["user_token"])

        items = {
            item["item_id"]: item
            for item in plaid.ok("/user/items/get", {"user_token": user_token})["items"]
        }
        assert set(items) == {item_id_of(plaid, first), item_id_of(plaid, second)}
        # Plaid's Item object, as /item/get has it (less /item/get's consent fields).
        for access_token in (first, second):
            item = plaid.ok("/item/get", {"access_token": access_token})["item"]
            listed = items[item["item_id"]]
            assert listed == {key: item[key] for key in listed}
            assert {"item_id", "institution_id", "error", "billed_products"} <= set(listed)

    def test_each_item_carries_its_status(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        healthy = link_for_user(plaid, user_token)
        broken = link_for_user(plaid, user_token)
        plaid.ok("/sandbox/item/reset_login", {"access_token": broken})

        items = {
            item["item_id"]: item
            for item in plaid.ok("/user/items/get", {"user_token": user_token})["items"]
        }
        assert items[item_id_of(plaid, healthy)]["error"] is None
        error = items[item_id_of(plaid, broken)]["error"]
        assert (error["error_type"], error["error_code"]) == ("ITEM_ERROR", "ITEM_LOGIN_REQUIRED")

    def test_removed_items_are_left_out(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        kept = link_for_user(plaid, user_token)
        removed = link_for_user(plaid, user_token)
        plaid.ok("/item/remove", {"access_token": removed})
        items = plaid.ok("/user/items/get", {"user_token": user_token})["items"]
        assert [item["item_id"] for item in items] == [item_id_of(plaid, kept)]

    def test_the_user_id_reaches_the_same_items(self, plaid: PlaidCaller) -> None:
        created = create_user(plaid)
        link_for_user(plaid, created["user_token"])
        by_token = plaid.ok("/user/items/get", {"user_token": created["user_token"]})
        by_id = plaid.ok("/user/items/get", {"user_id": created["user_id"]})
        assert by_id == by_token and len(by_id["items"]) == 1

    def test_user_token_or_user_id_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error("/user/items/get", {})
        assert error["error_code"] == "MISSING_FIELDS"
        assert "user_token" in error["error_message"]

    def test_unknown_or_malformed_user_tokens_are_refused(self, plaid: PlaidCaller) -> None:
        for token in ("user-sandbox-00000000-0000-4000-8000-000000000000", "not-a-token"):
            error = plaid.error("/user/items/get", {"user_token": token})
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_INPUT",
                "INVALID_USER_TOKEN",
            )

    def test_another_clients_user_token_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        created = create_user(plaid)
        link_for_user(plaid, created["user_token"])
        error = other_plaid.error("/user/items/get", {"user_token": created["user_token"]})
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_USER_TOKEN",
            "could not find matching user token",
        )
        error = other_plaid.error("/user/items/get", {"user_id": created["user_id"]})
        assert error["error_code"] == "INVALID_FIELD"


class TestLinkTokenWithUserToken:
    def test_a_user_token_is_accepted_for_a_new_item(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        created = plaid.ok("/link/token/create", link_token_request(user_token=user_token))
        assert created["link_token"].startswith("link-sandbox-")

    def test_update_user_lives_thirty_minutes_like_update_mode(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        created = plaid.ok("/link/token/create", user_update_request(user_token))
        assert created["expiration"] == format_datetime(clock.now() + timedelta(minutes=30))

    def test_unknown_user_tokens_are_refused(self, plaid: PlaidCaller) -> None:
        for token in ("user-sandbox-00000000-0000-4000-8000-000000000000", "access-sandbox-x-y"):
            error = plaid.error("/link/token/create", user_update_request(token))
            assert (error["error_type"], error["error_code"]) == (
                "INVALID_INPUT",
                "INVALID_USER_TOKEN",
            )

    def test_another_clients_user_token_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        error = other_plaid.error("/link/token/create", user_update_request(user_token))
        assert error["error_code"] == "INVALID_USER_TOKEN"

    def test_update_user_needs_a_user_token(self, plaid: PlaidCaller) -> None:
        error = plaid.error(
            "/link/token/create", link_token_request(products=None, update={"user": True})
        )
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_FIELD",
            "update.user and update.item_ids require user_token",
        )

    def test_update_user_takes_no_products(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        error = plaid.error(
            "/link/token/create", user_update_request(user_token, products=["transactions"])
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"].startswith("products must be omitted in update mode")

    def test_update_user_does_not_combine_with_an_access_token(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        access_token = link_for_user(plaid, user_token)
        error = plaid.error(
            "/link/token/create", user_update_request(user_token, access_token=access_token)
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "update.user cannot be combined with access_token" in error["error_message"]

    def test_item_ids_must_be_the_users_live_items(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        own = item_id_of(plaid, link_for_user(plaid, user_token))
        # An Item of the same client that is not the user's, and one of another client.
        strangers = [
            item_id_of(
                plaid, link_for_user(plaid, create_user(plaid, "someone-else")["user_token"])
            ),
            item_id_of(
                other_plaid, link_for_user(other_plaid, create_user(other_plaid)["user_token"])
            ),
        ]
        error = plaid.error(
            "/link/token/create",
            user_update_request(user_token, update={"user": True, "item_ids": [own, *strangers]}),
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert error["error_message"] == (
            "update.item_ids must list Items of the user_token's user that have not been "
            f"removed; not theirs: {', '.join(strangers)} (see /user/items/get)"
        )
        # The user's own Items are accepted; empty or null asks for the most recently broken.
        for item_ids in ([own], [], None):
            plaid.ok(
                "/link/token/create",
                user_update_request(user_token, update={"user": True, "item_ids": item_ids}),
            )

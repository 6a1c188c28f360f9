"""Link's update mode for a user (`update.user`): each session repairs the user's most recently
broken Item, and the same link token serves the next one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from gingham.link_tokens.models import LinkToken
from gingham.wire.ids import token_hash
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.users.helpers import create_user, item_id_of, link_for_user, user_update_request


def break_item(plaid: PlaidCaller, access_token: str) -> None:
    plaid.ok("/sandbox/item/reset_login", {"access_token": access_token})


def advance_an_hour(plaid: PlaidCaller) -> None:
    plaid.ok("/_gingham/clock/advance", {"by": "PT1H"})


def errors_by_item(plaid: PlaidCaller, user_token: str) -> dict[str, str | None]:
    items = plaid.ok("/user/items/get", {"user_token": user_token})["items"]
    return {
        item["item_id"]: item["error"]["error_code"] if item["error"] else None for item in items
    }


def complete(plaid: PlaidCaller, link_token: str) -> dict[str, Any]:
    return plaid.ok("/_gingham/link/complete", {"link_token": link_token})


class TestUpdateModeForAUser:
    def test_one_token_repairs_the_most_recently_broken_item_then_the_other(
        self, plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        platypus = link_for_user(plaid, user_token, institution_id="ins_109508")
        gingham = link_for_user(plaid, user_token, institution_id="ins_109509")
        platypus_id, gingham_id = item_id_of(plaid, platypus), item_id_of(plaid, gingham)
        break_item(plaid, platypus)
        advance_an_hour(plaid)
        break_item(plaid, gingham)
        assert errors_by_item(plaid, user_token) == {
            platypus_id: "ITEM_LOGIN_REQUIRED",
            gingham_id: "ITEM_LOGIN_REQUIRED",
        }

        link_token = plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]
        first = complete(plaid, link_token)
        assert first["status"] == "SUCCESS", first
        assert first["metadata"]["institution"]["institution_id"] == "ins_109509"
        names = [event["event_name"] for event in first["events"]]
        assert names[0] == "OPEN" and first["events"][0]["metadata"]["is_update_mode"] == "true"
        # Update mode knows the institution: no institution select.
        assert "SELECT_INSTITUTION" not in names
        assert errors_by_item(plaid, user_token) == {
            platypus_id: "ITEM_LOGIN_REQUIRED",
            gingham_id: None,
        }
        # The same Item, with the access token it had.
        exchanged = plaid.ok("/item/public_token/exchange", {"public_token": first["public_token"]})
        assert exchanged["item_id"] == gingham_id
        assert plaid.ok("/accounts/get", {"access_token": gingham})["accounts"]

        second = complete(plaid, link_token)
        assert second["status"] == "SUCCESS", second
        assert second["metadata"]["institution"]["institution_id"] == "ins_109508"
        assert errors_by_item(plaid, user_token) == {platypus_id: None, gingham_id: None}
        assert plaid.ok("/accounts/get", {"access_token": platypus})["accounts"]

    def test_item_ids_limit_which_broken_items_link_repairs(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        platypus = link_for_user(plaid, user_token, institution_id="ins_109508")
        gingham = link_for_user(plaid, user_token, institution_id="ins_109509")
        platypus_id, gingham_id = item_id_of(plaid, platypus), item_id_of(plaid, gingham)
        break_item(plaid, platypus)
        advance_an_hour(plaid)
        break_item(plaid, gingham)

        # Without item_ids the later break (gingham) would be repaired first.
        link_token = plaid.ok(
            "/link/token/create",
            user_update_request(user_token, update={"user": True, "item_ids": [platypus_id]}),
        )["link_token"]
        done = complete(plaid, link_token)
        assert done["status"] == "SUCCESS", done
        assert done["metadata"]["institution"]["institution_id"] == "ins_109508"
        assert errors_by_item(plaid, user_token) == {
            platypus_id: None,
            gingham_id: "ITEM_LOGIN_REQUIRED",
        }
        # Nothing among item_ids is broken any more: the gingham Item is not the token's to fix.
        again = complete(plaid, link_token)
        assert again["status"] == "EXITED"
        assert again["error"]["error_code"] == "ITEM_NO_ERROR"

    def test_with_nothing_broken_link_exits_with_item_no_error(self, plaid: PlaidCaller) -> None:
        user_token = create_user(plaid)["user_token"]
        link_for_user(plaid, user_token)
        link_token = plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]

        done = complete(plaid, link_token)
        assert done["status"] == "EXITED"
        assert (done["error"]["error_type"], done["error"]["error_code"]) == (
            "ITEM_ERROR",
            "ITEM_NO_ERROR",
        )
        assert "none of this user's Items is in an error state" in done["error"]["error_message"]
        assert [event["event_name"] for event in done["events"]][:2] == ["OPEN", "ERROR"]

    def test_a_repair_in_progress_keeps_its_item_when_another_breaks(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        first = link_for_user(plaid, user_token, institution_id="ins_109508")
        later = link_for_user(plaid, user_token, institution_id="ins_109509")
        break_item(plaid, first)
        link_token = plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]
        frame = FrameDriver(client, link_token)
        frame.start()
        frame.act("continue")
        assert frame.view == "CREDENTIAL"
        assert frame.state["view"]["institution"]["institution_id"] == "ins_109508"

        # Another Item breaks while the user is signing in: this session still repairs the first.
        plaid.ok("/_gingham/clock/advance", {"by": "PT10M"})
        break_item(plaid, later)
        frame.act("submit_credentials", username="user_good", password="pass_good")
        assert frame.view == "CONNECTED"
        frame.act("continue")
        assert frame.state["outcome"]["type"] == "success"
        assert errors_by_item(plaid, user_token) == {
            item_id_of(plaid, first): None,
            item_id_of(plaid, later): "ITEM_LOGIN_REQUIRED",
        }

    def test_no_retry_is_offered_when_nothing_needs_repair(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        frame = FrameDriver(
            client, plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]
        )
        frame.start()
        assert frame.view == "ERROR"
        assert frame.state["view"]["can_retry"] is False
        assert frame.state["view"]["error"]["error_code"] == "ITEM_NO_ERROR"
        frame.act("exit")
        frame.act("exit_confirm")
        assert frame.state["outcome"]["type"] == "exit"
        assert frame.state["outcome"]["error"]["error_code"] == "ITEM_NO_ERROR"

    def test_only_the_users_own_items_are_repaired(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        mine = link_for_user(plaid, user_token)
        break_item(plaid, mine)
        # Broken later, but not this user's: another user's, one linked without a user token,
        # and another client's user's with the same client_user_id.
        advance_an_hour(plaid)
        break_item(plaid, link_for_user(plaid, create_user(plaid, "app-user-2")["user_token"]))
        break_item(plaid, plaid.access_token())
        theirs = link_for_user(other_plaid, create_user(other_plaid)["user_token"])
        break_item(other_plaid, theirs)

        link_token = plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]
        assert complete(plaid, link_token)["status"] == "SUCCESS"
        assert errors_by_item(plaid, user_token) == {item_id_of(plaid, mine): None}
        assert other_plaid.ok("/item/get", {"access_token": theirs})["item"]["error"] is not None

    def test_a_new_item_link_with_the_user_token_is_not_update_mode(
        self, plaid: PlaidCaller
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        broken = link_for_user(plaid, user_token)
        break_item(plaid, broken)
        link_token = plaid.ok("/link/token/create", link_token_request(user_token=user_token))[
            "link_token"
        ]
        done = complete(plaid, link_token)
        assert done["status"] == "SUCCESS"
        assert done["events"][0]["metadata"]["is_update_mode"] == "false"
        assert len(errors_by_item(plaid, user_token)) == 2
        assert plaid.ok("/item/get", {"access_token": broken})["item"]["error"] is not None

    def test_the_link_token_itself_never_names_an_item(
        self, plaid: PlaidCaller, client: TestClient, session: Session
    ) -> None:
        user_token = create_user(plaid)["user_token"]
        break_item(plaid, link_for_user(plaid, user_token))
        link_token = plaid.ok("/link/token/create", user_update_request(user_token))["link_token"]
        frame = FrameDriver(client, link_token)
        frame.start()
        frame.act("continue")
        # Five wrong passwords: Link gives up on the token, which is written to the database
        # while the session's Item is loaded on it.
        for _ in range(5):
            frame.act("submit_credentials", username="user_good", password="wrong")
        assert frame.state["outcome"]["error"]["error_code"] == "INVALID_LINK_TOKEN"
        token = session.scalars(
            select(LinkToken).where(LinkToken.token_hash == token_hash(link_token))
        ).one()
        assert token.invalidated_at is not None
        assert token.item_id is None

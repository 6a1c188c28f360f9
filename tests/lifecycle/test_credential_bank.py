"""A login at a credential bank changes: a new password breaks every Item made with the old
one, repairing it in one app repairs the others (LOGIN_REPAIRED), and a new account is
announced (NEW_ACCOUNTS_AVAILABLE)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.builders import PlaidCaller, item_of, link_token_request
from tests.lifecycle.helpers import deliveries_for, link_item, webhooks_for
from tests.webhooks.receiver import Receiver

Deliver = Callable[..., None]


def change_password(api: PlaidCaller, institution_id: str, username: str, password: str) -> dict:
    return api.ok(
        "/_gingham/bank/password/change",
        {"institution_id": institution_id, "username": username, "password": password},
    )


def repair_in_update_mode(
    client: TestClient, api: PlaidCaller, access_token: str, password: str, username: str
) -> dict:
    token = api.ok(
        "/link/token/create", link_token_request(access_token=access_token, products=None)
    )["link_token"]
    return api.ok(
        "/_gingham/link/complete",
        {"link_token": token, "username": username, "password": password},
    )


class TestPasswordChange:
    def test_every_clients_items_need_login_and_are_told(
        self,
        api: PlaidCaller,
        other_api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
    ) -> None:
        mine = link_item(api, receiver.url + "/a", institution_id="ins_109509")
        theirs = link_item(other_api, receiver.url + "/b", institution_id="ins_109509")
        elsewhere = link_item(api, receiver.url + "/c", institution_id="ins_109510")

        answer = change_password(api, "ins_109509", "user_good", "n3w-secret")
        assert answer["items"] == [{"item_id": mine.item_id, "outcome": "ITEM_LOGIN_REQUIRED"}]
        deliver_due()

        for caller, linked in ((api, mine), (other_api, theirs)):
            error = item_of(caller, linked)["error"]
            assert (error["error_type"], error["error_code"]) == (
                "ITEM_ERROR",
                "ITEM_LOGIN_REQUIRED",
            )
            failed = caller.error("/accounts/get", {"access_token": linked.access_token})
            assert failed["error_code"] == "ITEM_LOGIN_REQUIRED"
            [delivery] = deliveries_for(receiver, linked.item_id, "ERROR")
            assert delivery.verified
            assert delivery.payload["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
            assert delivery.payload["error"]["status"] == 400
        # The same username at another bank is another login.
        assert item_of(api, elsewhere)["error"] is None
        assert webhooks_for(receiver, elsewhere.item_id) == []

    def test_only_the_new_password_signs_in(self, api: PlaidCaller) -> None:
        change_password(api, "ins_109511", "user_good", "n3w-secret")
        old = api.error(
            "/sandbox/public_token/create",
            {
                "institution_id": "ins_109511",
                "initial_products": ["auth"],
                "options": {"override_username": "user_good", "override_password": "pass_good"},
            },
        )
        assert old["error_code"] == "INVALID_CREDENTIALS"
        api.ok(
            "/sandbox/public_token/create",
            {
                "institution_id": "ins_109511",
                "initial_products": ["auth"],
                "options": {"override_username": "user_good", "override_password": "n3w-secret"},
            },
        )

    def test_repair_in_one_app_repairs_the_others_with_login_repaired(
        self,
        api: PlaidCaller,
        other_api: PlaidCaller,
        app_client: TestClient,
        receiver: Receiver,
        deliver_due: Deliver,
    ) -> None:
        username = "user_yuppie"
        mine = link_item(api, receiver.url + "/a", username=username, password="x")
        theirs = link_item(other_api, receiver.url + "/b", username=username, password="x")
        reset = link_item(other_api, receiver.url + "/c", username=username, password="x")
        change_password(api, "ins_109508", username, "n3w-secret")
        # An Item broken for another reason is not the login's to repair.
        other_api.ok("/sandbox/item/reset_login", {"access_token": reset.access_token})
        deliver_due()

        wrong = repair_in_update_mode(app_client, api, mine.access_token, "x", username)
        assert wrong["status"] == "EXITED"
        assert item_of(api, mine)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

        done = repair_in_update_mode(app_client, api, mine.access_token, "n3w-secret", username)
        assert done["status"] == "SUCCESS"
        deliver_due()

        assert item_of(api, mine)["error"] is None
        assert item_of(other_api, theirs)["error"] is None
        other_api.ok("/accounts/get", {"access_token": theirs.access_token})
        assert webhooks_for(receiver, theirs.item_id) == [
            ("ITEM", "ERROR"),
            ("ITEM", "LOGIN_REPAIRED"),
        ]
        # The app that repaired its own Item is not told it was repaired elsewhere.
        assert webhooks_for(receiver, mine.item_id) == [("ITEM", "ERROR")]
        assert item_of(other_api, reset)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert ("ITEM", "LOGIN_REPAIRED") not in webhooks_for(receiver, reset.item_id)


class TestNewAccount:
    def test_items_on_the_login_hear_of_it_and_new_links_see_it(
        self,
        api: PlaidCaller,
        other_api: PlaidCaller,
        receiver: Receiver,
        deliver_due: Deliver,
    ) -> None:
        username = "user_small_business"
        mine = link_item(api, receiver.url + "/a", institution_id="ins_109512", username=username)
        theirs = link_item(
            other_api, receiver.url + "/b", institution_id="ins_109512", username=username
        )
        before = api.ok("/accounts/get", {"access_token": mine.access_token})["accounts"]

        opened = api.ok(
            "/_gingham/bank/accounts/open",
            {
                "institution_id": "ins_109512",
                "username": username,
                "account": {
                    "type": "depository",
                    "subtype": "savings",
                    "starting_balance": 2500,
                    "meta": {"name": "Holiday fund", "mask": "4321"},
                },
            },
        )
        assert opened["account"] == {
            "name": "Holiday fund",
            "mask": "4321",
            "type": "depository",
            "subtype": "savings",
        }
        deliver_due()

        for linked in (mine, theirs):
            [delivery] = deliveries_for(receiver, linked.item_id, "NEW_ACCOUNTS_AVAILABLE")
            assert delivery.verified
            assert delivery.payload == {
                "webhook_type": "ITEM",
                "webhook_code": "NEW_ACCOUNTS_AVAILABLE",
                "item_id": linked.item_id,
                "error": None,
                "environment": "sandbox",
            }
        # Nothing is shared until the user adds it in update mode.
        after = api.ok("/accounts/get", {"access_token": mine.access_token})["accounts"]
        assert after == before
        fresh = link_item(api, receiver.url + "/d", institution_id="ins_109512", username=username)
        accounts = api.ok("/accounts/get", {"access_token": fresh.access_token})["accounts"]
        [holiday] = [a for a in accounts if a["mask"] == "4321"]
        assert (holiday["name"], holiday["balances"]["current"]) == ("Holiday fund", 2500)

    def test_a_mask_the_login_already_has_is_refused(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/accounts/open",
            {
                "institution_id": "ins_135858",
                "username": "user_good",
                "account": {"meta": {"mask": "0000"}},
            },
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "0000" in error["error_message"]


class TestBadInput:
    def test_unknown_institution(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/password/change",
            {"institution_id": "ins_nope", "username": "user_good", "password": "x"},
        )
        assert (error["error_type"], error["error_code"]) == (
            "INVALID_INPUT",
            "INVALID_INSTITUTION",
        )

    def test_oauth_institution_has_no_password_here(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/password/change",
            {"institution_id": "ins_127287", "username": "user_good", "password": "x"},
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "consent" in error["error_message"]

    def test_user_custom_cannot_change(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/password/change",
            {"institution_id": "ins_109508", "username": "user_custom", "password": "x"},
        )
        assert error["error_code"] == "INVALID_FIELD"

    def test_missing_and_unknown_fields(self, api: PlaidCaller) -> None:
        missing = api.error("/_gingham/bank/password/change", {"institution_id": "ins_109508"})
        assert missing["error_code"] == "MISSING_FIELDS"
        assert "username" in missing["error_message"] and "password" in missing["error_message"]
        unknown = api.error(
            "/_gingham/bank/accounts/open",
            {"institution_id": "ins_109508", "username": "user_good", "colour": "red"},
        )
        assert unknown["error_code"] == "UNKNOWN_FIELDS"

    def test_wrong_account_types(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/accounts/open",
            {
                "institution_id": "ins_109508",
                "username": "user_transactions_dynamic",
                "account": {"type": "spaceship"},
            },
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "type" in error["error_message"]


class TestOneTimeCodeExpiry:
    def test_update_mode_asks_only_for_a_new_code_and_repairs_the_login(
        self,
        api: PlaidCaller,
        other_api: PlaidCaller,
        app_client: TestClient,
        receiver: Receiver,
        deliver_due: Deliver,
    ) -> None:
        username = "user_credit_bonus"
        mine = link_item(api, receiver.url + "/a", username=username, password="x")
        theirs = link_item(other_api, receiver.url + "/b", username=username, password="x")
        answer = api.ok(
            "/_gingham/bank/otp/expire", {"institution_id": "ins_109508", "username": username}
        )
        assert answer["items"] == [{"item_id": mine.item_id, "outcome": "ITEM_LOGIN_REQUIRED"}]
        deliver_due()
        assert item_of(other_api, theirs)["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"

        token = api.ok(
            "/link/token/create", link_token_request(access_token=mine.access_token, products=None)
        )["link_token"]
        done = api.ok("/_gingham/link/complete", {"link_token": token})
        assert done["status"] == "SUCCESS"
        names = [event["event_name"] for event in done["events"]]
        assert "SUBMIT_MFA" in names and "SUBMIT_CREDENTIALS" not in names
        views = [
            e["metadata"]["view_name"]
            for e in done["events"]
            if e["event_name"] == "TRANSITION_VIEW"
        ]
        assert "CREDENTIAL" not in views and "MFA" in views
        deliver_due()

        assert item_of(api, mine)["error"] is None
        assert item_of(other_api, theirs)["error"] is None
        assert webhooks_for(receiver, theirs.item_id) == [
            ("ITEM", "ERROR"),
            ("ITEM", "LOGIN_REPAIRED"),
        ]

    def test_oauth_institutions_have_no_code_to_expire(self, api: PlaidCaller) -> None:
        error = api.error(
            "/_gingham/bank/otp/expire", {"institution_id": "ins_127287", "username": "someone"}
        )
        assert error["error_code"] == "INVALID_FIELD"

"""/_gingham/link/complete at an OAuth institution: it plays the user at the sandbox OAuth bank
(sign-in, consent to the accounts asked for), and the Item it links is an OAuth Item like any
other."""

from __future__ import annotations

import pytest

from tests.builders import PlaidCaller, link_token_request

OAUTH_BANK = "ins_127287"


def complete_at_the_bank(api: PlaidCaller, username: str, **fields: object) -> dict[str, object]:
    link_token = api.ok("/link/token/create", link_token_request(products=["auth"]))["link_token"]
    response = api.post(
        "/_gingham/link/complete",
        {"link_token": link_token, "institution_id": OAUTH_BANK, "username": username, **fields},
    )
    body: dict[str, object] = {"status_code": response.status_code, **response.json()}
    return body


class TestHeadlessOAuth:
    def test_links_an_oauth_item_with_the_accounts_asked_for(
        self, api: PlaidCaller, username: str
    ) -> None:
        done = complete_at_the_bank(api, username, account_masks=["0000", "1111"])
        assert done["status"] == "SUCCESS", done
        names = [e["event_name"] for e in done["events"]]  # type: ignore[attr-defined]
        assert names[:2] == ["OPEN", "TRANSITION_VIEW"]
        assert "OPEN_OAUTH" in names and names[-1] == "HANDOFF"
        exchanged = api.ok("/item/public_token/exchange", {"public_token": done["public_token"]})
        accounts = api.ok("/auth/get", {"access_token": exchanged["access_token"]})["accounts"]
        assert sorted(a["mask"] for a in accounts) == ["0000", "1111"]
        item = api.ok("/item/get", {"access_token": exchanged["access_token"]})["item"]
        assert item["institution_id"] == OAUTH_BANK
        assert item["consent_expiration_time"] is not None or item["update_type"] == "background"

    def test_masks_the_bank_does_not_offer_are_a_clear_refusal(
        self, api: PlaidCaller, username: str
    ) -> None:
        done = complete_at_the_bank(api, username, account_masks=["4242"])
        assert done["status_code"] == 400
        assert done["error_code"] == "INVALID_FIELD"
        assert "matches none" in str(done["error_message"])

    def test_a_second_visit_to_the_bank_signs_in_again(
        self, api: PlaidCaller, username: str
    ) -> None:
        """The server's client at the bank keeps the browser cookie of its first visit; the bank
        sets none on the next, and the next must still sign in."""
        for _ in range(2):
            done = complete_at_the_bank(api, username)
            assert done["status"] == "SUCCESS", done


class TestAccountFilters:
    def test_filters_apply_after_the_bank_to_what_the_user_shared(
        self, api: PlaidCaller, username: str
    ) -> None:
        """Plaid's OAuth guide: account_filters do not change the bank's permission screen; they
        are applied to the accounts the user shared there."""
        link_token = api.ok(
            "/link/token/create",
            link_token_request(
                products=["auth"],
                account_filters={"depository": {"account_subtypes": ["checking"]}},
            ),
        )["link_token"]
        done = api.ok(
            "/_gingham/link/complete",
            {
                "link_token": link_token,
                "institution_id": OAUTH_BANK,
                "username": username,
                "account_masks": ["0000", "1111"],
            },
        )
        assert done["status"] == "SUCCESS", done
        assert [a["mask"] for a in done["metadata"]["accounts"]] == ["0000"]


class TestOneItemPerLogin:
    @pytest.mark.parametrize("institution_id", ["ins_3", "ins_11"])  # Chase, Charles Schwab
    def test_linking_the_same_login_again_invalidates_the_earlier_item(
        self, api: PlaidCaller, username: str, institution_id: str
    ) -> None:
        access_tokens = []
        for _ in range(2):
            link_token = api.ok("/link/token/create", link_token_request())["link_token"]
            done = api.ok(
                "/_gingham/link/complete",
                {"link_token": link_token, "institution_id": institution_id, "username": username},
            )
            exchanged = api.ok(
                "/item/public_token/exchange", {"public_token": done["public_token"]}
            )
            access_tokens.append(exchanged["access_token"])
        first, second = (
            api.ok("/item/get", {"access_token": token})["item"] for token in access_tokens
        )
        assert first["error"]["error_code"] == "ITEM_LOGIN_REQUIRED"
        assert second["error"] is None

    def test_other_oauth_banks_keep_both_items(self, api: PlaidCaller, username: str) -> None:
        access_tokens = []
        for _ in range(2):
            link_token = api.ok("/link/token/create", link_token_request())["link_token"]
            done = api.ok(
                "/_gingham/link/complete",
                {"link_token": link_token, "institution_id": OAUTH_BANK, "username": username},
            )
            exchanged = api.ok(
                "/item/public_token/exchange", {"public_token": done["public_token"]}
            )
            access_tokens.append(exchanged["access_token"])
        for token in access_tokens:
            assert api.ok("/item/get", {"access_token": token})["item"]["error"] is None

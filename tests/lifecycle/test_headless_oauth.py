"""/_gingham/link/complete at an OAuth institution: it plays the user at the sandbox OAuth bank
(sign-in, consent to the accounts asked for), and the Item it links is an OAuth Item like any
other."""

from __future__ import annotations

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

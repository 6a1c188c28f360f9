"""/_gingham/link/complete: a whole Link session without a browser."""

from __future__ import annotations

from tests.builders import PlaidCaller, link_token_request


class TestHeadlessCompletion:
    def test_success_gives_an_exchangeable_public_token(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": token, "password": "mfa_device", "account_masks": ["0000", "1111"]},
        )
        assert done["status"] == "SUCCESS"
        assert [a["mask"] for a in done["metadata"]["accounts"]] == ["0000", "1111"]
        assert "SUBMIT_MFA" in [e["event_name"] for e in done["events"]]
        access_token = plaid.ok(
            "/item/public_token/exchange", {"public_token": done["public_token"]}
        )["access_token"]
        assert len(plaid.ok("/accounts/get", {"access_token": access_token})["accounts"]) == 2
        assert (
            plaid.ok("/link/token/get", {"link_token": token})["link_sessions"][0][
                "link_session_id"
            ]
            == done["link_session_id"]
        )

    def test_questions_are_answered(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete", {"link_token": token, "password": "mfa_questions_3_2"}
        )
        assert done["status"] == "SUCCESS"

    def test_exit_from_a_chosen_pane(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": token, "outcome": "exit", "exit_from": "SELECT_ACCOUNT"},
        )
        assert done["status"] == "EXITED"
        assert done["metadata"]["status"] == "requires_account_selection"

    def test_failing_login_exits_with_its_error(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        done = plaid.ok(
            "/_gingham/link/complete",
            {"link_token": token, "password": "error_INSTITUTION_NOT_RESPONDING"},
        )
        assert done["status"] == "EXITED"
        assert done["error"]["error_code"] == "INSTITUTION_NOT_RESPONDING"

    def test_another_clients_token_is_refused(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        assert (
            other_plaid.error("/_gingham/link/complete", {"link_token": token})["error_code"]
            == "INVALID_LINK_TOKEN"
        )

    def test_unknown_fields_are_refused(self, plaid: PlaidCaller) -> None:
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        assert (
            plaid.error("/_gingham/link/complete", {"link_token": token, "pasword": "x"})[
                "error_code"
            ]
            == "UNKNOWN_FIELDS"
        )

    def test_an_oauth_bank_out_of_reach_is_a_clear_refusal_not_a_server_error(
        self, plaid: PlaidCaller
    ) -> None:
        # This app's sandbox OAuth bank is not running (tests/lifecycle links through one).
        token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        response = plaid.post(
            "/_gingham/link/complete", {"link_token": token, "institution_id": "ins_127287"}
        )
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["error_code"] == "INVALID_FIELD"
        assert "sandbox OAuth bank could not be reached" in body["error_message"]

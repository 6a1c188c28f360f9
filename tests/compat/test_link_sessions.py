"""Link sessions as plaid-python reads them back from /link/token/get, on a live server."""

from __future__ import annotations

import httpx
from plaid.api import plaid_api
from plaid.model.auth_get_request import AuthGetRequest
from plaid.model.country_code import CountryCode
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.link_token_get_request import LinkTokenGetRequest
from plaid.model.products import Products

from tests.live_server import LiveGingham


def _link_token(plaid_client: plaid_api.PlaidApi) -> str:
    request = LinkTokenCreateRequest(
        client_name="Compat App",
        language="en",
        country_codes=[CountryCode("US")],
        user=LinkTokenCreateRequestUser(client_user_id="compat-link-user"),
        products=[Products("auth")],
    )
    token: str = plaid_client.link_token_create(request).link_token
    return token


def _complete(live_gingham: LiveGingham, link_token: str, **fields: object) -> dict[str, object]:
    response = httpx.post(
        f"{live_gingham.base_url}/_gingham/link/complete",
        json={"link_token": link_token, **fields},
        headers={"PLAID-CLIENT-ID": live_gingham.client_id, "PLAID-SECRET": live_gingham.secret},
    )
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


class TestLinkTokenGetSessions:
    def test_successful_session_parses_with_events_and_results(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        link_token = _link_token(plaid_client)
        done = _complete(live_gingham, link_token, password="mfa_device")
        got = plaid_client.link_token_get(LinkTokenGetRequest(link_token=link_token))
        (session,) = got.link_sessions
        assert session.link_session_id == done["link_session_id"]
        names = [event.event_name for event in session.events]
        assert names[0] == "OPEN" and names[-1] == "HANDOFF"
        assert "SUBMIT_MFA" in names
        result = session.results.item_add_results[0]
        assert result.public_token == done["public_token"]
        assert result.institution.institution_id == "ins_109508"
        assert [a.mask for a in result.accounts] == ["0000", "1111", "9002"]
        assert session.finished_at is not None

    def test_exited_session_parses(
        self, live_gingham: LiveGingham, plaid_client: plaid_api.PlaidApi
    ) -> None:
        link_token = _link_token(plaid_client)
        _complete(live_gingham, link_token, password="wrong")
        got = plaid_client.link_token_get(LinkTokenGetRequest(link_token=link_token))
        (session,) = got.link_sessions
        assert session.exit.error.error_code == "INVALID_CREDENTIALS"
        assert session.exit.metadata.status == "requires_credentials"


class TestHeadlessLinkAtAnOAuthBank:
    def test_the_sandbox_oauth_bank_is_driven_over_http(
        self, plaid_client: plaid_api.PlaidApi, live_gingham: LiveGingham
    ) -> None:
        # The live server's OAuth bank listens on a port of its own, as a real bank would.
        done = _complete(
            live_gingham,
            _link_token(plaid_client),
            institution_id="ins_127287",
            username="compat-headless-oauth",
            account_masks=["0000"],
        )
        assert done["status"] == "SUCCESS", done
        exchanged = plaid_client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=done["public_token"])
        )
        auth = plaid_client.auth_get(AuthGetRequest(access_token=exchanged.access_token))
        assert [account.mask for account in auth.accounts] == ["0000"]
        assert auth.item.institution_id == "ins_127287"

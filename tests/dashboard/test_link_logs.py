"""Link logs in the dashboard: the signed-in client's Link sessions, found by each search key,
with each session's events, configuration and outcome, and never another client's."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from tests.builders import PlaidCaller, advance, link_token_request
from tests.dashboard.signing_in import sign_in
from tests.link.helpers import FrameDriver


@pytest.fixture
def signed_in(client: TestClient, credentials: dict[str, str]) -> TestClient:
    assert sign_in(client, credentials).status_code == 303
    return client


def _session(client: TestClient, plaid: PlaidCaller, user: str, **options: object) -> FrameDriver:
    body = link_token_request(user={"client_user_id": user}, **options)
    frame = FrameDriver(client, plaid.ok("/link/token/create", body)["link_token"])
    frame.start()
    return frame


def _linked(client: TestClient, plaid: PlaidCaller, user: str) -> FrameDriver:
    frame = _session(client, plaid, user)
    frame.login()
    frame.act("select_accounts", account_ids=[frame.state["view"]["accounts"][0]["id"]])
    frame.act("continue")
    assert frame.state["outcome"]["type"] == "success"
    return frame


def _session_ids(page: str) -> set[str]:
    return set(re.findall(r'href="/dashboard/link-logs/([0-9a-f-]{36})"', page))


class TestSearch:
    def test_the_list_shows_every_session_newest_first(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        first = _session(signed_in, plaid, "alice")
        advance(plaid, "PT1M")
        second = _session(signed_in, plaid, "bob")
        page = signed_in.get("/dashboard/link-logs").text
        ids = re.findall(r'href="/dashboard/link-logs/([0-9a-f-]{36})"', page)
        assert ids == [second.state["link_session_id"], first.state["link_session_id"]]
        # The table htmx refreshes, on its own.
        assert _session_ids(signed_in.get("/dashboard/link-logs/table").text) == set(ids)

    def test_by_client_user_id(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        alice = _session(signed_in, plaid, "alice")
        _session(signed_in, plaid, "bob")
        page = signed_in.get("/dashboard/link-logs", params={"client_user_id": "alice"})
        assert _session_ids(page.text) == {alice.state["link_session_id"]}
        # The refreshing table keeps the search.
        assert 'hx-get="/dashboard/link-logs/table?client_user_id=alice"' in page.text

    def test_by_link_session_id(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        _session(signed_in, plaid, "alice")
        wanted = _session(signed_in, plaid, "alice").state["link_session_id"]
        page = signed_in.get("/dashboard/link-logs", params={"link_session_id": wanted})
        assert _session_ids(page.text) == {wanted}

    def test_by_link_token(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        wanted = _session(signed_in, plaid, "alice")
        _session(signed_in, plaid, "alice")
        page = signed_in.get("/dashboard/link-logs", params={"link_token": wanted.link_token})
        assert _session_ids(page.text) == {wanted.state["link_session_id"]}

    def test_nothing_found_says_so(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        _session(signed_in, plaid, "alice")
        page = signed_in.get("/dashboard/link-logs", params={"client_user_id": "nobody"})
        assert _session_ids(page.text) == set()
        assert "No Link session matches" in page.text

    def test_pages_of_sessions(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        for _ in range(26):
            FrameDriver(signed_in, link_token).start()
        first = signed_in.get("/dashboard/link-logs")
        assert len(_session_ids(first.text)) == 25 and "page=1" in first.text
        second = signed_in.get("/dashboard/link-logs", params={"page": "1"})
        assert len(_session_ids(second.text)) == 1
        assert _session_ids(first.text).isdisjoint(_session_ids(second.text))
        # Nonsense pages are the first.
        assert signed_in.get("/dashboard/link-logs?page=-3").status_code == 200


class TestSessionPage:
    def test_a_linked_session(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        frame = _linked(signed_in, plaid, "alice")
        item_id = plaid.ok(
            "/item/public_token/exchange", {"public_token": frame.state["outcome"]["public_token"]}
        )
        page = signed_in.get(f"/dashboard/link-logs/{frame.state['link_session_id']}")
        assert page.status_code == 200
        text = page.text
        assert 'data-testid="session-outcome">Success<' in text
        assert f"/dashboard/items/{item_id['item_id']}" in text
        for name in ("OPEN", "SELECT_INSTITUTION", "SUBMIT_CREDENTIALS", "HANDOFF"):
            assert f'class="event-name">{name}<' in text
        assert "CONSENT" in text and "First Platypus Bank" in text and "ins_109508" in text
        assert "transactions" in text and "alice" in text
        # Neither the public token nor the link token is on the page: a hint of the latter is.
        assert frame.state["outcome"]["public_token"] not in text
        assert frame.link_token not in text
        assert f"link-sandbox-…{frame.link_token[-6:]}<" in text

    def test_an_exit_with_an_error(self, signed_in: TestClient, plaid: PlaidCaller) -> None:
        frame = _session(signed_in, plaid, "alice")
        frame.login(password="error_ITEM_LOCKED")
        frame.act("exit")
        frame.act("exit_confirm")
        page = signed_in.get(f"/dashboard/link-logs/{frame.state['link_session_id']}").text
        assert 'data-testid="session-outcome">Exited<' in page
        assert "ITEM_LOCKED" in page and "requires_credentials" in page
        assert 'class="event-name">EXIT<' in page and 'class="event-name">ERROR<' in page
        listing = signed_in.get("/dashboard/link-logs").text
        assert "ITEM_LOCKED" in listing

    def test_update_mode_and_hosted_link_are_named(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        hosted = _session(signed_in, plaid, "alice", hosted_link={})
        update = _session(
            signed_in, plaid, "alice", access_token=plaid.access_token(), products=None
        )
        assert (
            "Hosted Link"
            in signed_in.get(f"/dashboard/link-logs/{hosted.state['link_session_id']}").text
        )
        assert (
            "Update mode"
            in signed_in.get(f"/dashboard/link-logs/{update.state['link_session_id']}").text
        )

    def test_a_session_left_open_is_abandoned_when_link_gives_up_on_it(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = _session(signed_in, plaid, "alice")
        path = f"/dashboard/link-logs/{frame.state['link_session_id']}"
        assert 'data-testid="session-outcome">In progress<' in signed_in.get(path).text
        # Link's 30-minute deadline ends it with INVALID_LINK_TOKEN.
        advance(plaid, "PT31M")
        page = signed_in.get(path).text
        assert 'data-testid="session-outcome">Abandoned<' in page
        assert "INVALID_LINK_TOKEN" in page

    def test_a_user_who_leaves_is_not_abandoned(
        self, signed_in: TestClient, plaid: PlaidCaller
    ) -> None:
        frame = _session(signed_in, plaid, "alice")
        frame.act("exit")
        frame.act("exit_confirm")
        advance(plaid, "PT31M")
        page = signed_in.get(f"/dashboard/link-logs/{frame.state['link_session_id']}").text
        assert 'data-testid="session-outcome">Exited<' in page


class TestIsolation:
    def test_another_clients_sessions_are_not_shown(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        mine = _session(signed_in, plaid, "alice")
        theirs = _session(signed_in, other_plaid, "alice")
        assert _session_ids(signed_in.get("/dashboard/link-logs").text) == {
            mine.state["link_session_id"]
        }
        found = signed_in.get("/dashboard/link-logs", params={"link_token": theirs.link_token})
        assert _session_ids(found.text) == set()
        page = signed_in.get(f"/dashboard/link-logs/{theirs.state['link_session_id']}")
        assert page.status_code == 404
        assert "There is no Link session" in page.text

    def test_another_environments_sessions_are_not_shown(
        self,
        signed_in: TestClient,
        plaid: PlaidCaller,
        credentials: dict[str, str],
        session_factory: sessionmaker[Session],
        clock: FrozenClock,
    ) -> None:
        with session_factory() as session, session.begin():
            secret = clients_service.rotate_secret(
                session, credentials["client_id"], "production", clock.now()
            )
        production = PlaidCaller(signed_in, {**credentials, "secret": secret})
        theirs = _session(signed_in, production, "alice")
        assert theirs.link_token.startswith("link-production-")
        mine = _session(signed_in, plaid, "alice")
        assert _session_ids(signed_in.get("/dashboard/link-logs").text) == {
            mine.state["link_session_id"]
        }
        page = signed_in.get(f"/dashboard/link-logs/{theirs.state['link_session_id']}")
        assert page.status_code == 404

    def test_signed_out_goes_to_sign_in(self, client: TestClient) -> None:
        response = client.get("/dashboard/link-logs", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/dashboard/sign-in"
        refresh = client.get("/dashboard/link-logs/table", headers={"HX-Request": "true"})
        assert refresh.status_code == 204 and refresh.headers["HX-Redirect"] == "/dashboard/sign-in"


class TestHostedLinkDeliveries:
    def test_the_texts_link_delivery_would_send_are_listed_with_their_links(
        self, signed_in: TestClient, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        user = {"client_user_id": "texted", "phone_number": "+14155550011"}
        created = plaid.ok(
            "/link/token/create",
            link_token_request(user=user, hosted_link={"delivery_method": "sms"}),
        )
        other_user = {"client_user_id": "theirs", "email_address": "theirs@example.com"}
        other_plaid.ok(
            "/link/token/create",
            link_token_request(user=other_user, hosted_link={"delivery_method": "email"}),
        )
        page = signed_in.get("/dashboard/link-logs").text
        assert "Hosted Link deliveries" in page
        assert "+14155550011" in page and created["hosted_link_url"] in page
        assert "theirs@example.com" not in page

    def test_without_deliveries_the_section_is_left_out(self, signed_in: TestClient) -> None:
        assert "Hosted Link deliveries" not in signed_in.get("/dashboard/link-logs").text

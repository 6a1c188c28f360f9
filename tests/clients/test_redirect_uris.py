"""Redirect URIs: the client's allow-list (Gingham's management API) and `redirect_uri` in
/link/token/create, under Plaid's rules."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from gingham.clients import service as clients_service
from gingham.clock import FrozenClock
from tests.builders import PlaidCaller, link_token_request

ADD = "/_gingham/client/redirect_uris/add"
REMOVE = "/_gingham/client/redirect_uris/remove"
LIST = "/_gingham/client/redirect_uris/list"


def refused_entry(plaid: PlaidCaller, uri: str) -> str:
    error = plaid.error(ADD, {"redirect_uri": uri})
    assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
    message: str = error["error_message"]
    return message


def create_link_token(plaid: PlaidCaller, redirect_uri: str, **overrides: Any) -> str:
    token: str = plaid.ok(
        "/link/token/create", link_token_request(redirect_uri=redirect_uri, **overrides)
    )["link_token"]
    return token


def refused_link_token(plaid: PlaidCaller, redirect_uri: str, **overrides: Any) -> str:
    error = plaid.error(
        "/link/token/create", link_token_request(redirect_uri=redirect_uri, **overrides)
    )
    assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
    message: str = error["error_message"]
    return message


def not_configured(plaid: PlaidCaller, uri: str, environment: str = "sandbox") -> str:
    client_id = plaid.credentials["client_id"]
    return (
        f"OAuth redirect URI must be configured in this API client's allow-list for {environment}: "
        f"add {uri} with `gingham client redirect-uri add --client-id {client_id} {uri}` or "
        "POST /_gingham/client/redirect_uris/add with this client's credentials"
    )


@pytest.fixture
def production_plaid(
    client: TestClient,
    credentials: dict[str, str],
    session_factory: sessionmaker[Session],
    clock: FrozenClock,
) -> PlaidCaller:
    """The same client calling with a production secret."""
    with session_factory() as session, session.begin():
        secret = clients_service.add_secret(
            session, credentials["client_id"], "production", clock.now()
        )
    return PlaidCaller(client, {"client_id": credentials["client_id"], "secret": secret})


class TestManageAllowList:
    def test_added_uri_is_listed(self, plaid: PlaidCaller) -> None:
        added = plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert added == {
            "added": True,
            "environment": "sandbox",
            "redirect_uris": ["https://app.example.com/oauth.html"],
        }
        assert plaid.ok(LIST) == {
            "environment": "sandbox",
            "redirect_uris": ["https://app.example.com/oauth.html"],
        }

    def test_list_starts_empty(self, plaid: PlaidCaller) -> None:
        assert plaid.ok(LIST) == {"environment": "sandbox", "redirect_uris": []}

    def test_add_is_idempotent(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        again = plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert again["added"] is False
        assert again["redirect_uris"] == ["https://app.example.com/oauth.html"]

    def test_scheme_host_and_default_port_are_normalised(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "HTTPS://App.Example.COM:443/OAuth.html"})
        again = plaid.ok(ADD, {"redirect_uri": "https://app.example.com/OAuth.html"})
        assert again["added"] is False
        assert again["redirect_uris"] == ["https://app.example.com/OAuth.html"]

    def test_entries_are_listed_in_order(self, plaid: PlaidCaller) -> None:
        for uri in ("https://b.example.com/x", "https://a.example.com/x"):
            plaid.ok(ADD, {"redirect_uri": uri})
        assert plaid.ok(LIST)["redirect_uris"] == [
            "https://a.example.com/x",
            "https://b.example.com/x",
        ]

    def test_remove(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        removed = plaid.ok(REMOVE, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert removed == {"removed": True, "environment": "sandbox", "redirect_uris": []}

    def test_removing_an_absent_entry_changes_nothing(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        removed = plaid.ok(REMOVE, {"redirect_uri": "https://other.example.com/oauth.html"})
        assert removed["removed"] is False
        assert removed["redirect_uris"] == ["https://app.example.com/oauth.html"]

    def test_lists_belong_to_one_client(self, plaid: PlaidCaller, other_plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert other_plaid.ok(LIST)["redirect_uris"] == []
        assert (
            other_plaid.ok(REMOVE, {"redirect_uri": "https://app.example.com/oauth.html"})[
                "removed"
            ]
            is False
        )
        assert plaid.ok(LIST)["redirect_uris"] == ["https://app.example.com/oauth.html"]

    def test_lists_are_kept_per_environment(
        self, plaid: PlaidCaller, production_plaid: PlaidCaller
    ) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert production_plaid.ok(LIST) == {"environment": "production", "redirect_uris": []}

    def test_needs_the_clients_credentials(self, plaid: PlaidCaller) -> None:
        response = plaid.post(LIST, authenticated=False)
        assert response.status_code == 400
        assert response.json()["error_code"] == "MISSING_FIELDS"
        wrong = PlaidCaller(
            plaid.client, {"client_id": plaid.credentials["client_id"], "secret": "x" * 30}
        )
        assert wrong.error(LIST)["error_code"] == "INVALID_API_KEYS"

    def test_redirect_uri_is_required(self, plaid: PlaidCaller) -> None:
        error = plaid.error(ADD, {})
        assert error["error_message"] == "the following required fields are missing: redirect_uri"

    def test_unknown_fields_are_refused(self, plaid: PlaidCaller) -> None:
        error = plaid.error(LIST, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert error["error_code"] == "UNKNOWN_FIELDS"


class TestAllowedEntries:
    @pytest.mark.parametrize(
        "uri",
        [
            "https://example.com/oauth.html",
            "https://example.com",
            "https://app.example.com:8443/oauth/return",
            "http://localhost/oauth.html",
            "http://localhost:3000/oauth-link",
            "http://127.0.0.1:8080/",
            "https://*.example.com/oauth.html",
            "https://*.example.co.uk/oauth.html",
            "https://*.app.example.com/oauth.html",
        ],
    )
    def test_entry_is_allowed(self, plaid: PlaidCaller, uri: str) -> None:
        assert plaid.ok(ADD, {"redirect_uri": uri})["redirect_uris"] == [uri]


class TestRefusedEntries:
    @pytest.mark.parametrize(
        ("uri", "message"),
        [
            pytest.param(
                "http://app.example.com/oauth.html",
                "redirect_uri must use https; plain http is allowed only for localhost and "
                "127.0.0.1 in sandbox (got 'http://app.example.com/oauth.html')",
                id="http",
            ),
            pytest.param(
                "myapp://oauth",
                "redirect_uri must use https: custom URI schemes such as myapp:// are not "
                "supported in any environment; use an https page or universal link / app link "
                "such as https://example.com/oauth.html (got 'myapp://oauth')",
                id="custom-scheme",
            ),
            pytest.param(
                "app.example.com/oauth.html",
                "redirect_uri must be an absolute https URL such as "
                "https://example.com/oauth.html (got 'app.example.com/oauth.html')",
                id="relative",
            ),
            pytest.param(
                "https://app.example.com/#/oauth",
                "redirect_uri must not contain '#': hash routing is not supported, so point it at "
                "a page of its own such as https://example.com/oauth.html "
                "(got 'https://app.example.com/#/oauth')",
                id="hash",
            ),
            pytest.param(
                "https://app.example.com/oauth.html?from=plaid",
                "redirect_uri must not contain a query string ('?'): Link adds ?oauth_state_id=… "
                "when it returns to it; remove the query "
                "(got 'https://app.example.com/oauth.html?from=plaid')",
                id="query",
            ),
            pytest.param(
                "https://app.example.com/oauth.html?",
                "redirect_uri must not contain a query string ('?'): Link adds ?oauth_state_id=… "
                "when it returns to it; remove the query "
                "(got 'https://app.example.com/oauth.html?')",
                id="empty-query",
            ),
            pytest.param(
                "https://user:pw@app.example.com/oauth.html",
                "redirect_uri must not contain a user name or password before the host "
                "(got 'https://user:pw@app.example.com/oauth.html')",
                id="user-info",
            ),
            pytest.param(
                "https://app.*.example.com/oauth.html",
                "redirect_uri may contain '*' only as the whole leftmost label of the host, as in "
                "https://*.example.com/oauth.html (got 'https://app.*.example.com/oauth.html')",
                id="wildcard-not-leftmost",
            ),
            pytest.param(
                "https://*app.example.com/oauth.html",
                "redirect_uri may contain '*' only as the whole leftmost label of the host, as in "
                "https://*.example.com/oauth.html (got 'https://*app.example.com/oauth.html')",
                id="wildcard-part-of-a-label",
            ),
            pytest.param(
                "https://app.example.com/*.html",
                "redirect_uri may contain '*' only as the whole leftmost label of the host, as in "
                "https://*.example.com/oauth.html (got 'https://app.example.com/*.html')",
                id="wildcard-in-path",
            ),
            pytest.param(
                "https://*.co.uk/oauth.html",
                "redirect_uri cannot use a subdomain wildcard directly under co.uk: it is a "
                "public suffix (a top-level domain or an entry of the Public Suffix List), so the "
                "wildcard would cover sites that other people control; put it under a domain you "
                "own, as in https://*.yourapp.co.uk/oauth.html (got 'https://*.co.uk/oauth.html')",
                id="wildcard-public-suffix",
            ),
            pytest.param(
                "https://*.com/x",
                "redirect_uri cannot use a subdomain wildcard directly under com: it is a public "
                "suffix (a top-level domain or an entry of the Public Suffix List), so the "
                "wildcard would cover sites that other people control; put it under a domain you "
                "own, as in https://*.yourapp.com/x (got 'https://*.com/x')",
                id="wildcard-top-level-domain",
            ),
            pytest.param(
                "https://*.github.io/oauth.html",
                "redirect_uri cannot use a subdomain wildcard directly under github.io: it is a "
                "public suffix (a top-level domain or an entry of the Public Suffix List), so the "
                "wildcard would cover sites that other people control; put it under a domain you "
                "own, as in https://*.yourapp.github.io/oauth.html "
                "(got 'https://*.github.io/oauth.html')",
                id="wildcard-private-public-suffix",
            ),
            pytest.param(
                "https://*.10.0.0.1/oauth.html",
                "redirect_uri can use a subdomain wildcard only under a domain name, not an IP "
                "address (got 'https://*.10.0.0.1/oauth.html')",
                id="wildcard-ip-address",
            ),
            pytest.param(
                "http://*.localhost/oauth.html",
                "redirect_uri must use https; plain http is allowed only for localhost and "
                "127.0.0.1 in sandbox (got 'http://*.localhost/oauth.html')",
                id="wildcard-localhost",
            ),
            pytest.param(
                "https://app_1.example.com/oauth.html",
                "redirect_uri has an invalid host name 'app_1.example.com': each dot-separated "
                "label takes letters, digits and inner hyphens "
                "(got 'https://app_1.example.com/oauth.html')",
                id="host-name",
            ),
            pytest.param(
                "https://app.example.com:70000/oauth.html",
                "redirect_uri has an invalid port (got 'https://app.example.com:70000/oauth.html')",
                id="port",
            ),
            pytest.param(
                "https://app.example.com/o auth.html",
                "redirect_uri must be printable ASCII without spaces: percent-encode other "
                "characters of the path and write an internationalised domain name in its xn-- "
                "form (got 'https://app.example.com/o auth.html')",
                id="space",
            ),
            pytest.param(
                "https://app.example.com/" + "a" * 1001,
                "redirect_uri must be at most 1024 characters long",
                id="too-long",
            ),
        ],
    )
    def test_entry_is_refused(self, plaid: PlaidCaller, uri: str, message: str) -> None:
        assert refused_entry(plaid, uri) == message
        assert plaid.ok(LIST)["redirect_uris"] == []

    def test_http_localhost_is_refused_outside_sandbox(self, production_plaid: PlaidCaller) -> None:
        assert refused_entry(production_plaid, "http://localhost:3000/oauth") == (
            "redirect_uri must use https; plain http is allowed only for localhost and "
            "127.0.0.1 in sandbox (got 'http://localhost:3000/oauth')"
        )


class TestLinkTokenRedirectUri:
    def test_allow_listed_uri_is_accepted_and_stored(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        token = create_link_token(plaid, "https://app.example.com/oauth.html")
        metadata = plaid.ok("/link/token/get", {"link_token": token})["metadata"]
        assert metadata["redirect_uri"] == "https://app.example.com/oauth.html"

    def test_uri_not_on_the_allow_list_is_refused(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        uri = "https://app.example.com/other.html"
        assert refused_link_token(plaid, uri) == not_configured(plaid, uri)

    def test_any_uri_is_refused_with_an_empty_allow_list(self, plaid: PlaidCaller) -> None:
        uri = "https://app.example.com/oauth.html"
        assert refused_link_token(plaid, uri).startswith(
            "OAuth redirect URI must be configured in this API client's allow-list for sandbox: "
            "add https://app.example.com/oauth.html with `gingham client redirect-uri add"
        )

    def test_another_clients_allow_list_is_not_honoured(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        uri = "https://app.example.com/oauth.html"
        plaid.ok(ADD, {"redirect_uri": uri})
        assert refused_link_token(other_plaid, uri) == not_configured(other_plaid, uri)

    def test_removed_entry_no_longer_admits(self, plaid: PlaidCaller) -> None:
        uri = "https://app.example.com/oauth.html"
        plaid.ok(ADD, {"redirect_uri": uri})
        plaid.ok(REMOVE, {"redirect_uri": uri})
        assert refused_link_token(plaid, uri) == not_configured(plaid, uri)

    def test_wildcard_is_refused(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://*.example.com/oauth.html"})
        assert refused_link_token(plaid, "https://*.example.com/oauth.html") == (
            "redirect_uri must not contain a wildcard (*): wildcards are only allowed in the "
            "allow-list of redirect URIs; pass the exact URI Link should return to, e.g. "
            "https://app.example.com/oauth.html for the entry https://*.example.com/oauth.html "
            "(got 'https://*.example.com/oauth.html')"
        )

    @pytest.mark.parametrize(
        ("uri", "message"),
        [
            pytest.param(
                "http://app.example.com/oauth.html",
                "redirect_uri must use https; plain http is allowed only for localhost and "
                "127.0.0.1 in sandbox (got 'http://app.example.com/oauth.html')",
                id="http",
            ),
            pytest.param(
                "myapp://oauth",
                "redirect_uri must use https: custom URI schemes such as myapp:// are not "
                "supported in any environment; use an https page or universal link / app link "
                "such as https://example.com/oauth.html (got 'myapp://oauth')",
                id="custom-scheme",
            ),
            pytest.param(
                "https://app.example.com/#/oauth",
                "redirect_uri must not contain '#': hash routing is not supported, so point it at "
                "a page of its own such as https://example.com/oauth.html "
                "(got 'https://app.example.com/#/oauth')",
                id="hash",
            ),
            pytest.param(
                "https://app.example.com/oauth.html?oauth_state_id=1",
                "redirect_uri must not contain a query string ('?'): Link adds ?oauth_state_id=… "
                "when it returns to it; remove the query "
                "(got 'https://app.example.com/oauth.html?oauth_state_id=1')",
                id="query",
            ),
        ],
    )
    def test_malformed_uri_is_refused_before_the_allow_list(
        self, plaid: PlaidCaller, uri: str, message: str
    ) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://app.example.com/oauth.html"})
        assert refused_link_token(plaid, uri) == message

    def test_http_localhost_is_accepted_in_sandbox(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "http://localhost:3000/oauth-link"})
        plaid.ok(ADD, {"redirect_uri": "http://127.0.0.1:3000/oauth-link"})
        create_link_token(plaid, "http://localhost:3000/oauth-link")
        create_link_token(plaid, "http://127.0.0.1:3000/oauth-link")

    def test_localhost_port_must_match(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "http://localhost:3000/oauth-link"})
        uri = "http://localhost:3001/oauth-link"
        assert refused_link_token(plaid, uri) == not_configured(plaid, uri)

    def test_http_localhost_is_refused_outside_sandbox(self, production_plaid: PlaidCaller) -> None:
        assert refused_link_token(production_plaid, "http://localhost:3000/oauth") == (
            "redirect_uri must use https; plain http is allowed only for localhost and "
            "127.0.0.1 in sandbox (got 'http://localhost:3000/oauth')"
        )

    def test_sandbox_entries_do_not_admit_in_production(
        self, plaid: PlaidCaller, production_plaid: PlaidCaller
    ) -> None:
        uri = "https://app.example.com/oauth.html"
        plaid.ok(ADD, {"redirect_uri": uri})
        assert refused_link_token(production_plaid, uri) == not_configured(
            production_plaid, uri, "production"
        )

    def test_empty_string_counts_as_absent(self, plaid: PlaidCaller) -> None:
        create_link_token(plaid, "")

    def test_update_mode_checks_it_too(self, plaid: PlaidCaller) -> None:
        uri = "https://app.example.com/oauth.html"
        access_token = plaid.access_token()
        assert refused_link_token(
            plaid, uri, products=None, access_token=access_token
        ) == not_configured(plaid, uri)
        plaid.ok(ADD, {"redirect_uri": uri})
        create_link_token(plaid, uri, products=None, access_token=access_token)


class TestWildcardMatching:
    ENTRY = "https://*.example.com/oauth.html"

    @pytest.mark.parametrize(
        "uri",
        [
            "https://oauth1.example.com/oauth.html",
            "https://oauth2.example.com/oauth.html",
            "https://OAuth3.Example.com/oauth.html",
            "https://oauth4.example.com:443/oauth.html",
        ],
    )
    def test_one_label_in_place_of_the_wildcard_matches(self, plaid: PlaidCaller, uri: str) -> None:
        plaid.ok(ADD, {"redirect_uri": self.ENTRY})
        create_link_token(plaid, uri)

    @pytest.mark.parametrize(
        "uri",
        [
            pytest.param("https://example.com/oauth.html", id="apex"),
            pytest.param("https://a.b.example.com/oauth.html", id="two-labels"),
            pytest.param("https://a.example.org/oauth.html", id="other-domain"),
            pytest.param("https://a.notexample.com/oauth.html", id="suffix-of-a-label"),
            pytest.param("https://a.example.com/other.html", id="other-path"),
            pytest.param("https://a.example.com/oauth.html/", id="trailing-slash"),
            pytest.param("https://a.example.com:8443/oauth.html", id="other-port"),
        ],
    )
    def test_anything_else_does_not(self, plaid: PlaidCaller, uri: str) -> None:
        plaid.ok(ADD, {"redirect_uri": self.ENTRY})
        assert refused_link_token(plaid, uri) == not_configured(plaid, uri)

    def test_a_wildcard_under_a_subdomain_needs_that_subdomain(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"redirect_uri": "https://*.auth.example.com/oauth.html"})
        create_link_token(plaid, "https://eu.auth.example.com/oauth.html")
        uri = "https://auth.example.com/oauth.html"
        assert refused_link_token(plaid, uri) == not_configured(plaid, uri)

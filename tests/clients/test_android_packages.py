"""Android package names: the client's allow-list and `android_package_name` in
/link/token/create, which replaces `redirect_uri` for Link on Android."""

from __future__ import annotations

import pytest

from tests.builders import PlaidCaller, link_token_request

ADD = "/_gingham/client/android_package_names/add"
REMOVE = "/_gingham/client/android_package_names/remove"
LIST = "/_gingham/client/android_package_names/list"


def invalid_name(name: str) -> str:
    return (
        "android_package_name must be an Android package name such as com.example.app: two or "
        "more dot-separated segments, each starting with a letter and made of letters, digits "
        f"and underscores, at most 255 characters (got {name!r})"
    )


def not_configured(plaid: PlaidCaller, name: str) -> str:
    client_id = plaid.credentials["client_id"]
    return (
        "Android package name must be configured in this API client's allow-list for sandbox: "
        f"add {name} with `gingham client android-package add --client-id {client_id} {name}` "
        "or POST /_gingham/client/android_package_names/add with this client's credentials"
    )


def refused_link_token(plaid: PlaidCaller, **overrides: str) -> str:
    error = plaid.error("/link/token/create", link_token_request(**overrides))
    assert (error["error_type"], error["error_code"]) == ("INVALID_REQUEST", "INVALID_FIELD")
    message: str = error["error_message"]
    return message


class TestManageAllowList:
    def test_add_list_remove(self, plaid: PlaidCaller) -> None:
        added = plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert added == {
            "added": True,
            "environment": "sandbox",
            "android_package_names": ["com.example.app"],
        }
        assert plaid.ok(LIST)["android_package_names"] == ["com.example.app"]
        removed = plaid.ok(REMOVE, {"android_package_name": "com.example.app"})
        assert removed == {"removed": True, "environment": "sandbox", "android_package_names": []}

    def test_add_is_idempotent(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        again = plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert again["added"] is False
        assert again["android_package_names"] == ["com.example.app"]

    def test_removing_an_absent_name_changes_nothing(self, plaid: PlaidCaller) -> None:
        assert plaid.ok(REMOVE, {"android_package_name": "com.example.app"})["removed"] is False

    def test_lists_belong_to_one_client(self, plaid: PlaidCaller, other_plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert other_plaid.ok(LIST)["android_package_names"] == []

    @pytest.mark.parametrize(
        "name",
        ["myapp", "com.1example.app", "com..app", "com.example-app", "com.example.", "_com.app"],
    )
    def test_invalid_name_is_refused(self, plaid: PlaidCaller, name: str) -> None:
        error = plaid.error(ADD, {"android_package_name": name})
        assert (error["error_code"], error["error_message"]) == (
            "INVALID_FIELD",
            invalid_name(name),
        )
        assert plaid.ok(LIST)["android_package_names"] == []

    def test_underscores_digits_and_capitals_are_allowed(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.Example_2.app"})


class TestLinkTokenAndroidPackageName:
    def test_allow_listed_name_is_accepted(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        plaid.ok("/link/token/create", link_token_request(android_package_name="com.example.app"))

    def test_name_not_on_the_allow_list_is_refused(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert refused_link_token(plaid, android_package_name="com.example.other") == (
            not_configured(plaid, "com.example.other")
        )

    def test_names_are_case_sensitive(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert refused_link_token(plaid, android_package_name="com.Example.app") == (
            not_configured(plaid, "com.Example.app")
        )

    def test_another_clients_allow_list_is_not_honoured(
        self, plaid: PlaidCaller, other_plaid: PlaidCaller
    ) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        assert refused_link_token(other_plaid, android_package_name="com.example.app") == (
            not_configured(other_plaid, "com.example.app")
        )

    def test_invalid_name_is_refused(self, plaid: PlaidCaller) -> None:
        assert refused_link_token(plaid, android_package_name="my app") == invalid_name("my app")

    def test_empty_string_counts_as_absent(self, plaid: PlaidCaller) -> None:
        plaid.ok("/link/token/create", link_token_request(android_package_name=""))


class TestRedirectUriOrAndroidPackageName:
    def test_both_are_refused(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        plaid.ok(
            "/_gingham/client/redirect_uris/add",
            {"redirect_uri": "https://app.example.com/oauth.html"},
        )
        message = refused_link_token(
            plaid,
            android_package_name="com.example.app",
            redirect_uri="https://app.example.com/oauth.html",
        )
        assert message == (
            "redirect_uri and android_package_name cannot both be set: use android_package_name "
            "for Link on Android and redirect_uri on every other platform"
        )

    def test_an_empty_one_does_not_count(self, plaid: PlaidCaller) -> None:
        plaid.ok(ADD, {"android_package_name": "com.example.app"})
        plaid.ok(
            "/link/token/create",
            link_token_request(android_package_name="com.example.app", redirect_uri=""),
        )

"""/link/token/create with `hosted_link`: the URL, its lifetime, and what is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gingham.clock import FrozenClock
from gingham.wire.json import format_datetime
from tests.builders import PlaidCaller, link_token_request
from tests.hosted_link.helpers import create_hosted

TWENTY_ONE_DAYS = 21 * 24 * 3600


def expires_in(created: dict[str, Any], clock: FrozenClock, lifetime: timedelta) -> bool:
    return bool(created["expiration"] == format_datetime(clock.now() + lifetime))


class TestHostedLinkUrl:
    def test_an_empty_object_turns_hosted_link_on(self, plaid: PlaidCaller) -> None:
        created = create_hosted(plaid)
        assert set(created) == {"link_token", "expiration", "hosted_link_url"}
        assert created["hosted_link_url"].startswith("http://127.0.0.1:8765/hosted-link/")
        # Opaque: nothing of the link token in it.
        assert created["link_token"].split("-", 2)[2] not in created["hosted_link_url"]

    def test_each_token_gets_its_own_url(self, plaid: PlaidCaller) -> None:
        assert create_hosted(plaid)["hosted_link_url"] != create_hosted(plaid)["hosted_link_url"]

    def test_without_the_object_there_is_no_url(self, plaid: PlaidCaller) -> None:
        assert "hosted_link_url" not in plaid.ok("/link/token/create", link_token_request())

    def test_the_public_url_is_the_urls_origin(self, plaid: PlaidCaller) -> None:
        # The tests' settings leave public_url unset: Gingham's own address is used.
        assert create_hosted(plaid)["hosted_link_url"].count("/hosted-link/") == 1


class TestLifetime:
    def test_thirty_minutes_by_default(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        assert expires_in(create_hosted(plaid), clock, timedelta(minutes=30))

    def test_url_lifetime_seconds_sets_the_tokens_expiration(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        created = create_hosted(plaid, hosted_link={"url_lifetime_seconds": 7200})
        assert expires_in(created, clock, timedelta(hours=2))

    def test_twenty_one_days_is_the_longest(self, plaid: PlaidCaller, clock: FrozenClock) -> None:
        created = create_hosted(plaid, hosted_link={"url_lifetime_seconds": TWENTY_ONE_DAYS})
        assert expires_in(created, clock, timedelta(days=21))

    @pytest.mark.parametrize("seconds", [0, -5, TWENTY_ONE_DAYS + 1])
    def test_out_of_range_is_an_invalid_field(self, plaid: PlaidCaller, seconds: int) -> None:
        error = plaid.error(
            "/link/token/create",
            link_token_request(hosted_link={"url_lifetime_seconds": seconds}),
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "url_lifetime_seconds" in error["error_message"]

    def test_sms_delivery_lasts_a_day_and_email_a_week(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        user = {"client_user_id": "u", "phone_number": "+14155550011", "email_address": "a@b.co"}
        sms = create_hosted(plaid, user=user, hosted_link={"delivery_method": "sms"})
        email = create_hosted(plaid, user=user, hosted_link={"delivery_method": "email"})
        assert expires_in(sms, clock, timedelta(days=1))
        assert expires_in(email, clock, timedelta(days=7))

    def test_update_mode_hosted_links_last_thirty_minutes(
        self, plaid: PlaidCaller, clock: FrozenClock
    ) -> None:
        created = create_hosted(
            plaid,
            products=None,
            access_token=plaid.access_token(),
            hosted_link={"url_lifetime_seconds": 86400},
        )
        assert expires_in(created, clock, timedelta(minutes=30))


class TestOptions:
    @pytest.mark.parametrize(
        "uri", ["wonderwallet://hosted-link-complete", "https://app.example.com/done?x=1"]
    )
    def test_any_absolute_completion_redirect_uri_needs_no_registration(
        self, plaid: PlaidCaller, uri: str
    ) -> None:
        assert create_hosted(plaid, hosted_link={"completion_redirect_uri": uri})

    @pytest.mark.parametrize(
        "uri", ["javascript:alert(1)", "data:text/html,hi", "/relative/path", ""]
    )
    def test_a_completion_redirect_that_would_not_leave_the_page_is_refused(
        self, plaid: PlaidCaller, uri: str
    ) -> None:
        error = plaid.error(
            "/link/token/create", link_token_request(hosted_link={"completion_redirect_uri": uri})
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "completion_redirect_uri" in error["error_message"]

    @pytest.mark.parametrize(
        ("method", "field"), [("sms", "phone_number"), ("email", "email_address")]
    )
    def test_delivery_needs_the_users_phone_or_email(
        self, plaid: PlaidCaller, method: str, field: str
    ) -> None:
        error = plaid.error(
            "/link/token/create", link_token_request(hosted_link={"delivery_method": method})
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert f"user.{field}" in error["error_message"]

    def test_is_mobile_app_is_accepted(self, plaid: PlaidCaller) -> None:
        assert create_hosted(plaid, hosted_link={"is_mobile_app": True})["hosted_link_url"]

    def test_android_package_name_cannot_be_used(self, plaid: PlaidCaller) -> None:
        plaid.ok(
            "/_gingham/client/android_package_names/add",
            {"android_package_name": "com.example.app"},
        )
        error = plaid.error(
            "/link/token/create",
            link_token_request(hosted_link={}, android_package_name="com.example.app"),
        )
        assert error["error_code"] == "INVALID_FIELD"
        assert "android_package_name" in error["error_message"]

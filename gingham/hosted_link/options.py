"""The `hosted_link` object of /link/token/create, checked as Plaid documents it
(LinkTokenCreateHostedLink), and how long the URL and its link token live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from gingham import errors

MAX_URL_LIFETIME = timedelta(days=21)
# Plaid's defaults: 30 minutes for a URL the app hands over itself, a day by SMS, a week by email.
DEFAULT_URL_LIFETIME = timedelta(minutes=30)
DELIVERED_URL_LIFETIMES = {"sms": timedelta(days=1), "email": timedelta(days=7)}
# In the Sandbox, update-mode Hosted Link sessions expire after 30 minutes whatever was asked.
UPDATE_MODE_URL_LIFETIME = timedelta(minutes=30)
# Where each delivery method sends the URL: the field of the request's `user` it needs.
DELIVERY_DESTINATIONS = {"sms": "phone_number", "email": "email_address"}
# Schemes that would run code on Gingham's own page rather than leave it.
_UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript", "blob", "file", "about"})


@dataclass(frozen=True, slots=True)
class HostedLinkOptions:
    completion_redirect_uri: str | None
    is_mobile_app: bool
    delivery_method: str | None
    # The phone number or email address the URL is delivered to, with delivery_method.
    destination: str | None
    lifetime: timedelta


def is_hosted(body_or_config: dict[str, Any]) -> bool:
    """Hosted Link is on when the request sent a `hosted_link` object (an empty one will do)."""
    return isinstance(body_or_config.get("hosted_link"), dict)


def check_hosted_link(body: dict[str, Any], *, update_mode: bool) -> HostedLinkOptions:
    options: dict[str, Any] = body["hosted_link"]
    if body.get("android_package_name"):
        raise errors.invalid_field(
            "android_package_name cannot be used with Hosted Link: on Android, open the "
            "hosted_link_url in a Custom Tab and set redirect_uri to an App Link instead"
        )
    redirect = options.get("completion_redirect_uri")
    if redirect is not None:
        _check_completion_redirect_uri(redirect)
    method = options.get("delivery_method")
    destination = None
    if method is not None:
        field = DELIVERY_DESTINATIONS[method]
        destination = (body.get("user") or {}).get(field)
        if not destination:
            raise errors.invalid_field(
                f"user.{field} is required when hosted_link.delivery_method is {method}"
            )
    lifetime = _lifetime(options, method)
    if update_mode:
        lifetime = min(lifetime, UPDATE_MODE_URL_LIFETIME)
    return HostedLinkOptions(
        completion_redirect_uri=redirect or None,
        is_mobile_app=bool(options.get("is_mobile_app")),
        delivery_method=method,
        destination=destination,
        lifetime=lifetime,
    )


def _lifetime(options: dict[str, Any], method: str | None) -> timedelta:
    seconds = options.get("url_lifetime_seconds")
    if seconds is None:
        return DELIVERED_URL_LIFETIMES.get(method or "", DEFAULT_URL_LIFETIME)
    if seconds <= 0 or seconds > MAX_URL_LIFETIME.total_seconds():
        raise errors.invalid_field(
            "hosted_link.url_lifetime_seconds must be positive and at most 21 days "
            f"({int(MAX_URL_LIFETIME.total_seconds())} seconds); got {seconds}"
        )
    return timedelta(seconds=seconds)


def _check_completion_redirect_uri(uri: str) -> None:
    """Any absolute URI, custom schemes included (an app's `myapp://done`); it need not be
    registered. Never one that would run script on the Hosted Link page itself."""
    try:
        scheme = urlsplit(uri).scheme.lower()
    except ValueError:
        scheme = ""
    if not scheme or scheme in _UNSAFE_SCHEMES or uri != uri.strip():
        raise errors.invalid_field(
            "hosted_link.completion_redirect_uri must be an absolute URI such as "
            f"https://app.example.com/done or myapp://hosted-link-complete (got {uri!r})"
        )

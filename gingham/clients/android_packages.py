"""Android package names: Plaid's "Allowed Android package names", which Link on Android uses
instead of a redirect URI (`android_package_name` in /link/token/create)."""

from __future__ import annotations

import re

from gingham import errors
from gingham.clients.allow_lists import AllowList
from gingham.clients.models import AllowedAndroidPackage

MAX_LENGTH = 255
# Android's application ID rules: two or more dot-separated segments, each starting with a letter
# and made of ASCII letters, digits and underscores. Case matters, as it does on Android.
_PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)+")


def check_package_name(value: str) -> str:
    if len(value) > MAX_LENGTH or not _PACKAGE_NAME.fullmatch(value):
        raise errors.invalid_field(
            "android_package_name must be an Android package name such as com.example.app: two "
            "or more dot-separated segments, each starting with a letter and made of letters, "
            f"digits and underscores, at most {MAX_LENGTH} characters (got {value!r})"
        )
    return value


def _admits(value: str, environment: str, entries: list[str]) -> bool:
    return check_package_name(value) in entries


def _refusal(client_id: str, environment: str, value: str) -> str:
    return (
        f"Android package name must be configured in this API client's allow-list for "
        f"{environment}: add {value} with `gingham client android-package add --client-id "
        f"{client_id} {value}` or POST /_gingham/client/android_package_names/add with this "
        "client's credentials"
    )


# The `android_package_name` of /link/token/create must be on the list as written (case
# matters). A removal names an entry as written, whatever the rules.
ANDROID_PACKAGES = AllowList(
    field="android_package_name",
    listed_as="android_package_names",
    entries="Android package names",
    argument="NAME",
    model=AllowedAndroidPackage,
    column=AllowedAndroidPackage.package_name,
    entry_of=lambda value, environment: check_package_name(value),
    removal_entry_of=lambda value, environment: value,
    admits=_admits,
    refusal=_refusal,
)

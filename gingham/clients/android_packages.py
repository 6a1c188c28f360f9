"""Android package names: Plaid's "Allowed Android package names", which Link on Android uses
instead of a redirect URI (`android_package_name` in /link/token/create)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients.models import AllowedAndroidPackage
from gingham.db import add_once

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


def _entry(
    session: Session, client_id: str, environment: str, name: str
) -> AllowedAndroidPackage | None:
    return session.scalar(
        select(AllowedAndroidPackage).where(
            AllowedAndroidPackage.client_id == client_id,
            AllowedAndroidPackage.environment == environment,
            AllowedAndroidPackage.package_name == name,
        )
    )


def list_android_packages(session: Session, client_id: str, environment: str) -> list[str]:
    return list(
        session.scalars(
            select(AllowedAndroidPackage.package_name)
            .where(
                AllowedAndroidPackage.client_id == client_id,
                AllowedAndroidPackage.environment == environment,
            )
            .order_by(AllowedAndroidPackage.package_name)
        )
    )


def add_android_package(
    session: Session, client_id: str, environment: str, value: str, now: datetime
) -> tuple[str, bool]:
    """Allow the package name `value` (after the rules): the entry, and whether it is new."""
    name = check_package_name(value)
    if _entry(session, client_id, environment, name) is not None:
        return name, False
    row = AllowedAndroidPackage(
        id=uuid.uuid4().hex,
        client_id=client_id,
        environment=environment,
        package_name=name,
        created_at=now,
    )
    return name, add_once(session, row)


def remove_android_package(
    session: Session, client_id: str, environment: str, value: str
) -> tuple[str, bool]:
    """Remove the package name `value`: the entry, and whether it was there."""
    row = _entry(session, client_id, environment, value)
    if row is None:
        return value, False
    session.delete(row)
    session.flush()
    return value, True


def check_link_token_android_package(
    session: Session, client_id: str, environment: str, value: str
) -> None:
    """The `android_package_name` of /link/token/create: on the client's allow-list."""
    name = check_package_name(value)
    if _entry(session, client_id, environment, name) is None:
        raise errors.invalid_field(
            f"Android package name must be configured in this API client's allow-list for "
            f"{environment}: add {name} with `gingham client android-package add --client-id "
            f"{client_id} {name}` or POST /_gingham/client/android_package_names/add with this "
            "client's credentials"
        )

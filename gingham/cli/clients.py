"""`gingham client create` and the allow-list commands (`gingham client redirect-uri|android-package`)."""

from __future__ import annotations

import json
import sys

from gingham import errors
from gingham.cli.database import create_client, prepare_database
from gingham.clients import allow_lists
from gingham.clients import service as clients_service
from gingham.clients.allow_lists import AllowList
from gingham.clients.android_packages import ANDROID_PACKAGES
from gingham.clients.redirect_uris import REDIRECT_URIS
from gingham.clock import SystemClock
from gingham.config import Settings
from gingham.db import make_engine, make_session_factory


def client_create(settings: Settings, name: str, *, as_json: bool) -> None:
    prepare_database(settings)
    created = create_client(settings, name, only_if_none=False)
    assert created is not None
    if as_json:
        print(
            json.dumps(
                {
                    "client_id": created.client_id,
                    "secret": created.secret,
                    "public_key": created.public_key,
                    "name": created.name,
                    "environment": created.environment,
                }
            )
        )
    else:
        print(f"Created API client {created.name!r} ({created.environment}).")
        print(f"  client_id: {created.client_id}")
        print(f"  secret:    {created.secret}   (shown once; only its hash is stored)")
        print(
            f"  public_key: {created.public_key}   (legacy; POST /_gingham/client/public_key/get)"
        )


ALLOW_LISTS: dict[str, AllowList] = {
    "redirect-uri": REDIRECT_URIS,
    "android-package": ANDROID_PACKAGES,
}
# The only environment with API clients for now; the lists are kept per environment already.
ALLOW_LIST_ENVIRONMENT = "sandbox"


def manage_allow_list(
    settings: Settings, allow_list: AllowList, action: str, client_id: str, value: str | None
) -> int:
    """Run one `gingham client redirect-uri|android-package` action; the exit status."""
    prepare_database(settings)
    environment = ALLOW_LIST_ENVIRONMENT
    where = f"the {environment} {allow_list.entries} of client {client_id}"
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            if not clients_service.client_exists(session, client_id):
                print(
                    f"gingham: no API client has client_id {client_id!r}; "
                    "create one with `gingham client create --name NAME`",
                    file=sys.stderr,
                )
                return 2
            if action == "list":
                entries = allow_lists.list_entries(session, allow_list, client_id, environment)
                for entry in entries:
                    print(entry)
                if not entries:
                    print(
                        f"No {allow_list.entries} are allowed for client {client_id} ({environment}).",
                        file=sys.stderr,
                    )
                return 0
            assert value is not None
            if action == "add":
                entry, changed = allow_lists.add(
                    session, allow_list, client_id, environment, value, SystemClock().now()
                )
                print(
                    f"Added {entry} to {where}."
                    if changed
                    else f"{entry} is already on {where}; nothing changed."
                )
            else:
                entry, changed = allow_lists.remove(
                    session, allow_list, client_id, environment, value
                )
                print(
                    f"Removed {entry} from {where}."
                    if changed
                    else f"{entry} is not on {where}; nothing removed."
                )
            return 0
    except errors.PlaidError as error:
        print(f"gingham: {error.error_message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()

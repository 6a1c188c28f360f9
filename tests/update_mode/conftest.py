"""Update mode tests. Most run on the rolled-back database through headless Link or the frame's
API; those at OAuth banks (test_oauth*.py) follow an Item through the bank's consent pages and
its webhooks, on the lifecycle tests' fixtures: the app on a committed database with the OAuth
bank in-process, a loopback receiver verifying every webhook, and a delivery worker the test
runs."""

# Fixtures shared with the lifecycle tests are imported here; their names are parameters below.
from __future__ import annotations

from tests.lifecycle.conftest import (  # noqa: F401  (fixtures)
    api,
    app_client,
    bank_app,
    bank_browser,
    deliver_due,
    key_fetcher,
    make_worker,
    receiver,
    secrets,
    username,
)

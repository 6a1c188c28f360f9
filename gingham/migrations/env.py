"""Alembic environment. Gingham runs migrations itself (`gingham serve`, the tests); the URL
comes from the caller's Config, or from GINGHAM_DATABASE_URL when run through `alembic`."""

from __future__ import annotations

from alembic import context

from gingham.accounts import models as _accounts  # noqa: F401  (registers tables)
from gingham.assets import models as _assets  # noqa: F401
from gingham.bank import models as _bank  # noqa: F401
from gingham.bank_income import models as _bank_income  # noqa: F401
from gingham.clients import models as _clients  # noqa: F401
from gingham.config import Settings
from gingham.db import Base, make_engine
from gingham.hosted_link import models as _hosted_link  # noqa: F401
from gingham.institutions import models as _institutions  # noqa: F401
from gingham.investments import models as _investments  # noqa: F401
from gingham.items import models as _items  # noqa: F401
from gingham.link import models as _link  # noqa: F401
from gingham.link_customizations import models as _link_customizations  # noqa: F401
from gingham.link_tokens import models as _link_tokens  # noqa: F401
from gingham.oauth_bank import models as _oauth_bank  # noqa: F401
from gingham.read_cache import models as _read_cache  # noqa: F401
from gingham.request_log import models as _request_log  # noqa: F401
from gingham.sandbox_clock import models as _sandbox_clock  # noqa: F401
from gingham.signal import models as _signal  # noqa: F401
from gingham.statements import models as _statements  # noqa: F401
from gingham.transactions import models as _transactions  # noqa: F401
from gingham.users import models as _users  # noqa: F401
from gingham.webhook_inbox import models as _webhook_inbox  # noqa: F401
from gingham.webhooks import models as _webhooks  # noqa: F401

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER through table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

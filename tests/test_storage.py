"""What the database holds: schema in step with the models, and no usable secret in the clear."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from gingham.db import HEAD_REVISION, MIGRATIONS_DIR, Base, at_head, make_engine, migrate
from tests.builders import PlaidCaller, link_token_request
from tests.migrating import empty_database_url


class TestMigrations:
    def test_migrations_match_the_models(self, engine: Engine) -> None:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []


class TestStartingUp:
    def test_head_revision_names_the_migrations_one_head(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        heads = ScriptDirectory.from_config(config).get_heads()
        assert heads == [HEAD_REVISION], (
            f"gingham.db.HEAD_REVISION is {HEAD_REVISION!r} but the migrations' heads are "
            f"{heads}: set it to the newest revision"
        )

    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_an_up_to_date_database_is_checked_without_alembic(
        self, backend: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        with empty_database_url(backend, tmp_path_factory, "starting_up") as url:
            engine = make_engine(url)
            try:
                assert not at_head(engine)
                migrate(engine)
                assert at_head(engine)
            finally:
                engine.dispose()
            # A new process, as `gingham serve` starts: migrating again loads no Alembic.
            check = (
                "import sys; from gingham.db import make_engine, migrate; "
                f"migrate(make_engine({url!r})); print('alembic' in sys.modules)"
            )
            completed = subprocess.run(
                [sys.executable, "-c", check], capture_output=True, text=True, check=True
            )
            assert completed.stdout.strip() == "False"


class TestSecretsAtRest:
    def test_no_token_or_secret_is_stored_in_the_clear(
        self, plaid: PlaidCaller, connection: Connection
    ) -> None:
        access_token = plaid.access_token()
        public_token = plaid.public_token()
        link_token = plaid.ok("/link/token/create", link_token_request())["link_token"]
        update_link_token = plaid.ok(
            "/link/token/create", link_token_request(products=None, access_token=access_token)
        )["link_token"]
        plaintexts = [
            plaid.credentials["secret"],
            access_token,
            public_token,
            link_token,
            update_link_token,
        ]

        dump = []
        for table in inspect(connection).get_table_names():
            if table == "alembic_version":
                continue
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                dump.append(" ".join(str(value) for value in row))
        everything = "\n".join(dump)
        assert plaid.credentials["client_id"] in everything  # the dump did read the data
        for plaintext in plaintexts:
            # Neither the whole token nor its random part (the UUID after "<kind>-<env>-").
            random_part = plaintext.split("-", 2)[-1]
            assert random_part not in everything

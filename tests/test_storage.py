"""What the database holds: schema in step with the models, and no usable secret in the clear."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from gingham.db import Base
from tests.builders import PlaidCaller, link_token_request


class TestMigrations:
    def test_migrations_match_the_models(self, engine: Engine) -> None:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []


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

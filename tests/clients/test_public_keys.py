"""Legacy public keys: one per client, resolving to that client only, with switches per
environment for Link and for the API."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from gingham import errors
from gingham.clients import public_keys
from gingham.clients import service as clients_service
from gingham.clients.models import ClientPublicKey
from gingham.clock import FrozenClock
from gingham.db import make_engine
from tests.migrating import empty_database_url, upgrade

ALL_ON = {"sandbox": {"link": True, "api": True}, "production": {"link": True, "api": True}}


def new_client(session: Session, clock: FrozenClock, name: str = "App") -> str:
    return clients_service.create_client(session, name, clock.now()).client_id


class TestPublicKeyOf:
    def test_a_new_client_has_a_key_shaped_like_plaids(
        self, session: Session, clock: FrozenClock
    ) -> None:
        issued = clients_service.create_client(session, "App", clock.now())
        assert re.fullmatch(r"[0-9a-f]{30}", issued.public_key)
        assert public_keys.public_key_of(session, issued.client_id) == issued.public_key

    def test_a_client_without_a_key_gets_one_that_stays(
        self, session: Session, clock: FrozenClock
    ) -> None:
        client_id = new_client(session, clock)
        session.execute(delete(ClientPublicKey).where(ClientPublicKey.client_id == client_id))
        made = public_keys.public_key_of(session, client_id)
        assert re.fullmatch(r"[0-9a-f]{30}", made)
        assert public_keys.public_key_of(session, client_id) == made

    def test_clients_have_different_keys(self, session: Session, clock: FrozenClock) -> None:
        first = public_keys.public_key_of(session, new_client(session, clock, "One"))
        second = public_keys.public_key_of(session, new_client(session, clock, "Two"))
        assert first != second

    def test_the_key_is_stored_as_an_identifier(self, session: Session, clock: FrozenClock) -> None:
        client_id = new_client(session, clock)
        key = public_keys.public_key_of(session, client_id)
        stored = session.scalar(
            select(ClientPublicKey.public_key).where(ClientPublicKey.client_id == client_id)
        )
        assert stored == key


class TestOwnerOfPublicKey:
    def test_a_key_resolves_to_its_client_only(self, session: Session, clock: FrozenClock) -> None:
        first = new_client(session, clock, "One")
        second = new_client(session, clock, "Two")
        owner = public_keys.owner_of_public_key(session, public_keys.public_key_of(session, first))
        assert owner is not None
        assert owner.client_id == first
        other = public_keys.owner_of_public_key(session, public_keys.public_key_of(session, second))
        assert other is not None and other.client_id == second

    @pytest.mark.parametrize("key", ["0" * 30, "", "not a key", "A" * 300])
    def test_an_unknown_key_has_no_owner(
        self, session: Session, clock: FrozenClock, key: str
    ) -> None:
        new_client(session, clock)
        assert public_keys.owner_of_public_key(session, key) is None

    def test_the_owner_carries_the_switches(self, session: Session, clock: FrozenClock) -> None:
        client_id = new_client(session, clock)
        key = public_keys.public_key_of(session, client_id)
        public_keys.set_switches(session, client_id, "sandbox", api=False)
        owner = public_keys.owner_of_public_key(session, key)
        assert owner is not None
        assert owner.public_key == key
        assert dict(owner.link_enabled) == {"sandbox": True, "production": True}
        assert dict(owner.api_enabled) == {"sandbox": False, "production": True}


class TestSwitches:
    def test_everything_is_on_to_begin_with(self, session: Session, clock: FrozenClock) -> None:
        assert public_keys.switches(session, new_client(session, clock)) == ALL_ON

    def test_each_switch_and_environment_is_set_apart(
        self, session: Session, clock: FrozenClock
    ) -> None:
        client_id = new_client(session, clock)
        assert public_keys.set_switches(session, client_id, "sandbox", link=False) == {
            "sandbox": {"link": False, "api": True},
            "production": {"link": True, "api": True},
        }
        assert public_keys.set_switches(session, client_id, "production", api=False) == {
            "sandbox": {"link": False, "api": True},
            "production": {"link": True, "api": False},
        }
        # Nothing given leaves both as they are.
        assert public_keys.set_switches(session, client_id, "sandbox") == {
            "sandbox": {"link": False, "api": True},
            "production": {"link": True, "api": False},
        }
        public_keys.set_switches(session, client_id, "sandbox", link=True, api=False)
        assert public_keys.switches(session, client_id)["sandbox"] == {"link": True, "api": False}

    def test_one_clients_switches_leave_anothers_alone(
        self, session: Session, clock: FrozenClock
    ) -> None:
        first = new_client(session, clock, "One")
        second = new_client(session, clock, "Two")
        public_keys.set_switches(session, first, "sandbox", link=False, api=False)
        assert public_keys.switches(session, second) == ALL_ON

    def test_an_unknown_environment_is_refused(self, session: Session, clock: FrozenClock) -> None:
        with pytest.raises(ValueError, match="development"):
            public_keys.set_switches(session, new_client(session, clock), "development", link=False)


class TestMigration:
    @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
    def test_clients_made_before_keys_existed_get_one_each(
        self, backend: str, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        with empty_database_url(backend, tmp_path_factory, "public_keys") as url:
            engine = make_engine(url)
            try:
                with engine.begin() as connection:
                    upgrade(connection, "da7a00000007")
                    for client_id in ("a" * 24, "b" * 24):
                        connection.execute(
                            text(
                                "INSERT INTO api_clients (id, name, created_at) "
                                "VALUES (:id, 'Old app', :now)"
                            ),
                            {"id": client_id, "now": datetime(2026, 1, 1)},
                        )
                with engine.begin() as connection:
                    upgrade(connection, "heads")
                with Session(engine) as session:
                    keys = {
                        client_id: public_keys.public_key_of(session, client_id)
                        for client_id in ("a" * 24, "b" * 24)
                    }
                    assert session.scalar(select(func.count()).select_from(ClientPublicKey)) == 2
                    assert all(re.fullmatch(r"[0-9a-f]{30}", key) for key in keys.values())
                    assert len(set(keys.values())) == 2
                    assert public_keys.switches(session, "a" * 24) == ALL_ON
            finally:
                engine.dispose()


class TestErrors:
    def test_each_error_says_what_to_use_instead(self) -> None:
        unknown = errors.public_key_unknown()
        link = errors.public_key_link_disabled("sandbox")
        api = errors.public_key_api_disabled("production", "/institutions/search")
        for error in (unknown, link, api):
            assert (error.error_type, error.error_code, error.status) == (
                "INVALID_INPUT",
                "INVALID_API_KEYS",
                400,
            )
        assert "client_id and secret" in unknown.error_message
        assert "for Link in the sandbox environment" in link.error_message
        assert "link_token from /link/token/create" in link.error_message
        assert link.display_message is not None
        assert "for the API in the production environment" in api.error_message
        assert "Call /institutions/search with your client_id and secret" in api.error_message

"""`gingham serve` on an empty database: the banner's credentials work with plaid-python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from plaid.model.country_code import CountryCode
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest

from tests.compat.conftest import (
    SANDBOX_INSTITUTION,
    banner_credentials,
    close_plaid_api,
    plaid_api_for,
)
from tests.live_server import BACKENDS, empty_database, running_server, server_environment


@pytest.fixture(params=BACKENDS)
def empty_database_environment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    with empty_database(request.param, tmp_path_factory) as database:
        yield server_environment(database)


def institution_name(base_url: str, credentials: dict[str, str]) -> str:
    api = plaid_api_for(base_url, credentials["PLAID_CLIENT_ID"], credentials["PLAID_SECRET"])
    try:
        response = api.institutions_get_by_id(
            InstitutionsGetByIdRequest(
                institution_id=SANDBOX_INSTITUTION, country_codes=[CountryCode("US")]
            )
        )
    finally:
        close_plaid_api(api)
    name: str = response.institution.name
    return name


class TestFirstStart:
    def test_banner_credentials_work(
        self, empty_database_environment: dict[str, str], tmp_path: Path
    ) -> None:
        with running_server(empty_database_environment, tmp_path / "first.log") as server:
            output = server.output()
            credentials = banner_credentials(output)

            assert set(credentials) == {"PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_PUBLIC_KEY"}, (
                output
            )
            assert server.base_url in output
            assert institution_name(server.base_url, credentials) == "First Platypus Bank"
            legacy = httpx.post(
                f"{server.base_url}/institutions/get_by_id",
                json={
                    "institution_id": SANDBOX_INSTITUTION,
                    "country_codes": ["US"],
                    "public_key": credentials["PLAID_PUBLIC_KEY"],
                },
            )
            assert legacy.status_code == 200, legacy.text
            assert legacy.json()["institution"]["name"] == "First Platypus Bank"

    def test_restart_prints_no_new_secret_and_keeps_the_client(
        self, empty_database_environment: dict[str, str], tmp_path: Path
    ) -> None:
        with running_server(empty_database_environment, tmp_path / "first.log") as server:
            credentials = banner_credentials(server.output())
            assert credentials, server.output()

        with running_server(empty_database_environment, tmp_path / "second.log") as server:
            output = server.output()

            assert banner_credentials(output) == {}, output
            assert institution_name(server.base_url, credentials) == "First Platypus Bank"

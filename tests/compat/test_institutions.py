"""/institutions/get, /institutions/get_by_id and /institutions/search through plaid-python."""

from __future__ import annotations

import base64
import re

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.institution import Institution
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest
from plaid.model.institutions_get_by_id_request_options import InstitutionsGetByIdRequestOptions
from plaid.model.institutions_get_request import InstitutionsGetRequest
from plaid.model.institutions_get_request_options import InstitutionsGetRequestOptions
from plaid.model.institutions_search_request import InstitutionsSearchRequest
from plaid.model.institutions_search_request_options import InstitutionsSearchRequestOptions
from plaid.model.products import Products

from tests.compat.conftest import SANDBOX_INSTITUTION, assert_plaid_error

US = [CountryCode("US")]


def institutions_get(
    api: plaid_api.PlaidApi, *, count: int = 500, offset: int = 0, **options: object
) -> tuple[list[Institution], int]:
    request = InstitutionsGetRequest(count=count, offset=offset, country_codes=US)
    if options:
        request.options = InstitutionsGetRequestOptions(**options)
    response = api.institutions_get(request)
    assert response.request_id
    return response.institutions, response.total


def ids(institutions: list[Institution]) -> list[str]:
    return [institution.institution_id for institution in institutions]


def product_names(institution: Institution) -> set[str]:
    return {product.value for product in institution.products}


class TestInstitutionsGet:
    def test_count_offset_and_total(self, plaid_client: plaid_api.PlaidApi) -> None:
        everything, total = institutions_get(plaid_client)
        assert total == len(everything) > 4

        first_page, first_total = institutions_get(plaid_client, count=2, offset=0)
        second_page, second_total = institutions_get(plaid_client, count=2, offset=2)

        assert first_total == second_total == total
        assert ids(first_page) + ids(second_page) == ids(everything)[:4]
        assert SANDBOX_INSTITUTION in ids(everything)
        for institution in everything:
            assert "US" in [code.value for code in institution.country_codes]
            assert institution.connection_availability.value in ("SUPPORTED", "NOT_SUPPORTED")

    def test_offset_past_the_end_is_empty(self, plaid_client: plaid_api.PlaidApi) -> None:
        _, total = institutions_get(plaid_client)
        institutions, reported_total = institutions_get(plaid_client, count=10, offset=total)
        assert institutions == []
        assert reported_total == total

    def test_products_option_filters(self, plaid_client: plaid_api.PlaidApi) -> None:
        _, total = institutions_get(plaid_client)

        institutions, filtered_total = institutions_get(
            plaid_client, products=[Products("investments")]
        )

        assert 0 < filtered_total < total
        assert len(institutions) == filtered_total
        assert all("investments" in product_names(institution) for institution in institutions)

    def test_oauth_option_gives_only_oauth_institutions(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        institutions, total = institutions_get(plaid_client, oauth=True)

        assert total == len(institutions) > 0
        assert all(institution.oauth is True for institution in institutions)
        assert SANDBOX_INSTITUTION not in ids(institutions)

    def test_optional_metadata(self, plaid_client: plaid_api.PlaidApi) -> None:
        plain, _ = institutions_get(plaid_client, count=1)
        assert "url" not in plain[0] and "primary_color" not in plain[0]

        institutions, _ = institutions_get(plaid_client, include_optional_metadata=True)

        platypus = next(i for i in institutions if i.institution_id == SANDBOX_INSTITUTION)
        assert platypus.url == "https://www.firstplatypusbank.com"
        assert base64.b64decode(platypus.logo).startswith(b"\x89PNG")
        assert re.fullmatch(r"#[0-9a-f]{6}", platypus.primary_color)


class TestInstitutionsGetById:
    def test_with_status(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_get_by_id(
            InstitutionsGetByIdRequest(
                institution_id=SANDBOX_INSTITUTION,
                country_codes=US,
                options=InstitutionsGetByIdRequestOptions(
                    include_status=True, include_optional_metadata=True
                ),
            )
        )

        institution = response.institution
        assert institution.institution_id == SANDBOX_INSTITUTION
        assert institution.name == "First Platypus Bank"
        assert institution.oauth is False
        assert institution.connection_availability.value == "SUPPORTED"
        assert {"auth", "transactions", "identity"} <= product_names(institution)
        assert institution.routing_numbers
        assert institution.status.item_logins.status == "HEALTHY"
        assert institution.status.item_logins.last_status_change.tzinfo is not None
        assert 0.0 <= institution.status.item_logins.breakdown.success <= 1.0
        assert institution.url == "https://www.firstplatypusbank.com"
        assert response.request_id

    def test_without_status(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_get_by_id(
            InstitutionsGetByIdRequest(institution_id=SANDBOX_INSTITUTION, country_codes=US)
        )
        assert response.institution.name == "First Platypus Bank"
        assert "status" not in response.institution

    def test_unknown_id_is_invalid_institution(self, plaid_client: plaid_api.PlaidApi) -> None:
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.institutions_get_by_id(
                InstitutionsGetByIdRequest(institution_id="ins_999999999", country_codes=US)
            )
        assert_plaid_error(
            caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_INSTITUTION"
        )


class TestInstitutionsSearch:
    def test_finds_platypus_banks(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_search(
            InstitutionsSearchRequest(query="platypus", country_codes=US)
        )

        names = [institution.name for institution in response.institutions]
        assert 1 <= len(names) <= 10
        assert "First Platypus Bank" in names
        assert all("platypus" in name.lower() for name in names)
        assert response.request_id

    def test_oauth_option_and_metadata(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_search(
            InstitutionsSearchRequest(
                query="platypus",
                country_codes=US,
                options=InstitutionsSearchRequestOptions(
                    oauth=True, include_optional_metadata=True
                ),
            )
        )

        assert response.institutions
        assert all(institution.oauth is True for institution in response.institutions)
        assert all(institution.url for institution in response.institutions)

    def test_no_match_is_empty(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_search(
            InstitutionsSearchRequest(query="zzqx no such bank", country_codes=US)
        )
        assert response.institutions == []

"""Only products Gingham serves, through plaid-python against a live server: refusals are Plaid's
INVALID_PRODUCT, and Items and institutions list served products in plaid-python's models."""

from __future__ import annotations

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.country_code import CountryCode
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest
from plaid.model.institutions_get_by_id_request_options import InstitutionsGetByIdRequestOptions
from plaid.model.institutions_get_request import InstitutionsGetRequest
from plaid.model.institutions_get_request_options import InstitutionsGetRequestOptions
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_payment_initiation import (
    LinkTokenCreateRequestPaymentInitiation,
)
from plaid.model.link_token_create_request_transfer import LinkTokenCreateRequestTransfer
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.products import Products
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest

from gingham.products import catalogue
from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item

COUNTRIES = [CountryCode(code) for code in ("US", "GB", "FR", "CA")]


def link_token_request(**fields: object) -> LinkTokenCreateRequest:
    base: dict[str, object] = {
        "client_name": "Compat App",
        "language": "en",
        "country_codes": [CountryCode("US")],
        "user": LinkTokenCreateRequestUser(client_user_id="compat-user-1"),
        "products": [Products("auth"), Products("transactions"), Products("signal")],
    }
    base.update(fields)
    return LinkTokenCreateRequest(**base)


def refused(call: object) -> dict[str, object]:
    assert callable(call)
    with pytest.raises(plaid.ApiException) as caught:
        call()
    return assert_plaid_error(
        caught.value, status=400, error_type="INVALID_INPUT", error_code="INVALID_PRODUCT"
    )


class TestLinkTokenCreate:
    def test_the_quickstarts_default_products_are_accepted(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        assert plaid_client.link_token_create(link_token_request()).link_token

    @pytest.mark.parametrize(
        "field",
        [
            "products",
            "required_if_supported_products",
            "optional_products",
            "additional_consented_products",
        ],
    )
    def test_an_unserved_product_is_invalid_product(
        self, plaid_client: plaid_api.PlaidApi, field: str
    ) -> None:
        request = (
            link_token_request(products=[Products("transfer")])
            if field == "products"
            else link_token_request(**{field: [Products("transfer")]})
        )
        body = refused(lambda: plaid_client.link_token_create(request))
        assert str(body["error_message"]).startswith(
            'client is not authorized to access the following products: ["transfer"]'
        )

    def test_a_transfer_authorization_is_invalid_product(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        request = link_token_request(
            transfer=LinkTokenCreateRequestTransfer(
                authorization_id="460cbe92-2dcc-8eae-5ad6-b37d0ec90fd9"
            )
        )
        body = refused(lambda: plaid_client.link_token_create(request))
        assert "starts Transfer" in str(body["error_message"])

    def test_payment_initiation_is_invalid_product(self, plaid_client: plaid_api.PlaidApi) -> None:
        request = link_token_request(
            payment_initiation=LinkTokenCreateRequestPaymentInitiation(
                payment_id="payment-id-sandbox-1"
            )
        )
        refused(lambda: plaid_client.link_token_create(request))

    def test_update_mode_accepts_optional_products(
        self, plaid_client: plaid_api.PlaidApi, linked_item: LinkedItem
    ) -> None:
        request = LinkTokenCreateRequest(
            client_name="Compat App",
            language="en",
            country_codes=[CountryCode("US")],
            user=LinkTokenCreateRequestUser(client_user_id="compat-user-1"),
            access_token=linked_item.access_token,
            optional_products=[Products("auth")],
            required_if_supported_products=[Products("identity")],
        )
        assert plaid_client.link_token_create(request).link_token


class TestSandboxPublicTokenCreate:
    def test_an_unserved_initial_product_is_invalid_product(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        request = SandboxPublicTokenCreateRequest(
            institution_id="ins_109508",
            initial_products=[Products("auth"), Products("payment_initiation")],
        )
        refused(lambda: plaid_client.sandbox_public_token_create(request))


class TestListedProducts:
    def test_item_get_lists_served_products(self, plaid_client: plaid_api.PlaidApi) -> None:
        item = link_item(plaid_client, products=("transactions", "signal"))
        got = plaid_client.item_get(ItemGetRequest(access_token=item.access_token)).item
        billed = {product.value for product in got.billed_products}
        available = {product.value for product in got.available_products}
        assert billed == {"signal", "transactions"}
        assert available <= catalogue.LISTED
        assert {"auth", "identity_match", "investments", "recurring_transactions"} <= available

    def test_institutions_list_served_products(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_get(
            InstitutionsGetRequest(country_codes=COUNTRIES, count=500, offset=0)
        )
        assert response.institutions
        for institution in response.institutions:
            assert {p.value for p in institution.products} <= catalogue.LISTED

    def test_filtering_by_transfer_finds_nothing(self, plaid_client: plaid_api.PlaidApi) -> None:
        response = plaid_client.institutions_get(
            InstitutionsGetRequest(
                country_codes=COUNTRIES,
                count=500,
                offset=0,
                options=InstitutionsGetRequestOptions(products=[Products("transfer")]),
            )
        )
        assert (response.institutions, response.total) == ([], 0)

    def test_a_uk_bank_offers_auth(self, plaid_client: plaid_api.PlaidApi) -> None:
        institution = plaid_client.institutions_get_by_id(
            InstitutionsGetByIdRequest(
                institution_id="ins_117650",
                country_codes=[CountryCode("GB")],
                options=InstitutionsGetByIdRequestOptions(include_auth_metadata=True),
            )
        ).institution
        assert [p.value for p in institution.products] == [
            "auth",
            "balance",
            "identity",
            "transactions",
        ]
        assert institution.auth_metadata.supported_methods.instant_auth is True

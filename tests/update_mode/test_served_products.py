"""Update mode and the products Gingham serves: products it does not serve are refused there as
everywhere, while `optional_products` and `required_if_supported_products` are accepted and have
no effect, as at Plaid."""

from __future__ import annotations

import pytest

from tests.builders import PlaidCaller, item_of
from tests.update_mode.helpers import (
    DTM,
    complete,
    link_item,
    save_dtm,
    update_request,
    update_token,
)

OTHER_FIELDS = ["required_if_supported_products", "optional_products"]


class TestUnservedProducts:
    @pytest.mark.parametrize("product", ["transfer", "payment_initiation", "employment"])
    def test_are_refused_before_update_modes_own_rules(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        error = plaid.error(
            "/link/token/create", update_request(plaid.access_token(), products=[product])
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")
        assert f'["{product}"]' in error["error_message"]

    @pytest.mark.parametrize("field", OTHER_FIELDS)
    def test_are_refused_in_the_fields_update_mode_ignores(
        self, plaid: PlaidCaller, field: str
    ) -> None:
        error = plaid.error(
            "/link/token/create",
            update_request(plaid.access_token(), **{field: ["identity_verification"]}),
        )
        assert error["error_code"] == "INVALID_PRODUCT"


class TestFieldsUpdateModeIgnores:
    @pytest.mark.parametrize("field", OTHER_FIELDS)
    def test_a_product_the_institution_lacks_is_not_validated(
        self, plaid: PlaidCaller, field: str
    ) -> None:
        # Royal Bank of Plaid offers no Investments; Plaid skips these fields in update mode.
        access_token = plaid.access_token(institution_id="ins_117650")
        plaid.ok(
            "/link/token/create",
            update_request(access_token, country_codes=["GB"], **{field: ["investments"]}),
        )

    @pytest.mark.parametrize("field", OTHER_FIELDS)
    def test_they_gain_no_consent_on_a_data_transparency_item(
        self, plaid: PlaidCaller, field: str
    ) -> None:
        linked = link_item(plaid, customization=save_dtm(plaid))
        done = complete(
            plaid,
            update_token(
                plaid,
                linked.access_token,
                link_customization_name=DTM,
                **{field: ["auth", "investments"]},
            ),
        )
        assert done["status"] == "SUCCESS", done
        item = item_of(plaid, linked)
        assert item["consented_products"] == ["transactions"]
        assert item["billed_products"] == ["transactions"]
        error = plaid.error("/auth/get", {"access_token": linked.access_token})
        assert error["error_code"] == "ADDITIONAL_CONSENT_REQUIRED"


class TestAddingProducts:
    @pytest.mark.parametrize("product", ["assets", "statements", "income_verification"])
    def test_assets_statements_and_income_are_accepted(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        plaid.ok("/link/token/create", update_request(plaid.access_token(), products=[product]))

"""/sandbox/public_token/create `initial_products`: only products Gingham serves."""

from __future__ import annotations

import pytest

from gingham.products import catalogue
from tests.builders import PlaidCaller


def create(plaid: PlaidCaller, *products: str, institution_id: str = "ins_109508") -> str:
    body = {"institution_id": institution_id, "initial_products": list(products)}
    token: str = plaid.ok("/sandbox/public_token/create", body)["public_token"]
    return token


class TestInitialProducts:
    @pytest.mark.parametrize("product", sorted(catalogue.NOT_SERVED))
    def test_a_product_gingham_does_not_serve_is_refused(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        error = plaid.error(
            "/sandbox/public_token/create",
            {"institution_id": "ins_109508", "initial_products": ["auth", product]},
        )
        assert (error["error_type"], error["error_code"]) == ("INVALID_INPUT", "INVALID_PRODUCT")
        assert error["error_message"].startswith(
            f'client is not authorized to access the following products: ["{product}"] '
            "(initial_products): Gingham does not serve"
        ), error["error_message"]

    @pytest.mark.parametrize("product", ["identity_match", "transactions_refresh", "balance"])
    def test_add_ons_and_balance_are_not_initial_products(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        error = plaid.error(
            "/sandbox/public_token/create",
            {"institution_id": "ins_109508", "initial_products": [product]},
        )
        assert error["error_code"] == "INVALID_PRODUCT"
        assert error["error_message"].startswith(
            f"{product} is not a valid product for initial_products"
        )

    def test_the_refusal_comes_before_the_institutions_products(self, plaid: PlaidCaller) -> None:
        # Royal Bank of Plaid offers neither; Gingham not serving Transfer is the answer.
        error = plaid.error(
            "/sandbox/public_token/create",
            {"institution_id": "ins_117650", "initial_products": ["transfer"]},
        )
        assert error["error_code"] == "INVALID_PRODUCT"

    @pytest.mark.parametrize(
        "products",
        [
            ["auth", "transactions", "signal"],
            ["identity"],
            ["investments"],
            ["liabilities"],
            ["assets", "statements", "income_verification"],
        ],
    )
    def test_served_products_are_billed(self, plaid: PlaidCaller, products: list[str]) -> None:
        exchanged = plaid.ok(
            "/item/public_token/exchange", {"public_token": create(plaid, *products)}
        )
        item = plaid.ok("/item/get", {"access_token": exchanged["access_token"]})["item"]
        assert item["billed_products"] == sorted(products)

    def test_auth_at_a_uk_bank(self, plaid: PlaidCaller) -> None:
        create(plaid, "auth", institution_id="ins_117650")

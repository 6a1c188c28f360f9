"""Institutions offer only products Gingham serves, on every /institutions/* endpoint and in
Link's institution search; UK and EU banks offer Auth."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from gingham.institutions.catalogue import CATALOGUE
from gingham.products import catalogue
from tests.builders import PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver

EVERY_COUNTRY = sorted({code for institution in CATALOGUE for code in institution.country_codes})
UK_AND_EU_BANKS = ["ins_116834", "ins_117650", "ins_117181"]


def listed(plaid: PlaidCaller, **options: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = plaid.ok(
        "/institutions/get",
        {"country_codes": EVERY_COUNTRY, "count": 500, "offset": 0, "options": options},
    )["institutions"]
    return found


class TestInstitutionProducts:
    def test_every_institution_lists_only_served_products(self, plaid: PlaidCaller) -> None:
        institutions = listed(plaid)
        assert len(institutions) == len(CATALOGUE)
        for institution in institutions:
            assert set(institution["products"]) <= catalogue.LISTED, institution["institution_id"]

    @pytest.mark.parametrize("product", ["transfer", "payment_initiation", "beacon"])
    def test_filtering_by_an_unserved_product_finds_nothing(
        self, plaid: PlaidCaller, product: str
    ) -> None:
        assert listed(plaid, products=[product]) == []
        found = plaid.ok(
            "/institutions/search",
            {"query": "platypus", "country_codes": EVERY_COUNTRY, "products": [product]},
        )
        assert found["institutions"] == []

    @pytest.mark.parametrize("institution_id", UK_AND_EU_BANKS)
    def test_uk_and_eu_banks_offer_auth(self, plaid: PlaidCaller, institution_id: str) -> None:
        institution = plaid.ok(
            "/institutions/get_by_id",
            {
                "institution_id": institution_id,
                "country_codes": EVERY_COUNTRY,
                "options": {"include_auth_metadata": True},
            },
        )["institution"]
        assert institution["products"] == ["auth", "balance", "identity", "transactions"]
        assert institution["auth_metadata"]["supported_methods"]["instant_auth"] is True

    def test_the_auth_filter_finds_them(self, plaid: PlaidCaller) -> None:
        found = {i["institution_id"] for i in listed(plaid, products=["auth"])}
        assert set(UK_AND_EU_BANKS) <= found
        assert "ins_10" not in found  # American Express: no Auth

    def test_add_ons_come_with_their_product(self, plaid: PlaidCaller) -> None:
        for institution in listed(plaid):
            products = set(institution["products"])
            if "identity_match" in products:
                assert "identity" in products
            if products & {"transactions_refresh", "recurring_transactions"}:
                assert "transactions" in products
        capital_one = next(i for i in listed(plaid) if i["institution_id"] == "ins_128026")
        # Capital One's transactions cannot be refreshed on demand.
        assert "transactions_refresh" not in capital_one["products"]


class TestLinkSearch:
    def search(
        self, plaid: PlaidCaller, client: TestClient, products: list[str], query: str
    ) -> list[str]:
        token = plaid.ok(
            "/link/token/create",
            link_token_request(products=products, country_codes=["GB", "US"]),
        )["link_token"]
        frame = FrameDriver(client, token)
        frame.start()
        frame.act("continue")
        found = frame.act("search", query=query)
        return [r["institution_id"] for r in found["view"]["results"]]

    def test_link_offers_uk_banks_for_auth(self, plaid: PlaidCaller, client: TestClient) -> None:
        assert self.search(plaid, client, ["auth"], "royal") == ["ins_117650"]

    def test_link_leaves_out_banks_without_the_product(
        self, plaid: PlaidCaller, client: TestClient
    ) -> None:
        assert self.search(plaid, client, ["investments"], "royal") == []
        assert self.search(plaid, client, ["transactions"], "capital one") == ["ins_128026"]
        assert self.search(plaid, client, ["investments"], "capital one") == []

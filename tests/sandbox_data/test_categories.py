"""Plaid's category tables as Gingham ships them."""

from __future__ import annotations

from gingham.sandbox_data.categories import (
    PFC_DETAILED_CATEGORIES,
    PFC_PRIMARY_CATEGORIES,
    legacy_categories,
    pfc_primary,
)
from gingham.sandbox_data.merchants import ALL_MERCHANTS


class TestPersonalFinanceCategories:
    def test_the_whole_taxonomy_is_there(self) -> None:
        assert len(PFC_PRIMARY_CATEGORIES) == 16
        assert len(PFC_DETAILED_CATEGORIES) == 104

    def test_every_detailed_category_starts_with_its_primary(self) -> None:
        for detailed in PFC_DETAILED_CATEGORIES:
            assert detailed.startswith(pfc_primary(detailed) + "_")


class TestLegacyCategories:
    def test_they_are_plaids_objects(self) -> None:
        categories = legacy_categories()
        assert categories[0] == {
            "category_id": "10000000",
            "group": "special",
            "hierarchy": ["Bank Fees"],
        }
        assert all(set(c) == {"category_id", "group", "hierarchy"} for c in categories)

    def test_every_top_level_category_is_listed(self) -> None:
        top = {c["hierarchy"][0] for c in legacy_categories() if len(c["hierarchy"]) == 1}
        assert top == {
            "Bank Fees",
            "Cash Advance",
            "Community",
            "Food and Drink",
            "Healthcare",
            "Interest",
            "Payment",
            "Recreation",
            "Service",
            "Shops",
            "Tax",
            "Transfer",
            "Travel",
        }

    def test_a_caller_may_change_its_copy(self) -> None:
        legacy_categories()[0]["hierarchy"].append("changed")
        assert legacy_categories()[0]["hierarchy"] == ["Bank Fees"]


class TestMerchants:
    def test_every_merchant_has_a_stable_distinct_entity_id(self) -> None:
        ids = {merchant.entity_id for merchant in ALL_MERCHANTS.values()}
        assert len(ids) == len(ALL_MERCHANTS)
        assert ALL_MERCHANTS["starbucks"].entity_id == "nnKmaAw94VktrtVVflpxeEwHzQ5qDmyh9VWyb"

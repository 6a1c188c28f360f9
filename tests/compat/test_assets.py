"""Asset reports through plaid-python against a live server, built in the server's own time
(Settings' default report_build_seconds), never by moving the clock."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from typing import Any

import plaid
import pytest
from plaid.api import plaid_api
from plaid.model.asset_report_add_ons import AssetReportAddOns
from plaid.model.asset_report_audit_copy_create_request import AssetReportAuditCopyCreateRequest
from plaid.model.asset_report_audit_copy_get_request import AssetReportAuditCopyGetRequest
from plaid.model.asset_report_audit_copy_pdf_get_request import AssetReportAuditCopyPdfGetRequest
from plaid.model.asset_report_audit_copy_remove_request import AssetReportAuditCopyRemoveRequest
from plaid.model.asset_report_create_request import AssetReportCreateRequest
from plaid.model.asset_report_create_request_options import AssetReportCreateRequestOptions
from plaid.model.asset_report_filter_request import AssetReportFilterRequest
from plaid.model.asset_report_get_request import AssetReportGetRequest
from plaid.model.asset_report_pdf_get_request import AssetReportPDFGetRequest
from plaid.model.asset_report_refresh_request import AssetReportRefreshRequest
from plaid.model.asset_report_remove_request import AssetReportRemoveRequest
from plaid.model.asset_report_user import AssetReportUser

from tests.compat.conftest import LinkedItem, assert_plaid_error, link_item, plaid_error


@pytest.fixture
def assets_item(plaid_client: plaid_api.PlaidApi) -> LinkedItem:
    return link_item(plaid_client, products=("assets",))


def wait_for(call: Callable[[], Any]) -> Any:
    """Call until the report is built, as Plaid's quickstart does: PRODUCT_NOT_READY means try
    again a second later, up to 20 times."""
    for _ in range(20):
        try:
            return call()
        except plaid.ApiException as exc:
            if plaid_error(exc)["error_code"] != "PRODUCT_NOT_READY":
                raise
            time.sleep(1)
    raise AssertionError("the asset report was not ready after 20 seconds")


def pdf_bytes(downloaded: Any) -> bytes:
    """The PDF plaid-python saved to a temporary file, which is then closed and deleted."""
    with downloaded:
        content: bytes = downloaded.read()
    os.unlink(downloaded.name)
    return content


def report_of(api: plaid_api.PlaidApi, token: str, **fields: Any) -> Any:
    return wait_for(
        lambda: api.asset_report_get(AssetReportGetRequest(asset_report_token=token, **fields))
    )


class TestQuickstart:
    def test_create_poll_get_and_pdf(
        self, plaid_client: plaid_api.PlaidApi, assets_item: LinkedItem
    ) -> None:
        # The calls of Plaid's quickstart, as it makes them.
        request = AssetReportCreateRequest(
            access_tokens=[assets_item.access_token],
            days_requested=60,
            options=AssetReportCreateRequestOptions(
                webhook="https://www.example.com",
                client_report_id="123",
                user=AssetReportUser(
                    client_user_id="789",
                    first_name="Jane",
                    middle_name="Leah",
                    last_name="Doe",
                    ssn="123-45-6789",
                    phone_number="(555) 123-4567",
                    email="jane.doe@example.com",
                ),
            ),
        )
        created = plaid_client.asset_report_create(request)
        token = created["asset_report_token"]
        report = report_of(plaid_client, token).report
        assert report.asset_report_id == created.asset_report_id
        assert (report.client_report_id, report.days_requested) == ("123", 60)
        assert (report.user.first_name, report.user.email) == ("Jane", "jane.doe@example.com")
        [item] = report.items
        assert item.item_id == assets_item.item_id
        checking = next(a for a in item.accounts if a.mask == "0000")
        assert len(checking.historical_balances) == 60
        assert checking.transactions and checking.owners

        content = pdf_bytes(
            plaid_client.asset_report_pdf_get(AssetReportPDFGetRequest(asset_report_token=token))
        )
        assert content.startswith(b"%PDF")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        assert report.asset_report_id in text and "Plaid Checking" in text


class TestReportsFromReports:
    def test_insights_refresh_filter_audit_copy_and_remove(
        self, plaid_client: plaid_api.PlaidApi
    ) -> None:
        item = link_item(plaid_client, products=("assets", "investments"))
        created = plaid_client.asset_report_create(
            AssetReportCreateRequest(
                access_tokens=[item.access_token],
                days_requested=30,
                options=AssetReportCreateRequestOptions(
                    add_ons=[AssetReportAddOns("investments"), AssetReportAddOns("fast_assets")]
                ),
            )
        )
        token = created.asset_report_token
        rich = report_of(plaid_client, token, include_insights=True).report
        checking = next(a for a in rich.items[0].accounts if a.mask == "0000")
        assert checking.transactions[0].category
        ira = next(a for a in rich.items[0].accounts if a.mask == "5555")
        assert ira.investments.holdings and ira.investments.securities
        fast = report_of(plaid_client, token, fast_report=True).report
        assert fast.items[0].accounts[0].transactions == []

        refreshed = plaid_client.asset_report_refresh(
            AssetReportRefreshRequest(asset_report_token=token, days_requested=10)
        )
        filtered = plaid_client.asset_report_filter(
            AssetReportFilterRequest(
                asset_report_token=token, account_ids_to_exclude=[checking.account_id]
            )
        )
        assert report_of(plaid_client, refreshed.asset_report_token).report.days_requested == 10
        narrowed = report_of(plaid_client, filtered.asset_report_token).report
        assert checking.account_id not in {a.account_id for a in narrowed.items[0].accounts}

        copy = plaid_client.asset_report_audit_copy_create(
            AssetReportAuditCopyCreateRequest(asset_report_token=token, auditor_id="fannie_mae")
        ).audit_copy_token
        audited = plaid_client.asset_report_audit_copy_get(
            AssetReportAuditCopyGetRequest(audit_copy_token=copy)
        )
        assert audited.report.asset_report_id == created.asset_report_id
        pdf = plaid_client.asset_report_audit_copy_pdf_get(
            AssetReportAuditCopyPdfGetRequest(audit_copy_token=copy)
        )
        assert pdf_bytes(pdf).startswith(b"%PDF")
        assert plaid_client.asset_report_audit_copy_remove(
            AssetReportAuditCopyRemoveRequest(audit_copy_token=copy)
        ).removed

        assert plaid_client.asset_report_remove(
            AssetReportRemoveRequest(asset_report_token=token)
        ).removed
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.asset_report_get(AssetReportGetRequest(asset_report_token=token))
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="INVALID_INPUT",
            error_code="INVALID_ASSET_REPORT_TOKEN",
        )


class TestRefusals:
    def test_an_item_without_assets(self, plaid_client: plaid_api.PlaidApi) -> None:
        item = link_item(plaid_client, products=("transactions",))
        with pytest.raises(plaid.ApiException) as caught:
            plaid_client.asset_report_create(
                AssetReportCreateRequest(access_tokens=[item.access_token], days_requested=30)
            )
        assert_plaid_error(
            caught.value,
            status=400,
            error_type="ASSET_REPORT_ERROR",
            error_code="PRODUCT_NOT_ENABLED",
        )

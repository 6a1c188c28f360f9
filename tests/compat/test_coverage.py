"""The compatibility suite drives every endpoint Gingham serves."""

from __future__ import annotations

from plaid.api.plaid_api import PlaidApi

from gingham.app import PLAID_ENDPOINTS

# Every endpoint Gingham serves, and the plaid-python method this suite drives it with. When an
# endpoint is added to gingham.app.PLAID_ENDPOINTS, add compatibility tests for it and list it here.
COVERED_ENDPOINTS = {
    "/link/token/create": "link_token_create",
    "/link/token/get": "link_token_get",
    "/item/public_token/exchange": "item_public_token_exchange",
    "/item/public_token/create": "item_create_public_token",
    "/item/get": "item_get",
    "/item/remove": "item_remove",
    "/item/webhook/update": "item_webhook_update",
    "/item/access_token/invalidate": "item_access_token_invalidate",
    "/accounts/get": "accounts_get",
    "/accounts/balance/get": "accounts_balance_get",
    "/auth/get": "auth_get",
    "/identity/get": "identity_get",
    "/identity/match": "identity_match",
    "/signal/evaluate": "signal_evaluate",
    "/signal/decision/report": "signal_decision_report",
    "/signal/return/report": "signal_return_report",
    "/signal/prepare": "signal_prepare",
    "/investments/holdings/get": "investments_holdings_get",
    "/investments/transactions/get": "investments_transactions_get",
    "/investments/refresh": "investments_refresh",
    "/liabilities/get": "liabilities_get",
    "/statements/list": "statements_list",
    "/statements/download": "statements_download",
    "/statements/refresh": "statements_refresh",
    "/institutions/get": "institutions_get",
    "/institutions/get_by_id": "institutions_get_by_id",
    "/institutions/search": "institutions_search",
    "/sandbox/public_token/create": "sandbox_public_token_create",
    "/sandbox/item/reset_login": "sandbox_item_reset_login",
    "/sandbox/item/fire_webhook": "sandbox_item_fire_webhook",
    "/user/create": "user_create",
    "/user/items/get": "user_items_get",
    "/webhook_verification_key/get": "webhook_verification_key_get",
    "/transactions/sync": "transactions_sync",
    "/transactions/get": "transactions_get",
    "/transactions/refresh": "transactions_refresh",
    "/transactions/recurring/get": "transactions_recurring_get",
    "/categories/get": "categories_get",
    "/sandbox/transactions/create": "sandbox_transactions_create",
    "/credit/bank_income/get": "credit_bank_income_get",
    "/credit/bank_income/pdf/get": "credit_bank_income_pdf_get",
    "/credit/bank_income/refresh": "credit_bank_income_refresh",
    "/credit/bank_income/webhook/update": "credit_bank_income_webhook_update",
    "/credit/sessions/get": "credit_sessions_get",
    "/asset_report/create": "asset_report_create",
    "/asset_report/get": "asset_report_get",
    "/asset_report/pdf/get": "asset_report_pdf_get",
    "/asset_report/refresh": "asset_report_refresh",
    "/asset_report/filter": "asset_report_filter",
    "/asset_report/remove": "asset_report_remove",
    "/asset_report/audit_copy/create": "asset_report_audit_copy_create",
    "/asset_report/audit_copy/get": "asset_report_audit_copy_get",
    "/asset_report/audit_copy/pdf/get": "asset_report_audit_copy_pdf_get",
    "/asset_report/audit_copy/remove": "asset_report_audit_copy_remove",
    "/application/get": "application_get",
}


def test_every_served_endpoint_is_covered() -> None:
    uncovered = sorted(set(PLAID_ENDPOINTS) - set(COVERED_ENDPOINTS))
    assert not uncovered, f"no compatibility tests for: {', '.join(uncovered)}"
    assert all(hasattr(PlaidApi, method) for method in COVERED_ENDPOINTS.values())

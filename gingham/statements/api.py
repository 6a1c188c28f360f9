"""Plaid's statements endpoints: /statements/list, /statements/download and /statements/refresh."""

from __future__ import annotations

from datetime import date, timedelta

from gingham.identity.service import owners_by_account
from gingham.institutions import catalogue
from gingham.items.service import ItemRecord
from gingham.products.access import ProductAccess, open_product
from gingham.statements import service, timers
from gingham.statements.figures import figures_of
from gingham.statements.windows import check_window
from gingham.wire.context import FileBody, JSONObject, RequestContext
from gingham.wire.endpoint import Endpoint

# Statements come from the bank's transaction history: an OAuth bank must have shared it.
_SCOPE = "transactions"


def _open(ctx: RequestContext, body: JSONObject) -> ProductAccess:
    # Statements are never added on first use (bill=False): the user consents to them in Link.
    access = open_product(ctx, body, service.PRODUCT, scope=_SCOPE, bill=False)
    service.require_consent(access.item)
    return access


def _institution_name(item: ItemRecord) -> str:
    institution = catalogue.find(item.institution_id or "")
    return institution.name if institution is not None else (item.institution_id or "")


def list_statements(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = _open(ctx, body)
    by_account = service.statements_of(ctx.session, access.item, access.accounts, ctx.now.date())
    accounts = [
        {
            "account_id": account.id,
            # plaid-python requires strings here, never null.
            "account_mask": account.mask or "",
            "account_name": account.name,
            "account_official_name": account.official_name or account.name,
            "account_type": account.type,
            "account_subtype": account.subtype or "",
            "statements": [
                {
                    "statement_id": statement.statement_id,
                    "month": statement.month.month,
                    "year": statement.month.year,
                    "date_posted": statement.month.period_end.isoformat(),
                }
                for statement in by_account[account.id]
            ],
        }
        for account in service.statement_accounts(access.accounts)
    ]
    return {
        "item_id": access.item.id,
        "institution_id": access.item.institution_id or "",
        "institution_name": _institution_name(access.item),
        "accounts": accounts,
    }


def download(ctx: RequestContext, body: JSONObject) -> FileBody:
    access = _open(ctx, body)
    today = ctx.now.date()
    statement = service.find_statement(
        ctx.session, access.item, access.accounts, body["statement_id"], today
    )
    owners = owners_by_account(ctx.session, access.item, [statement.account])
    holders = owners.get(statement.account.id) or []
    # Imported here: the PDF library takes a tenth of a second to import, and few requests
    # ask for a PDF; the server starts faster without it.
    from gingham.statements.pdf import render

    content = render(
        institution_name=_institution_name(access.item),
        statement=statement,
        owner=holders[0] if holders else None,
        figures=figures_of(ctx.session, access.item, statement, today),
    )
    month = statement.month
    return FileBody(
        content=content,
        media_type="application/pdf",
        filename=f"statement-{month.year:04d}-{month.month:02d}-{statement.account.mask or 'account'}.pdf",
    )


def refresh(ctx: RequestContext, body: JSONObject) -> JSONObject:
    access = _open(ctx, body)
    window = check_window(
        date.fromisoformat(body["start_date"]), date.fromisoformat(body["end_date"]), ctx.now.date()
    )
    refresh_id = service.request_refresh(ctx.session, access.item, window, ctx.now)
    timers.schedule_completion(
        ctx.session,
        access.item,
        refresh_id,
        due_at=ctx.now + timedelta(seconds=ctx.runtime.settings.report_build_seconds),
    )
    return {}


# The endpoints this package serves, wired by gingham.app.
ENDPOINTS: list[Endpoint] = [
    Endpoint("/statements/list", list_statements),
    Endpoint("/statements/download", download),
    Endpoint("/statements/refresh", refresh),
]

"""A list page filtered by its query string, and the table of it that htmx refreshes in place
while the page is open (the API requests and Webhooks pages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gingham import errors
from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, PageHandler, plaid_notice
from gingham.wire.context import Caller

# The page's context for the caller and the filters, from the API (which may refuse a filter).
ListContext = Callable[[Caller, dict[str, str]], Awaitable[dict[str, Any]]]
FiltersOf = Callable[[Request], dict[str, str]]


def filtered_list(
    dashboard: Dashboard,
    template: str,
    table_template: str,
    list_context: ListContext,
    filters_of: FiltersOf,
) -> tuple[PageHandler, PageHandler]:
    """(the page, its table). A filter the API refuses shows the unfiltered list: with the
    refusal on the page, and quietly in a refresh of the table."""

    async def page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        filters = filters_of(request)
        try:
            context = await list_context(caller, filters)
        except errors.PlaidError as error:
            # The form keeps what was typed, so that it can be corrected.
            context = {**await list_context(caller, {}), "filters": filters}
            return dashboard.render(
                request, template, session, status=400, notice=plaid_notice(error), **context
            )
        return dashboard.render(request, template, session, **context)

    async def table(request: Request, session: DashboardSession, caller: Caller) -> Response:
        try:
            context = await list_context(caller, filters_of(request))
        except errors.PlaidError:
            context = await list_context(caller, {})
        return dashboard.render(request, table_template, session, **context)

    return page, table

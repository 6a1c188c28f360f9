"""Link logs: the client's Link sessions, newest first, found by `client_user_id`,
`link_session_id` or `link_token`, and each session's events, configuration and outcome.

Link tokens are kept only as hashes and a hint (gingham.link_tokens.models), so a session is
found by the whole token the developer pastes, and its page shows the hint. Public tokens are
never shown: the Item they were exchanged for, or can be, is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gingham.dashboard.auth import DashboardSession
from gingham.dashboard.web import Dashboard, Notice
from gingham.hosted_link.options import is_hosted
from gingham.institutions import catalogue
from gingham.link import legacy
from gingham.link.expiry import deadline
from gingham.link.models import LinkEvent, LinkSession
from gingham.link_tokens.models import LinkToken
from gingham.wire.context import Caller, JSONObject, RequestContext
from gingham.wire.ids import token_hash

PATH = "/dashboard/link-logs"
PAGE_SIZE = 25
SEARCH_KEYS = ("client_user_id", "link_session_id", "link_token")
# Event metadata the timeline does not repeat on every row: the session's own id, and the
# timestamp the row shows as its time.
_OWN_KEYS = frozenset({"link_session_id", "timestamp", "event_name", "view_name"})


@dataclass(frozen=True, slots=True)
class SessionRow:
    session: LinkSession
    token: LinkToken
    outcome: str  # Success, Exited, In progress, Abandoned
    badge: str  # the badge's colour: ok, error, warn, neutral
    detail: str | None  # an error code or exit status
    modes: list[str]
    institution_name: str | None


def _modes(token: LinkToken) -> list[str]:
    config = token.config
    modes = []
    if token.item_id is not None or (config.get("update") or {}).get("user"):
        modes.append("Update mode")
    if is_hosted(config):
        modes.append("Hosted Link")
    if legacy.is_legacy(config):
        modes.append("Public key")
    return modes


def _row(link_session: LinkSession, token: LinkToken, now: datetime) -> SessionRow:
    result = link_session.result or {}
    if link_session.status == "success":
        outcome, badge, detail = "Success", "ok", None
    elif link_session.status == "exit":
        error = result.get("error") or {}
        status = (result.get("metadata") or {}).get("status")
        outcome, badge = "Exited", "error" if error else "neutral"
        detail = error.get("error_code") or status
        finished_at = link_session.finished_at
        if finished_at is not None and finished_at >= deadline(token, link_session):
            # Link gave up on a user who stopped part way (gingham.link.expiry).
            outcome, badge = "Abandoned", "warn"
    elif token.invalidated_at is not None or now >= deadline(token, link_session):
        # Its time is up; Link ends it at its deadline timer or the frame's next call.
        outcome, badge, detail = "Abandoned", "warn", link_session.view
    else:
        outcome, badge, detail = "In progress", "neutral", link_session.view
    institution = catalogue.find(link_session.institution_id or "")
    return SessionRow(
        link_session,
        token,
        outcome,
        badge,
        detail,
        _modes(token),
        institution.name if institution else link_session.institution_id,
    )


def _of_caller(caller: Caller) -> Select[tuple[LinkSession, LinkToken]]:
    return (
        select(LinkSession, LinkToken)
        .join(LinkToken, LinkToken.id == LinkSession.link_token_id)
        .where(LinkToken.client_id == caller.client_id, LinkToken.environment == caller.environment)
    )


def search_sessions(
    session: Session, caller: Caller, search: dict[str, str], page: int, now: datetime
) -> tuple[list[SessionRow], bool]:
    """One page of the caller's sessions matching every key given, newest first, and whether
    older ones follow."""
    query = _of_caller(caller)
    if search.get("client_user_id"):
        query = query.where(LinkToken.client_user_id == search["client_user_id"])
    if search.get("link_session_id"):
        query = query.where(LinkSession.id == search["link_session_id"])
    if search.get("link_token"):
        query = query.where(LinkToken.token_hash == token_hash(search["link_token"]))
    query = (
        query.order_by(LinkSession.started_at.desc(), LinkSession.id)
        .offset(page * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    found = [_row(link_session, token, now) for link_session, token in session.execute(query)]
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def session_detail(
    session: Session, caller: Caller, link_session_id: str, now: datetime
) -> dict[str, Any] | None:
    found = session.execute(_of_caller(caller).where(LinkSession.id == link_session_id)).first()
    if found is None:
        return None
    link_session, token = found
    events = session.scalars(
        select(LinkEvent)
        .where(LinkEvent.link_session_id == link_session.id)
        .order_by(LinkEvent.sequence)
    ).all()
    config = token.config
    return {
        "row": _row(link_session, token, now),
        "config": config,
        "products": [
            product
            for field in ("products", "required_if_supported_products", "optional_products")
            for product in config.get(field) or ()
        ],
        "events": [
            {
                "event": event,
                "view_name": event.metadata_.get("view_name"),
                "details": {
                    key: value
                    for key, value in sorted(event.metadata_.items())
                    if key not in _OWN_KEYS and value not in (None, "", [], {})
                },
            }
            for event in events
        ],
        "metadata": (link_session.result or {}).get("metadata") or {},
        "error": (link_session.result or {}).get("error"),
    }


def _search_of(request: Request) -> dict[str, str]:
    return {key: request.query_params.get(key, "").strip() for key in SEARCH_KEYS}


DELIVERIES_SHOWN = 10


def _page_of(request: Request) -> int:
    page = request.query_params.get("page", "0")
    return int(page) if page.isdigit() and len(page) < 6 else 0


def routes(dashboard: Dashboard) -> list[BaseRoute]:
    async def list_context(request: Request, caller: Caller) -> dict[str, Any]:
        search, page = _search_of(request), _page_of(request)

        def read(ctx: RequestContext, _: JSONObject) -> JSONObject:
            rows, more = search_sessions(ctx.session, caller, search, page, ctx.now)
            return {"rows": rows, "more": more}

        found = await dashboard.act(caller, read)
        query = urlencode({key: value for key, value in search.items() if value})
        return {
            **found,
            "search": search,
            "searching": any(search.values()),
            "page": page,
            "query": query,
        }

    async def logs_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        # Link Delivery's outbox: the texts and emails a Hosted Link session would have sent.
        deliveries = await dashboard.call(
            caller, "/_gingham/hosted_link/deliveries/list", {"limit": DELIVERIES_SHOWN}
        )
        return dashboard.render(
            request,
            "link_logs.html",
            session,
            deliveries=deliveries["deliveries"],
            **await list_context(request, caller),
        )

    async def logs_table(request: Request, session: DashboardSession, caller: Caller) -> Response:
        # htmx refreshes the table in place while the page is open.
        return dashboard.render(
            request, "_link_sessions_table.html", session, **await list_context(request, caller)
        )

    async def session_page(request: Request, session: DashboardSession, caller: Caller) -> Response:
        link_session_id = request.path_params["link_session_id"]

        def read(ctx: RequestContext, _: JSONObject) -> JSONObject:
            return {"detail": session_detail(ctx.session, caller, link_session_id, ctx.now)}

        detail = (await dashboard.act(caller, read))["detail"]
        if detail is None:
            notice = Notice(
                f"There is no Link session {link_session_id} of this client in "
                f"{caller.environment}.",
                "error",
            )
            context = await list_context(request, caller)
            return dashboard.render(
                request,
                "link_logs.html",
                session,
                status=404,
                notice=notice,
                deliveries=[],
                **context,
            )
        return dashboard.render(request, "link_session.html", session, **detail)

    page = dashboard.page
    return [
        Route(PATH, page(logs_page), methods=["GET"]),
        Route(f"{PATH}/table", page(logs_table), methods=["GET"]),
        Route(f"{PATH}/{{link_session_id}}", page(session_page), methods=["GET"]),
    ]

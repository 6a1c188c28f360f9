"""What every dashboard page shares: templates, the signed-in guard, CSRF on every form, and
running an action as the signed-in client.

Actions go through the API's own handlers (looked up by path among the endpoints create_app
serves) or the services they call, in one transaction at the client's sandbox time, exactly as
a request with the client's keys would: the dashboard has no rules of its own. A Plaid error is
shown on the page as its message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import jinja2
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gingham import __version__, errors
from gingham.dashboard import auth
from gingham.dashboard.auth import DashboardSession
from gingham.db import request_session
from gingham.wire.context import AfterCommit, Caller, Handler, JSONObject, RequestContext, Runtime
from gingham.wire.endpoint import Endpoint, run_handler
from gingham.wire.ids import new_request_id
from gingham.wire.page_headers import page_headers
from gingham.wire.validation import request_schema, validate

T = TypeVar("T")
SIGN_IN_PATH = "/dashboard/sign-in"
_FORM_TYPE = "application/x-www-form-urlencoded"
# A form has a handful of fields; anything bigger is not one of the dashboard's.
_MAX_FIELDS = 50

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(resources.files("gingham.dashboard").joinpath("templates"))),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class NavEntry:
    path: str
    label: str


# The left navigation, in order: the client's settings, then Link, Items and what happened to
# them, then the sandbox's controls. Each area's routes are in gingham.dashboard.pages.routes.
NAV: list[NavEntry] = [
    NavEntry("/dashboard", "Overview"),
    NavEntry("/dashboard/keys", "Keys"),
    NavEntry("/dashboard/allowed", "Redirect URIs & apps"),
    NavEntry("/dashboard/profile", "Application profile"),
    NavEntry("/dashboard/customization", "Link customization"),
    NavEntry("/dashboard/link-logs", "Link logs"),
    NavEntry("/dashboard/items", "Items"),
    NavEntry("/dashboard/webhooks", "Webhooks"),
    NavEntry("/dashboard/inbox", "Webhook inbox"),
    NavEntry("/dashboard/requests", "API requests"),
    NavEntry("/dashboard/clock", "Sandbox clock"),
    NavEntry("/dashboard/institutions", "Institutions"),
]


@dataclass(frozen=True, slots=True)
class Notice:
    """A message shown at the top of a page: what an action did, or why it was refused."""

    text: str
    kind: str = "success"  # or "error"
    code: str | None = None


def plaid_notice(error: errors.PlaidError) -> Notice:
    # Developers read the dashboard: the message for developers, not the one for end users, as
    # the API words it (it may start with a field's name, so it is not capitalised).
    return Notice(error.error_message, "error", error.error_code)


class Form:
    """A posted form's fields (urlencoded, as browsers send them)."""

    def __init__(self, fields: Sequence[tuple[str, str]]) -> None:
        self._fields = fields

    def get(self, name: str, default: str = "") -> str:
        for key, value in self._fields:
            if key == name:
                return value
        return default

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self._fields)


PageHandler = Callable[[Request, DashboardSession, Caller], Awaitable[Response]]
FormHandler = Callable[[Request, DashboardSession, Caller, Form], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Dashboard:
    runtime: Runtime
    endpoints: Mapping[str, Endpoint]

    @property
    def secure(self) -> bool:
        return self.runtime.settings.base_url.startswith("https://")

    # --- database work ---------------------------------------------------------------------

    async def in_transaction(self, work: Callable[[Session], T], *, read_only: bool = False) -> T:
        """`work(session)` in a unit of work of its own, committed when it ends; `read_only`: one
        that only reads (gingham.db.read_only_session), which takes no lock on SQLite."""

        def unit() -> T:
            with request_session(self.runtime.session_factory, read_only=read_only) as session:
                return work(session)

        if self.runtime.database_in_threads:
            return await run_in_threadpool(unit)
        return unit()

    async def act(
        self, caller: Caller, handler: Handler, body: JSONObject | None = None
    ) -> JSONObject:
        """`handler(context, body)` as the caller would run it through the API."""
        hooks: list[AfterCommit] = []

        def work(session: Session) -> JSONObject:
            result = run_handler(
                handler, body or {}, session, caller, self.runtime, new_request_id(), hooks
            )
            assert isinstance(result, dict)
            return result

        result = await self.in_transaction(work)
        for hook in hooks:
            await hook(result)
        return result

    async def call(self, caller: Caller, path: str, body: JSONObject) -> JSONObject:
        """The API endpoint at `path`, called by the caller with `body`."""
        endpoint = self.endpoints[path]
        schema = endpoint.schema if endpoint.schema is not None else request_schema(path)

        def handler(ctx: RequestContext, body: JSONObject) -> JSONObject:
            validate(body, schema)
            result = endpoint.handler(ctx, body)
            assert isinstance(result, dict)
            return result

        return await self.act(caller, handler, body)

    # --- pages -----------------------------------------------------------------------------

    def render(
        self,
        request: Request,
        template: str,
        dashboard: DashboardSession,
        *,
        status: int = 200,
        notice: Notice | None = None,
        **context: Any,
    ) -> Response:
        page = _TEMPLATES.get_template(template).render(
            version=__version__,
            nav=NAV,
            path=request.url.path,
            session=dashboard,
            csrf_token=dashboard.csrf_token,
            csrf_field=auth.CSRF_FIELD,
            notice=notice or _flash(dashboard),
            **context,
        )
        headers = page_headers()
        # Pages show keys and, once, new secrets: nothing is kept in caches or history.
        headers["Cache-Control"] = "no-store"
        response = HTMLResponse(page, status_code=status, headers=headers)
        if dashboard.flash is not None or dashboard.shown_once is not None:
            shown = replace(dashboard, flash=None, shown_once=None)
            auth.keep(response, shown, self.runtime.secrets, secure=self.secure)
        return response

    def redirect(
        self, path: str, dashboard: DashboardSession, notice: Notice | None = None
    ) -> Response:
        """After a successful form: back to a page (POST, redirect, GET), with what happened."""
        response = RedirectResponse(path, status_code=303)
        flash = None if notice is None else [notice.text, notice.kind, notice.code]
        auth.keep(
            response, replace(dashboard, flash=flash), self.runtime.secrets, secure=self.secure
        )
        return response

    def refused(self, request: Request, dashboard: DashboardSession) -> Response:
        return self.render(
            request,
            "refused.html",
            dashboard,
            status=403,
            notice=Notice(
                "This form was out of date or sent from another page; nothing was changed. "
                "Reload the page and try again.",
                "error",
            ),
        )

    async def signed_in(self, request: Request) -> DashboardSession | None:
        dashboard = auth.read(request, self.runtime.secrets, self.runtime.clock.now())
        if dashboard is None or dashboard.caller is None:
            return None
        if not await self.in_transaction(lambda session: auth.still_valid(session, dashboard)):
            return None
        return dashboard

    def page(self, handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
        """A GET page for the signed-in client; others are sent to sign in."""

        async def endpoint(request: Request) -> Response:
            dashboard = await self.signed_in(request)
            if dashboard is None or dashboard.caller is None:
                if request.headers.get("hx-request"):
                    # A live refresh of a page whose session ended: the whole page goes to
                    # sign in, rather than the form appearing inside a table.
                    return Response(status_code=204, headers={"HX-Redirect": SIGN_IN_PATH})
                return RedirectResponse(SIGN_IN_PATH, status_code=303)
            return await handler(request, dashboard, dashboard.caller)

        return endpoint

    def form(self, handler: FormHandler) -> Callable[[Request], Awaitable[Response]]:
        """A POSTed form of the signed-in client, refused without the session's CSRF token."""

        async def endpoint(request: Request) -> Response:
            dashboard = await self.signed_in(request)
            if dashboard is None or dashboard.caller is None:
                return RedirectResponse(SIGN_IN_PATH, status_code=303)
            form = await read_form(request)
            if form is None or not auth.csrf_ok(dashboard, form.get(auth.CSRF_FIELD)):
                return self.refused(request, dashboard)
            return await handler(request, dashboard, dashboard.caller, form)

        return endpoint


async def read_form(request: Request) -> Form | None:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != _FORM_TYPE:
        return None
    try:
        fields = parse_qsl(
            (await request.body()).decode(),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=_MAX_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return Form(fields)


def _flash(dashboard: DashboardSession) -> Notice | None:
    if dashboard.flash is None:
        return None
    text, kind, code = dashboard.flash
    return Notice(str(text), str(kind), None if code is None else str(code))

"""The small framework integration Authlib's OAuth 2.0 server needs, for Starlette.

Authlib ships server integrations for Flask and Django only, and its server code is synchronous.
Starlette reads request bodies asynchronously, so a request is read first (`read_request`) into a
plain `IncomingRequest`, and the synchronous Authlib work then runs in the thread pool on that
value. The same value can be rebuilt from stored parameters, which is how a sign-in that spanned
several pages is replayed through Authlib when the user finally decides.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from authlib.oauth2 import AuthorizationServer  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import (  # type: ignore[import-untyped]
    JsonPayload,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
)
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """What Authlib may look at in an HTTP request, read ahead of the synchronous work."""

    method: str
    url: str
    headers: Mapping[str, str]
    query: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] = ()
    json_body: Any = field(default=None)


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_form(request: Request) -> tuple[tuple[str, str], ...]:
    """The fields of an application/x-www-form-urlencoded body, in order, repeats kept.

    Parsed here rather than by Starlette, whose form parser needs python-multipart for this type
    too; the bank's forms are all url-encoded.
    """
    if request.method != "POST" or _content_type(request) != FORM_CONTENT_TYPE:
        return ()
    body = await request.body()
    return tuple(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def read_request(request: Request) -> IncomingRequest:
    form = await read_form(request)
    json_body: Any = None
    content_type = _content_type(request)
    if request.method == "POST" and content_type == "application/json":
        try:
            json_body = json.loads(await request.body())
        except ValueError:
            json_body = None
    return IncomingRequest(
        method=request.method,
        url=str(request.url),
        headers=Headers(raw=request.headers.raw),
        query=tuple(request.query_params.multi_items()),
        form=form,
        json_body=json_body,
    )


def first_values(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(key, value)
    return values


class StarlettePayload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, incoming: IncomingRequest) -> None:
        # Query and form together, as Flask's `request.values`: Authlib reads authorize
        # parameters from the query and token parameters from the form through one mapping.
        self._pairs = (*incoming.query, *incoming.form)
        self._data = first_values(self._pairs)

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        values: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in self._pairs:
            values[key].append(value)
        return values


class StarletteOAuth2Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, incoming: IncomingRequest) -> None:
        # Authlib refuses plain-HTTP request URIs other than loopback. Gingham serves plain HTTP
        # by design (TLS belongs to the deployment, as for its Plaid API), and the bank must answer
        # at addresses such as http://gingham:8766 too; so Authlib's check sees the https form and
        # the request keeps its real URI.
        super().__init__(incoming.method, _as_https(incoming.url), headers=incoming.headers)
        self.uri = incoming.url
        self.payload = StarlettePayload(incoming)
        self._args = first_values(incoming.query)
        self._form = first_values(incoming.form)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class StarletteJsonPayload(JsonPayload):  # type: ignore[misc]
    def __init__(self, incoming: IncomingRequest) -> None:
        self._data = incoming.json_body

    @property
    def data(self) -> Any:
        return self._data


class StarletteJsonRequest(JsonRequest):  # type: ignore[misc]
    def __init__(self, incoming: IncomingRequest) -> None:
        super().__init__(incoming.method, incoming.url, incoming.headers)
        self.payload = StarletteJsonPayload(incoming)


def _as_https(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="https")) if parts.scheme == "http" else url


class StarletteAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """`authlib.oauth2.AuthorizationServer` answering with Starlette responses."""

    def create_oauth2_request(self, request: IncomingRequest | OAuth2Request) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return StarletteOAuth2Request(request)

    def create_json_request(self, request: IncomingRequest) -> JsonRequest:
        return StarletteJsonRequest(request)

    def handle_response(
        self, status: int, body: Any, headers: Iterable[tuple[str, str]]
    ) -> Response:
        content = json.dumps(body) if isinstance(body, dict) else (body or "")
        return Response(content, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        # Authlib announces client authentication and token revocation here; nothing in the bank
        # listens, and the records it cares about are written by the grants themselves.
        return None

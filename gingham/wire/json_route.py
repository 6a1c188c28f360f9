"""A JSON route: POST with a JSON object body, answered with JSON (or a file) or a Plaid error.

The plumbing every JSON endpoint shares, whatever its credentials: parse the body, run the unit
of work (on the event loop, or in a worker thread for a network database), run what it left for
after its commit, render the result or the error, and note the answer for the request log.
gingham.wire.endpoint builds Plaid's endpoints on it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from sqlalchemy.exc import StatementError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gingham import errors
from gingham.wire import json
from gingham.wire.access_log import REQUEST_ID_STATE_KEY
from gingham.wire.context import AfterCommit, FileBody, JSONObject, Runtime
from gingham.wire.ids import new_request_id
from gingham.wire.recording import RecordResponse
from gingham.wire.validation import Schema

logger = logging.getLogger("gingham.api")


def json_response(body: JSONObject, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def error_response(error: errors.PlaidError, request_id: str) -> Response:
    return json_response(error.body(request_id), error.status)


def parse_json_object(raw: bytes, content_type: str | None) -> JSONObject:
    if content_type is not None and content_type.split(";", 1)[0].strip().lower() not in (
        "application/json",
        "",
    ):
        raise errors.invalid_body(
            f"request body must be JSON sent with Content-Type: application/json, not {content_type}"
        )
    try:
        body = json.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise errors.invalid_body(f"body could not be parsed as JSON: {exc}") from None
    if not isinstance(body, dict):
        raise errors.invalid_body("body must be a JSON object")
    return body


UnitOfWork = Callable[[Request, JSONObject, str, list[AfterCommit]], JSONObject | FileBody]
# Finishes a successful response from what the unit of work left in `request.state` (a cookie).
FinishResponse = Callable[[Request, Response], None]
# Checks made before the body is read (credentials sent in headers); raise a Plaid error to refuse.
BeforeBody = Callable[[Request], Awaitable[None]]
# Notes an answered request (its response, its request_id, when it started on perf_counter).


class JsonRoute(Route):
    """A JSON endpoint's route, which knows the schema its body is validated against (the
    request fuzzing in tests/fuzz reads it)."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        schema: Schema | None,
        *,
        accepts_public_key: bool = False,
    ) -> None:
        super().__init__(path, endpoint, methods=["POST"], name=path)
        self.schema = schema
        self.accepts_public_key = accepts_public_key


def json_route(
    path: str,
    runtime: Runtime,
    unit_of_work: UnitOfWork,
    *,
    finish: FinishResponse | None = None,
    before_body: BeforeBody | None = None,
    schema: Schema | None = None,
    accepts_public_key: bool = False,
    record: RecordResponse | None = None,
) -> Route:
    """POST `path` with a JSON object body: run `before_body(request)`, parse the body, run
    `unit_of_work(request, body, request_id, after_commit)` (on the event loop, or in a worker
    thread for a network database), then the hooks it added to `after_commit`, and answer its
    result (passed through `finish`) or its Plaid error. Anything unexpected is logged and
    answered as INTERNAL_SERVER_ERROR, without internals on the wire. `record` is told of every
    answer."""

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        request_id = new_request_id()
        request.scope.setdefault("state", {})[REQUEST_ID_STATE_KEY] = request_id
        response = await answer(request, request_id)
        if record is not None:
            await record(request, response, request_id, started)
        return response

    async def answer(request: Request, request_id: str) -> Response:
        after_commit: list[AfterCommit] = []
        try:
            if before_body is not None:
                await before_body(request)
            body = parse_json_object(await request.body(), request.headers.get("content-type"))
            if runtime.database_in_threads:
                result = await run_in_threadpool(
                    unit_of_work, request, body, request_id, after_commit
                )
            else:
                result = unit_of_work(request, body, request_id, after_commit)
            # The unit of work has returned, so its transaction has committed.
            if isinstance(result, FileBody):
                return file_response(result, request_id)
            for hook in after_commit:
                await hook(result)
        except errors.PlaidError as error:
            return error_response(error, request_id)
        except StatementError as error:
            # A value refused as it was bound to a statement (gingham.db.BoundedString).
            if isinstance(error.orig, errors.PlaidError):
                return error_response(error.orig, request_id)
            logger.exception("unhandled error in %s (request_id %s)", path, request_id)
            return error_response(errors.internal_server_error(), request_id)
        except Exception:
            logger.exception("unhandled error in %s (request_id %s)", path, request_id)
            return error_response(errors.internal_server_error(), request_id)
        result["request_id"] = request_id
        response = json_response(result)
        if finish is not None:
            finish(request, response)
        return response

    return JsonRoute(path, endpoint, schema, accepts_public_key=accepts_public_key)


def file_response(body: FileBody, request_id: str) -> Response:
    return Response(
        body.content,
        media_type=body.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{body.filename}"',
            "Plaid-Request-ID": request_id,
            # Plaid's checksum of a downloaded statement, for apps that verify what they store.
            "Plaid-Content-Hash": hashlib.sha256(body.content).hexdigest(),
        },
    )

"""Reading the request log: a client's requests, newest first, filtered and searched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from gingham.request_log.models import LoggedRequest

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 500


@dataclass(frozen=True, slots=True)
class RequestFilter:
    endpoint: str | None = None
    status: int | None = None
    request_id: str | None = None
    # Found in the endpoint, the request_id, the error code or either (redacted) body.
    search: str | None = None


def _filtered(
    client_id: str, environment: str, where: RequestFilter
) -> Select[tuple[LoggedRequest]]:
    query = select(LoggedRequest).where(
        LoggedRequest.client_id == client_id, LoggedRequest.environment == environment
    )
    if where.endpoint is not None:
        query = query.where(LoggedRequest.endpoint == where.endpoint)
    if where.status is not None:
        query = query.where(LoggedRequest.status == where.status)
    if where.request_id is not None:
        query = query.where(LoggedRequest.request_id == where.request_id)
    if where.search:
        query = query.where(
            or_(
                LoggedRequest.endpoint.contains(where.search, autoescape=True),
                LoggedRequest.request_id.contains(where.search, autoescape=True),
                LoggedRequest.error_code.contains(where.search, autoescape=True),
                LoggedRequest.request_body.contains(where.search, autoescape=True),
                LoggedRequest.response_body.contains(where.search, autoescape=True),
            )
        )
    return query


def list_requests(
    session: Session,
    *,
    client_id: str,
    environment: str,
    where: RequestFilter,
    limit: int = LIST_LIMIT_DEFAULT,
    before: str | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` requests matching `where`, newest first; `before` (a request's `id`)
    pages on to older ones."""
    query = _filtered(client_id, environment, where)
    if before is not None:
        query = query.where(LoggedRequest.id < before)
    rows = session.scalars(query.order_by(LoggedRequest.id.desc()).limit(limit)).all()
    return [request_json(row) for row in rows]


def requests_after(
    session: Session, *, client_id: str, environment: str, after: str, where: RequestFilter
) -> list[dict[str, Any]]:
    """Requests with an `id` after `after`, oldest first: what a tail has not shown yet."""
    query = _filtered(client_id, environment, where).where(LoggedRequest.id > after)
    rows = session.scalars(query.order_by(LoggedRequest.id).limit(LIST_LIMIT_MAX)).all()
    return [request_json(row) for row in rows]


def find_request(
    session: Session, *, client_id: str, environment: str, logged_id: str
) -> dict[str, Any] | None:
    """One of the client's requests by its `id`, if the log still holds it."""
    row = session.scalar(
        select(LoggedRequest).where(
            LoggedRequest.id == logged_id,
            LoggedRequest.client_id == client_id,
            LoggedRequest.environment == environment,
        )
    )
    return None if row is None else request_json(row)


def request_json(row: LoggedRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat().replace("+00:00", "Z"),
        "method": "POST",
        "endpoint": row.endpoint,
        "status": row.status,
        "error_code": row.error_code,
        "latency_ms": row.latency_ms,
        "request_id": row.request_id,
        "request_body": _parsed(row.request_body),
        "response_body": _parsed(row.response_body),
    }


def _parsed(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)

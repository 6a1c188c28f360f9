"""Hosted Link: the page of a link token, the deliveries Gingham records instead of sending, and
the LINK webhooks of the page's sessions.

One URL, many sessions, as at Plaid: each opening of the URL starts a Link session of its own (two
tabs are two sessions, and a session that exited can be followed by another), until a session
links an Item. Then the URL has done its work: the link token stops working, so a session still
open in another tab ends with INVALID_LINK_TOKEN at its next step, and the URL shows that the
account is connected instead of starting Link again.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gingham.crypto import SecretBox
from gingham.hosted_link.models import HostedLink, HostedLinkDelivery
from gingham.hosted_link.options import DELIVERY_DESTINATIONS
from gingham.link.flow import FlowContext
from gingham.link.models import LinkOAuthState, LinkSession
from gingham.link.service import events_of_session
from gingham.link_tokens.models import LinkToken
from gingham.webhooks.outbox import enqueue_event
from gingham.wire.context import Caller
from gingham.wire.ids import token_hash
from gingham.wire.json import format_datetime

PAGE_PATH = "/hosted-link/{url_key}"


def hosted_link_url(base_url: str, url_key: str) -> str:
    return base_url + PAGE_PATH.format(url_key=url_key)


def create_hosted_link(
    session: Session,
    caller: Caller,
    link_token: str,
    token: LinkToken,
    box: SecretBox,
    *,
    base_url: str,
) -> str:
    """The Hosted Link URL of a link token just made with `hosted_link`; records its delivery
    when the request asked for one."""
    options: dict[str, Any] = token.config["hosted_link"]
    # The URL is a bearer secret, like the link token it opens.
    url_key = secrets.token_urlsafe(24)
    row = HostedLink(
        id=str(uuid.uuid4()),
        url_key_hash=token_hash(url_key),
        link_token_id=token.id,
        client_id=caller.client_id,
        environment=caller.environment,
        link_token_sealed="",
        completion_redirect_uri=options.get("completion_redirect_uri") or None,
        is_mobile_app=bool(options.get("is_mobile_app")),
        delivery_method=options.get("delivery_method"),
        created_at=token.created_at,
        expires_at=token.expires_at,
        completed_at=None,
    )
    row.link_token_sealed = box.seal(link_token, context=row.id)
    session.add(row)
    url = hosted_link_url(base_url, url_key)
    if row.delivery_method is not None:
        destination = (token.config.get("user") or {})[DELIVERY_DESTINATIONS[row.delivery_method]]
        delivery_id = str(uuid.uuid4())
        session.add(
            HostedLinkDelivery(
                id=delivery_id,
                hosted_link_id=row.id,
                client_id=caller.client_id,
                environment=caller.environment,
                delivery_method=row.delivery_method,
                destination=destination,
                url_sealed=box.seal(url, context=delivery_id),
                created_at=token.created_at,
            )
        )
    session.flush()
    return url


@dataclass(frozen=True, slots=True)
class OpenedPage:
    hosted_link: HostedLink
    token: LinkToken
    link_token: str


def page_for_key(session: Session, url_key: str, box: SecretBox) -> OpenedPage | None:
    row = session.scalar(select(HostedLink).where(HostedLink.url_key_hash == token_hash(url_key)))
    return _opened(session, row, box) if row is not None else None


def page_for_oauth_state(
    session: Session, oauth_state_id: str, box: SecretBox
) -> OpenedPage | None:
    """The Hosted Link page an OAuth trip left from, for the bank's return leg."""
    row = session.scalar(
        select(HostedLink)
        .join(LinkSession, LinkSession.link_token_id == HostedLink.link_token_id)
        .join(LinkOAuthState, LinkOAuthState.link_session_id == LinkSession.id)
        .where(LinkOAuthState.id == oauth_state_id)
    )
    return _opened(session, row, box) if row is not None else None


def _opened(session: Session, row: HostedLink, box: SecretBox) -> OpenedPage:
    token = session.get(LinkToken, row.link_token_id)
    assert token is not None  # the hosted link goes with its token (ON DELETE CASCADE)
    return OpenedPage(row, token, box.open(row.link_token_sealed, context=row.id))


def is_usable(page: OpenedPage, now: datetime) -> bool:
    """Whether the URL may still run Link: not expired, and its link token not given up on
    (too many failed logins, as in any Link session)."""
    return page.hosted_link.expires_at > now and page.token.invalidated_at is None


def session_ended(ctx: FlowContext, token: LinkToken, link_session: LinkSession) -> None:
    """A Link session of a Hosted Link token ended: mark the URL done if it linked an Item, and
    queue the LINK webhooks Plaid sends for Hosted Link sessions to the token's webhook."""
    row = ctx.session.scalar(select(HostedLink).where(HostedLink.link_token_id == token.id))
    if row is None:
        return
    succeeded = link_session.status == "success"
    if succeeded:
        row.completed_at = ctx.now
        token.invalidated_at = ctx.now
    webhook = token.config.get("webhook")
    if not webhook:
        return
    link_token = ctx.secrets.open(row.link_token_sealed, context=row.id)
    common = {"link_session_id": link_session.id, "link_token": link_token}
    payloads: list[dict[str, Any]] = []
    finished: dict[str, Any] = {"status": "SUCCESS" if succeeded else "EXITED", **common}
    if succeeded:
        public_token = ctx.secrets.open(link_session.state["public_token"], context=link_session.id)
        payloads.append({"webhook_code": "ITEM_ADD_RESULT", **common, "public_token": public_token})
        finished.update(public_tokens=[public_token], public_token=public_token)
    if token.user_id is not None:
        finished["user_id"] = token.user_id
    payloads.append({"webhook_code": "SESSION_FINISHED", **finished})
    payloads.append(
        {
            "webhook_code": "EVENTS",
            "events": events_of_session(ctx.session, link_session.id),
            **common,
        }
    )
    for payload in payloads:
        enqueue_event(
            ctx.session,
            client_id=token.client_id,
            environment=token.environment,
            item_id=link_session.item_id,
            url=webhook,
            payload={"webhook_type": "LINK", **payload, "environment": token.environment},
            now=ctx.now,
        )


def list_deliveries(
    session: Session, caller: Caller, box: SecretBox, *, limit: int
) -> list[dict[str, Any]]:
    rows = session.execute(
        select(HostedLinkDelivery, HostedLink.expires_at)
        .join(HostedLink, HostedLink.id == HostedLinkDelivery.hosted_link_id)
        .where(
            HostedLinkDelivery.client_id == caller.client_id,
            HostedLinkDelivery.environment == caller.environment,
        )
        .order_by(HostedLinkDelivery.created_at.desc(), HostedLinkDelivery.id)
        .limit(limit)
    ).all()
    return [
        {
            "delivery_id": delivery.id,
            "delivery_method": delivery.delivery_method,
            "destination": delivery.destination,
            "hosted_link_url": box.open(delivery.url_sealed, context=delivery.id),
            "created_at": format_datetime(delivery.created_at),
            "expiration": format_datetime(expires_at),
            # Gingham records what Link Delivery would send and sends nothing.
            "status": "NOT_SENT",
        }
        for delivery, expires_at in rows
    ]

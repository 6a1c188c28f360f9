"""Linking Items for the lifecycle tests and reading what happened to them."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.testclient import TestClient

from tests.builders import Linked, PlaidCaller, link_token_request
from tests.link.helpers import FrameDriver
from tests.oauth_bank.helpers import BankBrowser, run_async
from tests.webhooks.receiver import Delivery, Receiver


def link_item(
    api: PlaidCaller,
    webhook: str,
    *,
    institution_id: str = "ins_109508",
    username: str = "user_good",
    password: str = "pass_good",
) -> Linked:
    """An Item at a credential bank, through /sandbox/public_token/create."""
    public_token = api.public_token(
        institution_id=institution_id,
        options={
            "webhook": webhook,
            "override_username": username,
            "override_password": password,
        },
    )
    exchanged = api.ok("/item/public_token/exchange", {"public_token": public_token})
    return Linked(exchanged["access_token"], exchanged["item_id"])


def link_oauth_item(
    api: PlaidCaller,
    client: TestClient,
    browser: BankBrowser,
    webhook: str,
    *,
    username: str,
    institution_id: str = "ins_127287",
    country_codes: tuple[str, ...] = ("US",),
    masks: list[str] | None = None,
    access_token: str | None = None,
) -> FrameDriver:
    """A Link session at an OAuth bank, through the frame's API and the bank's pages, the way a
    browser's pop-up goes: the bank's login and consent, then Gingham's callback. With
    `access_token`, the session is update mode for that Item. Returns the frame, connected."""
    request = link_token_request(webhook=webhook, country_codes=list(country_codes))
    if access_token is not None:
        request = {**request, "access_token": access_token, "products": None}
        request = {k: v for k, v in request.items() if v is not None}
    frame = FrameDriver(client, api.ok("/link/token/create", request)["link_token"])
    frame.start()
    frame.act("continue")
    if frame.view == "SELECT_INSTITUTION":
        frame.act("select_institution", institution_id=institution_id)
    assert frame.view == "OAUTH", frame.state["view"]
    url = frame.act("open_oauth", mode="popup")["view"]["oauth_url"]
    decision = run_async(
        browser.consent(url, institution_id=institution_id, username=username, masks=masks)
    )
    returned = urlsplit(decision.location)
    callback = client.get(f"{returned.path}?{returned.query}")
    assert callback.status_code == 200, callback.text
    frame.act("oauth_complete")
    assert frame.view == "CONNECTED", frame.state["view"]
    frame.act("continue")
    return frame


def exchange(api: PlaidCaller, frame: FrameDriver) -> Linked:
    public_token = frame.state["outcome"]["public_token"]
    exchanged = api.ok("/item/public_token/exchange", {"public_token": public_token})
    return Linked(exchanged["access_token"], exchanged["item_id"])


def webhooks_for(receiver: Receiver, item_id: str) -> list[tuple[str, str]]:
    """(webhook_type, webhook_code) of every verified ITEM delivery about the Item, in order
    (the Item's data products send their own as the clock moves: TRANSACTIONS…)."""
    assert all(d.verified for d in receiver.deliveries), [d.rejection for d in receiver.deliveries]
    return [
        (d.payload["webhook_type"], d.payload["webhook_code"])
        for d in receiver.deliveries
        if d.payload.get("item_id") == item_id and d.payload["webhook_type"] == "ITEM"
    ]


def deliveries_for(receiver: Receiver, item_id: str, code: str) -> list[Delivery]:
    return [
        d
        for d in receiver.deliveries
        if d.payload.get("item_id") == item_id and d.payload["webhook_code"] == code
    ]

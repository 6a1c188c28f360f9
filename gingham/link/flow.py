"""The Link session state machine: which pane follows which action, and the events on the way.

The frame renders whatever view this machine is in and sends back the user's actions; the
machine checks each action against the current view, asks the sandbox bank about credentials and
MFA, records Plaid's event stream, and ends the session with a success (an Item and its public
token) or an exit. Event sequences follow Plaid's documented non-OAuth example: OPEN(CONSENT),
TRANSITION_VIEW(SELECT_INSTITUTION), SELECT_INSTITUTION, TRANSITION_VIEW(CREDENTIAL),
SUBMIT_CREDENTIALS, TRANSITION_VIEW(LOADING), [TRANSITION_VIEW(MFA), SUBMIT_MFA,
TRANSITION_VIEW(LOADING)], TRANSITION_VIEW(SELECT_ACCOUNT), TRANSITION_VIEW(CONNECTED), HANDOFF.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from gingham import errors
from gingham.accounts.service import accounts_of_item
from gingham.bank import mfa
from gingham.bank.accounts import AccountTemplate
from gingham.bank.logins import accounts_of_login, login_id, sign_in_at, username_of
from gingham.crypto import SecretBox, same_secret
from gingham.institutions import catalogue
from gingham.institutions.catalogue import Health, LoginKind, SandboxInstitution
from gingham.institutions.state import effective_institution, effective_institutions
from gingham.items import account_selection, lifecycle
from gingham.items import service as items_service
from gingham.items.schemas import DATA_SCOPES
from gingham.items.service import ItemRecord
from gingham.link import oauth
from gingham.link.eligibility import eligible_accounts, no_eligible_accounts
from gingham.link.models import LinkEvent, LinkSession
from gingham.link_customizations.service import DEFAULT, Customization, customization_named
from gingham.link_tokens.models import LinkToken
from gingham.products import (
    UPDATE_MODE_CONSENT_FLOW_PRODUCTS,
    UPDATE_MODE_VALIDATION_PRODUCTS,
    products_at_link,
)
from gingham.users import service as users_service
from gingham.wire.endpoint import Caller
from gingham.wire.ids import new_object_id
from gingham.wire.json import format_datetime

if TYPE_CHECKING:
    from gingham.oauth_bank.connector import BankConnector

# After this many failed logins or MFA answers Link gives up and the link token stops working.
MAX_FAILED_ATTEMPTS = 5
# Institutions shown before the user searches.
DEFAULT_RESULTS = 10

# Update mode on a Data Transparency Messaging Item whose consent expires within this long asks
# the user to review and renew it ("expiring within the next six months").
REAUTHORIZE_WITHIN = timedelta(days=183)
# Adding Assets, Statements or Income in update mode skips signing in again when the Item was
# linked less than two years ago.
CONSENT_ONLY_WITHIN = timedelta(days=730)

EVENT_METADATA_KEYS = (
    "account_number_mask",
    "error_code",
    "error_message",
    "error_type",
    "exit_status",
    "institution_id",
    "institution_name",
    "institution_search_query",
    "is_update_mode",
    "link_session_id",
    "match_reason",
    "mfa_type",
    "request_id",
    "routing_number",
    "selection",
    "timestamp",
    "view_name",
)

# What each product-specific consent pane (update mode adding Assets, Statements or Income) asks
# the user to agree to.
PRODUCT_CONSENTS = {
    "assets": "a report of your account balances, up to two years of transactions and the "
    "account holders' names and addresses, which {client} may share with lenders you apply to",
    "statements": "copies of your account statements, as your bank issues them",
    "income_verification": "your deposits and the income they show, to verify your income",
}

# The data each OAuth bank scope carries, as the OAuth pane names it.
SCOPE_NAMES = {
    "transactions": "Transactions",
    "auth": "Account and routing numbers",
    "identity": "Account holder name, address, email and phone",
}

# Consented data scopes (ItemWithConsentFields.consented_data_scopes), as the review pane names them.
DATA_SCOPE_NAMES = {
    "account_balance_info": "Account names, types and balances",
    "account_routing_number": "Account and routing numbers",
    "contact_info": "Account holder contact information",
    "transactions": "Transactions",
    "credit_loan_info": "Loans and credit",
    "investments": "Investments",
    "income_verification_bank_statements": "Income from bank deposits",
    "bank_statements": "Statements",
    "risk_info": "Account activity used to assess risk",
}

PRODUCT_NAMES = {
    "auth": "Account and routing numbers",
    "transactions": "Transactions",
    "identity": "Account holder information",
    "assets": "Assets",
    "investments": "Investments",
    "liabilities": "Loans and credit",
    "balance": "Balances",
    "income_verification": "Income",
    "statements": "Statements",
    "signal": "Balances and account activity",
}


def _exit_status(view: str, state: dict[str, Any]) -> str | None:
    """Plaid's onExit status for leaving from `view`."""
    if view == "ERROR":
        error = state.get("error") or {}
        if error.get("error_code") == "INSTITUTION_NOT_SUPPORTED":
            return "institution_not_supported"
        return _exit_status(state.get("error_view") or "CREDENTIAL", state)
    if view == "MFA":
        step = (state.get("mfa") or {}).get("step")
        return {
            "device": "choose_device",
            "code": "requires_code",
            "questions": "requires_questions",
            "selections": "requires_selections",
        }.get(step or "", "requires_code")
    return {
        "CONSENT": "requires_credentials",
        "DATA_TRANSPARENCY_CONSENT": "requires_credentials",
        "SELECT_INSTITUTION": "institution_not_found",
        "CREDENTIAL": "requires_credentials",
        "SELECT_ACCOUNT": "requires_account_selection",
        "OAUTH": "requires_oauth",
        "CONNECTED": "connected",
    }.get(view)


def _institution_json(institution: SandboxInstitution) -> dict[str, Any]:
    words = [w for w in institution.name.replace("-", " ").split() if w[:1].isalnum()]
    return {
        "institution_id": institution.institution_id,
        "name": institution.name,
        "primary_color": institution.primary_color,
        "url": institution.url,
        "monogram": "".join(w[0] for w in words[:2]).upper(),
        "oauth": institution.oauth,
        "health": institution.health.value,
    }


@dataclass(slots=True)
class FlowContext:
    session: Session
    now: datetime
    request_id: str
    secrets: SecretBox
    # Gingham's connector to the OAuth bank, and the callback URL registered there.
    bank: BankConnector | None = None
    callback_url: str = ""
    # Wall-clock time, for changes that reach other clients' Items (each at its client's time).
    real_now: datetime | None = None


class LinkFlow:
    """One Link session, loaded for one call from the frame."""

    def __init__(self, ctx: FlowContext, token: LinkToken, link_session: LinkSession) -> None:
        self.ctx = ctx
        self.token = token
        self.row = link_session
        self.config = token.config
        self.events: list[dict[str, Any]] = []
        self.outcome: dict[str, Any] | None = None
        # The JSON column is replaced, never mutated in place, so SQLAlchemy sees every change.
        self.state: dict[str, Any] = dict(link_session.state)
        self._aim_at_users_item()

    # -- bookkeeping -------------------------------------------------------------------------

    @property
    def is_update_mode(self) -> bool:
        # The link token's Item; for a user's update mode, the one this session chose (below).
        return self.token.item_id is not None

    @property
    def updates_user(self) -> bool:
        """Update mode for the user of the link token's user_token (`update.user`)."""
        update = self.config.get("update") or {}
        return self.token.user_id is not None and bool(update.get("user"))

    @property
    def customization(self) -> Customization:
        """The link token's Link customization, read once per call from the frame."""
        known: Customization | None = self.__dict__.get("_customization")
        if known is None:
            name = self.config.get("link_customization_name")
            caller = Caller(self.token.client_id, self.token.environment)
            try:
                known = customization_named(self.ctx.session, caller, name)
            except errors.PlaidError:
                known = DEFAULT  # checked when the token was made; it cannot be deleted since
            self.__dict__["_customization"] = known
        return known

    def _item(self) -> ItemRecord | None:
        """The Item update mode updates, as it is now."""
        item_id = self.token.item_id
        return items_service.item_by_id(self.ctx.session, item_id) if item_id else None

    def _added_products(self) -> list[str]:
        """Assets, Statements or Income, which update mode adds to the Item after their consent
        panes."""
        if not self.is_update_mode:
            return []
        return sorted(set(self.config.get("products") or ()) & UPDATE_MODE_CONSENT_FLOW_PRODUCTS)

    def _consented_products(self) -> list[str]:
        """Products update mode gains the user's consent to without adding them to the Item
        (billed on first use): `additional_consented_products`, and the products validated."""
        products = set(self.config.get("additional_consented_products") or ())
        if self.is_update_mode:
            products |= set(self.config.get("products") or ()) & UPDATE_MODE_VALIDATION_PRODUCTS
        return sorted(products)

    def _validated_products(self) -> list[str]:
        """The products whose accounts and permissions the user must share for the session to
        succeed. Outside update mode, the link token's products. In update mode, only with Update
        Mode with Product Validations (`products` of auth and/or identity): those, and the Auth
        or Identity the Item already has, so that the user cannot take them away by accident.
        Plain update mode validates nothing: the user may revoke what they shared before."""
        products: list[str] = self.config.get("products") or []
        if not self.is_update_mode:
            return products
        asked = set(products) & UPDATE_MODE_VALIDATION_PRODUCTS
        if not asked:
            return []
        item = self._item()
        held = set(item.billed_products) if item is not None else set()
        return sorted(asked | (held & UPDATE_MODE_VALIDATION_PRODUCTS))

    def _reauthorizes(self) -> bool:
        """Whether update mode asks the user to review and renew their consent first: forced
        either way by `update.reauthorization_enabled`, and otherwise for a Data Transparency
        Messaging Item whose consent expires within six months."""
        if not self.is_update_mode:
            return False
        setting = (self.config.get("update") or {}).get("reauthorization_enabled")
        if setting is not None:
            return bool(setting)
        item = self._item()
        return (
            item is not None
            and item.consented_use_cases is not None
            and item.consent_expires_at is not None
            and item.consent_expires_at - self.ctx.now <= REAUTHORIZE_WITHIN
        )

    def _aim_at_users_item(self) -> None:
        """In a user's update mode, make the Item this session chose the one it updates.

        Update mode reads its Item from the link token (`token.item_id`). A user's link token
        names none: each session updates the Item that was the user's most recently broken when
        the session started (`state["user_item_id"]`), so that the same token then serves the
        next one. The Item is set as the token's loaded value, not as a change, so it is never
        written back.
        """
        if self.updates_user:
            set_committed_value(self.token, "item_id", self.state.get("user_item_id"))

    @property
    def institution(self) -> SandboxInstitution | None:
        """The session's institution as the bank simulation left it (degraded, down, migrated to
        OAuth), read once per call from the frame: every event recorded asks for it."""
        institution_id = self.row.institution_id
        if institution_id is None:
            return None
        known: SandboxInstitution | None = self.__dict__.get("_institution")
        if known is None or known.institution_id != institution_id:
            known = effective_institution(self.ctx.session, institution_id)
            self.__dict__["_institution"] = known
        return known

    def record(self, event_name: str, **metadata: Any) -> None:
        institution = self.institution
        full = dict.fromkeys(EVENT_METADATA_KEYS)
        full.update(
            link_session_id=self.row.id,
            request_id=self.ctx.request_id,
            timestamp=self.ctx.now.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{self.ctx.now.microsecond // 1000:03d}Z",
            institution_id=institution.institution_id if institution else None,
            institution_name=institution.name if institution else None,
        )
        full.update(metadata)
        sequence = self.state.get("event_count", 0)
        self.state["event_count"] = sequence + 1
        self.ctx.session.add(
            LinkEvent(
                id=str(uuid.uuid4()),
                link_session_id=self.row.id,
                sequence=sequence,
                event_name=event_name,
                metadata_=full,
                occurred_at=self.ctx.now,
            )
        )
        self.events.append({"event_name": event_name, "metadata": full})

    def _show(self, view: str, **metadata: Any) -> None:
        self.row.view = view
        self.record("TRANSITION_VIEW", view_name=view, **metadata)

    def save(self) -> None:
        self.row.state = self.state

    # -- the response the frame renders -------------------------------------------------------

    def view(self) -> dict[str, Any]:
        institution = self.institution
        data: dict[str, Any] = {
            "name": self.row.view,
            "client_name": self.config["client_name"],
            "institution": _institution_json(institution) if institution else None,
        }
        view = self.row.view
        if view == "CONSENT":
            data.update(self._consent_view())
        elif view == "DATA_TRANSPARENCY_CONSENT":
            data.update(self._review_view())
        elif view == "SELECT_INSTITUTION":
            data["query"] = self.state.get("query", "")
            listed = [catalogue.find(found) for found in self.state.get("results", [])]
            data["results"] = [
                _institution_json(found)
                for found in effective_institutions(
                    self.ctx.session, [i for i in listed if i is not None]
                )
            ]
        elif view == "CREDENTIAL":
            data["fields"] = [
                {"name": "username", "label": "Username", "type": "text"},
                {"name": "password", "label": "Password", "type": "password"},
            ]
            data["error"] = self.state.get("error")
            data["notice"] = self.state.get("notice")
        elif view == "MFA":
            data.update(self._mfa_view())
        elif view == "SELECT_ACCOUNT":
            # Update mode ticks the accounts the Item already shares.
            preselected = set(self.state.get("preselected", []))
            data["accounts"] = [
                {**self._account_choice(a), "selected": a["id"] in preselected}
                for a in self.state["offered"]
            ]
            data["multi"] = not self._single_select()
            data["update_mode"] = self.is_update_mode
            data["error"] = self.state.get("error")
        elif view == "CONNECTED":
            chosen = set(self.state.get("selected", []))
            data["accounts"] = [
                self._account_choice(a) for a in self.state.get("offered", []) if a["id"] in chosen
            ]
        elif view == "OAUTH":
            trip = self.state.get("oauth") or {}
            data["redirect_available"] = bool(self.config.get("redirect_uri"))
            data["qr_available"] = (
                institution is not None and institution.login is LoginKind.OAUTH_QR
            )
            data["app2app"] = (
                institution is not None and institution.login is LoginKind.OAUTH_APP2APP
            )
            if trip.get("mode") == "qr" and trip.get("url"):
                data["qr_svg"] = oauth.qr_svg(trip["url"])
            data["oauth_url"] = trip.get("url")
            data["oauth_state_id"] = trip.get("state_id")
            data["mode"] = trip.get("mode")
            data["permissions"] = self._permissions_to_grant()
            data["update_mode"] = self.is_update_mode
        elif view == "ERROR":
            data["error"] = self.state.get("error")
            data["can_retry"] = self.state.get("can_retry", True)
        elif view == "EXIT":
            data["previous_view"] = self.state.get("previous_view")
        return data

    def _consent_view(self) -> dict[str, Any]:
        """The consent pane: the products asked for (in update mode, only those the session adds
        or asks consent for), with Data Transparency Messaging the use cases, and the consent
        each of Assets, Statements and Income asks for on its own."""
        client = self.config["client_name"]
        if self.is_update_mode:
            asked = [*self._added_products(), *self._consented_products()]
        else:
            asked = self.config.get("products") or []
        return {
            "products": sorted({_product_name(p) for p in asked}),
            "update_mode": self.is_update_mode,
            "use_cases": self.customization.consented_use_cases,
            "product_consents": [
                {
                    "product": product,
                    "name": _product_name(product),
                    "text": PRODUCT_CONSENTS[product].format(client=client),
                }
                for product in self._added_products()
            ],
        }

    def _review_view(self) -> dict[str, Any]:
        """Reauthorization: what the Item shares today, for the user to review and renew."""
        item = self._item()
        assert item is not None
        scopes = {scope for p in item.consented_products for scope in DATA_SCOPES.get(p, ())}
        return {
            "accounts": [
                {"name": account.name, "mask": account.mask, "subtype": account.subtype}
                for account in accounts_of_item(self.ctx.session, item.id)
            ],
            "data": [
                DATA_SCOPE_NAMES.get(s, s.replace("_", " ").capitalize()) for s in sorted(scopes)
            ],
            "use_cases": list(
                dict.fromkeys(
                    [
                        *(item.consented_use_cases or []),
                        *(self.customization.consented_use_cases or []),
                    ]
                )
            ),
            "consent_expiration_time": format_datetime(item.consent_expires_at),
        }

    def _permissions_to_grant(self) -> list[str]:
        """What the OAuth pane tells the user to share at the bank: the data scopes the products
        need (in update mode, the Item's as well as any the session adds)."""
        wanted = set(self._products()) | set(self._validated_products())
        wanted |= set(self.config.get("additional_consented_products") or ())
        if self.is_update_mode and (item := self._item()) is not None:
            wanted |= set(item.consented_products)
        return [
            SCOPE_NAMES[scope]
            for scope in dict.fromkeys(
                sorted(oauth.PRODUCT_SCOPES[p] for p in wanted if p in oauth.PRODUCT_SCOPES)
            )
        ]

    @staticmethod
    def _account_choice(account: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": account["id"],
            "name": account["name"],
            "mask": account["mask"],
            "type": account["type"],
            "subtype": account["subtype"],
            "balance": account["available"]
            if account["available"] is not None
            else account["current"],
        }

    def _mfa_view(self) -> dict[str, Any]:
        progress = self.state["mfa"]
        plan = mfa.MfaPlan(**progress["plan"])
        step = progress["step"]
        data: dict[str, Any] = {
            "mfa_type": step,
            "round": progress["round"] + 1,
            "rounds": plan.rounds,
            "error": self.state.get("error"),
        }
        if step == "device":
            data["devices"] = list(mfa.DEVICES)
        elif step == "questions":
            data["questions"] = mfa.questions(progress["round"], plan)
        elif step == "selections":
            data["selections"] = mfa.selections(progress["round"], plan)
        return data

    def response(self) -> dict[str, Any]:
        return {
            "link_session_id": self.row.id,
            "view": self.view(),
            "events": self.events,
            "outcome": self.outcome,
        }

    # -- the session's life --------------------------------------------------------------------

    def start(self) -> None:
        self.state["results"] = self._default_results()
        if self.updates_user and self.token.user_id is not None:
            self.state["user_item_id"] = users_service.most_recently_broken_item(
                self.ctx.session,
                self.token.user_id,
                (self.config.get("update") or {}).get("item_ids") or (),
            )
            self._aim_at_users_item()
        if self.is_update_mode and self.token.item_id is not None:
            self.row.institution_id = items_service.institution_of(
                self.ctx.session, self.token.item_id
            )
        self.row.view = "CONSENT"
        self.record(
            "OPEN",
            view_name="CONSENT",
            is_update_mode="true" if self.is_update_mode or self.updates_user else "false",
        )
        if self.updates_user and not self.is_update_mode:
            self._fail(_nothing_to_update(), origin="CONSENT")
            # Trying again would find the same: the pane offers only Exit, whose onExit carries
            # the error.
            self.state["can_retry"] = False

    def resume_after_redirect(self) -> None:
        """Link re-initialised at the app's redirect URI: carry on where the session left off."""
        self.record(
            "OPEN", view_name=None, is_update_mode="true" if self.is_update_mode else "false"
        )
        oauth.complete_trip(self)

    def act(self, action: str, body: dict[str, Any]) -> None:
        if action == "force_exit":
            self._finish_exit(self.row.view)
            return
        handler = _ACTIONS.get((self.row.view, action))
        if handler is None:
            raise errors.invalid_field(
                f"action {action!r} is not available in the {self.row.view} view"
            )
        handler(self, body)

    # CONSENT

    def _continue_from_consent(self, body: dict[str, Any]) -> None:
        if not self.is_update_mode or self.institution is None:
            self._show("SELECT_INSTITUTION")
        elif self._reauthorizes():
            self._show("DATA_TRANSPARENCY_CONSENT")
        else:
            self._sign_in_again()

    # DATA_TRANSPARENCY_CONSENT

    def _renew_consent(self, body: dict[str, Any]) -> None:
        self.state["reauthorized"] = True
        self._sign_in_again()

    def _sign_in_again(self) -> None:
        """Update mode knows the institution: straight to signing in there again, or only to a
        new one-time code when that is all the bank wants, or not at all when the session only
        adds Assets, Statements or Income to a healthy Item linked less than two years ago."""
        institution = self.institution
        assert institution is not None
        if self._consent_is_enough():
            self._show("LOADING")
            self._finish_update_mode()
            return
        if not institution.oauth and self._ask_only_for_a_new_code():
            return
        self._show("OAUTH" if institution.oauth else "CREDENTIAL")

    def _consent_is_enough(self) -> bool:
        if not self._added_products() or self._selects_accounts_in_update_mode():
            return False
        item = self._item()
        return (
            item is not None
            and item.error is None
            and self.ctx.now - item.created_at < CONSENT_ONLY_WITHIN
        )

    # SELECT_INSTITUTION

    def _candidates(self) -> list[SandboxInstitution]:
        return catalogue.matching(
            country_codes=self.config["country_codes"],
            products=self.config.get("products") or (),
            institutions=effective_institutions(self.ctx.session),
        )

    def _default_results(self) -> list[str]:
        return [institution.institution_id for institution in self._candidates()[:DEFAULT_RESULTS]]

    def _search(self, body: dict[str, Any]) -> None:
        query = str(body.get("query", "")).strip()
        self.state["query"] = query
        if query:
            found = catalogue.search(
                query,
                country_codes=self.config["country_codes"],
                products=self.config.get("products") or (),
                institutions=self._candidates(),
            )
            self.state["results"] = [i.institution_id for i in found]
        else:
            self.state["results"] = self._default_results()
        self.record("SEARCH_INSTITUTION", institution_search_query=query)

    def _select_institution(self, body: dict[str, Any]) -> None:
        institution_id = body.get("institution_id")
        offered = {i.institution_id: i for i in self._candidates()}
        institution = offered.get(institution_id) if isinstance(institution_id, str) else None
        if institution is None:
            raise errors.invalid_field(
                f"institution_id {institution_id!r} is not offered for this link token's products and country_codes"
            )
        self.row.institution_id = institution.institution_id
        self.state.update(error=None, notice=None, failed_logins=self.state.get("failed_logins", 0))
        if institution.health is Health.DOWN:
            self.record("SELECT_DOWN_INSTITUTION")
            self._fail(
                errors.InstitutionError(
                    "INSTITUTION_DOWN",
                    f"{institution.name} is not currently available",
                    display_message="This financial institution is not currently responding to requests. We apologize for the inconvenience.",
                ),
                origin="SELECT_INSTITUTION",
            )
            return
        if not institution.supported:
            self.record("SELECT_INSTITUTION")
            self._fail(
                errors.InstitutionError(
                    "INSTITUTION_NOT_SUPPORTED",
                    f"{institution.name} is no longer supported",
                    display_message="This institution is not currently supported. Please choose another.",
                ),
                origin="SELECT_INSTITUTION",
            )
            return
        if institution.health is Health.DEGRADED:
            self.record("SELECT_DEGRADED_INSTITUTION")
            self.state["notice"] = (
                f"{institution.name} is having connection problems right now. You can still try, "
                "but it may take longer than usual."
            )
        else:
            self.record("SELECT_INSTITUTION")
        self._show("OAUTH" if institution.oauth else "CREDENTIAL")

    # OAUTH

    def _open_oauth(self, body: dict[str, Any]) -> None:
        mode = body.get("mode", "popup")
        if mode not in ("popup", "redirect", "qr"):
            raise errors.invalid_field("mode must be popup, redirect or qr")
        institution = self.institution
        if mode == "qr" and (institution is None or institution.login is not LoginKind.OAUTH_QR):
            raise errors.invalid_field("only institutions with a QR-code flow take mode qr")
        if self.ctx.bank is None:
            raise errors.internal_server_error()
        oauth.start_trip(self, mode)

    def _complete_oauth(self, body: dict[str, Any]) -> None:
        oauth.complete_trip(self)

    def _oauth_window_closed(self, body: dict[str, Any]) -> None:
        oauth.closed_without_returning(self, timed_out=bool(body.get("timed_out")))

    def finish_oauth(self, result: dict[str, Any]) -> None:
        """The user consented at the bank: the Item gets what they shared, if it is enough."""
        # This trip is over whatever follows: a retry makes a new one.
        self.state.pop("oauth", None)
        products = self._products()
        granted_scopes = set(result.get("scopes", []))
        missing = [
            p
            for p in self._validated_products()
            if p in oauth.PRODUCT_SCOPES and oauth.PRODUCT_SCOPES[p] not in granted_scopes
        ]
        if not result.get("accounts"):
            self._fail(
                errors.ItemError(
                    "NO_ACCOUNTS",
                    "the user shared no accounts at the bank; Link must be started again",
                    display_message="No accounts were shared. Please try again and choose at least one account.",
                ),
                origin="OAUTH",
            )
            return
        if missing:
            needed = ", ".join(SCOPE_NAMES[oauth.PRODUCT_SCOPES[p]] for p in missing)
            self._fail(
                errors.ItemError(
                    "ACCESS_NOT_GRANTED",
                    "the user did not share the data these products need at the bank: "
                    + ", ".join(missing)
                    + "; Link must be started again",
                    display_message="The permissions needed to connect were not granted. "
                    f"Please go back to your bank and share: {needed}.",
                ),
                origin="OAUTH",
            )
            return
        templates = [(a["account_id"], _template_from_bank(a)) for a in result["accounts"]]
        # account_filters apply after the OAuth flow, to what the user shared.
        eligible = eligible_accounts(
            [t for _, t in templates], products, self.config.get("account_filters")
        )
        if not eligible:
            self._fail(no_eligible_accounts(products), origin="OAUTH")
            return
        chosen = [(bank_id, t) for bank_id, t in templates if t in eligible]
        if (unserved := self._unserved_product([t for _, t in chosen])) is not None:
            self._fail(no_eligible_accounts([unserved]), origin="OAUTH")
            return
        self.state["offered"] = [
            {"id": new_object_id(), "bank_account_id": bank_id, **asdict(t)}
            for bank_id, t in chosen
        ]
        self.state["selected"] = [a["id"] for a in self.state["offered"]]
        self.state["oauth_result"] = {k: result[k] for k in ("scopes", "consent", "tokens_sealed")}
        if self.is_update_mode:
            self._finish_update_mode()
            return
        self._link_item()
        self._show("CONNECTED")

    def fail_oauth(self, result: dict[str, Any]) -> None:
        reason = result.get("bank_error", "server_error")
        self.state.pop("oauth", None)
        self._fail(
            errors.ApiError(
                "INTERNAL_SERVER_ERROR",
                f"the bank returned the user without access ({reason}); Link must be started again",
                display_message="The connection to your bank was not completed. Please try again.",
            ),
            origin="OAUTH",
        )

    # CREDENTIAL

    def _back_to_search(self, body: dict[str, Any]) -> None:
        if self.is_update_mode:
            raise errors.invalid_field("the institution cannot be changed in update mode")
        self.row.institution_id = None
        self.state.update(error=None, notice=None)
        self._show("SELECT_INSTITUTION")

    def _ask_only_for_a_new_code(self) -> bool:
        """An Item whose one-time code expired needs only a new code from the user's device
        (Plaid's abbreviated re-authentication): the MFA pane, without the credentials."""
        item_id = self.token.item_id
        item = items_service.item_by_id(self.ctx.session, item_id) if item_id else None
        if item is None or item.error_cause != lifecycle.Cause.OTP_EXPIRED or not item.login_id:
            return False
        username = username_of(self.ctx.session, item.login_id)
        if username is None or self.row.institution_id is None:
            return False
        accounts = accounts_of_login(self.ctx.session, self.row.institution_id, username)
        self.state["login"] = {
            "username": username,
            "accounts": [asdict(account) for account in accounts],
        }
        plan = mfa.MfaPlan.from_config({"type": "device"})
        self.state["mfa"] = {"plan": asdict(plan), "step": "device", "round": 0}
        self._show("MFA", mfa_type="device")
        return True

    def _submit_credentials(self, body: dict[str, Any]) -> None:
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise errors.invalid_field("username and password must be strings")
        self.record("SUBMIT_CREDENTIALS")
        self._show("LOADING")
        try:
            assert self.row.institution_id is not None
            login = sign_in_at(self.ctx.session, self.row.institution_id, username, password)
        except errors.PlaidError as error:
            self._login_failed(error)
            return
        self.state["login"] = {
            "username": login.username,
            "accounts": [asdict(account) for account in login.accounts],
        }
        self.state["error"] = None
        if login.mfa:
            try:
                plan = mfa.MfaPlan.from_config(login.mfa)
            except ValueError as exc:
                self._fail(errors.ItemError("MFA_NOT_SUPPORTED", str(exc)), origin="CREDENTIAL")
                return
            step = "device" if plan.type == "device" else plan.type
            self.state["mfa"] = {"plan": asdict(plan), "step": step, "round": 0}
            self._show("MFA", mfa_type=step)
            return
        self._offer_accounts()

    def _login_failed(self, error: errors.PlaidError) -> None:
        if error.error_code == "INVALID_LINK_TOKEN":
            self.record("ERROR", **_error_metadata(error))
            self._invalidate_token(error)
            return
        if error.error_code == "INVALID_CREDENTIALS":
            # Wrong credentials keep the user on the credentials pane to try again.
            if self._count_failure():
                return
            self.record("ERROR", **_error_metadata(error))
            self.state["error"] = _error_json(error)
            self._show("CREDENTIAL")
            return
        self._fail(error, origin="CREDENTIAL")

    def _count_failure(self) -> bool:
        """Count a failed login or MFA answer; True when that was one too many."""
        failures = self.state.get("failed_logins", 0) + 1
        self.state["failed_logins"] = failures
        if failures < MAX_FAILED_ATTEMPTS:
            return False
        error = errors.InvalidInput("INVALID_LINK_TOKEN", "invalid link_token provided")
        self.record("ERROR", **_error_metadata(error))
        self._invalidate_token(error)
        return True

    def _invalidate_token(self, error: errors.PlaidError) -> None:
        self.token.invalidated_at = self.ctx.now
        self.state["error"] = _error_json(error)
        self._finish_exit(
            self.row.view if self.row.view != "LOADING" else "CREDENTIAL", error=error
        )

    # MFA

    def _choose_device(self, body: dict[str, Any]) -> None:
        progress = dict(self.state["mfa"])
        if progress["step"] != "device":
            raise errors.invalid_field("choose_device is only available when choosing a device")
        if body.get("device_id") not in {device["id"] for device in mfa.DEVICES}:
            raise errors.invalid_field("device_id must be one of the devices offered")
        self.record("SUBMIT_MFA", mfa_type="device")
        progress["step"] = "code"
        self.state["mfa"] = progress
        self.state["error"] = None
        self._show("MFA", mfa_type="code")

    def _submit_mfa(self, body: dict[str, Any]) -> None:
        progress = dict(self.state["mfa"])
        step = progress["step"]
        if step == "device":
            raise errors.invalid_field("choose a device first (choose_device)")
        answers = body.get("answers")
        if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
            raise errors.invalid_field("answers must be an array of strings")
        plan = mfa.MfaPlan(**progress["plan"])
        self.record("SUBMIT_MFA", mfa_type=step)
        self._show("LOADING", mfa_type=step)
        expected = mfa.expected_answers(step, progress["round"], plan)
        given = [a.strip() for a in answers]
        if len(given) != len(expected) or not all(
            same_secret(a, b) for a, b in zip(given, expected, strict=True)
        ):
            error = errors.ItemError(
                "INVALID_MFA",
                "the provided MFA responses were not correct",
                display_message="The provided MFA responses were not correct. Please try again.",
            )
            if self._count_failure():
                return
            self.record("ERROR", **_error_metadata(error))
            self.state["error"] = _error_json(error)
            self._show("MFA", mfa_type=step)
            return
        self.state["error"] = None
        if step != "code" and progress["round"] + 1 < plan.rounds:
            progress["round"] += 1
            self.state["mfa"] = progress
            self._show("MFA", mfa_type=step)
            return
        self._offer_accounts()

    # SELECT_ACCOUNT

    def _single_select(self) -> bool:
        return self.customization.single_account

    def _selects_accounts_in_update_mode(self) -> bool:
        """update.account_selection_enabled: at a credential bank, update mode shows Account
        Select after the sign-in (at an OAuth bank the bank's consent page is where accounts
        are chosen). Product validations turn it on when the Item shares no account that a
        validated product can use (NO_AUTH_ACCOUNTS)."""
        if not self.is_update_mode:
            return False
        if (self.config.get("update") or {}).get("account_selection_enabled"):
            return True
        if self.token.item_id is None or not self._validated_products():
            return False
        shared = accounts_of_item(self.ctx.session, self.token.item_id)
        return (
            self._unserved_product(
                [
                    AccountTemplate(
                        name=a.name,
                        official_name=None,
                        mask=a.mask,
                        type=a.type,
                        subtype=a.subtype,
                        available=None,
                        current=None,
                    )
                    for a in shared
                ]
            )
            is not None
        )

    def _unserved_product(self, accounts: list[AccountTemplate]) -> str | None:
        """A validated product none of these accounts can serve, if any."""
        for product in self._validated_products():
            if not eligible_accounts(accounts, [product], None):
                return product
        return None

    def _offer_accounts(self) -> None:
        if self.is_update_mode and not self._selects_accounts_in_update_mode():
            self._finish_update_mode()
            return
        templates = [AccountTemplate(**a) for a in self.state["login"]["accounts"]]
        products = self._products()
        eligible = eligible_accounts(templates, products, self.config.get("account_filters"))
        if not eligible:
            self._fail(no_eligible_accounts(products), origin="CREDENTIAL")
            return
        if self.is_update_mode:
            self._offer_accounts_for_update(eligible)
        else:
            self.state["offered"] = [{"id": new_object_id(), **asdict(t)} for t in eligible]
        self._show("SELECT_ACCOUNT")

    def _offer_accounts_for_update(self, eligible: list[AccountTemplate]) -> None:
        """The login's accounts as the bank holds them now, those the Item knows under their
        account_id, and those it shares ticked (one only where the customization allows one)."""
        assert self.token.item_id is not None
        choices = account_selection.choices_for_item(self.ctx.session, self.token.item_id, eligible)
        self.state["offered"] = [{"id": c.account_id, **asdict(c.template)} for c in choices]
        preselected = [c.account_id for c in choices if c.shared]
        self.state["preselected"] = preselected[:1] if self._single_select() else preselected

    def _select_accounts(self, body: dict[str, Any]) -> None:
        account_ids = body.get("account_ids")
        offered = {account["id"] for account in self.state["offered"]}
        if not isinstance(account_ids, list) or not account_ids or not set(account_ids) <= offered:
            raise errors.invalid_field("account_ids must list one or more of the accounts offered")
        if self._single_select() and len(account_ids) != 1:
            raise errors.invalid_field("this Link customization allows exactly one account")
        chosen = [a for a in self.state["offered"] if a["id"] in set(account_ids)]
        unserved = self._unserved_product([AccountTemplate(**_template_fields(a)) for a in chosen])
        if unserved is not None:
            # Product validations: the user is asked to fix the selection, and stays here.
            error = no_eligible_accounts([unserved])
            self.record("ERROR", **_error_metadata(error))
            self.state["error"] = {
                **_error_json(error),
                "display_message": f"Select at least one account that {self.config['client_name']} "
                f"can use for {_product_name(unserved)}"
                + (" (a checking or savings account)." if unserved == "auth" else "."),
            }
            self._show("SELECT_ACCOUNT")
            return
        self.state["error"] = None
        self.state["selected"] = [a["id"] for a in chosen]
        self._show("LOADING")
        if self.is_update_mode:
            self._finish_update_mode()
            return
        self._link_item()
        self._show("CONNECTED")

    def _link_item(self) -> None:
        institution = self.institution
        assert institution is not None
        chosen = set(self.state["selected"])
        accounts = [a for a in self.state["offered"] if a["id"] in chosen]
        caller = Caller(self.token.client_id, self.token.environment)
        templates = [AccountTemplate(**_template_fields(a)) for a in accounts]
        linked = products_at_link(
            self.config,
            lambda p: institution.supports(p) and bool(eligible_accounts(templates, [p], None)),
        )
        item_id = items_service.create_item(
            self.ctx.session,
            caller,
            institution,
            templates,
            account_ids=[a["id"] for a in accounts],
            bank_account_ids=[a.get("bank_account_id") for a in accounts],
            products=linked.products,
            consented_products=linked.consented,
            webhook=self.config.get("webhook"),
            login_id=self._login_id(),
            now=self.ctx.now,
        )
        # Billed as products added after Link are, so that the Item's initial products (which
        # update mode's Account Select follows) stay the link token's `products`.
        if linked.added:
            item = items_service.item_by_id(self.ctx.session, item_id)
            assert item is not None
            for product in linked.added:
                item = items_service.bill_product(self.ctx.session, item, product)
        self.row.item_id = item_id
        if (connection := self.state.get("oauth_result")) is not None:
            lifecycle.connect_oauth(
                self.ctx.session, item_id, institution, connection, self.ctx.now
            )
        if (use_cases := self.customization.consented_use_cases) is not None:
            lifecycle.consent_to(
                self.ctx.session,
                item_id,
                use_cases=use_cases,
                renew=True,
                bank_expiry=_bank_sets_expiry(connection),
                now=self.ctx.now,
            )
        public_token = items_service.issue_public_token(
            self.ctx.session, caller, item_id, self.ctx.now
        )
        self.state["public_token"] = self.ctx.secrets.seal(public_token, context=self.row.id)

    def _products(self) -> list[str]:
        """The products the accounts offered must suit: the link token's, or in update mode the
        Item's (an update mode token's products are validated or added, see
        _validated_products and _added_products)."""
        if self.is_update_mode:
            # The products the Item was linked with: those added since (Auth on first use, say)
            # narrow nothing here, so that the user can still see, and leave out, every account
            # the Item shares (product validations check them instead).
            item = self._item()
            if item is None:
                return []
            return list(
                item.initial_products if item.initial_products is not None else item.billed_products
            )
        products: list[str] = self.config.get("products") or []
        return products

    def _login_id(self) -> str:
        """The bank login this session signed in with: at an OAuth bank, the user the bank
        names; otherwise the username entered at the institution."""
        if (connection := self.state.get("oauth_result")) is not None:
            return str(connection["consent"]["bank_user"])
        assert self.row.institution_id is not None
        return login_id(self.row.institution_id, self.state["login"]["username"])

    def _finish_update_mode(self) -> None:
        """Update mode repairs the existing Item: same item_id, same access token."""
        item_id = self.token.item_id
        assert item_id is not None
        item = items_service.item_by_id(self.ctx.session, item_id)
        institution = self.institution
        assert item is not None and institution is not None
        connection = self.state.get("oauth_result")
        chose_accounts = connection is None and self._selects_accounts_in_update_mode()
        if connection is not None:
            lifecycle.connect_oauth(
                self.ctx.session, item_id, institution, connection, self.ctx.now
            )
            lifecycle.share_bank_accounts(
                self.ctx.session, item, institution, self.state["offered"], self.ctx.now
            )
        elif chose_accounts:
            account_selection.share_selected_accounts(
                self.ctx.session,
                item_id,
                institution,
                [(a["id"], AccountTemplate(**_template_fields(a))) for a in self.state["offered"]],
                self.state["selected"],
                self.ctx.now,
            )
        lifecycle.consent_to(
            self.ctx.session,
            item_id,
            products=self._added_products(),
            consented_products=self._consented_products(),
            use_cases=self.customization.consented_use_cases,
            # Reviewing the consent, or giving it at the bank again, renews it.
            renew=bool(self.state.get("reauthorized")) or connection is not None,
            bank_expiry=_bank_sets_expiry(connection),
            now=self.ctx.now,
        )
        lifecycle.repair(
            self.ctx.session,
            item,
            self.ctx.now,
            real_now=self.ctx.real_now or self.ctx.now,
            # Adding a product on its consent panes alone is no sign-in.
            credential_login=connection is None and "login" in self.state,
        )
        caller = Caller(self.token.client_id, self.token.environment)
        self.row.item_id = item_id
        public_token = items_service.issue_public_token(
            self.ctx.session, caller, item_id, self.ctx.now
        )
        self.state["public_token"] = self.ctx.secrets.seal(public_token, context=self.row.id)
        self.state["offered"] = [
            {
                "id": account.id,
                "name": account.name,
                "mask": account.mask,
                "type": account.type,
                "subtype": account.subtype,
                "available": account.available_balance,
                "current": account.current_balance,
            }
            for account in accounts_of_item(self.ctx.session, item_id)
        ]
        # onSuccess lists what the user selected; otherwise every account the Item shares.
        selected = set(self.state["selected"]) if chose_accounts else None
        self.state["selected"] = [
            a["id"] for a in self.state["offered"] if selected is None or a["id"] in selected
        ]
        self._show("CONNECTED")

    # CONNECTED

    def _handoff(self, body: dict[str, Any]) -> None:
        self.record("HANDOFF")
        self._finish_success()

    def _finish_success(self) -> None:
        institution = self.institution
        assert institution is not None
        public_token = self.ctx.secrets.open(self.state["public_token"], context=self.row.id)
        chosen = set(self.state["selected"])
        accounts = [
            {
                "id": a["id"],
                "name": a["name"],
                "mask": a["mask"],
                "type": a["type"],
                "subtype": a["subtype"],
                "verification_status": None,
                "class_type": None,
            }
            for a in self.state["offered"]
            if a["id"] in chosen
        ]
        metadata = {
            "institution": {"name": institution.name, "institution_id": institution.institution_id},
            "accounts": accounts,
            "account": accounts[0] if len(accounts) == 1 else None,
            "account_id": accounts[0]["id"] if len(accounts) == 1 else None,
            "link_session_id": self.row.id,
            "transfer_status": None,
        }
        self.outcome = {"type": "success", "public_token": public_token, "metadata": metadata}
        self._end("success", {"type": "success", "metadata": metadata})

    # ERROR and EXIT

    def _fail(self, error: errors.PlaidError, *, origin: str) -> None:
        self.record("ERROR", **_error_metadata(error))
        self.state.update(error=_error_json(error), error_view=origin, can_retry=True)
        self._show("ERROR")

    def _retry(self, body: dict[str, Any]) -> None:
        origin = self.state.get("error_view") or "CREDENTIAL"
        self.state["error"] = None
        if origin == "OAUTH" and self.institution is not None:
            self._show("OAUTH")  # start the trip to the bank again
        elif origin == "SELECT_INSTITUTION" or self.institution is None:
            self.row.institution_id = None if not self.is_update_mode else self.row.institution_id
            self._show("SELECT_INSTITUTION")
        else:
            self._show("CREDENTIAL")

    def _ask_to_exit(self, body: dict[str, Any]) -> None:
        self.state["previous_view"] = self.row.view
        self._show("EXIT")

    def _cancel_exit(self, body: dict[str, Any]) -> None:
        previous = self.state.get("previous_view") or "CONSENT"
        metadata = {"mfa_type": self.state["mfa"]["step"]} if previous == "MFA" else {}
        self._show(previous, **metadata)

    def _confirm_exit(self, body: dict[str, Any]) -> None:
        self._finish_exit(self.state.get("previous_view") or "CONSENT")

    def _finish_exit(self, left_from: str, error: errors.PlaidError | None = None) -> None:
        if left_from == "EXIT":
            left_from = self.state.get("previous_view") or "CONSENT"
        if left_from == "CONNECTED":
            # The Item is already linked: exiting now still hands it over (Plaid's exit()).
            self.record("HANDOFF")
            self._finish_success()
            return
        status = _exit_status(left_from, self.state)
        shown_error = _error_json(error) if error else self.state.get("error")
        self.record(
            "EXIT",
            exit_status=status,
            **(_error_metadata_from_json(shown_error) if shown_error else {}),
        )
        institution = self.institution
        metadata = {
            "institution": (
                {"name": institution.name, "institution_id": institution.institution_id}
                if institution
                else None
            ),
            "status": status,
            "link_session_id": self.row.id,
            "request_id": self.ctx.request_id,
        }
        self.outcome = {"type": "exit", "error": shown_error, "metadata": metadata}
        self._end("exit", {"type": "exit", "error": shown_error, "metadata": metadata})

    def _end(self, status: str, result: dict[str, Any]) -> None:
        self.row.status = status
        self.row.finished_at = self.ctx.now
        self.row.result = result


def _template_from_bank(account: dict[str, Any]) -> AccountTemplate:
    balances = account.get("balances") or {}
    # The bank sends numbers only when the user shared them (its `auth` scope). Chase-like banks'
    # are tokenized; their mask stays the real account's.
    numbers = account.get("numbers") or {}
    return AccountTemplate(
        name=account["name"],
        official_name=account.get("official_name"),
        mask=account.get("mask"),
        type=account["type"],
        subtype=account.get("subtype"),
        available=balances.get("available"),
        current=balances.get("current"),
        limit=balances.get("limit"),
        currency=balances.get("iso_currency_code"),
        account_number=numbers.get("account"),
        routing_number=numbers.get("routing"),
        numbers_tokenized=bool(numbers.get("tokenized")),
    )


def _product_name(product: str) -> str:
    return PRODUCT_NAMES.get(product, product.replace("_", " ").title())


def _template_fields(account: dict[str, Any]) -> dict[str, Any]:
    """An offered account's AccountTemplate fields, without Link's and the bank's ids."""
    return {k: v for k, v in account.items() if k not in ("id", "bank_account_id")}


def _bank_sets_expiry(connection: dict[str, Any] | None) -> bool:
    """Whether the OAuth bank's consent (if the session went to one) has an expiry of its own."""
    return connection is not None and bool(connection["consent"].get("expires_at"))


def _nothing_to_update() -> errors.PlaidError:
    return errors.ItemError(
        "ITEM_NO_ERROR",
        "update.user: none of this user's Items is in an error state, so Link has no Item to "
        "update; a user's update mode repairs the most recently broken Item (see /user/items/get)",
        display_message="Your accounts are already connected and working. There is nothing to update.",
    )


def _error_json(error: errors.PlaidError) -> dict[str, Any]:
    return {
        "error_type": error.error_type,
        "error_code": error.error_code,
        "error_message": error.error_message,
        "display_message": error.display_message,
    }


def _error_metadata(error: errors.PlaidError) -> dict[str, Any]:
    return _error_metadata_from_json(_error_json(error))


def _error_metadata_from_json(error: dict[str, Any]) -> dict[str, Any]:
    return {
        "error_type": error["error_type"],
        "error_code": error["error_code"],
        "error_message": error["error_message"],
    }


_ACTIONS = {
    ("CONSENT", "continue"): LinkFlow._continue_from_consent,
    ("CONSENT", "exit"): LinkFlow._ask_to_exit,
    ("DATA_TRANSPARENCY_CONSENT", "continue"): LinkFlow._renew_consent,
    ("DATA_TRANSPARENCY_CONSENT", "exit"): LinkFlow._ask_to_exit,
    ("SELECT_INSTITUTION", "search"): LinkFlow._search,
    ("SELECT_INSTITUTION", "select_institution"): LinkFlow._select_institution,
    ("SELECT_INSTITUTION", "exit"): LinkFlow._ask_to_exit,
    ("OAUTH", "open_oauth"): LinkFlow._open_oauth,
    ("OAUTH", "oauth_complete"): LinkFlow._complete_oauth,
    ("OAUTH", "oauth_closed"): LinkFlow._oauth_window_closed,
    ("OAUTH", "back"): LinkFlow._back_to_search,
    ("OAUTH", "exit"): LinkFlow._ask_to_exit,
    ("CREDENTIAL", "submit_credentials"): LinkFlow._submit_credentials,
    ("CREDENTIAL", "back"): LinkFlow._back_to_search,
    ("CREDENTIAL", "exit"): LinkFlow._ask_to_exit,
    ("MFA", "choose_device"): LinkFlow._choose_device,
    ("MFA", "submit_mfa"): LinkFlow._submit_mfa,
    ("MFA", "exit"): LinkFlow._ask_to_exit,
    ("SELECT_ACCOUNT", "select_accounts"): LinkFlow._select_accounts,
    ("SELECT_ACCOUNT", "exit"): LinkFlow._ask_to_exit,
    ("CONNECTED", "continue"): LinkFlow._handoff,
    ("ERROR", "retry"): LinkFlow._retry,
    ("ERROR", "exit"): LinkFlow._ask_to_exit,
    ("EXIT", "exit_confirm"): LinkFlow._confirm_exit,
    ("EXIT", "exit_cancel"): LinkFlow._cancel_exit,
}

"""A Link session's state, typed: the view it is in and what it remembers between the frame's calls.

The state lives in the `link_sessions.state` JSON column. `SessionState.from_json` and
`to_json` are the only places that know the stored shape; everything else works with the
dataclasses below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from gingham.bank.accounts import AccountTemplate
from gingham.bank.mfa import MfaPlan


class View(StrEnum):
    """The panes of Link, by the names Plaid's TRANSITION_VIEW events give them."""

    CONSENT = "CONSENT"
    DATA_TRANSPARENCY_CONSENT = "DATA_TRANSPARENCY_CONSENT"
    SELECT_INSTITUTION = "SELECT_INSTITUTION"
    CREDENTIAL = "CREDENTIAL"
    MFA = "MFA"
    OAUTH = "OAUTH"
    LOADING = "LOADING"
    SELECT_ACCOUNT = "SELECT_ACCOUNT"
    CONNECTED = "CONNECTED"
    ERROR = "ERROR"
    EXIT = "EXIT"
    # The returning user experience (gingham.link.steps.returning_user).
    SUBMIT_PHONE = "SUBMIT_PHONE"
    VERIFY_PHONE = "VERIFY_PHONE"
    SELECT_SAVED_INSTITUTION = "SELECT_SAVED_INSTITUTION"
    SELECT_SAVED_ACCOUNT = "SELECT_SAVED_ACCOUNT"


class MfaStep(StrEnum):
    """Where the user is in the bank's multi-factor challenge (Plaid's `mfa_type`)."""

    DEVICE = "device"  # choosing where the code goes
    CODE = "code"
    QUESTIONS = "questions"
    SELECTIONS = "selections"


@dataclass(slots=True)
class MfaProgress:
    plan: MfaPlan
    step: MfaStep
    round: int = 0


@dataclass(frozen=True, slots=True)
class Login:
    """The bank login the user signed in with, and the accounts the bank holds for it."""

    username: str
    accounts: list[AccountTemplate]


@dataclass(frozen=True, slots=True)
class OfferedAccount:
    """An account Link offers (Account Select) or has linked: `id` becomes its account_id;
    `bank_account_id` is the OAuth bank's id for it."""

    id: str
    template: AccountTemplate
    bank_account_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "bank_account_id": self.bank_account_id, **asdict(self.template)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OfferedAccount:
        fields = {k: v for k, v in data.items() if k not in ("id", "bank_account_id")}
        return cls(data["id"], AccountTemplate(**fields), data.get("bank_account_id"))


@dataclass(frozen=True, slots=True)
class OAuthTrip:
    """A trip to the OAuth bank under way: its oauth_state_id, how it was opened, the bank's URL."""

    state_id: str
    mode: str  # popup, redirect or qr
    url: str


@dataclass(frozen=True, slots=True)
class BankConsent:
    """What the user granted at the OAuth bank: the scopes, the bank's consent (its id, the bank
    user, its expiry) and the bank's tokens, sealed."""

    scopes: list[str]
    consent: dict[str, Any]
    tokens_sealed: str

    def as_connection(self) -> dict[str, Any]:
        return {"scopes": self.scopes, "consent": self.consent, "tokens_sealed": self.tokens_sealed}

    @property
    def bank_user(self) -> str:
        return str(self.consent["bank_user"])

    @property
    def sets_expiry(self) -> bool:
        """Whether the bank's consent expires by itself (then its expiry stands)."""
        return bool(self.consent.get("expires_at"))


@dataclass(slots=True)
class PhoneVerification:
    """The returning user experience: the phone number entered (E.164), whether its one-time
    code was verified, the wrong codes so far, and what the phone panes say (not Plaid errors:
    onExit never carries them)."""

    number: str | None = None
    verified: bool = False
    failures: int = 0
    error: str | None = None
    notice: str | None = None
    # A guest saving the connection they just linked, for next time (from CONNECTED).
    remembering: bool = False


@dataclass(slots=True)
class SessionState:
    """What a Link session remembers between the frame's calls."""

    event_count: int = 0
    # SELECT_INSTITUTION: the search and the institutions it found.
    query: str = ""
    results: list[str] = field(default_factory=list)
    # A user's update mode: the Item this session updates, chosen when it started.
    user_item_id: str | None = None
    # The error shown (a PlaidError's summary), the pane it came from, and whether retrying can
    # help; a notice about the institution (degraded).
    error: dict[str, Any] | None = None
    error_view: View | None = None
    can_retry: bool = True
    notice: str | None = None
    login: Login | None = None
    mfa: MfaProgress | None = None
    # SELECT_ACCOUNT: the accounts offered, those ticked beforehand (update mode), those the
    # products leave out, and those chosen.
    offered: list[OfferedAccount] = field(default_factory=list)
    preselected: list[str] = field(default_factory=list)
    left_out: list[AccountTemplate] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    oauth: OAuthTrip | None = None
    bank_consent: BankConsent | None = None
    # Update mode: the user reviewed and renewed their Data Transparency Messaging consent.
    reauthorized: bool = False
    # The pane the exit confirmation was opened from.
    previous_view: View | None = None
    # The public token of the Item linked, sealed (gingham.crypto) to the session.
    public_token_sealed: str | None = None
    # The returning user experience: the phone number and its one-time code.
    phone: PhoneVerification | None = None

    def offered_by_id(self, ids: list[str] | set[str]) -> list[OfferedAccount]:
        wanted = set(ids)
        return [account for account in self.offered if account.id in wanted]

    def to_json(self) -> dict[str, Any]:
        return {
            "event_count": self.event_count,
            "query": self.query,
            "results": self.results,
            "user_item_id": self.user_item_id,
            "error": self.error,
            "error_view": self.error_view,
            "can_retry": self.can_retry,
            "notice": self.notice,
            "login": None
            if self.login is None
            else {
                "username": self.login.username,
                "accounts": [asdict(a) for a in self.login.accounts],
            },
            "mfa": None
            if self.mfa is None
            else {"plan": asdict(self.mfa.plan), "step": self.mfa.step, "round": self.mfa.round},
            "offered": [account.to_json() for account in self.offered],
            "preselected": self.preselected,
            "left_out": [asdict(a) for a in self.left_out],
            "selected": self.selected,
            "oauth": None if self.oauth is None else asdict(self.oauth),
            "bank_consent": None if self.bank_consent is None else asdict(self.bank_consent),
            "reauthorized": self.reauthorized,
            "previous_view": self.previous_view,
            # Read by /link/token/get (gingham.link.service) under this name.
            "public_token": self.public_token_sealed,
            "phone": None if self.phone is None else asdict(self.phone),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        login, mfa, trip, consent = (
            data.get(key) for key in ("login", "mfa", "oauth", "bank_consent")
        )
        return cls(
            event_count=data.get("event_count", 0),
            query=data.get("query", ""),
            results=list(data.get("results", [])),
            user_item_id=data.get("user_item_id"),
            error=data.get("error"),
            error_view=_view(data.get("error_view")),
            can_retry=data.get("can_retry", True),
            notice=data.get("notice"),
            login=None
            if login is None
            else Login(login["username"], [AccountTemplate(**a) for a in login["accounts"]]),
            mfa=None
            if mfa is None
            else MfaProgress(MfaPlan(**mfa["plan"]), MfaStep(mfa["step"]), mfa["round"]),
            offered=[OfferedAccount.from_json(a) for a in data.get("offered", [])],
            preselected=list(data.get("preselected", [])),
            left_out=[AccountTemplate(**a) for a in data.get("left_out", [])],
            selected=list(data.get("selected", [])),
            oauth=None if trip is None else OAuthTrip(**trip),
            bank_consent=None if consent is None else BankConsent(**consent),
            reauthorized=data.get("reauthorized", False),
            previous_view=_view(data.get("previous_view")),
            public_token_sealed=data.get("public_token"),
            phone=None if data.get("phone") is None else PhoneVerification(**data["phone"]),
        )


def _view(value: str | None) -> View | None:
    return None if value is None else View(value)

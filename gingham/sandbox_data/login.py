"""A bank login's accounts as the generator sees them: which account plays which part (the
checking account payroll lands in, the savings account it feeds, the cards it pays), the
transfers between them, and the fixed amounts of its bills."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from gingham.sandbox_data.building import Day, Streams
from gingham.sandbox_data.persona import Persona, persona
from gingham.sandbox_data.records import AccountProfile, GeneratedTransaction
from gingham.sandbox_data.schedule import monthly_day
from gingham.sandbox_data.seeds import rng

# Annual interest rates of interest-bearing depository accounts, by role.
INTEREST_RATES = {
    "savings": 0.0045,
    "money_market": 0.0185,
    "cd": 0.02,
    "cash_management": 0.015,
    "hsa": 0.001,
}


def role_of(account: AccountProfile) -> str:
    """The part an account plays in the login's finances."""
    if account.type == "credit":
        business = account.holder_category == "business" or (
            account.holder_category is None and "business" in account.name.lower()
        )
        return "business_card" if business else "card"
    if account.type == "loan":
        return {"mortgage": "mortgage", "student": "student_loan"}.get(
            account.subtype or "", "loan"
        )
    if account.type != "depository":
        return "other"
    return {
        "checking": "checking",
        "savings": "savings",
        "money market": "money_market",
        "cd": "cd",
        "hsa": "hsa",
        "cash management": "cash_management",
    }.get(account.subtype or "", "wallet")


@dataclass(frozen=True, slots=True)
class OwnTransfer:
    """Money the owner moves from their checking account to another account of theirs."""

    role: str
    slug: str
    stream: str
    amount: float
    happens_on: Callable[[date], bool]
    out_pfc: str
    in_pfc: str


@dataclass
class Login:
    seed: str
    accounts: Sequence[AccountProfile]
    persona: Persona = field(init=False)
    roles: dict[str, str] = field(init=False)
    # The first account of each role: the one recurring money moves through.
    first: dict[str, AccountProfile] = field(init=False)
    transfers: tuple[OwnTransfer, ...] = field(init=False)
    bills: dict[str, float] = field(init=False)
    # A card's purchases per day, kept while generating: its monthly payment sums them.
    card_days: dict[tuple[str, date], list[GeneratedTransaction]] = field(default_factory=dict)
    due_days: dict[str, int] = field(default_factory=dict)
    streams: Streams = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.persona = persona(self.seed)
        self.roles = {account.key: role_of(account) for account in self.accounts}
        self.first = {}
        for account in self.accounts:
            self.first.setdefault(self.roles[account.key], account)
        save = self.persona.savings_transfer
        self.transfers = (
            OwnTransfer(
                "savings",
                "to-savings",
                "transfer:savings",
                self._affordable(save, "savings", per_year=12),
                lambda day: monthly_day(day, 16),
                "TRANSFER_OUT_SAVINGS",
                "TRANSFER_IN_SAVINGS",
            ),
            OwnTransfer(
                "cash_management",
                "to-cash-management",
                "transfer:cash_management",
                self._affordable(round(save / 2, 2), "cash_management", per_year=12),
                lambda day: monthly_day(day, 20),
                "TRANSFER_OUT_ACCOUNT_TRANSFER",
                "TRANSFER_IN_ACCOUNT_TRANSFER",
            ),
            OwnTransfer(
                "money_market",
                "to-money-market",
                "transfer:money_market",
                self._affordable(1000.0, "money_market", per_year=4),
                lambda day: day.month % 3 == 0 and monthly_day(day, 25),
                "TRANSFER_OUT_SAVINGS",
                "TRANSFER_IN_SAVINGS",
            ),
        )
        random = rng(self.seed, "bills")
        self.bills = {
            kind: round(random.uniform(merchant.low, merchant.high), 2)
            for kind in ("internet", "phone", "insurance")
            for merchant in self.persona.favourites[kind][:1]
        }

    def _affordable(self, amount: float, role: str, *, per_year: int) -> float:
        """`amount`, or less when the account it feeds holds too little for it.

        Money only flows into these accounts, and their past balances are today's less what came
        in since (gingham.sandbox_data.balances): a $210 savings account fed $200 a month would
        have been overdrawn two months ago. Capping the transfer at what today's balance spread
        over the whole history allows keeps every past balance at or above zero."""
        target = self.first.get(role)
        if target is None or target.current_balance is None:
            return amount
        history_years = 2.1
        whole_dollars = float(int(target.current_balance / (per_year * history_years)))
        return min(amount, max(whole_dollars, 0.0))

    @property
    def has_personal_card(self) -> bool:
        return "card" in self.first

    def card_due_day(self, card: AccountProfile) -> int:
        due = self.due_days.get(card.key)
        if due is None:
            due = self.due_days[card.key] = rng(self.seed, card.key, "due day").randint(5, 25)
        return due

    def day(self, account: AccountProfile, when: date) -> Day:
        return Day(self.seed, self.persona, account, when, self.streams)

"""Signal's sandbox scores: deterministic, and steerable by a test through the amount.

Plaid's Sandbox documents three amounts with fixed scores, and Gingham answers them exactly:
3.53 scores 10 (low risk), 12.17 scores 60 (medium) and 27.53 scores 90 (high), for both kinds of
return risk. Any other amount is scored from the account's balance, which is what an ACH debit's
return risk mostly hangs on:

- bank-initiated (R01 insufficient funds and the like) from the amount's share of the available
  balance (the current balance without one): up to 10% scores 5, up to 25% 15, up to 50% 30, up to
  all of it 55, more than the balance 85; an unknown or non-positive balance scores 70;
- customer-initiated (unauthorized, R05/R07/R10…) from the amount alone: below 100 scores 5,
  below 1,000 10, below 5,000 20, from 5,000 on 35; 10 more when the user is not present.

Risk tiers follow the scores: customer-initiated tiers 1-5 in bands of 20 points, bank-initiated
tiers 1-8 in bands of 12.5. The ruleset result: REROUTE when either score is 80 or more, REVIEW
from 50, else ACCEPT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Plaid's Sandbox test amounts and the score each returns.
DOCUMENTED_AMOUNTS: Final = {3.53: 10, 12.17: 60, 27.53: 90}

REROUTE_FROM: Final = 80
REVIEW_FROM: Final = 50


@dataclass(frozen=True, slots=True)
class Scores:
    customer_initiated: int
    bank_initiated: int

    @property
    def customer_initiated_tier(self) -> int:
        return min(5, 1 + self.customer_initiated // 20)

    @property
    def bank_initiated_tier(self) -> int:
        return min(8, 1 + int(self.bank_initiated / 12.5))

    @property
    def result(self) -> str:
        highest = max(self.customer_initiated, self.bank_initiated)
        if highest >= REROUTE_FROM:
            return "REROUTE"
        return "REVIEW" if highest >= REVIEW_FROM else "ACCEPT"

    @property
    def rule_note(self) -> str:
        return {
            "REROUTE": "Return risk is high: reroute the customer to another payment method",
            "REVIEW": "Return risk is elevated: review before initiating the debit",
            "ACCEPT": "Return risk is low",
        }[self.result]


def score(amount: float, balance: float | None, *, user_present: bool | None) -> Scores:
    documented = DOCUMENTED_AMOUNTS.get(round(amount, 2))
    if documented is not None:
        return Scores(documented, documented)
    return Scores(_customer_initiated(amount, user_present), _bank_initiated(amount, balance))


def _bank_initiated(amount: float, balance: float | None) -> int:
    if balance is None or balance <= 0:
        return 70
    share = amount / balance
    for limit, value in ((0.1, 5), (0.25, 15), (0.5, 30), (1.0, 55)):
        if share <= limit:
            return value
    return 85


def _customer_initiated(amount: float, user_present: bool | None) -> int:
    value = 35
    for limit, banded in ((100, 5), (1_000, 10), (5_000, 20)):
        if amount < limit:
            value = banded
            break
    return value + (10 if user_present is False else 0)

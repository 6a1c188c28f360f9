"""Liabilities of a bank login's credit cards, student loans and mortgages.

Plaid's default sandbox accounts (user_good's "Plaid Credit Card", "Plaid Student Loan" and
"Plaid Mortgage") carry the values Plaid documents for them; other accounts get values drawn from
the login's seed. Terms fixed at origination (rates, origination dates, addresses) never change;
the billing cycle (last statement, last payment, next due date, year-to-date amounts) follows the
client's sandbox clock. user_custom's `liability` overrides apply on top (Plaid's format).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gingham.sandbox_data.seeds import faker, rng

JSON = dict[str, Any]

CREDIT_SUBTYPES = frozenset({"credit card", "paypal"})


class InvalidCustomData(ValueError):
    """user_custom product data that does not follow Plaid's format; the message names the field."""


@dataclass(frozen=True, slots=True)
class LiabilityAccount:
    # The account's mask (or position) within the login.
    key: str
    name: str
    type: str
    subtype: str | None
    current_balance: float | None
    # Whether this is one of Plaid's default sandbox accounts (gingham.bank.accounts), which have
    # Plaid's documented liabilities.
    plaid_default: bool

    @property
    def kind(self) -> str | None:
        """ "credit", "student" or "mortgage": the liabilities category the account belongs to."""
        if self.type == "credit" and self.subtype in CREDIT_SUBTYPES:
            return "credit"
        if self.type == "loan" and self.subtype in ("student", "mortgage"):
            return self.subtype
        return None


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def last_monthly(today: date, day: int) -> date:
    """The latest date on or before `today` that falls on `day` of its month (clamped)."""
    this_month = _on_day(today.year, today.month, day)
    if this_month <= today:
        return this_month
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return _on_day(year, month, day)


def next_monthly(after: date, day: int) -> date:
    """The first date after `after` that falls on `day` of its month (clamped)."""
    this_month = _on_day(after.year, after.month, day)
    if this_month > after:
        return this_month
    year, month = (after.year, after.month + 1) if after.month < 12 else (after.year + 1, 1)
    return _on_day(year, month, day)


def _payments_this_year(today: date, day: int) -> int:
    """How many monthly payments on `day` have been made since January 1st."""
    paid = last_monthly(today, day)
    return paid.month if paid.year == today.year else 0


# --- Credit cards -----------------------------------------------------------------------------


def credit(seed: str, account: LiabilityAccount, today: date) -> JSON:
    if account.plaid_default and account.key == "3333":
        # Plaid's documented values for its sandbox credit card.
        statement_day, aprs = (
            28,
            [
                _apr(15.24, "balance_transfer_apr", 1562.32, 130.22),
                _apr(27.95, "cash_apr", 56.22, 14.81),
                _apr(12.5, "purchase_apr", 157.01, 25.66),
                _apr(0, "special", 1000, 0),
            ],
        )
        last_payment, statement_balance, minimum = 168.25, 1708.77, 20.0
    else:
        random = rng(seed, account.key, "credit")
        balance = max(account.current_balance or 0.0, 0.0)
        purchase = round(random.uniform(14.0, 26.5), 2)
        cash_share = round(balance * random.uniform(0, 0.1), 2)
        transfer_share = round(balance * random.uniform(0, 0.25), 2)
        purchase_share = round(balance - cash_share - transfer_share, 2)
        aprs = [
            _apr(purchase, "purchase_apr", purchase_share),
            _apr(round(purchase + random.uniform(3, 8), 2), "cash_apr", cash_share),
            _apr(
                round(max(purchase - random.uniform(2, 6), 0), 2),
                "balance_transfer_apr",
                transfer_share,
            ),
        ]
        statement_day = random.randint(1, 28)
        statement_balance = round(balance * random.uniform(0.85, 1.05), 2)
        minimum = round(max(25.0, statement_balance * 0.02), 2) if statement_balance else 0.0
        last_payment = round(max(minimum, statement_balance * random.uniform(0.05, 0.4)), 2)
    statement = last_monthly(today, statement_day)
    due = statement + timedelta(days=25)
    if due <= today:
        # Paid already: what is due next is the coming statement's balance.
        due = next_monthly(statement, statement_day) + timedelta(days=25)
    return {
        "aprs": aprs,
        "is_overdue": False,
        "last_payment_amount": last_payment,
        "last_payment_date": (statement - timedelta(days=6)).isoformat(),
        "last_statement_issue_date": statement.isoformat(),
        "last_statement_balance": statement_balance,
        "minimum_payment_amount": minimum,
        "next_payment_due_date": due.isoformat(),
    }


def _apr(percentage: float, apr_type: str, subject: float, charge: float | None = None) -> JSON:
    if charge is None:
        charge = round(subject * percentage / 100 / 12, 2)
    return {
        "apr_percentage": percentage,
        "apr_type": apr_type,
        "balance_subject_to_apr": subject,
        "interest_charge_amount": charge,
    }


# --- Student loans ----------------------------------------------------------------------------

_SERVICERS = ("Nelnet", "MOHELA", "Aidvantage", "EdFinancial Services", "Navient")


def student(seed: str, account: LiabilityAccount, today: date) -> JSON:
    if account.plaid_default and account.key == "7777":
        terms: JSON = {
            "account_number": "4277075694",
            "disbursement_dates": ["2002-08-28"],
            "expected_payoff_date": "2032-07-28",
            "guarantor": "DEPT OF ED",
            "interest_rate_percentage": 5.25,
            "loan_name": "Consolidation",
            "loan_status": {"end_date": "2032-07-28", "type": "repayment"},
            "minimum_payment_amount": 25.0,
            "origination_date": "2002-08-28",
            "origination_principal_amount": 25000.0,
            "outstanding_interest_amount": 6227.36,
            "payment_reference_number": "4277075694",
            "pslf_status": {
                "estimated_eligibility_date": None,
                "payments_made": None,
                "payments_remaining": None,
            },
            "repayment_plan": {"description": "Standard Repayment", "type": "standard"},
            "sequence_number": "1",
            "servicer_address": {
                "city": "San Matias",
                "country": "US",
                "postal_code": "99415",
                "region": "CA",
                "street": "123 Relaxation Road",
            },
            "last_statement_balance": 1708.77,
        }
        interest_part, principal_part, statement_day = 70.14, 67.91, 28
    else:
        random = rng(seed, account.key, "student")
        fake = faker(seed, account.key, "servicer")
        balance = max(account.current_balance or 0.0, 0.0)
        originated = date(random.randint(2008, 2020), random.randint(1, 12), random.randint(1, 28))
        payoff = _on_day(originated.year + random.choice((10, 20, 25)), originated.month, 28)
        rate = round(random.uniform(2.75, 7.5), 2)
        monthly = round(max(balance, 1000) / 120, 2)
        interest_part = round(balance * rate / 100 / 12, 2)
        principal_part = round(max(monthly - interest_part, monthly * 0.2), 2)
        statement_day = random.randint(1, 28)
        number = str(random.randint(10**9, 10**10 - 1))
        terms = {
            "account_number": number,
            "disbursement_dates": [originated.isoformat()],
            "expected_payoff_date": payoff.isoformat(),
            "guarantor": "DEPT OF ED",
            "interest_rate_percentage": rate,
            "loan_name": random.choice(
                ("Direct Subsidized", "Direct Unsubsidized", "Consolidation")
            ),
            "loan_status": {"end_date": payoff.isoformat(), "type": "repayment"},
            "minimum_payment_amount": round(interest_part + principal_part, 2),
            "origination_date": originated.isoformat(),
            "origination_principal_amount": round(balance * random.uniform(1.1, 1.6), -2) or 5000.0,
            "outstanding_interest_amount": round(balance * random.uniform(0.01, 0.08), 2),
            "payment_reference_number": number,
            "pslf_status": {
                "estimated_eligibility_date": None,
                "payments_made": None,
                "payments_remaining": None,
            },
            "repayment_plan": {"description": "Standard Repayment", "type": "standard"},
            "sequence_number": "1",
            "servicer_address": {
                "city": fake.city(),
                "country": "US",
                "postal_code": fake.postcode(),
                "region": fake.state_abbr(include_territories=False),
                "street": fake.street_address(),
            },
            "last_statement_balance": round(balance, 2),
        }
        terms["loan_name"] = f"{random.choice(_SERVICERS)} {terms['loan_name']}"
    return {**terms, **_cycle(today, statement_day, interest_part, principal_part)}


def _cycle(today: date, statement_day: int, interest_part: float, principal_part: float) -> JSON:
    """A monthly loan's billing cycle: paid six days before each statement, due a month after."""
    statement = last_monthly(today, statement_day)
    paid = statement - timedelta(days=6)
    payments = paid.month if paid.year == today.year else 0
    return {
        "is_overdue": False,
        "last_payment_amount": round(interest_part + principal_part, 2),
        "last_payment_date": paid.isoformat(),
        "last_statement_issue_date": statement.isoformat(),
        "next_payment_due_date": next_monthly(statement, statement_day).isoformat(),
        "ytd_interest_paid": round(interest_part * payments, 2),
        "ytd_principal_paid": round(principal_part * payments, 2),
    }


# --- Mortgages --------------------------------------------------------------------------------


def mortgage(seed: str, account: LiabilityAccount, today: date) -> JSON:
    if account.plaid_default and account.key == "8888":
        terms: JSON = {
            "account_number": "3120194154",
            "current_late_fee": 25.0,
            "escrow_balance": 3141.54,
            "has_pmi": True,
            "has_prepayment_penalty": True,
            "interest_rate": {"percentage": 3.99, "type": "fixed"},
            "loan_term": "30 year",
            "loan_type_description": "conventional",
            "maturity_date": "2045-07-31",
            "next_monthly_payment": 3141.54,
            "origination_date": "2015-08-01",
            "origination_principal_amount": 425000.0,
            "past_due_amount": 2304.0,
            "property_address": {
                "city": "Malakoff",
                "country": "US",
                "postal_code": "14236",
                "region": "NY",
                "street": "2992 Cameron Road",
            },
        }
        interest_part, principal_part = 1537.55, 1542.56
    else:
        random = rng(seed, account.key, "mortgage")
        fake = faker(seed, account.key, "property")
        balance = max(account.current_balance or 0.0, 0.0)
        years = random.choice((15, 30))
        originated = date(random.randint(2010, 2022), random.randint(1, 12), 1)
        rate = round(random.uniform(2.5, 7.25), 3)
        principal = round(max(balance, 50000) * random.uniform(1.2, 1.8), -3)
        monthly_rate = rate / 100 / 12
        payment = round(principal * monthly_rate / (1 - (1 + monthly_rate) ** (-12 * years)), 2)
        interest_part = round(balance * monthly_rate, 2)
        principal_part = round(max(payment - interest_part, 0), 2)
        escrow = round(random.uniform(150, 600), 2)
        terms = {
            "account_number": str(random.randint(10**9, 10**10 - 1)),
            "current_late_fee": 0.0,
            "escrow_balance": round(escrow * random.randint(2, 10), 2),
            "has_pmi": random.random() < 0.3,
            "has_prepayment_penalty": random.random() < 0.1,
            "interest_rate": {"percentage": rate, "type": random.choice(("fixed", "variable"))},
            "loan_term": f"{years} year",
            "loan_type_description": random.choice(("conventional", "fha", "va")),
            "maturity_date": _on_day(originated.year + years, originated.month, 1).isoformat(),
            "next_monthly_payment": round(payment + escrow, 2),
            "origination_date": originated.isoformat(),
            "origination_principal_amount": principal,
            "past_due_amount": 0.0,
            "property_address": {
                "city": fake.city(),
                "country": "US",
                "postal_code": fake.postcode(),
                "region": fake.state_abbr(include_territories=False),
                "street": fake.street_address(),
            },
        }
    paid = last_monthly(today, 1)
    payments = _payments_this_year(today, 1)
    return {
        **terms,
        "last_payment_amount": terms["next_monthly_payment"],
        "last_payment_date": paid.isoformat(),
        "next_payment_due_date": next_monthly(paid, 1).isoformat(),
        "ytd_interest_paid": round(interest_part * payments, 2),
        "ytd_principal_paid": round(principal_part * payments, 2),
    }

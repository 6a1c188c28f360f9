"""What happens on one day of one account, by the part the account plays: payroll, housing,
bills and transfers through checking; transfers in and interest on savings-like accounts;
contributions and medical spending on an HSA; purchases and payments on cards."""

from __future__ import annotations

import math
from datetime import date

from gingham.sandbox_data.building import EMPTY_LOCATION, Day, counterparty, plain, purchase
from gingham.sandbox_data.login import INTEREST_RATES, Login
from gingham.sandbox_data.merchants import ALL_MERCHANTS
from gingham.sandbox_data.records import AccountProfile, GeneratedTransaction
from gingham.sandbox_data.schedule import (
    is_month_end,
    is_payday,
    monthly_day,
    yearly_date,
    yearly_growth,
)
from gingham.sandbox_data.spending import card_day, everyday, statement_balance, subscriptions

_VENMO = ALL_MERCHANTS["venmo"]
_HSA_CONTRIBUTION = 125.0


def day_of(login: Login, account: AccountProfile, when: date) -> list[GeneratedTransaction]:
    day = login.day(account, when)
    role = login.roles[account.key]
    if role in ("card", "business_card"):
        made = card_day(login, day)
    elif role == "checking" and login.first["checking"] is account:
        made = _checking(login, day)
    elif role in ("checking", "wallet"):
        made = everyday(login, day, 0.12)
    elif role == "hsa":
        made = _hsa(login, day)
    elif role in INTEREST_RATES:
        made = _transfers_in(login, day, role)
    else:
        return []
    if role in INTEREST_RATES and is_month_end(day.date):
        made.append(_interest(day, INTEREST_RATES[role]))
    made.sort(key=lambda transaction: transaction.key)
    return made


def _checking(login: Login, day: Day) -> list[GeneratedTransaction]:
    me = login.persona
    random = day.random
    when = day.date
    made: list[GeneratedTransaction] = []
    if is_payday(login.seed, when):
        pay = me.net_pay * yearly_growth(when, 0.03) * random.uniform(0.996, 1.004)
        made.append(
            plain(
                day,
                "payroll",
                -pay,
                name=f"{me.employer.upper()} PAYROLL PPD ID: {me.employer_ach_id}",
                pfc="INCOME_WAGES",
                category_id="21009000",
                code="transfer",
                stream="payroll",
                confidence="VERY_HIGH",
                counterparty=counterparty(me.employer, "income_source"),
            )
        )
    if when.day == 1:
        made.append(_housing(login, day))
    student_loan = login.first.get("student_loan")
    if student_loan is not None and when.day == 12:
        made.append(
            plain(
                day,
                "student-loan",
                max(120.0, (student_loan.current_balance or 20000) * 0.011),
                name=f"{student_loan.name.upper()} STUDENT LN PAYMENT",
                pfc="LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT",
                category_id="16003000",
                code="bill payment",
                stream="student_loan",
            )
        )
    if monthly_day(when, me.bill_days["electric"]):
        made.append(_electric(login, day))
    for transfer in login.transfers:
        target = login.first.get(transfer.role)
        if target is not None and transfer.amount > 0 and transfer.happens_on(when):
            made.append(
                plain(
                    day,
                    transfer.slug,
                    transfer.amount,
                    name=f"ONLINE TRANSFER TO {target.name.upper()} XXXXXX{target.key[-4:]}",
                    pfc=transfer.out_pfc,
                    category_id="21001000",
                    code="transfer",
                    stream=transfer.stream,
                )
            )
    for card in login.accounts:
        is_card = login.roles[card.key] in ("card", "business_card")
        if is_card and monthly_day(when, login.card_due_day(card)):
            balance = statement_balance(login, card, when)
            if balance > 0:
                made.append(
                    plain(
                        day,
                        f"card-payment-{card.key}",
                        balance,
                        name=f"PAYMENT TO {card.name.upper()} ENDING IN {card.key[-4:]}",
                        pfc="LOAN_PAYMENTS_CREDIT_CARD_PAYMENT",
                        category_id="16001000",
                        code="bill payment",
                        stream=f"credit_card_payment:{card.key}",
                    )
                )
    if not login.has_personal_card:
        made.extend(subscriptions(login, day))
    made.extend(everyday(login, day, 0.25 if login.has_personal_card else 1.0))
    made.extend(_cash_and_fees(login, day))
    refund_day = yearly_date(login.seed, "tax refund", when.year, when.replace(month=2, day=20), 60)
    if when == refund_day:
        made.append(
            plain(
                day,
                "tax-refund",
                -random.uniform(250, 2400),
                name="IRS TREAS 310 TAX REF",
                pfc="INCOME_TAX_REFUND",
                category_id="20001000",
                code="transfer",
                counterparty=counterparty("Internal Revenue Service", "income_source"),
            )
        )
    return made


def _housing(login: Login, day: Day) -> GeneratedTransaction:
    mortgage = login.first.get("mortgage")
    if mortgage is not None:
        # Principal and interest on the balance, plus escrow for taxes and insurance.
        payment = (mortgage.current_balance or 250000) * 0.0062 + 310
        return plain(
            day,
            "housing",
            payment,
            name=f"{mortgage.name.upper()} MTG PYMT",
            pfc="LOAN_PAYMENTS_MORTGAGE_PAYMENT",
            category_id="16003000",
            code="bill payment",
            stream="mortgage",
        )
    landlord = login.persona.landlord
    return plain(
        day,
        "housing",
        round(login.persona.rent * yearly_growth(day.date, 0.03) / 5) * 5,
        name=f"{landlord.upper()} WEB PMTS",
        pfc="RENT_AND_UTILITIES_RENT",
        category_id="16002000",
        code="bill payment",
        stream="rent",
        counterparty=counterparty(landlord, "merchant"),
    )


def _electric(login: Login, day: Day) -> GeneratedTransaction:
    merchant = login.persona.favourites["electric"][0]
    # Dearest in winter and summer (heating, air conditioning), cheapest in spring and autumn.
    season = math.cos(4 * math.pi * (day.date.month - 1) / 12)
    level = 0.45 + 0.3 * season
    amount = (merchant.low + (merchant.high - merchant.low) * level) * day.random.uniform(0.9, 1.1)
    return purchase(
        day, "electric", merchant, amount, pool="electric", stream="bill:electric", authorized=False
    )


def _cash_and_fees(login: Login, day: Day) -> list[GeneratedTransaction]:
    random = day.random
    home = login.persona.home
    made: list[GeneratedTransaction] = []
    if random.random() < 0.045:
        atm = {"city": home.name, "region": home.region, "country": "US"}
        made.append(
            plain(
                day,
                "atm",
                float(random.choice((40, 60, 80, 100, 200))),
                name=f"ATM WITHDRAWAL {random.randint(1000, 9999)} {home.name.upper()} {home.region}",
                pfc="TRANSFER_OUT_WITHDRAWAL",
                category_id="21012002",
                code="atm",
                channel="in store",
                location={**EMPTY_LOCATION, **atm},
            )
        )
        if random.random() < 0.3:
            made.append(
                plain(
                    day,
                    "atm-fee",
                    random.choice((2.5, 3.0, 3.5)),
                    name="NON-NETWORK ATM FEE",
                    pfc="BANK_FEES_ATM_FEES",
                    category_id="10002000",
                    code="bank charge",
                )
            )
    if random.random() < 0.0025:
        made.append(
            plain(
                day,
                "overdraft",
                34.0,
                name="OVERDRAFT ITEM FEE",
                pfc="BANK_FEES_OVERDRAFT_FEES",
                category_id="10001000",
                code="bank charge",
            )
        )
    if day.date.weekday() < 5 and random.random() < 0.03:
        # Checks are numbered in the order they were written: one a week at most.
        number = str(1000 + (day.date.toordinal() - 737425) // 7)
        made.append(
            plain(
                day,
                "check",
                random.uniform(40, 650),
                name=f"CHECK {number}",
                pfc="TRANSFER_OUT_ACCOUNT_TRANSFER",
                category_id="21012001",
                code="cheque",
                confidence="LOW",
                check_number=number,
            )
        )
    if random.random() < 0.07:
        if random.random() < 0.7:
            amount = random.uniform(_VENMO.low, _VENMO.high)
            made.append(
                purchase(day, "venmo", _VENMO, amount, pool="payment_app", authorized=False)
            )
        else:
            amount = -random.uniform(_VENMO.low, _VENMO.high)
            made.append(
                purchase(
                    day,
                    "venmo",
                    _VENMO,
                    amount,
                    pool="payment_app",
                    authorized=False,
                    pfc="TRANSFER_IN_ACCOUNT_TRANSFER",
                )
            )
    return made


def _transfers_in(login: Login, day: Day, role: str) -> list[GeneratedTransaction]:
    made: list[GeneratedTransaction] = []
    checking = login.first.get("checking")
    for transfer in login.transfers:
        if transfer.role != role or login.first.get(role) is not day.account:
            continue
        if transfer.amount > 0 and transfer.happens_on(day.date):
            source = (
                f"{checking.name.upper()} XXXXXX{checking.key[-4:]}" if checking else "EXTERNAL"
            )
            made.append(
                plain(
                    day,
                    transfer.slug.replace("to-", "from-checking-"),
                    -transfer.amount,
                    name=f"ONLINE TRANSFER FROM {source}",
                    pfc=transfer.in_pfc,
                    category_id="21001000",
                    code="transfer",
                    stream=transfer.stream,
                )
            )
    return made


def _hsa(login: Login, day: Day) -> list[GeneratedTransaction]:
    me = login.persona
    made: list[GeneratedTransaction] = []
    if is_payday(login.seed, day.date):
        made.append(
            plain(
                day,
                "contribution",
                -_HSA_CONTRIBUTION,
                name=f"HSA CONTRIBUTION {me.employer.upper()}",
                pfc="TRANSFER_IN_DEPOSIT",
                category_id="21007000",
                code="transfer",
                stream="hsa_contribution",
                counterparty=counterparty(me.employer, "income_source"),
            )
        )
    random = day.random
    if random.random() < 0.05:
        merchant = random.choice(me.favourites["medical"] + me.favourites["pharmacy"])
        amount = merchant.low + (merchant.high - merchant.low) * random.random() ** 1.5
        made.append(purchase(day, "medical", merchant, amount, pool="medical"))
    return made


def _interest(day: Day, rate: float) -> GeneratedTransaction:
    balance = day.account.current_balance or 1000.0
    amount = max(0.01, balance * rate / 12 * day.random.uniform(0.97, 1.03))
    return plain(
        day,
        "interest",
        -amount,
        name="INTEREST PAYMENT",
        pfc="INCOME_INTEREST_EARNED",
        category_id="15001000",
        code="interest",
        stream="interest",
        confidence="VERY_HIGH",
    )

"""Signal's `core_attributes`: the facts about the account and its connections that the scores
rest on.

Gingham fills what it knows of the account and its bank login: balances and when they were read,
whether it is a savings or money market account, its connections through Gingham (how long ago the
login was first connected, how many Items it has had), contact details that never change (so no
phone, email or address changes), and an account that is open and unrestricted. Attributes drawn
from transaction history, authentication attempts and device sessions are null, as Plaid allows
for attributes it cannot compute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from gingham.accounts.service import AccountRecord
from gingham.items.models import Item
from gingham.items.service import ItemRecord
from gingham.wire.json import format_datetime

# Every attribute of Plaid's SignalEvaluateCoreAttributes, in the spec's order.
_ATTRIBUTES: Final = (
    "unauthorized_transactions_count_7d",
    "unauthorized_transactions_count_30d",
    "unauthorized_transactions_count_60d",
    "unauthorized_transactions_count_90d",
    "nsf_overdraft_transactions_count_7d",
    "nsf_overdraft_transactions_count_30d",
    "nsf_overdraft_transactions_count_60d",
    "nsf_overdraft_transactions_count_90d",
    "days_since_first_plaid_connection",
    "plaid_connections_count_7d",
    "plaid_connections_count_30d",
    "total_plaid_connections_count",
    "is_savings_or_money_market_account",
    "total_credit_transactions_amount_10d",
    "total_debit_transactions_amount_10d",
    "p50_credit_transactions_amount_28d",
    "p50_debit_transactions_amount_28d",
    "p95_credit_transactions_amount_28d",
    "p95_debit_transactions_amount_28d",
    "days_with_negative_balance_count_90d",
    "p90_eod_balance_30d",
    "p90_eod_balance_60d",
    "p90_eod_balance_90d",
    "p10_eod_balance_30d",
    "p10_eod_balance_60d",
    "p10_eod_balance_90d",
    "available_balance",
    "current_balance",
    "balance_last_updated",
    "phone_change_count_28d",
    "phone_change_count_90d",
    "email_change_count_28d",
    "email_change_count_90d",
    "address_change_count_28d",
    "address_change_count_90d",
    "plaid_non_oauth_authentication_attempts_count_3d",
    "plaid_non_oauth_authentication_attempts_count_7d",
    "plaid_non_oauth_authentication_attempts_count_30d",
    "failed_plaid_non_oauth_authentication_attempts_count_3d",
    "failed_plaid_non_oauth_authentication_attempts_count_7d",
    "failed_plaid_non_oauth_authentication_attempts_count_30d",
    "debit_transactions_count_10d",
    "credit_transactions_count_10d",
    "debit_transactions_count_30d",
    "credit_transactions_count_30d",
    "debit_transactions_count_60d",
    "credit_transactions_count_60d",
    "debit_transactions_count_90d",
    "credit_transactions_count_90d",
    "total_debit_transactions_amount_30d",
    "total_credit_transactions_amount_30d",
    "total_debit_transactions_amount_60d",
    "total_credit_transactions_amount_60d",
    "total_debit_transactions_amount_90d",
    "total_credit_transactions_amount_90d",
    "p50_eod_balance_30d",
    "p50_eod_balance_60d",
    "p50_eod_balance_90d",
    "p50_eod_balance_31d_to_60d",
    "p50_eod_balance_61d_to_90d",
    "p90_eod_balance_31d_to_60d",
    "p90_eod_balance_61d_to_90d",
    "p10_eod_balance_31d_to_60d",
    "p10_eod_balance_61d_to_90d",
    "transactions_last_updated",
    "is_account_closed",
    "is_account_frozen_or_restricted",
    "distinct_ip_addresses_count_3d",
    "distinct_ip_addresses_count_7d",
    "distinct_ip_addresses_count_30d",
    "distinct_ip_addresses_count_90d",
    "distinct_user_agents_count_3d",
    "distinct_user_agents_count_7d",
    "distinct_user_agents_count_30d",
    "distinct_user_agents_count_90d",
    "distinct_ssl_tls_connection_sessions_count_3d",
    "distinct_ssl_tls_connection_sessions_count_7d",
    "distinct_ssl_tls_connection_sessions_count_30d",
    "distinct_ssl_tls_connection_sessions_count_90d",
    "days_since_account_opening",
    "balance_to_transaction_amount_ratio",
)

_CONNECTIONS = select(func.min(Item.created_at), func.count()).where(
    Item.login_id == bindparam("login_id")
)
_RECENT_CONNECTIONS = select(func.count()).where(
    Item.login_id == bindparam("login_id"), Item.created_at >= bindparam("since")
)


def core_attributes(
    session: Session, item: ItemRecord, account: AccountRecord, amount: float, now: datetime
) -> dict[str, Any]:
    attributes: dict[str, Any] = dict.fromkeys(_ATTRIBUTES)
    balance = (
        account.available_balance
        if account.available_balance is not None
        else account.current_balance
    )
    attributes.update(
        available_balance=account.available_balance,
        current_balance=account.current_balance,
        balance_last_updated=format_datetime(account.balances_updated_at),
        balance_to_transaction_amount_ratio=round(balance / amount, 4)
        if balance is not None and amount > 0
        else None,
        is_savings_or_money_market_account=account.subtype in ("savings", "money market"),
        is_account_closed=False,
        is_account_frozen_or_restricted=False,
        **dict.fromkeys(
            (
                "phone_change_count_28d",
                "phone_change_count_90d",
                "email_change_count_28d",
                "email_change_count_90d",
                "address_change_count_28d",
                "address_change_count_90d",
            ),
            0,
        ),
    )
    attributes.update(_connections(session, item, now))
    return attributes


def _connections(session: Session, item: ItemRecord, now: datetime) -> dict[str, Any]:
    """How the Item's bank login has been connected through Gingham, by any client."""
    if item.login_id is None:
        first, total, last_7d, last_30d = item.created_at, 1, None, None
    else:
        connection = session.connection()
        params = {"login_id": item.login_id}
        first, total = connection.execute(_CONNECTIONS, params).one()
        last_7d, last_30d = (
            connection.execute(
                _RECENT_CONNECTIONS, {**params, "since": now - timedelta(days=days)}
            ).scalar_one()
            for days in (7, 30)
        )
    return {
        "days_since_first_plaid_connection": max(0, (now - first).days),
        "total_plaid_connections_count": total,
        "plaid_connections_count_7d": last_7d,
        "plaid_connections_count_30d": last_30d,
    }

"""Sandbox logins as the bank keeps them: signing in, and what the bank simulation changes.

A login is a username at one institution. Plaid's sandbox rules (gingham.bank.credentials) say
which passwords sign in and which accounts a username holds; the bank simulation layers changes
on top: the user sets a new password (the old one stops working, and so do the Items made with
it), or opens a new account.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gingham import errors
from gingham.bank.accounts import AccountTemplate
from gingham.bank.credentials import (
    ANY_PASSWORD_USERS,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    BankLogin,
    custom_account,
    invalid_credentials,
    sign_in,
)
from gingham.bank.models import BankLoginState

# A sandbox bank holds at most this many accounts for a login, as user_custom allows.
MAX_ADDED_ACCOUNTS = 10


def login_id(institution_id: str, username: str) -> str:
    """The stable, opaque id of a login at an institution (also the OAuth bank's OpenID `sub`)."""
    digest = hashlib.sha256(f"user\x1f{institution_id}\x1f{username}".encode()).hexdigest()
    return f"buser_{digest[:24]}"


def _password_hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def state_of(session: Session, institution_id: str, username: str) -> BankLoginState | None:
    return session.get(BankLoginState, login_id(institution_id, username))


def added_accounts(state: BankLoginState | None) -> tuple[AccountTemplate, ...]:
    if state is None:
        return ()
    return tuple(AccountTemplate(**account) for account in state.added_accounts)


def sign_in_at(session: Session, institution_id: str, username: str, password: str) -> BankLogin:
    """Sign in at the institution's bank: Plaid's sandbox rules, unless the user has set a new
    password there, which is then the only one that works; plus any accounts opened since."""
    state = state_of(session, institution_id, username)
    if state is not None and state.password_hash is not None:
        if not hmac.compare_digest(state.password_hash, _password_hash(password)):
            raise invalid_credentials()
        login = sign_in(username, DEFAULT_PASSWORD if username == DEFAULT_USERNAME else password)
    else:
        login = sign_in(username, password)
    extra = added_accounts(state)
    return replace(login, accounts=login.accounts + extra) if extra else login


def accounts_of_login(
    session: Session, institution_id: str, username: str
) -> tuple[AccountTemplate, ...]:
    """The accounts a sandbox user holds at a credential bank, whatever their password."""
    check_sandbox_user(username)
    base = sign_in(username, DEFAULT_PASSWORD if username == DEFAULT_USERNAME else username)
    return base.accounts + added_accounts(state_of(session, institution_id, username))


def _state_for_change(
    session: Session, institution_id: str, username: str, now: datetime
) -> BankLoginState:
    state = state_of(session, institution_id, username)
    if state is None:
        state = BankLoginState(
            id=login_id(institution_id, username),
            institution_id=institution_id,
            username=username,
            password_hash=None,
            password_changed_at=None,
            added_accounts=[],
            created_at=now,
        )
        session.add(state)
    return state


def check_sandbox_user(username: str) -> None:
    """Only logins that exist at a sandbox bank can change there."""
    if username != DEFAULT_USERNAME and username not in ANY_PASSWORD_USERS:
        raise errors.invalid_field(
            f"{username!r} is not a sandbox user whose login the bank keeps; use user_good or "
            "another of Plaid's sandbox usernames (user_custom's accounts live in its password, "
            "so its login cannot change)"
        )


def remember_login(session: Session, institution_id: str, username: str, now: datetime) -> None:
    """Keep the login's username, so that Link can name the login an Item was made with."""
    check_sandbox_user(username)
    _state_for_change(session, institution_id, username, now)
    session.flush()


def username_of(session: Session, login: str) -> str | None:
    """The username of a login the bank keeps (see remember_login), by its login_id."""
    state = session.get(BankLoginState, login)
    return state.username if state is not None else None


def change_password(
    session: Session, institution_id: str, username: str, password: str, now: datetime
) -> None:
    """The user sets a new password at the bank: from now on only it signs in."""
    check_sandbox_user(username)
    if not password:
        raise errors.invalid_field("password must not be empty")
    state = _state_for_change(session, institution_id, username, now)
    state.password_hash = _password_hash(password)
    state.password_changed_at = now
    session.flush()


def open_account(
    session: Session,
    institution_id: str,
    username: str,
    held: tuple[AccountTemplate, ...],
    spec: dict[str, Any],
    now: datetime,
) -> AccountTemplate:
    """The user opens an account at the bank, described as one of user_custom's
    `override_accounts` entries; `held` are the accounts the login already has."""
    state = _state_for_change(session, institution_id, username, now)
    if len(state.added_accounts) >= MAX_ADDED_ACCOUNTS:
        raise errors.invalid_field(
            f"a sandbox login can open at most {MAX_ADDED_ACCOUNTS} accounts at the bank"
        )
    try:
        account = custom_account(len(held), spec)
    except errors.PlaidError as problem:
        raise errors.invalid_field(f"account: {problem.error_message}") from None
    except (TypeError, ValueError) as problem:
        raise errors.invalid_field(f"account has a value of the wrong type: {problem}") from None
    taken = {a.mask for a in held}
    if account.mask in taken:
        raise errors.invalid_field(
            f"the login already holds an account with mask {account.mask}; choose another meta.mask"
        )
    # A new list: SQLAlchemy does not see in-place changes to a JSON value.
    state.added_accounts = [*state.added_accounts, asdict(account)]
    session.flush()
    return account

"""What Link's panes call things: products, the data they share, and what each consent covers."""

from __future__ import annotations

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

# A degraded institution's notice on the credentials pane.
DEGRADED_NOTICE = (
    "{name} is having connection problems right now. You can still try, but it may take longer "
    "than usual."
)


def product_name(product: str) -> str:
    return PRODUCT_NAMES.get(product, product.replace("_", " ").title())


def data_scope_name(scope: str) -> str:
    return DATA_SCOPE_NAMES.get(scope, scope.replace("_", " ").capitalize())


def select_an_account_for(client_name: str, product: str) -> str:
    """Product validations: why the accounts chosen on Account Select will not do."""
    return f"Select at least one account that {client_name} can use for {product_name(product)}" + (
        " (a checking or savings account)." if product == "auth" else "."
    )


# The returning user experience: what the phone panes say.
PHONE_NOT_VALID = "Enter a valid US or Canadian mobile number."
PHONE_NOT_IN_SANDBOX = (
    "Invalid phone number. In the Sandbox, use 415-555-0011 (a returning user) or 415-555-0010 "
    "(a new user)."
)
OTP_INCORRECT = "That code is incorrect. Check the code and try again."
OTP_TOO_MANY = "Too many incorrect codes. Send a new code, or continue as a guest."
OTP_SENT_AGAIN = "We sent a new code to {phone}."
SAVED_CONNECTION_NOT_REUSABLE = (
    "Your saved connection to {name} needs you to log in again. Log in to reconnect."
)

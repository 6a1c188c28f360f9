"""The bank side of the sandbox: what each sandbox institution holds for a login.

Link and /sandbox/public_token/create ask the bank who a username and password belong to and what
accounts that login has; the rest of Gingham never looks at credentials itself.
"""

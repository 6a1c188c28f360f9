"""What the user's actions in Link do, one module per step of the session.

institution: consent, the review of a Data Transparency consent, choosing the bank.
credentials: signing in with a username and password, and the bank's MFA.
oauth: the trip to an OAuth bank and what the user shared there.
accounts: Account Select.
ending: linking or repairing the Item, errors, and leaving Link (onSuccess, onExit).
"""

"""Transactions: the Item's stored transaction history, sync cursors, pulls on the sandbox clock."""

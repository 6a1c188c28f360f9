"""Bank Income: a user's income read from the deposits of the Items linked for it, its report, PDF and refresh."""

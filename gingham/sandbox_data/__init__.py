"""Deterministic, generated sandbox data behind Items: what a bank login's accounts hold.

Everything here is a pure function of a bank login (its seed) and dates: the same login gives the
same data on every run and on every database. Catalogues (merchants, categories, securities)
live in data modules of their own, apart from the generators that use them.
"""

"""Where a bank login's user lives: the country that shapes their names, address, phone numbers
and bank account numbers.

A login at a one-country institution lives in that country. Plaid's European sandbox bank serves
several countries; a login there is given one of them, chosen from its seed, so that its owner's
address and its IBANs agree (a French address, French IBANs).
"""

from __future__ import annotations

from typing import Final

from gingham.institutions.catalogue import find as find_institution
from gingham.sandbox_data.seeds import seed_of

# Faker's locale for each country Gingham's institutions serve.
FAKER_LOCALES: Final = {
    "US": "en_US",
    "CA": "en_CA",
    "GB": "en_GB",
    "FR": "fr_FR",
    "DE": "de_DE",
    "ES": "es_ES",
    "NL": "nl_NL",
    "IE": "en_IE",
    "IT": "it_IT",
}

# Countries whose accounts are identified by IBAN and BIC (SEPA), and the UK's BACS.
EUROPEAN_COUNTRIES: Final = frozenset({"FR", "DE", "ES", "NL", "IE", "IT"})
BACS_COUNTRY: Final = "GB"


def login_seed(login_id: str | None, item_id: str) -> str:
    """The seed of an Item's data: its bank login, so that the same login gives the same data
    across clients, runs and databases; the Item itself when it has no known login."""
    return login_id or item_id


def home_country(institution_id: str | None, seed: str) -> str:
    institution = find_institution(institution_id) if institution_id else None
    countries = [c for c in institution.country_codes if c in FAKER_LOCALES] if institution else []
    if not countries:
        return "US"
    if len(countries) == 1:
        return countries[0]
    return countries[seed_of(seed, "country") % len(countries)]


def locale_of(country: str) -> str:
    return FAKER_LOCALES.get(country, "en_US")

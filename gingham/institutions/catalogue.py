"""Built-in Sandbox institution catalogue.

Why this is code and not database rows: these are Plaid's documented Sandbox
institutions (the Platypus/tartan family plus the production-named banks that
also exist in Sandbox, such as Chase ``ins_3``). Their ids, names and quirks
are fixed facts that client code and test suites written against Plaid hard-code,
so Gingham ships them as immutable, typed data that is reviewed like code and
can never drift between deployments. Anything that changes at runtime (the bank
simulation marking an institution degraded or down, health incidents, per-test
overrides) is layered on top of this catalogue elsewhere; nothing here mutates.

Sources: Plaid's Sandbox institutions page and OAuth guide (institution-specific
behaviours of Chase, Capital One and Schwab; 90-day consent in EU/UK open
banking). The Platypus banks' routing numbers and colours are made up but well
formed (valid ABA check digits), and so are their home pages (a domain made from the bank's
name, which Link shows under it); the production-named banks carry their public routing
numbers, brand colours and home pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from gingham.products import catalogue as products_catalogue

__all__ = [
    "BY_ID",
    "CATALOGUE",
    "SEARCH_LIMIT",
    "AuthMethods",
    "Behaviour",
    "Health",
    "LoginKind",
    "SandboxInstitution",
    "find",
    "matching",
    "search",
    "validate",
]

# /institutions/search returns at most this many institutions.
SEARCH_LIMIT: Final = 10


class LoginKind(StrEnum):
    """How the end user authenticates with the institution in Link."""

    CREDENTIALS = "CREDENTIALS"  # username/password (+MFA) inside Link
    OAUTH = "OAUTH"  # redirect/pop-up to the bank's OAuth page
    OAUTH_APP2APP = "OAUTH_APP2APP"  # OAuth, bank's mobile app may take over
    OAUTH_QR = "OAUTH_QR"  # OAuth with the EU "scan a QR code" option


class Health(StrEnum):
    """Static ``item_logins`` status (InstitutionStatus.ProductStatus.status)."""

    HEALTHY = "HEALTHY"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"


class Behaviour(StrEnum):
    """Institution-specific behaviours that other parts of Gingham reproduce."""

    # Auth returns tokenized account/routing numbers; only the mask is real (Chase).
    TOKENIZED_ACCOUNT_NUMBERS = "TOKENIZED_ACCOUNT_NUMBERS"
    # A new public token for the same login invalidates the earlier OAuth Item
    # (Chase, Charles Schwab).
    ONE_ITEM_PER_LOGIN = "ONE_ITEM_PER_LOGIN"
    # The bank's OAuth page has its own account picker; update-mode account
    # select cannot remove accounts (Chase).
    ACCOUNT_SELECTION_AT_BANK = "ACCOUNT_SELECTION_AT_BANK"
    # No real-time data: /accounts/balance/get needs
    # options.min_last_updated_datetime for non-depository accounts (Capital One).
    BALANCE_NEEDS_MIN_LAST_UPDATED = "BALANCE_NEEDS_MIN_LAST_UPDATED"
    # /transactions/refresh fails with PRODUCT_NOT_SUPPORTED (Capital One).
    NO_TRANSACTIONS_REFRESH = "NO_TRANSACTIONS_REFRESH"
    # Sandbox always presents MFA; special MFA passwords cannot be used
    # (Bank of America, U.S. Bank).
    ALWAYS_MFA = "ALWAYS_MFA"
    # Refuses apps whose application profile is not complete, with
    # INSTITUTION_REGISTRATION_REQUIRED (Plaid's OAuth guide: "some US institutions require
    # your profile to be completed"); modelled by Wells Fargo and Citibank Online.
    REGISTRATION_REQUIRED = "REGISTRATION_REQUIRED"


@dataclass(frozen=True, slots=True)
class AuthMethods:
    """``auth_metadata.supported_methods`` of the Institution schema."""

    instant_auth: bool = False
    instant_match: bool = False
    automated_micro_deposits: bool = False
    instant_micro_deposits: bool = False

    def any(self) -> bool:
        return (
            self.instant_auth
            or self.instant_match
            or self.automated_micro_deposits
            or self.instant_micro_deposits
        )


@dataclass(frozen=True, slots=True)
class SandboxInstitution:
    institution_id: str
    name: str
    country_codes: tuple[str, ...]
    products: tuple[str, ...]  # Plaid product names it supports
    routing_numbers: tuple[str, ...]
    oauth: bool
    url: str | None
    primary_color: str | None  # "#rrggbb"
    login: LoginKind
    health: Health  # static item_logins status
    supported: bool  # False -> connection_availability NOT_SUPPORTED
    auth_methods: AuthMethods
    # OAuth consent lifetime in days: 90 for EU/UK open banking, 365 for US
    # OAuth banks whose consent expires, None for no expiry.
    consent_days: int | None
    behaviours: frozenset[Behaviour]
    aliases: tuple[str, ...] = ()  # extra search terms

    def supports(self, product: str) -> bool:
        """Whether the institution supports ``product``.

        ``balance`` is implicit with ``auth`` and ``transactions``.
        """
        if product in self.products:
            return True
        return product == "balance" and ("auth" in self.products or "transactions" in self.products)

    def has(self, behaviour: Behaviour) -> bool:
        return behaviour in self.behaviours

    @property
    def connection_availability(self) -> str:
        """Value of ``Institution.connection_availability`` (plaid-python 46)."""
        return "SUPPORTED" if self.supported else "NOT_SUPPORTED"


# --------------------------------------------------------------------------
# Building blocks

# Products of a full-featured US credential bank in Sandbox.
# Only products Gingham serves: an institution
# never offers what an Item could not then use (validated below against gingham.products).
_US_FULL: Final = (
    "assets",
    "auth",
    "balance",
    "identity",
    "identity_match",
    "income_verification",
    "investments",
    "liabilities",
    "transactions",
    "transactions_refresh",
    "recurring_transactions",
    "signal",
    "statements",
)
# Auth at UK and EU banks is their account numbers for IBAN/BIC and BACS transfers.
_UK_EU: Final = ("auth", "balance", "identity", "transactions")
_CA: Final = (
    "assets",
    "auth",
    "balance",
    "identity",
    "investments",
    "liabilities",
    "transactions",
)
_EU_QR_COUNTRIES: Final = ("FR", "ES", "NL", "DE", "IE", "IT")

_NO_AUTH: Final = AuthMethods()
_INSTANT_AUTH: Final = AuthMethods(instant_auth=True)
_NONE: Final[frozenset[Behaviour]] = frozenset()


def _credential_platypus(
    institution_id: str,
    name: str,
    routing: str,
    color: str,
    *,
    url: str,
    health: Health = Health.HEALTHY,
    supported: bool = True,
    auth_methods: AuthMethods = _INSTANT_AUTH,
    products: tuple[str, ...] = _US_FULL,
    aliases: tuple[str, ...] = (),
) -> SandboxInstitution:
    """A US, non-OAuth Sandbox-only institution."""
    return SandboxInstitution(
        institution_id=institution_id,
        name=name,
        country_codes=("US",),
        products=products,
        routing_numbers=(routing,),
        oauth=False,
        url=url,
        primary_color=color,
        login=LoginKind.CREDENTIALS,
        health=health,
        supported=supported,
        auth_methods=auth_methods,
        consent_days=None,
        behaviours=_NONE,
        aliases=aliases,
    )


# --------------------------------------------------------------------------
# The catalogue. Order matters: it is the tie-break order of every listing.

CATALOGUE: Final[tuple[SandboxInstitution, ...]] = (
    # --- Plaid's Sandbox-only institutions, in the order Plaid documents them.
    _credential_platypus(
        "ins_109508",
        "First Platypus Bank",
        "011401533",
        "#1f8ded",
        url="https://www.firstplatypusbank.com",
    ),
    _credential_platypus(
        "ins_130016",
        "First Platypus Balance Bank",
        "011401546",
        "#2c7a7b",
        url="https://www.firstplatypusbalancebank.com",
    ),
    _credential_platypus(
        "ins_109509",
        "First Gingham Credit Union",
        "311075672",
        "#b83280",
        url="https://www.firstginghamcu.org",
        aliases=("fgcu",),
    ),
    _credential_platypus(
        "ins_109510",
        "Tattersall Federal Credit Union",
        "264073828",
        "#805ad5",
        url="https://www.tattersallfcu.org",
        aliases=("tfcu",),
    ),
    _credential_platypus(
        "ins_109511",
        "Tartan Bank",
        "044000626",
        "#c53030",
        url="https://www.tartanbank.com",
    ),
    _credential_platypus(
        "ins_109512",
        "Houndstooth Bank",
        "021000021",
        "#2d3748",
        url="https://www.houndstoothbank.com",
        auth_methods=AuthMethods(instant_match=True, automated_micro_deposits=True),
        products=(
            "assets",
            "auth",
            "balance",
            "identity",
            "identity_match",
            "transactions",
            "transactions_refresh",
            "recurring_transactions",
            "signal",
        ),
    ),
    SandboxInstitution(
        institution_id="ins_43",
        name="Tartan-Dominion Bank of Canada",
        country_codes=("CA",),
        products=_CA,
        routing_numbers=(),
        oauth=False,
        url="https://www.tartandominion.ca",
        primary_color="#d52b1e",
        login=LoginKind.CREDENTIALS,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=_NONE,
    ),
    SandboxInstitution(
        institution_id="ins_116834",
        name="Flexible Platypus Open Banking",
        country_codes=("GB",),
        products=_UK_EU,
        routing_numbers=(),
        oauth=False,
        url="https://www.flexibleplatypus.co.uk",
        primary_color="#4a5568",
        login=LoginKind.CREDENTIALS,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=_NONE,
    ),
    SandboxInstitution(
        institution_id="ins_117650",
        name="Royal Bank of Plaid",
        country_codes=("GB",),
        products=_UK_EU,
        routing_numbers=(),
        oauth=False,
        url="https://www.royalbankofplaid.co.uk",
        primary_color="#1d3f72",
        login=LoginKind.CREDENTIALS,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=_NONE,
        aliases=("rbp",),
    ),
    SandboxInstitution(
        institution_id="ins_127287",
        name="Platypus OAuth Bank",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("021400728",),
        oauth=True,
        url="https://www.platypusoauthbank.com",
        primary_color="#0a85ea",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=_NONE,
    ),
    SandboxInstitution(
        institution_id="ins_132241",
        name="First Platypus OAuth App2App Bank",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("021400731",),
        oauth=True,
        url="https://www.firstplatypusapp2app.com",
        primary_color="#0b5cad",
        login=LoginKind.OAUTH_APP2APP,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        # A US bank whose consent expires after a year, so that PENDING_DISCONNECT can happen.
        consent_days=365,
        behaviours=_NONE,
        aliases=("app to app",),
    ),
    SandboxInstitution(
        institution_id="ins_117181",
        name="Flexible Platypus Open Banking",
        country_codes=_EU_QR_COUNTRIES,
        products=_UK_EU,
        routing_numbers=(),
        oauth=True,
        url="https://www.flexibleplatypus.eu",
        primary_color="#4a5568",
        login=LoginKind.OAUTH_QR,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=90,
        behaviours=_NONE,
        aliases=("qr",),
    ),
    _credential_platypus(
        "ins_135858",
        "Windowpane Bank",
        "333333334",
        "#38a169",
        url="https://www.windowpanebank.com",
        auth_methods=AuthMethods(instant_micro_deposits=True),
        products=("auth", "balance", "identity", "identity_match", "signal"),
    ),
    _credential_platypus(
        "ins_132363",
        "Unhealthy Platypus Bank - Degraded",
        "011401601",
        "#dd6b20",
        url="https://degraded.unhealthyplatypusbank.com",
        health=Health.DEGRADED,
    ),
    _credential_platypus(
        "ins_132361",
        "Unhealthy Platypus Bank - Down",
        "011401614",
        "#e53e3e",
        url="https://down.unhealthyplatypusbank.com",
        health=Health.DOWN,
    ),
    _credential_platypus(
        "ins_133402",
        "Unsupported Platypus Bank - Institution Not Supported",
        "011401627",
        "#718096",
        url="https://www.unsupportedplatypusbank.com",
        supported=False,
    ),
    _credential_platypus(
        "ins_133502",
        "Platypus Bank RUX Auth",
        "011401708",
        "#3182ce",
        url="https://auth.platypusbankrux.com",
    ),
    _credential_platypus(
        "ins_133503",
        "Platypus Bank RUX Match",
        "011401711",
        "#319795",
        url="https://match.platypusbankrux.com",
        auth_methods=AuthMethods(instant_match=True),
    ),
    # --- Production institutions that also exist in Sandbox. OAuth ones show
    # the generic Platypus OAuth page in Sandbox.
    SandboxInstitution(
        institution_id="ins_3",
        name="Chase",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("021000021", "322271627"),
        oauth=True,
        url="https://www.chase.com",
        primary_color="#117aca",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset(
            {
                Behaviour.TOKENIZED_ACCOUNT_NUMBERS,
                Behaviour.ONE_ITEM_PER_LOGIN,
                Behaviour.ACCOUNT_SELECTION_AT_BANK,
            }
        ),
        aliases=("jpmorgan", "jp morgan chase"),
    ),
    SandboxInstitution(
        institution_id="ins_4",
        name="Wells Fargo",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("121000248", "121042882"),
        oauth=True,
        url="https://www.wellsfargo.com",
        primary_color="#d71e28",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset({Behaviour.REGISTRATION_REQUIRED}),
        aliases=("wf", "wellsfargo"),
    ),
    SandboxInstitution(
        institution_id="ins_1",
        name="Bank of America",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("026009593", "121000358"),
        oauth=False,
        url="https://www.bankofamerica.com",
        primary_color="#e31837",
        login=LoginKind.CREDENTIALS,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset({Behaviour.ALWAYS_MFA}),
        aliases=("bofa", "boa"),
    ),
    SandboxInstitution(
        institution_id="ins_10",
        name="American Express",
        country_codes=("US",),
        products=(
            "assets",
            "balance",
            "identity",
            "identity_match",
            "liabilities",
            "transactions",
            "transactions_refresh",
            "recurring_transactions",
            "statements",
        ),
        routing_numbers=("124085066",),
        oauth=True,
        url="https://www.americanexpress.com",
        primary_color="#016fd0",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_NO_AUTH,
        consent_days=None,
        behaviours=_NONE,
        aliases=("amex",),
    ),
    SandboxInstitution(
        institution_id="ins_128026",
        name="Capital One",
        country_codes=("US",),
        products=(
            "assets",
            "auth",
            "balance",
            "identity",
            "identity_match",
            "income_verification",
            "liabilities",
            "transactions",
            "recurring_transactions",
            "signal",
            "statements",
        ),
        routing_numbers=("056073502", "051405515"),
        oauth=True,
        url="https://www.capitalone.com",
        primary_color="#004879",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset(
            {
                Behaviour.BALANCE_NEEDS_MIN_LAST_UPDATED,
                Behaviour.NO_TRANSACTIONS_REFRESH,
            }
        ),
        aliases=("capital one 360", "capitalone"),
    ),
    SandboxInstitution(
        institution_id="ins_11",
        name="Charles Schwab",
        country_codes=("US",),
        products=(
            "assets",
            "auth",
            "balance",
            "identity",
            "identity_match",
            "investments",
            "transactions",
            "transactions_refresh",
            "recurring_transactions",
            "signal",
            "statements",
        ),
        routing_numbers=("121202211",),
        oauth=True,
        url="https://www.schwab.com",
        primary_color="#00a0df",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset({Behaviour.ONE_ITEM_PER_LOGIN}),
        aliases=("schwab",),
    ),
    SandboxInstitution(
        institution_id="ins_127990",
        name="U.S. Bank",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("091000022", "123000848"),
        oauth=False,
        url="https://www.usbank.com",
        primary_color="#0c2074",
        login=LoginKind.CREDENTIALS,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset({Behaviour.ALWAYS_MFA}),
        aliases=("us bank", "usbank", "usb"),
    ),
    SandboxInstitution(
        institution_id="ins_5",
        name="Citibank Online",
        country_codes=("US",),
        products=_US_FULL,
        routing_numbers=("021000089", "322271724"),
        oauth=True,
        url="https://online.citi.com",
        primary_color="#056dae",
        login=LoginKind.OAUTH,
        health=Health.HEALTHY,
        supported=True,
        auth_methods=_INSTANT_AUTH,
        consent_days=None,
        behaviours=frozenset({Behaviour.REGISTRATION_REQUIRED}),
        aliases=("citi",),
    ),
)


# --------------------------------------------------------------------------
# Consistency rules, checked at import (bad shipped data is a programming error)

# CountryCode and Products enums of Plaid's API (plaid-api-surface §1).
_COUNTRY_CODES: Final = frozenset(
    [
        "US",
        "GB",
        "ES",
        "NL",
        "FR",
        "IE",
        "CA",
        "DE",
        "IT",
        "PL",
        "DK",
        "NO",
        "SE",
        "EE",
        "LT",
        "LV",
        "PT",
        "BE",
        "AT",
        "FI",
    ]
)
_PRODUCTS: Final = frozenset(
    [
        "assets",
        "auth",
        "balance",
        "balance_plus",
        "beacon",
        "identity",
        "identity_match",
        "investments",
        "investments_auth",
        "liabilities",
        "payment_initiation",
        "identity_verification",
        "transactions",
        "credit_details",
        "income",
        "income_verification",
        "standing_orders",
        "transfer",
        "employment",
        "recurring_transactions",
        "transactions_refresh",
        "signal",
        "statements",
        "processor_payments",
        "processor_identity",
        "profile",
        "cra_base_report",
        "cra_income_insights",
        "cra_partner_insights",
        "cra_network_insights",
        "cra_cashflow_insights",
        "cra_monitoring",
        "cra_lend_score",
        "cra_plaid_credit_score",
        "layer",
        "pay_by_bank",
        "protect_linked_bank",
        "protect_transactions",
    ]
)
_COLOR_RE: Final = re.compile(r"#[0-9a-f]{6}")
_ID_RE: Final = re.compile(r"ins_[0-9]+")
_OAUTH_ONLY: Final = frozenset(
    {
        Behaviour.ONE_ITEM_PER_LOGIN,
        Behaviour.ACCOUNT_SELECTION_AT_BANK,
        Behaviour.REGISTRATION_REQUIRED,
    }
)


def _aba_valid(routing: str) -> bool:
    """ABA routing-number check digit (3-7-1 weights)."""
    if len(routing) != 9 or not routing.isdigit():
        return False
    d = [int(c) for c in routing]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    return total % 10 == 0


def validate(institutions: Iterable[SandboxInstitution]) -> list[str]:
    """Return human-readable problems with a catalogue (empty when consistent)."""
    problems: list[str] = []
    seen: set[str] = set()
    for ins in institutions:
        where = ins.institution_id
        if ins.institution_id in seen:
            problems.append(f"{where}: duplicate institution_id")
        seen.add(ins.institution_id)
        if not _ID_RE.fullmatch(ins.institution_id):
            problems.append(f"{where}: malformed institution_id")
        if not ins.name.strip():
            problems.append(f"{where}: empty name")
        if not ins.country_codes:
            problems.append(f"{where}: no country codes")
        for cc in ins.country_codes:
            if cc not in _COUNTRY_CODES:
                problems.append(f"{where}: unknown country code {cc!r}")
        if not ins.products:
            problems.append(f"{where}: no products")
        for product in ins.products:
            if product not in _PRODUCTS:
                problems.append(f"{where}: unknown product {product!r}")
            elif not products_catalogue.is_listed(product):
                problems.append(f"{where}: Gingham does not serve {product!r}")
        if len(set(ins.products)) != len(ins.products):
            problems.append(f"{where}: duplicate products")
        for routing in ins.routing_numbers:
            if not _aba_valid(routing):
                problems.append(f"{where}: invalid routing number {routing!r}")
        if ins.routing_numbers and "US" not in ins.country_codes:
            problems.append(f"{where}: routing numbers on a non-US institution")
        if ins.oauth != (ins.login is not LoginKind.CREDENTIALS):
            problems.append(f"{where}: oauth={ins.oauth} contradicts login={ins.login}")
        if ins.url is not None and not ins.url.startswith("https://"):
            problems.append(f"{where}: url must be an https:// home page")
        if ins.primary_color is not None and not _COLOR_RE.fullmatch(ins.primary_color):
            problems.append(f"{where}: primary_color must be '#rrggbb' lowercase")
        if ins.consent_days is not None:
            if ins.consent_days <= 0:
                problems.append(f"{where}: consent_days must be positive")
            if not ins.oauth:
                problems.append(f"{where}: consent_days on a non-OAuth institution")
        if ins.auth_methods.any() != ("auth" in ins.products):
            problems.append(f"{where}: auth_methods disagree with the auth product")
        for behaviour in ins.behaviours & _OAUTH_ONLY:
            if not ins.oauth:
                problems.append(f"{where}: {behaviour} needs an OAuth institution")
        if Behaviour.ALWAYS_MFA in ins.behaviours and ins.oauth:
            problems.append(f"{where}: ALWAYS_MFA needs a credentials institution")
    return problems


_problems = validate(CATALOGUE)
if _problems:  # pragma: no cover - guards edits to the data above
    raise RuntimeError("inconsistent sandbox catalogue: " + "; ".join(_problems))
del _problems

BY_ID: Final[Mapping[str, SandboxInstitution]] = MappingProxyType(
    {ins.institution_id: ins for ins in CATALOGUE}
)


# --------------------------------------------------------------------------
# Queries


def find(institution_id: str) -> SandboxInstitution | None:
    """The catalogue entry with this id, or None."""
    return BY_ID.get(institution_id)


def matching(
    *,
    country_codes: Iterable[str],
    products: Iterable[str] | None = None,
    oauth: bool | None = None,
    routing_numbers: Iterable[str] | None = None,
    institutions: Iterable[SandboxInstitution] | None = None,
) -> list[SandboxInstitution]:
    """Institutions selectable under the /institutions/get filters.

    An institution matches when it shares a country code with the request,
    supports *all* requested products, has the requested ``oauth`` flag (when
    given) and has *any* of the requested routing numbers (when given; an empty
    list is no filter). Order is catalogue order (or that of ``institutions``,
    for callers layering runtime state over the catalogue).
    """
    countries = {cc.upper() for cc in country_codes}
    wanted = tuple(p.lower() for p in products or ())
    routings = set(routing_numbers or ())
    source = CATALOGUE if institutions is None else institutions
    result: list[SandboxInstitution] = []
    for ins in source:
        if countries.isdisjoint(ins.country_codes):
            continue
        if not all(ins.supports(p) for p in wanted):
            continue
        if oauth is not None and ins.oauth != oauth:
            continue
        if routings and routings.isdisjoint(ins.routing_numbers):
            continue
        result.append(ins)
    return result


_DROP_RE: Final = re.compile(r"[.'\u2019]")
_SPLIT_RE: Final = re.compile(r"[^0-9a-z]+")


def _normalise(text: str) -> str:
    """Lower-case; drop dots/apostrophes ("U.S." -> "us"); other punctuation
    ("Tartan-Dominion", "Bank - Down") becomes a single space."""
    return _SPLIT_RE.sub(" ", _DROP_RE.sub("", text.lower())).strip()


def _term_matches(term: str, name: str, words: tuple[str, ...]) -> bool:
    return term in name or any(word.startswith(term) for word in words)


def search(
    query: str,
    *,
    country_codes: Iterable[str],
    products: Iterable[str] | None = None,
    oauth: bool | None = None,
    institutions: Iterable[SandboxInstitution] | None = None,
) -> list[SandboxInstitution]:
    """/institutions/search over the catalogue.

    Every whitespace-separated query term (case-insensitive) must be a prefix
    of a word of the name or an alias, or a substring of the name. Results are
    ranked: exact name (or alias) first, then names starting with the query,
    then the rest; ties keep catalogue order. At most ``SEARCH_LIMIT``
    results. A blank query matches nothing.
    """
    q = _normalise(query)
    terms = q.split()
    if not terms:
        return []
    ranked: list[tuple[int, int, SandboxInstitution]] = []
    candidates = matching(
        country_codes=country_codes,
        products=products,
        oauth=oauth,
        institutions=institutions,
    )
    for position, ins in enumerate(candidates):
        name = _normalise(ins.name)
        aliases = tuple(_normalise(a) for a in ins.aliases)
        words = tuple(w for text in (name, *aliases) for w in text.split())
        if not all(_term_matches(t, name, words) for t in terms):
            continue
        if q == name or q in aliases:
            rank = 0
        elif name.startswith(q):
            rank = 1
        else:
            rank = 2
        ranked.append((rank, position, ins))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    return [ins for _, _, ins in ranked[:SEARCH_LIMIT]]

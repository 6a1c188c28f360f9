"""The securities sandbox investment accounts hold: equities, ETFs, mutual funds, fixed income,
cash, an option and a cryptocurrency, with identifiers that pass their check digits.

A security is the same for every Item (Plaid's security data is not specific to an account), so
its `security_id` derives from its identifiers alone. Prices are each security's last close; the
date of that close moves with the client's sandbox clock (`close_price_as_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def plaid_id(*parts: str) -> str:
    """A 37-character identifier shaped like Plaid's (letters and digits), stable for `parts`."""
    number = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")
    digits = []
    for _ in range(37):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(digits)


def cusip_check_digit(base: str) -> str:
    """The ninth character of a CUSIP whose first eight are `base` (the "modulus 10 double add
    double" of CUSIP Global Services)."""
    total = 0
    for position, char in enumerate(base.upper()):
        if char.isdigit():
            value = int(char)
        elif char.isalpha():
            value = ord(char) - ord("A") + 10
        else:
            value = {"*": 36, "@": 37, "#": 38}[char]
        if position % 2 == 1:
            value *= 2
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def isin_of(country: str, cusip: str) -> str:
    """The ISIN of a North American security: country, CUSIP, and a Luhn check digit over the
    letters expanded to numbers."""
    body = country + cusip
    digits = "".join(str(int(char, 36)) for char in body)
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
        total += value // 10 + value % 10
    return body + str((10 - total % 10) % 10)


# An option's OCC symbol without spaces: underlying, expiry (YYMMDD), C or P, strike in thousandths.
OCC_SYMBOL = re.compile(r"([A-Z]{1,6})(\d{6})([CP])(\d{8})")


@dataclass(frozen=True, slots=True)
class Security:
    """A security as Plaid describes it; `close_price_as_of` and `update_datetime` are filled in
    when it is served (see security_json)."""

    key: str
    name: str
    ticker_symbol: str | None
    # The first eight characters of the CUSIP; the check digit is computed.
    cusip_base: str | None
    type: str
    subtype: str
    close_price: float
    market_identifier_code: str | None = None
    sector: str | None = None
    industry: str | None = None
    cfi_code: str | None = None
    is_cash_equivalent: bool = False
    # Plaid's option_contract / fixed_income objects.
    option_contract: dict[str, Any] | None = None
    fixed_income: dict[str, Any] | None = None
    # A security the institution names with an id of its own (a 401k plan's fund).
    institution_id: str | None = None
    institution_security_id: str | None = None
    proxy_of: str | None = None
    # Annual dividend (or interest) per unit, as a fraction of the price.
    yield_rate: float = 0.0
    # Priced around the clock (crypto): served with an update_datetime.
    trades_continuously: bool = False
    iso_currency_code: str | None = "USD"
    unofficial_currency_code: str | None = None
    # An ISIN given as such (a user_custom security outside North America); else from the CUSIP.
    given_isin: str | None = None

    @property
    def security_id(self) -> str:
        return plaid_id("security", self.key)

    @property
    def cusip(self) -> str | None:
        if self.cusip_base is None:
            return None
        return self.cusip_base + cusip_check_digit(self.cusip_base)

    @property
    def isin(self) -> str | None:
        if self.given_isin is not None:
            return self.given_isin
        cusip = self.cusip
        return isin_of("US", cusip) if cusip is not None else None


def _equity(
    key: str,
    name: str,
    cusip: str,
    price: float,
    sector: str,
    industry: str,
    dividend: float = 0.0,
    mic: str = "XNAS",
) -> Security:
    return Security(
        key,
        name,
        key,
        cusip,
        "equity",
        "common stock",
        price,
        mic,
        sector,
        industry,
        "ESVUFR",
        yield_rate=dividend,
    )


def _fund(
    key: str, name: str, cusip: str, price: float, kind: str, dividend: float, cfi: str
) -> Security:
    return Security(
        key,
        name,
        key,
        cusip,
        kind,
        kind,
        price,
        "XNAS",
        "Miscellaneous",
        "Investment Trusts or Mutual Funds",
        cfi,
        yield_rate=dividend,
    )


CATALOGUE: tuple[Security, ...] = (
    # Plaid's own sandbox securities.
    _fund(
        "MIPTX",
        "Matthews Pacific Tiger Fund Insti Class",
        "57713083",
        27.0,
        "mutual fund",
        0.012,
        "CIOGES",
    ),
    _fund(
        "DBLTX",
        "DoubleLine Total Return Bond Fund",
        "25862010",
        10.42,
        "mutual fund",
        0.041,
        "CIOIBS",
    ),
    _equity(
        "SBSI", "Southside Bancshares Inc.", "84470P10", 34.73, "Finance", "Regional Banks", 0.042
    ),
    _equity(
        "ACHN",
        "Achillion Pharmaceuticals Inc.",
        "00448Q20",
        2.11,
        "Health Technology",
        "Major Pharmaceuticals",
    ),
    # Widely held equities and index funds.
    _equity(
        "AAPL",
        "Apple Inc.",
        "03783310",
        189.43,
        "Electronic Technology",
        "Telecommunications Equipment",
        0.005,
    ),
    _equity(
        "MSFT",
        "Microsoft Corporation",
        "59491810",
        412.37,
        "Technology Services",
        "Packaged Software",
        0.007,
    ),
    _equity(
        "JNJ",
        "Johnson & Johnson",
        "47816010",
        156.12,
        "Health Technology",
        "Pharmaceuticals: Major",
        0.031,
        "XNYS",
    ),
    _equity(
        "KO",
        "Coca-Cola Company",
        "19121610",
        61.84,
        "Consumer Non-Durables",
        "Beverages: Non-Alcoholic",
        0.030,
        "XNYS",
    ),
    Security(
        "VTI",
        "Vanguard Total Stock Market ETF",
        "VTI",
        "92290876",
        "etf",
        "etf",
        247.18,
        "ARCX",
        cfi_code="CEOGEU",
        yield_rate=0.014,
    ),
    Security(
        "BND",
        "Vanguard Total Bond Market ETF",
        "BND",
        "92193783",
        "etf",
        "etf",
        72.46,
        "XNAS",
        cfi_code="CEOIEU",
        yield_rate=0.034,
    ),
    _fund(
        "VFIAX",
        "Vanguard 500 Index Fund Admiral Shares",
        "92290871",
        463.95,
        "mutual fund",
        0.013,
        "CIOGEU",
    ),
    _fund(
        "VTTHX",
        "Vanguard Target Retirement 2035 Fund",
        "92202E70",
        21.87,
        "mutual fund",
        0.021,
        "CIOMEU",
    ),
    Security(
        "NHX105509",
        "NH PORTFOLIO 1055 (FIDELITY INDEX)",
        "NHX105509",
        None,
        "etf",
        "etf",
        13.73,
        "XNAS",
        institution_id="ins_3",
        institution_security_id="NHX105509",
        proxy_of="VTI",
        yield_rate=0.012,
    ),
    # Fixed income: a Treasury note and a corporate bond, priced per 100 of face value.
    Security(
        "UST-4.25-2029",
        "US Treasury Note - 4.25% 15/11/2029 USD 100",
        None,
        "91282CLY",
        "fixed income",
        "treasury note",
        99.18,
        None,
        "Government",
        "Sovereign Government",
        "DBFTFR",
        fixed_income={
            "face_value": 100,
            "issue_date": "2024-11-15",
            "maturity_date": "2029-11-15",
            "yield_rate": {"percentage": 4.25, "type": "coupon"},
        },
        yield_rate=0.0425,
    ),
    Security(
        "AAPL-3.85-2043",
        "Apple Inc. 3.85% 04/05/2043 USD 100",
        None,
        "037833AL",
        "fixed income",
        "corporate bond",
        86.52,
        None,
        "Electronic Technology",
        "Telecommunications Equipment",
        "DBFUFR",
        fixed_income={
            "face_value": 100,
            "issue_date": "2013-05-03",
            "maturity_date": "2043-05-04",
            "yield_rate": {"percentage": 3.85, "type": "coupon"},
        },
        yield_rate=0.0385,
    ),
    # Cash and its equivalents.
    Security("CUR:USD", "U S Dollar", "USD", None, "cash", "cash", 1.0, is_cash_equivalent=True),
    Security(
        "VMFXX",
        "Vanguard Federal Money Market Fund",
        "VMFXX",
        "92290690",
        "mutual fund",
        "money market",
        1.0,
        "XNAS",
        cfi_code="CIOIMS",
        is_cash_equivalent=True,
        yield_rate=0.045,
    ),
    # An option on a held equity, and a cryptocurrency.
    Security(
        "AAPL280121C00200000",
        "Aapl Jan 21'28 $200 Call",
        "AAPL280121C00200000",
        None,
        "derivative",
        "option",
        24.65,
        "XNAS",
        "Electronic Technology",
        "Telecommunications Equipment",
        "OCASPS",
        option_contract={
            "contract_type": "call",
            "expiration_date": "2028-01-21",
            "strike_price": 200.0,
            "underlying_security_ticker": "AAPL",
        },
    ),
    Security(
        "BTC",
        "Bitcoin",
        "BTC",
        None,
        "cryptocurrency",
        "cryptocurrency",
        67412.35,
        is_cash_equivalent=False,
        trades_continuously=True,
    ),
)

BY_KEY: dict[str, Security] = {security.key: security for security in CATALOGUE}
CASH = BY_KEY["CUR:USD"]


def last_close(today: dt.date) -> dt.date:
    """The last weekday before `today`: the close a price of today is quoted at."""
    day = today - dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def security_json(security: Security, now: dt.datetime) -> dict[str, Any]:
    proxy = BY_KEY[security.proxy_of].security_id if security.proxy_of else None
    close = last_close(now.date())
    return {
        "security_id": security.security_id,
        "isin": security.isin,
        "cusip": security.cusip,
        "sedol": None,
        "figi": None,
        "institution_security_id": security.institution_security_id,
        "institution_id": security.institution_id,
        "proxy_security_id": proxy,
        "name": security.name,
        "ticker_symbol": security.ticker_symbol,
        "is_cash_equivalent": security.is_cash_equivalent,
        "type": security.type,
        "subtype": security.subtype,
        "close_price": security.close_price,
        "close_price_as_of": None if security.type == "cash" else close.isoformat(),
        "update_datetime": _hour(now).strftime("%Y-%m-%dT%H:%M:%SZ")
        if security.trades_continuously
        else None,
        "iso_currency_code": security.iso_currency_code,
        "unofficial_currency_code": security.unofficial_currency_code,
        "market_identifier_code": security.market_identifier_code,
        "sector": security.sector,
        "industry": security.industry,
        "cfi_code": security.cfi_code,
        "option_contract": security.option_contract,
        "fixed_income": security.fixed_income,
    }


def _hour(now: dt.datetime) -> dt.datetime:
    return now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def check_catalogue() -> None:
    """Refuse a malformed catalogue at import: unique keys, well-formed identifiers."""
    if len(BY_KEY) != len(CATALOGUE):
        raise ValueError("security keys must be unique")
    for security in CATALOGUE:
        if security.cusip_base is not None and len(security.cusip_base) != 8:
            raise ValueError(f"{security.key}: a CUSIP base is 8 characters")
        if security.close_price <= 0:
            raise ValueError(f"{security.key}: prices are positive")
        if security.subtype == "option" and not OCC_SYMBOL.fullmatch(security.ticker_symbol or ""):
            raise ValueError(f"{security.key}: an option's ticker is its OCC symbol")
        if security.proxy_of is not None and security.proxy_of not in BY_KEY:
            raise ValueError(f"{security.key}: unknown proxy {security.proxy_of}")


check_catalogue()

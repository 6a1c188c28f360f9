"""The merchants generated transactions are bought from, as data, grouped by what they sell.

Each merchant carries what Plaid's enrichment reports for it: its clean name, website, logo,
counterparty type, personal finance category and legacy category, and how its purchases look
(channel, a typical amount range). The table is checked once, at import, against Plaid's
category tables.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from gingham.sandbox_data.categories import PFC_DETAILED_CATEGORIES, legacy_category

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
COUNTERPARTY_TYPES = frozenset(
    {
        "merchant",
        "financial_institution",
        "payment_app",
        "marketplace",
        "payment_terminal",
        "income_source",
    }
)


@dataclass(frozen=True, slots=True)
class Merchant:
    key: str
    name: str
    # The bank's description; "{store}" becomes the store number of the login's nearby store.
    descriptor: str
    website: str | None
    pfc: str
    category_id: str
    # Plaid's payment_channel: "in store" purchases get a location, "online" ones do not.
    channel: str
    low: float
    high: float
    counterparty_type: str = "merchant"
    # The card terminal the purchase went through, reported by Plaid as a second counterparty.
    terminal: str | None = None

    @property
    def entity_id(self) -> str:
        return entity_id("merchant", self.key)

    @property
    def logo_url(self) -> str:
        return logo_url(self.key)


@functools.lru_cache(maxsize=4096)
def entity_id(kind: str, key: str) -> str:
    """A Plaid-shaped entity id (37 base62 characters), the same for a merchant everywhere."""
    number = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest(), "big")
    characters = []
    for _ in range(37):
        number, digit = divmod(number, 62)
        characters.append(_BASE62[digit])
    return "".join(characters)


@functools.lru_cache(maxsize=1024)
def logo_url(key: str) -> str:
    number = int.from_bytes(hashlib.sha256(f"logo:{key}".encode()).digest()[:2], "big") % 1000
    return f"https://plaid-merchant-logos.plaid.com/{key}_{number}.png"


def _m(
    key: str,
    name: str,
    descriptor: str,
    website: str | None,
    pfc: str,
    category_id: str,
    channel: str,
    low: float,
    high: float,
    counterparty_type: str = "merchant",
    terminal: str | None = None,
) -> Merchant:
    return Merchant(
        key,
        name,
        descriptor,
        website,
        pfc,
        category_id,
        channel,
        low,
        high,
        counterparty_type,
        terminal,
    )


_STORE = "in store"
_ONLINE = "online"

# Pools of merchants by what the purchase is; a login picks its favourites from each pool.
# fmt: off
MERCHANTS: dict[str, tuple[Merchant, ...]] = {
    "groceries": (
        _m("whole_foods", "Whole Foods Market", "WHOLEFDS #{store}", "wholefoodsmarket.com",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 18, 165),
        _m("trader_joes", "Trader Joe's", "TRADER JOE S #{store}", "traderjoes.com",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 15, 120),
        _m("safeway", "Safeway", "SAFEWAY #{store}", "safeway.com",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 12, 140),
        _m("kroger", "Kroger", "KROGER #{store}", "kroger.com",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 12, 150),
        _m("aldi", "Aldi", "ALDI {store}", "aldi.us",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 10, 95),
        _m("sprouts", "Sprouts Farmers Market", "SPROUTS FARMERS MAR #{store}", "sprouts.com",
           "FOOD_AND_DRINK_GROCERIES", "19047000", _STORE, 14, 110),
    ),
    "superstore": (
        _m("target", "Target", "TARGET T-{store}", "target.com",
           "GENERAL_MERCHANDISE_SUPERSTORES", "19018000", _STORE, 9, 180),
        _m("walmart", "Walmart", "WAL-MART #{store}", "walmart.com",
           "GENERAL_MERCHANDISE_SUPERSTORES", "19018000", _STORE, 8, 160),
        _m("costco", "Costco", "COSTCO WHSE #{store}", "costco.com",
           "GENERAL_MERCHANDISE_SUPERSTORES", "19051000", _STORE, 45, 320),
    ),
    "coffee": (
        _m("starbucks", "Starbucks", "STARBUCKS STORE {store}", "starbucks.com",
           "FOOD_AND_DRINK_COFFEE", "13005043", _STORE, 3.45, 12.5),
        _m("dunkin", "Dunkin'", "DUNKIN #{store}", "dunkindonuts.com",
           "FOOD_AND_DRINK_COFFEE", "13005043", _STORE, 2.89, 9.75),
        _m("peets", "Peet's Coffee", "PEETS {store}", "peets.com",
           "FOOD_AND_DRINK_COFFEE", "13005043", _STORE, 3.25, 11.8),
        _m("blue_bottle", "Blue Bottle Coffee", "SQ *BLUE BOTTLE COFFEE", "bluebottlecoffee.com",
           "FOOD_AND_DRINK_COFFEE", "13005043", _STORE, 4.5, 14, terminal="square"),
    ),
    "fast_food": (
        _m("mcdonalds", "McDonald's", "MCDONALD'S F{store}", "mcdonalds.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 5.2, 18.9),
        _m("chipotle", "Chipotle Mexican Grill", "CHIPOTLE {store}", "chipotle.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 9.8, 28.5),
        _m("chick_fil_a", "Chick-fil-A", "CHICK-FIL-A #{store}", "chick-fil-a.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 7.4, 24),
        _m("subway", "Subway", "SUBWAY {store}", "subway.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 6.5, 19),
        _m("shake_shack", "Shake Shack", "SHAKE SHACK {store}", "shakeshack.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 11, 34),
        _m("panera", "Panera Bread", "PANERA BREAD #{store}", "panerabread.com",
           "FOOD_AND_DRINK_FAST_FOOD", "13005032", _STORE, 8.9, 26),
    ),
    "restaurant": (
        _m("sweetgreen", "Sweetgreen", "SWEETGREEN {store}", "sweetgreen.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _STORE, 12, 32),
        _m("cheesecake_factory", "The Cheesecake Factory", "CHEESECAKE FACTORY #{store}",
           "thecheesecakefactory.com", "FOOD_AND_DRINK_RESTAURANT", "13005000", _STORE, 38, 140),
        _m("olive_garden", "Olive Garden", "OLIVE GARDEN {store}", "olivegarden.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _STORE, 32, 110),
        _m("pf_changs", "P.F. Chang's", "PF CHANGS #{store}", "pfchangs.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _STORE, 35, 125),
        _m("texas_roadhouse", "Texas Roadhouse", "TEXAS ROADHOUSE #{store}", "texasroadhouse.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _STORE, 36, 135),
        _m("tavern", "The Copper Tavern", "SQ *THE COPPER TAVERN", None,
           "FOOD_AND_DRINK_RESTAURANT", "13001000", _STORE, 24, 96, terminal="square"),
        _m("doordash", "DoorDash", "DOORDASH*DASHPASS ORDER", "doordash.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _ONLINE, 18, 72, "marketplace"),
        _m("uber_eats", "Uber Eats", "UBER *EATS PENDING", "ubereats.com",
           "FOOD_AND_DRINK_RESTAURANT", "13005000", _ONLINE, 16, 64, "marketplace"),
    ),
    "gas": (
        _m("shell", "Shell", "SHELL OIL {store}", "shell.com",
           "TRANSPORTATION_GAS", "22009000", _STORE, 28, 72),
        _m("chevron", "Chevron", "CHEVRON {store}", "chevron.com",
           "TRANSPORTATION_GAS", "22009000", _STORE, 30, 76),
        _m("exxon", "ExxonMobil", "EXXONMOBIL {store}", "exxon.com",
           "TRANSPORTATION_GAS", "22009000", _STORE, 27, 70),
    ),
    "shopping": (
        _m("amazon", "Amazon", "AMAZON MKTPL*{store}", "amazon.com",
           "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES", "19019000", _ONLINE, 8, 190, "marketplace"),
        _m("etsy", "Etsy", "ETSY.COM*{store}", "etsy.com",
           "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES", "19019000", _ONLINE, 12, 85, "marketplace"),
        _m("apple_store", "Apple", "APPLE.COM/US", "apple.com",
           "GENERAL_MERCHANDISE_ELECTRONICS", "19013000", _ONLINE, 19, 420),
        _m("best_buy", "Best Buy", "BEST BUY {store}", "bestbuy.com",
           "GENERAL_MERCHANDISE_ELECTRONICS", "19013000", _STORE, 15, 480),
        _m("nike", "Nike", "NIKE.COM", "nike.com",
           "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES", "19012000", _ONLINE, 35, 180),
        _m("uniqlo", "Uniqlo", "UNIQLO {store}", "uniqlo.com",
           "GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES", "19012000", _STORE, 20, 140),
        _m("nordstrom", "Nordstrom", "NORDSTROM #{store}", "nordstrom.com",
           "GENERAL_MERCHANDISE_DEPARTMENT_STORES", "19018000", _STORE, 40, 260),
        _m("home_depot", "The Home Depot", "THE HOME DEPOT #{store}", "homedepot.com",
           "HOME_IMPROVEMENT_HARDWARE", "19030000", _STORE, 9, 240),
        _m("ikea", "IKEA", "IKEA {store}", "ikea.com",
           "HOME_IMPROVEMENT_FURNITURE", "19027000", _STORE, 25, 450),
        _m("chewy", "Chewy", "CHEWY.COM", "chewy.com",
           "GENERAL_MERCHANDISE_PET_SUPPLIES", "19042000", _ONLINE, 22, 110),
        _m("barnes_noble", "Barnes & Noble", "BARNES & NOBLE #{store}", "barnesandnoble.com",
           "GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS", "19009000", _STORE, 9, 60),
        _m("sephora", "Sephora", "SEPHORA {store}", "sephora.com",
           "PERSONAL_CARE_HAIR_AND_BEAUTY", "18045000", _STORE, 18, 130),
    ),
    "pharmacy": (
        _m("cvs", "CVS Pharmacy", "CVS/PHARMACY #{store}", "cvs.com",
           "MEDICAL_PHARMACIES_AND_SUPPLEMENTS", "19043000", _STORE, 6, 65),
        _m("walgreens", "Walgreens", "WALGREENS #{store}", "walgreens.com",
           "MEDICAL_PHARMACIES_AND_SUPPLEMENTS", "19043000", _STORE, 5, 58),
    ),
    "medical": (
        _m("one_medical", "One Medical", "ONE MEDICAL GROUP", "onemedical.com",
           "MEDICAL_PRIMARY_CARE", "14002000", _STORE, 40, 220),
        _m("aspen_dental", "Aspen Dental", "ASPEN DENTAL {store}", "aspendental.com",
           "MEDICAL_DENTAL_CARE", "14001012", _STORE, 60, 380),
        _m("lenscrafters", "LensCrafters", "LENSCRAFTERS #{store}", "lenscrafters.com",
           "MEDICAL_EYE_CARE", "14001005", _STORE, 45, 310),
        _m("quest", "Quest Diagnostics", "QUEST DIAGNOSTICS", "questdiagnostics.com",
           "MEDICAL_OTHER_MEDICAL", "14001010", _ONLINE, 25, 180),
    ),
    "rides": (
        _m("uber", "Uber", "UBER *TRIP", "uber.com",
           "TRANSPORTATION_TAXIS_AND_RIDE_SHARES", "22016000", _ONLINE, 9, 48),
        _m("lyft", "Lyft", "LYFT *RIDE", "lyft.com",
           "TRANSPORTATION_TAXIS_AND_RIDE_SHARES", "22016000", _ONLINE, 8, 45),
        _m("parkmobile", "ParkMobile", "PARKMOBILE", "parkmobile.io",
           "TRANSPORTATION_PARKING", "22013000", _ONLINE, 2.5, 24),
    ),
    "fun": (
        _m("amc", "AMC Theatres", "AMC {store} ONLINE", "amctheatres.com",
           "ENTERTAINMENT_TV_AND_MOVIES", "17001009", _STORE, 14, 58),
        _m("ticketmaster", "Ticketmaster", "TICKETMASTER", "ticketmaster.com",
           "ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS", "17001000", _ONLINE,
           45, 260),
        _m("steam", "Steam", "STEAMGAMES.COM", "steampowered.com",
           "ENTERTAINMENT_VIDEO_GAMES", "19019000", _ONLINE, 5, 70),
        _m("great_clips", "Great Clips", "GREAT CLIPS #{store}", "greatclips.com",
           "PERSONAL_CARE_HAIR_AND_BEAUTY", "18045000", _STORE, 18, 42),
    ),
    "flights": (
        _m("delta", "Delta Air Lines", "DELTA AIR 0062{store}", "delta.com",
           "TRAVEL_FLIGHTS", "22001000", _ONLINE, 180, 720),
        _m("united", "United Airlines", "UNITED 0162{store}", "united.com",
           "TRAVEL_FLIGHTS", "22001000", _ONLINE, 170, 690),
        _m("southwest", "Southwest Airlines", "SOUTHWES 5262{store}", "southwest.com",
           "TRAVEL_FLIGHTS", "22001000", _ONLINE, 120, 480),
    ),
    "lodging": (
        _m("marriott", "Marriott", "MARRIOTT {store}", "marriott.com",
           "TRAVEL_LODGING", "22012003", _STORE, 160, 320),
        _m("hilton", "Hilton", "HILTON HOTELS {store}", "hilton.com",
           "TRAVEL_LODGING", "22012003", _STORE, 150, 300),
        _m("airbnb", "Airbnb", "AIRBNB * HM{store}", "airbnb.com",
           "TRAVEL_LODGING", "22012000", _ONLINE, 140, 290, "marketplace"),
    ),
    "car_rental": (
        _m("hertz", "Hertz", "HERTZ RENT-A-CAR {store}", "hertz.com",
           "TRAVEL_RENTAL_CARS", "22005000", _STORE, 45, 95),
        _m("enterprise", "Enterprise Rent-A-Car", "ENTERPRISE RENT-A-CAR {store}",
           "enterprise.com", "TRAVEL_RENTAL_CARS", "22005000", _STORE, 42, 90),
    ),
    # Billed monthly on a steady day; amounts are the price of the plan.
    "subscriptions": (
        _m("netflix", "Netflix", "NETFLIX.COM", "netflix.com",
           "ENTERTAINMENT_TV_AND_MOVIES", "18061000", _ONLINE, 15.49, 22.99),
        _m("spotify", "Spotify", "SPOTIFY USA", "spotify.com",
           "ENTERTAINMENT_MUSIC_AND_AUDIO", "18061000", _ONLINE, 11.99, 11.99),
        _m("hulu", "Hulu", "HULU 877-8244858", "hulu.com",
           "ENTERTAINMENT_TV_AND_MOVIES", "18061000", _ONLINE, 7.99, 17.99),
        _m("disney_plus", "Disney+", "DISNEY PLUS", "disneyplus.com",
           "ENTERTAINMENT_TV_AND_MOVIES", "18061000", _ONLINE, 7.99, 13.99),
        _m("icloud", "Apple iCloud", "APPLE.COM/BILL", "apple.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18061000", _ONLINE, 2.99, 9.99),
        _m("nytimes", "The New York Times", "NYTIMES*NYTDIGITAL", "nytimes.com",
           "GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS", "18061000", _ONLINE, 4, 17),
        _m("amazon_prime", "Amazon Prime", "AMAZON PRIME*{store}", "amazon.com",
           "GENERAL_MERCHANDISE_ONLINE_MARKETPLACES", "18061000", _ONLINE, 14.99, 14.99),
        _m("headspace", "Headspace", "HEADSPACE.COM", "headspace.com",
           "PERSONAL_CARE_OTHER_PERSONAL_CARE", "18061000", _ONLINE, 12.99, 12.99),
    ),
    "gym": (
        _m("planet_fitness", "Planet Fitness", "PLANET FITNESS #{store}", "planetfitness.com",
           "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS", "17018000", _STORE, 24.99, 24.99),
        _m("equinox", "Equinox", "EQUINOX {store}", "equinox.com",
           "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS", "17018000", _STORE, 230, 260),
        _m("orangetheory", "Orangetheory Fitness", "ORANGETHEORY {store}", "orangetheory.com",
           "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS", "17018000", _STORE, 159, 179),
        _m("corepower", "CorePower Yoga", "COREPOWER YOGA {store}", "corepoweryoga.com",
           "PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS", "17047000", _STORE, 149, 149),
    ),
    "electric": (
        _m("pge", "Pacific Gas and Electric", "PGANDE WEB ONLINE", "pge.com",
           "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY", "18068005", _ONLINE, 60, 210),
        _m("con_edison", "Con Edison", "CON ED OF NY INTELL CK", "coned.com",
           "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY", "18068005", _ONLINE, 55, 220),
        _m("duke_energy", "Duke Energy", "DUKE ENERGY PAYMENT", "duke-energy.com",
           "RENT_AND_UTILITIES_GAS_AND_ELECTRICITY", "18068005", _ONLINE, 70, 240),
    ),
    "internet": (
        _m("xfinity", "Xfinity", "COMCAST XFINITY", "xfinity.com",
           "RENT_AND_UTILITIES_INTERNET_AND_CABLE", "18009000", _ONLINE, 65, 110),
        _m("spectrum", "Spectrum", "SPECTRUM", "spectrum.com",
           "RENT_AND_UTILITIES_INTERNET_AND_CABLE", "18031000", _ONLINE, 59.99, 99.99),
        _m("verizon_fios", "Verizon Fios", "VERIZON FIOS", "verizon.com",
           "RENT_AND_UTILITIES_INTERNET_AND_CABLE", "18031000", _ONLINE, 49.99, 89.99),
    ),
    "phone": (
        _m("verizon_wireless", "Verizon Wireless", "VZWRLSS*APOCC VISB", "verizon.com",
           "RENT_AND_UTILITIES_TELEPHONE", "18063000", _ONLINE, 55, 140),
        _m("t_mobile", "T-Mobile", "T-MOBILE AUTO PAY", "t-mobile.com",
           "RENT_AND_UTILITIES_TELEPHONE", "18063000", _ONLINE, 45, 130),
        _m("att_wireless", "AT&T", "ATT*BILL PAYMENT", "att.com",
           "RENT_AND_UTILITIES_TELEPHONE", "18063000", _ONLINE, 50, 135),
    ),
    "insurance": (
        _m("geico", "GEICO", "GEICO *AUTO", "geico.com",
           "GENERAL_SERVICES_INSURANCE", "18030000", _ONLINE, 88, 164),
        _m("state_farm", "State Farm", "STATE FARM RO 27 CPC-CLIENT", "statefarm.com",
           "GENERAL_SERVICES_INSURANCE", "18030000", _ONLINE, 95, 180),
        _m("progressive", "Progressive", "PROGRESSIVE *INSURANCE", "progressive.com",
           "GENERAL_SERVICES_INSURANCE", "18030000", _ONLINE, 82, 150),
    ),
    "payment_app": (
        _m("venmo", "Venmo", "VENMO PAYMENT", "venmo.com",
           "TRANSFER_OUT_ACCOUNT_TRANSFER", "21010001", _ONLINE, 12, 140, "payment_app"),
        _m("paypal", "PayPal", "PAYPAL *INST XFER", "paypal.com",
           "TRANSFER_OUT_ACCOUNT_TRANSFER", "21010004", _ONLINE, 15, 160, "payment_app"),
    ),
    # A small business's card: cloud hosting, software, office supplies, shipping, ads.
    "business": (
        _m("aws", "Amazon Web Services", "AWS EMEA AWS.AMAZON.CO", "aws.amazon.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012000", _ONLINE, 40, 900),
        _m("digitalocean", "DigitalOcean", "DIGITALOCEAN.COM", "digitalocean.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012000", _ONLINE, 12, 240),
        _m("staples", "Staples", "STAPLES {store}", "staples.com",
           "GENERAL_MERCHANDISE_OFFICE_SUPPLIES", "19039000", _STORE, 9, 220),
        _m("office_depot", "Office Depot", "OFFICE DEPOT #{store}", "officedepot.com",
           "GENERAL_MERCHANDISE_OFFICE_SUPPLIES", "19039000", _STORE, 12, 260),
        _m("fedex", "FedEx", "FEDEX {store}", "fedex.com",
           "GENERAL_SERVICES_POSTAGE_AND_SHIPPING", "18058000", _STORE, 9, 140),
        _m("ups", "UPS", "UPS*{store}", "ups.com",
           "GENERAL_SERVICES_POSTAGE_AND_SHIPPING", "18058000", _ONLINE, 8, 120),
        _m("google_ads", "Google Ads", "GOOGLE *ADS{store}", "ads.google.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18001006", _ONLINE, 50, 600),
        _m("wework", "WeWork", "WEWORK {store}", "wework.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18008000", _STORE, 25, 75),
    ),
    # Monthly software plans of the business card.
    "business_subscriptions": (
        _m("google_workspace", "Google Workspace", "GOOGLE *GSUITE_{store}", "workspace.google.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012002", _ONLINE, 14.4, 14.4),
        _m("slack", "Slack", "SLACK T0{store}", "slack.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012002", _ONLINE, 8.75, 8.75),
        _m("github", "GitHub", "GITHUB, INC.", "github.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012002", _ONLINE, 21, 21),
        _m("zoom", "Zoom", "ZOOM.US 888-799-9666", "zoom.us",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012002", _ONLINE, 15.99, 15.99),
        _m("adobe", "Adobe", "ADOBE *CREATIVE CLOUD", "adobe.com",
           "GENERAL_SERVICES_OTHER_GENERAL_SERVICES", "18012002", _ONLINE, 59.99, 59.99),
        _m("quickbooks", "QuickBooks", "INTUIT *QBOOKS ONLINE", "quickbooks.intuit.com",
           "GENERAL_SERVICES_ACCOUNTING_AND_FINANCIAL_PLANNING", "18020014", _ONLINE, 35, 35),
    ),
}
# fmt: on

# Card terminals reported as a second counterparty.
TERMINALS: dict[str, tuple[str, str]] = {"square": ("Square", "squareup.com")}

ALL_MERCHANTS: dict[str, Merchant] = {}


def _validate() -> None:
    for pool, merchants in MERCHANTS.items():
        for merchant in merchants:
            problem = None
            if merchant.key in ALL_MERCHANTS:
                problem = "is listed twice"
            elif merchant.pfc not in PFC_DETAILED_CATEGORIES:
                problem = f"has an unknown personal finance category {merchant.pfc}"
            elif merchant.channel not in (_STORE, _ONLINE):
                problem = f"has an unknown payment channel {merchant.channel!r}"
            elif not 0 < merchant.low <= merchant.high:
                problem = "has a bad amount range"
            elif merchant.counterparty_type not in COUNTERPARTY_TYPES:
                problem = f"has an unknown counterparty type {merchant.counterparty_type!r}"
            elif merchant.terminal is not None and merchant.terminal not in TERMINALS:
                problem = f"goes through an unknown terminal {merchant.terminal!r}"
            if problem is not None:
                raise ValueError(f"merchant {merchant.key!r} in {pool!r} {problem}")
            legacy_category(merchant.category_id)
            ALL_MERCHANTS[merchant.key] = merchant


_validate()

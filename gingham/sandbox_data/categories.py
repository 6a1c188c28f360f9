"""Plaid's transaction categories as data: the personal finance category (PFC) taxonomy and the
legacy category hierarchy that /categories/get serves.

The PFC table is Plaid's published taxonomy (transactions-personal-finance-category-taxonomy.csv,
version 1: 16 primary and 104 detailed categories). The legacy table is a faithful subset of
Plaid's /categories/get list: every top-level category, and every category the generated data
uses, with Plaid's ids, groups and names. Both are checked once, at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ICON_URL = "https://plaid-category-icons.plaid.com/PFC_{primary}.png"

# (primary, ((detailed suffix, description), ...)); the detailed category is PRIMARY_SUFFIX.
_PFC_TABLE: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "INCOME",
        (
            ("DIVIDENDS", "Dividends from investment accounts"),
            ("INTEREST_EARNED", "Income from interest on savings accounts"),
            ("RETIREMENT_PENSION", "Income from pension payments"),
            ("TAX_REFUND", "Income from tax refunds"),
            (
                "UNEMPLOYMENT",
                "Income from unemployment benefits, including unemployment insurance and "
                "healthcare",
            ),
            ("WAGES", "Income from salaries, gig-economy work, and tips earned"),
            (
                "OTHER_INCOME",
                "Other miscellaneous income, including alimony, social security, child support, "
                "and rental",
            ),
        ),
    ),
    (
        "TRANSFER_IN",
        (
            ("CASH_ADVANCES_AND_LOANS", "Loans and cash advances deposited into a bank account"),
            ("DEPOSIT", "Cash, checks, and ATM deposits into a bank account"),
            (
                "INVESTMENT_AND_RETIREMENT_FUNDS",
                "Inbound transfers to an investment or retirement account",
            ),
            ("SAVINGS", "Inbound transfers to a savings account"),
            ("ACCOUNT_TRANSFER", "General inbound transfers from another account"),
            ("OTHER_TRANSFER_IN", "Other miscellaneous inbound transactions"),
        ),
    ),
    (
        "TRANSFER_OUT",
        (
            (
                "INVESTMENT_AND_RETIREMENT_FUNDS",
                "Transfers to an investment or retirement account, including investment apps "
                "such as Acorns, Betterment",
            ),
            ("SAVINGS", "Outbound transfers to savings accounts"),
            ("WITHDRAWAL", "Withdrawals from a bank account"),
            ("ACCOUNT_TRANSFER", "General outbound transfers to another account"),
            ("OTHER_TRANSFER_OUT", "Other miscellaneous outbound transactions"),
        ),
    ),
    (
        "LOAN_PAYMENTS",
        (
            ("CAR_PAYMENT", "Car loans and leases"),
            (
                "CREDIT_CARD_PAYMENT",
                "Payments to a credit card. These are positive amounts for credit card subtypes "
                "and negative for depository subtypes",
            ),
            (
                "PERSONAL_LOAN_PAYMENT",
                "Personal loans, including cash advances and buy now pay later repayments",
            ),
            ("MORTGAGE_PAYMENT", "Payments on mortgages"),
            (
                "STUDENT_LOAN_PAYMENT",
                'Payments on student loans. For college tuition, refer to "General Services - '
                'Education"',
            ),
            ("OTHER_PAYMENT", "Other miscellaneous debt payments"),
        ),
    ),
    (
        "BANK_FEES",
        (
            ("ATM_FEES", "Fees incurred for out-of-network ATMs"),
            ("FOREIGN_TRANSACTION_FEES", "Fees incurred on non-domestic transactions"),
            ("INSUFFICIENT_FUNDS", "Fees relating to insufficient funds"),
            (
                "INTEREST_CHARGE",
                "Fees incurred for interest on purchases, including not-paid-in-full or interest "
                "on cash advances",
            ),
            ("OVERDRAFT_FEES", "Fees incurred when an account is in overdraft"),
            ("OTHER_BANK_FEES", "Other miscellaneous bank fees"),
        ),
    ),
    (
        "ENTERTAINMENT",
        (
            ("CASINOS_AND_GAMBLING", "Gambling, casinos, and sports betting"),
            (
                "MUSIC_AND_AUDIO",
                "Digital and in-person music purchases, including music streaming services",
            ),
            (
                "SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS",
                "Purchases made at sporting events, music venues, concerts, museums, and "
                "amusement parks",
            ),
            ("TV_AND_MOVIES", "In home movie streaming services and movie theaters"),
            ("VIDEO_GAMES", "Digital and in-person video game purchases"),
            (
                "OTHER_ENTERTAINMENT",
                "Other miscellaneous entertainment purchases, including night life and adult "
                "entertainment",
            ),
        ),
    ),
    (
        "FOOD_AND_DRINK",
        (
            ("BEER_WINE_AND_LIQUOR", "Beer, Wine & Liquor Stores"),
            ("COFFEE", "Purchases at coffee shops or cafes"),
            ("FAST_FOOD", "Dining expenses for fast food chains"),
            (
                "GROCERIES",
                "Purchases for fresh produce and groceries, including farmers' markets",
            ),
            ("RESTAURANT", "Dining expenses for restaurants, bars, gastropubs, and diners"),
            ("VENDING_MACHINES", "Purchases made at vending machine operators"),
            (
                "OTHER_FOOD_AND_DRINK",
                "Other miscellaneous food and drink, including desserts, juice bars, and delis",
            ),
        ),
    ),
    (
        "GENERAL_MERCHANDISE",
        (
            ("BOOKSTORES_AND_NEWSSTANDS", "Books, magazines, and news"),
            ("CLOTHING_AND_ACCESSORIES", "Apparel, shoes, and jewelry"),
            ("CONVENIENCE_STORES", "Purchases at convenience stores"),
            (
                "DEPARTMENT_STORES",
                "Retail stores with wide ranges of consumer goods, typically specializing in "
                "clothing and home goods",
            ),
            ("DISCOUNT_STORES", "Stores selling goods at a discounted price"),
            ("ELECTRONICS", "Electronics stores and websites"),
            ("GIFTS_AND_NOVELTIES", "Photo, gifts, cards, and floral stores"),
            ("OFFICE_SUPPLIES", "Stores that specialize in office goods"),
            (
                "ONLINE_MARKETPLACES",
                "Multi-purpose e-commerce platforms such as Etsy, Ebay and Amazon",
            ),
            ("PET_SUPPLIES", "Pet supplies and pet food"),
            ("SPORTING_GOODS", "Sporting goods, camping gear, and outdoor equipment"),
            (
                "SUPERSTORES",
                "Superstores such as Target and Walmart, selling both groceries and general "
                "merchandise",
            ),
            ("TOBACCO_AND_VAPE", "Purchases for tobacco and vaping products"),
            (
                "OTHER_GENERAL_MERCHANDISE",
                "Other miscellaneous merchandise, including toys, hobbies, and arts and crafts",
            ),
        ),
    ),
    (
        "HOME_IMPROVEMENT",
        (
            ("FURNITURE", "Furniture, bedding, and home accessories"),
            ("HARDWARE", "Building materials, hardware stores, paint, and wallpaper"),
            ("REPAIR_AND_MAINTENANCE", "Plumbing, lighting, gardening, and roofing"),
            ("SECURITY", "Home security system purchases"),
            (
                "OTHER_HOME_IMPROVEMENT",
                "Other miscellaneous home purchases, including pool installation and pest control",
            ),
        ),
    ),
    (
        "MEDICAL",
        (
            ("DENTAL_CARE", "Dentists and general dental care"),
            ("EYE_CARE", "Optometrists, contacts, and glasses stores"),
            ("NURSING_CARE", "Nursing care and facilities"),
            ("PHARMACIES_AND_SUPPLEMENTS", "Pharmacies and nutrition shops"),
            ("PRIMARY_CARE", "Doctors and physicians"),
            ("VETERINARY_SERVICES", "Prevention and care procedures for animals"),
            (
                "OTHER_MEDICAL",
                "Other miscellaneous medical, including blood work, hospitals, and ambulances",
            ),
        ),
    ),
    (
        "PERSONAL_CARE",
        (
            ("GYMS_AND_FITNESS_CENTERS", "Gyms, fitness centers, and workout classes"),
            (
                "HAIR_AND_BEAUTY",
                "Manicures, haircuts, waxing, spa/massages, and bath and beauty products",
            ),
            ("LAUNDRY_AND_DRY_CLEANING", "Wash and fold, and dry cleaning expenses"),
            (
                "OTHER_PERSONAL_CARE",
                "Other miscellaneous personal care, including mental health apps and services",
            ),
        ),
    ),
    (
        "GENERAL_SERVICES",
        (
            (
                "ACCOUNTING_AND_FINANCIAL_PLANNING",
                "Financial planning, and tax and accounting services",
            ),
            ("AUTOMOTIVE", "Oil changes, car washes, repairs, and towing"),
            ("CHILDCARE", "Babysitters and daycare"),
            ("CONSULTING_AND_LEGAL", "Consulting and legal services"),
            (
                "EDUCATION",
                "Elementary, high school, professional schools, and college tuition",
            ),
            ("INSURANCE", "Insurance for auto, home, and healthcare"),
            ("POSTAGE_AND_SHIPPING", "Mail, packaging, and shipping services"),
            ("STORAGE", "Storage services and facilities"),
            (
                "OTHER_GENERAL_SERVICES",
                "Other miscellaneous services, including advertising and cloud storage",
            ),
        ),
    ),
    (
        "GOVERNMENT_AND_NON_PROFIT",
        (
            ("DONATIONS", "Charitable, political, and religious donations"),
            (
                "GOVERNMENT_DEPARTMENTS_AND_AGENCIES",
                "Government departments and agencies, such as driving licences, and passport "
                "renewal",
            ),
            ("TAX_PAYMENT", "Tax payments, including income and property taxes"),
            (
                "OTHER_GOVERNMENT_AND_NON_PROFIT",
                "Other miscellaneous government and non-profit agencies",
            ),
        ),
    ),
    (
        "TRANSPORTATION",
        (
            ("BIKES_AND_SCOOTERS", "Bike and scooter rentals"),
            ("GAS", "Purchases at a gas station"),
            ("PARKING", "Parking fees and expenses"),
            (
                "PUBLIC_TRANSIT",
                "Public transportation, including rail and train, buses, and metro",
            ),
            ("TAXIS_AND_RIDE_SHARES", "Taxi and ride share services"),
            ("TOLLS", "Toll expenses"),
            ("OTHER_TRANSPORTATION", "Other miscellaneous transportation expenses"),
        ),
    ),
    (
        "TRAVEL",
        (
            ("FLIGHTS", "Airline expenses"),
            ("LODGING", "Hotels, motels, and hosted accommodation such as Airbnb"),
            ("RENTAL_CARS", "Rental cars, charter buses, and trucks"),
            ("OTHER_TRAVEL", "Other miscellaneous travel expenses"),
        ),
    ),
    (
        "RENT_AND_UTILITIES",
        (
            ("GAS_AND_ELECTRICITY", "Gas and electricity bills"),
            ("INTERNET_AND_CABLE", "Internet and cable bills"),
            ("RENT", "Rent payment"),
            ("SEWAGE_AND_WASTE_MANAGEMENT", "Sewage and garbage disposal bills"),
            ("TELEPHONE", "Cell phone bills"),
            ("WATER", "Water bills"),
            ("OTHER_UTILITIES", "Other miscellaneous utility bills"),
        ),
    ),
)

# Plaid's legacy categories: (category_id, group, hierarchy). "special" marks transactions that
# are not purchases at a place (fees, transfers, payments, interest).
_LEGACY_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("10000000", "special", ("Bank Fees",)),
    ("10001000", "special", ("Bank Fees", "Overdraft")),
    ("10002000", "special", ("Bank Fees", "ATM")),
    ("10003000", "special", ("Bank Fees", "Late Payment")),
    ("10004000", "special", ("Bank Fees", "Fraud Dispute")),
    ("10005000", "special", ("Bank Fees", "Foreign Transaction")),
    ("10006000", "special", ("Bank Fees", "Wire Transfer")),
    ("10007000", "special", ("Bank Fees", "Insufficient Funds")),
    ("10008000", "special", ("Bank Fees", "Cash Advance")),
    ("10009000", "special", ("Bank Fees", "Excess Activity")),
    ("11000000", "special", ("Cash Advance",)),
    ("12000000", "place", ("Community",)),
    ("12008000", "place", ("Community", "Education")),
    ("12015000", "place", ("Community", "Organizations and Associations")),
    (
        "12015003",
        "place",
        ("Community", "Organizations and Associations", "Charities and Non-Profits"),
    ),
    ("12016000", "place", ("Community", "Post Offices")),
    ("13000000", "place", ("Food and Drink",)),
    ("13001000", "place", ("Food and Drink", "Bar")),
    ("13005000", "place", ("Food and Drink", "Restaurants")),
    ("13005032", "place", ("Food and Drink", "Restaurants", "Fast Food")),
    ("13005043", "place", ("Food and Drink", "Restaurants", "Coffee Shop")),
    ("14000000", "place", ("Healthcare",)),
    ("14001000", "place", ("Healthcare", "Healthcare Services")),
    ("14001005", "place", ("Healthcare", "Healthcare Services", "Optometrists")),
    (
        "14001010",
        "place",
        ("Healthcare", "Healthcare Services", "Hospitals, Clinics and Medical Centers"),
    ),
    ("14001012", "place", ("Healthcare", "Healthcare Services", "Dentists")),
    ("14002000", "place", ("Healthcare", "Physicians")),
    ("15000000", "special", ("Interest",)),
    ("15001000", "special", ("Interest", "Interest Earned")),
    ("15002000", "special", ("Interest", "Interest Charged")),
    ("16000000", "special", ("Payment",)),
    ("16001000", "special", ("Payment", "Credit Card")),
    ("16002000", "special", ("Payment", "Rent")),
    ("16003000", "special", ("Payment", "Loan")),
    ("17000000", "place", ("Recreation",)),
    ("17001000", "place", ("Recreation", "Arts and Entertainment")),
    ("17001009", "place", ("Recreation", "Arts and Entertainment", "Movie Theatres")),
    ("17018000", "place", ("Recreation", "Gyms and Fitness Centers")),
    ("17047000", "place", ("Recreation", "Yoga and Pilates")),
    ("18000000", "place", ("Service",)),
    ("18001000", "place", ("Service", "Advertising and Marketing")),
    ("18001006", "place", ("Service", "Advertising and Marketing", "Online Advertising")),
    ("18006000", "place", ("Service", "Automotive")),
    ("18008000", "place", ("Service", "Business Services")),
    ("18009000", "place", ("Service", "Cable")),
    ("18012000", "place", ("Service", "Computers")),
    ("18012002", "place", ("Service", "Computers", "Software Development")),
    ("18018000", "place", ("Service", "Entertainment")),
    ("18020000", "place", ("Service", "Financial")),
    ("18020013", "place", ("Service", "Financial", "ATMs")),
    ("18020014", "place", ("Service", "Financial", "Accounting and Bookkeeping")),
    ("18024000", "place", ("Service", "Home Improvement")),
    ("18030000", "place", ("Service", "Insurance")),
    ("18031000", "place", ("Service", "Internet Services")),
    ("18045000", "place", ("Service", "Personal Care")),
    ("18050000", "place", ("Service", "Real Estate")),
    ("18050010", "special", ("Service", "Real Estate", "Rent")),
    ("18058000", "place", ("Service", "Shipping and Freight")),
    ("18061000", "place", ("Service", "Subscription")),
    ("18063000", "place", ("Service", "Telecommunication Services")),
    ("18068000", "special", ("Service", "Utilities")),
    ("18068001", "special", ("Service", "Utilities", "Water")),
    ("18068005", "special", ("Service", "Utilities", "Electric")),
    ("19000000", "place", ("Shops",)),
    ("19012000", "place", ("Shops", "Clothing and Accessories")),
    ("19013000", "place", ("Shops", "Computers and Electronics")),
    ("19009000", "place", ("Shops", "Bookstores")),
    ("19015000", "place", ("Shops", "Convenience Stores")),
    ("19018000", "place", ("Shops", "Department Stores")),
    ("19019000", "place", ("Shops", "Digital Purchase")),
    ("19020000", "place", ("Shops", "Discount Stores")),
    ("19025000", "place", ("Shops", "Food and Beverage Store")),
    ("19027000", "place", ("Shops", "Furniture and Home Decor")),
    ("19030000", "place", ("Shops", "Hardware Store")),
    ("19039000", "place", ("Shops", "Office Supplies")),
    ("19042000", "place", ("Shops", "Pets")),
    ("19043000", "place", ("Shops", "Pharmacies")),
    ("19046000", "place", ("Shops", "Sporting Goods")),
    ("19047000", "place", ("Shops", "Supermarkets and Groceries")),
    ("19051000", "place", ("Shops", "Warehouses and Wholesale Stores")),
    ("20000000", "special", ("Tax",)),
    ("20001000", "special", ("Tax", "Refund")),
    ("20002000", "special", ("Tax", "Payment")),
    ("21000000", "special", ("Transfer",)),
    ("21001000", "special", ("Transfer", "Internal Account Transfer")),
    ("21005000", "special", ("Transfer", "Credit")),
    ("21006000", "special", ("Transfer", "Debit")),
    ("21007000", "special", ("Transfer", "Deposit")),
    ("21007001", "special", ("Transfer", "Deposit", "Check")),
    ("21007002", "special", ("Transfer", "Deposit", "ATM")),
    ("21009000", "special", ("Transfer", "Payroll")),
    ("21010000", "special", ("Transfer", "Third Party")),
    ("21010001", "special", ("Transfer", "Third Party", "Venmo")),
    ("21010004", "special", ("Transfer", "Third Party", "PayPal")),
    ("21012000", "special", ("Transfer", "Withdrawal")),
    ("21012001", "special", ("Transfer", "Withdrawal", "Check")),
    ("21012002", "special", ("Transfer", "Withdrawal", "ATM")),
    ("22000000", "place", ("Travel",)),
    ("22001000", "place", ("Travel", "Airlines and Aviation Services")),
    ("22005000", "place", ("Travel", "Car and Truck Rentals")),
    ("22006000", "place", ("Travel", "Car Service")),
    ("22006001", "place", ("Travel", "Car Service", "Ride Share")),
    ("22009000", "place", ("Travel", "Gas Stations")),
    ("22012000", "place", ("Travel", "Lodging")),
    ("22012003", "place", ("Travel", "Lodging", "Hotels and Motels")),
    ("22013000", "place", ("Travel", "Parking")),
    ("22014000", "place", ("Travel", "Public Transportation Services")),
    ("22016000", "place", ("Travel", "Taxi")),
    ("22017000", "place", ("Travel", "Tolls and Fees")),
)


@dataclass(frozen=True, slots=True)
class LegacyCategory:
    category_id: str
    group: str
    hierarchy: tuple[str, ...]


def _build_pfc() -> tuple[dict[str, str], dict[str, str]]:
    primary_of: dict[str, str] = {}
    description_of: dict[str, str] = {}
    for primary, details in _PFC_TABLE:
        for suffix, description in details:
            detailed = f"{primary}_{suffix}"
            if detailed in primary_of:
                raise ValueError(f"PFC {detailed} is listed twice")
            primary_of[detailed] = primary
            description_of[detailed] = description
    return primary_of, description_of


def _build_legacy() -> dict[str, LegacyCategory]:
    by_id: dict[str, LegacyCategory] = {}
    by_hierarchy: set[tuple[str, ...]] = set()
    for category_id, group, hierarchy in _LEGACY_TABLE:
        if len(category_id) != 8 or not category_id.isdigit() or category_id in by_id:
            raise ValueError(f"legacy category id {category_id!r} is malformed or repeated")
        if group not in ("place", "special") or hierarchy in by_hierarchy:
            raise ValueError(f"legacy category {category_id} has a bad group or repeats a name")
        # A sub-category's parent is listed too, as in Plaid's list.
        if len(hierarchy) > 1 and hierarchy[:-1] not in by_hierarchy:
            raise ValueError(f"legacy category {category_id} is listed before its parent")
        by_id[category_id] = LegacyCategory(category_id, group, hierarchy)
        by_hierarchy.add(hierarchy)
    return by_id


_PRIMARY_OF, _DESCRIPTION_OF = _build_pfc()
_LEGACY_BY_ID = _build_legacy()

PFC_PRIMARY_CATEGORIES: tuple[str, ...] = tuple(primary for primary, _ in _PFC_TABLE)
PFC_DETAILED_CATEGORIES: frozenset[str] = frozenset(_PRIMARY_OF)
_ICON_URLS = {primary: ICON_URL.format(primary=primary) for primary in PFC_PRIMARY_CATEGORIES}


def pfc_primary(detailed: str) -> str:
    """The primary category of a detailed one; KeyError if Plaid has no such category."""
    return _PRIMARY_OF[detailed]


def pfc_description(detailed: str) -> str:
    return _DESCRIPTION_OF[detailed]


def pfc_icon_url(primary: str) -> str:
    return _ICON_URLS.get(primary) or ICON_URL.format(primary=primary)


def legacy_category(category_id: str) -> LegacyCategory:
    """KeyError if the id is not in the table."""
    return _LEGACY_BY_ID[category_id]


def legacy_categories() -> list[dict[str, Any]]:
    """/categories/get's `categories`: Plaid's `{category_id, group, hierarchy}` objects, ordered
    by id. A fresh list each call, so a caller may change it."""
    return [
        {"category_id": c.category_id, "group": c.group, "hierarchy": list(c.hierarchy)}
        for c in sorted(_LEGACY_BY_ID.values(), key=lambda c: c.category_id)
    ]

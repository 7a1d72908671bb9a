"""
Demo data: a small field-service company, created through the same services the back office uses.

``demo_seed`` is idempotent. Records are keyed on their names (accounts, customers, items, tax rates, terms)
and invoice numbers, so a second run finds everything in place and creates nothing; records someone edited
in the meantime are left as they are. Only the demo users are brought up to date on every run, so that the
printed credentials always work. Dates are counted back from today, so that "overdue" keeps its meaning.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone

from apps.accounting.models import Account, AccountType, DefaultAccounts, ItemType, PaymentTerm, TaxRate
from apps.catalog.models import Item, StockMovementKind
from apps.catalog.stock import Document, stock_count
from apps.core.models import Division
from apps.core.roles import OFFICE, OWNER, READ_ONLY, roles_sync
from apps.core.selectors import division_get_default
from apps.customers.models import Contact, Customer, CustomerNote, ServiceLocation
from apps.demo.stock import demo_stock_seed
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, PaymentMethod
from apps.invoicing.services import (
    invoice_approve,
    invoice_fill_defaults,
    invoice_mark_for_sync,
    invoice_recalculate,
    invoice_transition,
    invoice_void,
    payment_record,
)
from apps.users.models import User

DEMO_ADMIN_EMAIL = "admin@example.com"
# Well known on purpose: the demo prints it, and a second run must print the same one.
DEMO_PASSWORD = "fieldoffice-demo"
DEMO_OFFICE_EMAIL = "office@example.com"
DEMO_READ_ONLY_EMAIL = "readonly@example.com"
SNOW_DIVISION_SLUG = "snow-removal"

S = InvoiceStatus
FULL = "full"  # a payment of whatever the invoice still owes


@dataclass
class DemoSummary:
    """What a run of ``demo_seed`` did, and how to sign in."""

    admin_email: str
    admin_password: str
    # (email, role) of the other demo users; they share the admin's password.
    users: list[tuple[str, str]] = field(default_factory=list)
    # What this run added, by kind ("customers", "invoices", ...): empty on a second run.
    created: Counter = field(default_factory=Counter)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


# --- The company -----------------------------------------------------------------------------------------------

# fmt: off

# (number, name, type, description). Main keeps its books in QuickBooks Online: the local sandbox's demo company
# (``apps.qbo_sandbox.seeding.demo``) has these accounts under the same names, as QuickBooks Online names its own.
MAIN_ACCOUNTS = [
    ("1000", "Business Checking", AccountType.BANK, "Operating account at North Star Bank"),
    ("1050", "Undeposited Funds", AccountType.OTHER_CURRENT_ASSET, "Payments received, not yet deposited"),
    ("1200", "Accounts Receivable (A/R)", AccountType.ACCOUNTS_RECEIVABLE, ""),
    ("1300", "Inventory Asset", AccountType.INVENTORY_ASSET, "Parts on the shelves and in the trucks"),
    ("1350", "Equipment Inventory", AccountType.INVENTORY_ASSET, "Furnaces, water heaters and other units in stock"),
    ("1500", "Service Vehicles", AccountType.FIXED_ASSET, ""),
    ("2000", "Accounts Payable (A/P)", AccountType.ACCOUNTS_PAYABLE, ""),
    ("2100", "Company Credit Card", AccountType.CREDIT_CARD, ""),
    ("2200", "Sales Tax Payable", AccountType.OTHER_CURRENT_LIABILITY, ""),
    ("2700", "Truck Loan", AccountType.LONG_TERM_LIABILITY, ""),
    ("3000", "Owner's Equity", AccountType.EQUITY, ""),
    ("4000", "Service Income", AccountType.INCOME, "Service calls, labor and maintenance plans"),
    ("4100", "Parts and Materials Sales", AccountType.INCOME, ""),
    ("4200", "Equipment Sales", AccountType.INCOME, "Furnaces, water heaters, snow blowers"),
    ("4900", "Finance Charges", AccountType.OTHER_INCOME, ""),
    ("5000", "Cost of Parts Sold", AccountType.COST_OF_GOODS_SOLD, ""),
    ("5100", "Cost of Equipment Sold", AccountType.COST_OF_GOODS_SOLD, ""),
    ("5150", "Inventory Shrinkage", AccountType.COST_OF_GOODS_SOLD, ""),
    ("5200", "Subcontracted Labor", AccountType.COST_OF_GOODS_SOLD, ""),
    ("6000", "Job Materials and Supplies", AccountType.EXPENSE, ""),
    ("6100", "Vehicle Fuel", AccountType.EXPENSE, ""),
    ("6200", "Tools and Small Equipment", AccountType.EXPENSE, ""),
    ("8000", "Bank Service Charges", AccountType.OTHER_EXPENSE, ""),
]

# item type: (income, expense, asset) account numbers
MAIN_DEFAULT_ACCOUNTS = {
    ItemType.INVENTORY: ("4100", "5000", "1300"),
    ItemType.NON_INVENTORY: ("4100", "6000", None),
    ItemType.SERVICE: ("4000", "5200", None),
    ItemType.EQUIPMENT: ("4200", "5100", "1350"),
}

# (name, percent, agency)
MAIN_TAX_RATES = [
    ("Minneapolis", "8.025", "Minnesota Department of Revenue"),
    ("Inver Grove Heights", "7.125", "Minnesota Department of Revenue"),
    ("Mesa, AZ", "8.3", "Arizona Department of Revenue"),
    ("Exempt", "0", ""),
]

# (name, days)
PAYMENT_TERMS = [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30)]

# name: (type, sku, description, price, cost, taxable, quantity on hand, account numbers or None for defaults)
MAIN_ITEMS = {
    # Inventory parts: stocked, counted, carry an asset account.
    "Furnace filter 16x25x1": (
        ItemType.INVENTORY, "FLT-16251", "Pleated furnace filter, MERV 8, 16x25x1", "12.50", "4.75", True, "48", None,
    ),
    "Thermostat - Honeywell T6 Pro": (
        ItemType.INVENTORY, "TST-T6PRO", "Honeywell T6 Pro programmable thermostat", "189.00", "96.00", True, "12",
        None,
    ),
    "Hot surface igniter": (
        ItemType.INVENTORY, "IGN-HSI271", "Universal hot surface igniter", "64.00", "22.00", True, "8", None,
    ),
    "Run capacitor 45/5 MFD": (
        ItemType.INVENTORY, "CAP-4505", "Dual run capacitor 45/5 MFD 440V", "38.00", "9.40", True, "20", None,
    ),
    "Condensate pump": (
        ItemType.INVENTORY, "PMP-CND1", "Condensate removal pump, 115V", "119.00", "52.00", True, "5", None,
    ),
    # Non-inventory materials: bought for the job, not counted.
    "Copper fittings (assorted)": (
        ItemType.NON_INVENTORY, "MAT-CU", "Copper fittings and solder", "24.00", "11.00", True, None, None,
    ),
    "Refrigerant R-410A (per lb)": (
        ItemType.NON_INVENTORY, "MAT-410A", "R-410A refrigerant, per pound", "85.00", "18.00", True, None,
        ("4100", "6000", None),
    ),
    "PEX tubing 1/2 in (per ft)": (
        ItemType.NON_INVENTORY, "MAT-PEX12", "1/2 in PEX-A tubing, per foot", "1.20", "0.42", True, None, None,
    ),
    # Services: labor is not taxed in Minnesota.
    "Service call": (
        ItemType.SERVICE, "SVC-CALL", "Service call: travel and first half hour on site", "129.00", "0", False, None,
        None,
    ),
    "Labor hour": (ItemType.SERVICE, "SVC-LABOR", "Technician labor, per hour", "95.00", "0", False, None, None),
    "After-hours labor hour": (
        ItemType.SERVICE, "SVC-LABOR-AH", "Technician labor, evenings and weekends, per hour", "142.50", "0", False,
        None, None,
    ),
    "Annual furnace tune-up": (
        ItemType.SERVICE, "SVC-TUNE", "Clean and inspect furnace, test safeties, replace filter", "149.00", "0",
        False, None, None,
    ),
    "Drain cleaning": (
        ItemType.SERVICE, "SVC-DRAIN", "Main line drain cleaning up to 100 ft", "175.00", "0", False, None, None,
    ),
    # Equipment: stocked units sold and installed.
    "Furnace - Lennox ML180 80k BTU": (
        ItemType.EQUIPMENT, "EQ-ML180-80", "Lennox ML180 80,000 BTU 96% gas furnace", "2450.00", "1680.00", True,
        "3", None,
    ),
    "Water heater - 50 gal gas": (
        ItemType.EQUIPMENT, "EQ-WH50G", "Bradford White 50 gallon gas water heater", "1299.00", "820.00", True, "2",
        None,
    ),
    "Snow blower - Toro Power Max 826": (
        ItemType.EQUIPMENT, "EQ-TORO826", "Toro Power Max 826 OE two-stage snow blower", "1199.00", "850.00", True,
        "4", None,
    ),
}

# display name: fields, service locations, contacts, notes (days ago, author, text)
MAIN_CUSTOMERS = {
    "--Basement Bar--": {
        "fields": {
            "number": "C-1001", "company_name": "Basement Bar", "phone": "612-555-0142",
            "email": "manager@basementbar.example.com", "billing_street": "511 N Washington Ave",
            "billing_city": "Minneapolis", "billing_state": "MN", "billing_postal_code": "55401",
            "tax_rate": "Minneapolis", "payment_term": "Net 15",
        },
        "locations": [
            ("BB_1", "511 N Washington Ave", "", "Minneapolis", "MN", "55401"),
            ("BB_2", "700 N Washington Ave", "Lower level", "Minneapolis", "MN", "55401"),
        ],
        "contacts": [
            ("Tony Marchetti", "Owner", "612-555-0143", "tony@basementbar.example.com", True),
            ("Kelsey Lund", "Bar manager", "612-555-0144", "kelsey@basementbar.example.com", False),
        ],
        "notes": [
            (40, "Office", "Walk-in cooler at BB_1 is on a quarterly maintenance plan."),
            (12, "Office", "Use the alley door; deliveries only before 11 am."),
        ],
    },
    "A&L Chinese Restaurant": {
        "fields": {
            "number": "C-1002", "company_name": "A&L Chinese Restaurant", "phone": "651-555-0190",
            "email": "al.restaurant@example.com", "billing_street": "5800 Cahill Ave",
            "billing_city": "Inver Grove Heights", "billing_state": "MN", "billing_postal_code": "55076",
            "tax_rate": "Inver Grove Heights", "payment_term": "Net 30",
        },
        "contacts": [("Amy Liu", "Owner", "651-555-0191", "amy@al-restaurant.example.com", True)],
    },
    "2 wheels club": {
        "fields": {
            "number": "C-1003", "company_name": "2 wheels club", "phone": "480-555-0117",
            "email": "club@2wheels.example.com", "billing_street": "248 N Leandro Cir", "billing_city": "Mesa",
            "billing_state": "AZ", "billing_postal_code": "85207", "tax_rate": "Mesa, AZ", "payment_term": "Net 15",
        },
        "locations": [("arizona", "248 N Leandro Cir", "", "Mesa", "AZ", "85207")],
        "contacts": [("Ray Delgado", "Treasurer", "480-555-0118", "ray@2wheels.example.com", True)],
    },
    "Carefree Property Management": {
        "fields": {
            "number": "C-1004", "company_name": "Carefree Property Management", "phone": "612-555-0175",
            "email": "ap@carefree.example.com", "billing_street": "120 S 6th St", "billing_street2": "Suite 900",
            "billing_city": "Minneapolis", "billing_state": "MN", "billing_postal_code": "55402",
            "tax_rate": "Minneapolis", "payment_term": "Net 30",
        },
        "locations": [
            ("Oak Street Apartments", "1012 Oak St SE", "", "Minneapolis", "MN", "55414"),
            ("Loring Park Lofts", "1400 Willow St", "", "Minneapolis", "MN", "55403"),
        ],
        "contacts": [
            ("Janet Brooks", "Property manager", "612-555-0176", "janet@carefree.example.com", True),
            ("Accounts payable", "Billing", "612-555-0177", "ap@carefree.example.com", False),
        ],
        "notes": [(60, "Office", "Send invoices to AP with the unit number in the memo.")],
    },
    "Dana Kowalski": {
        "fields": {
            "number": "C-1005", "first_name": "Dana", "last_name": "Kowalski", "phone": "612-555-0128",
            "email": "dana.kowalski@example.com", "billing_street": "3927 Bryant Ave S",
            "billing_city": "Minneapolis", "billing_state": "MN", "billing_postal_code": "55409",
            "tax_rate": "Minneapolis", "payment_term": "Due on receipt",
        },
    },
    "Mike Olson": {
        "fields": {
            "number": "C-1006", "first_name": "Mike", "last_name": "Olson", "phone": "612-555-0133",
            "email": "mike.olson@example.com", "billing_street": "2215 Dupont Ave N", "billing_city": "Minneapolis",
            "billing_state": "MN", "billing_postal_code": "55411", "tax_rate": "Minneapolis",
            "payment_term": "Due on receipt",
        },
    },
    "Northstar Elementary School": {
        "fields": {
            "number": "C-1007", "company_name": "Northstar Elementary School", "phone": "612-555-0160",
            "email": "facilities@northstar-elementary.example.com", "billing_street": "1700 Penn Ave N",
            "billing_city": "Minneapolis", "billing_state": "MN", "billing_postal_code": "55411",
            # A public school: exempt from sales tax.
            "taxable": False, "tax_rate": "Exempt", "payment_term": "Net 30",
        },
        "contacts": [("Gary Peterson", "Facilities director", "612-555-0161", "gpeterson@northstar.example.com", True)],
        "notes": [(90, "Office", "Tax-exempt: certificate ST3 on file, renewed every August.")],
    },
    "Twin Cities Brewing Co.": {
        "fields": {
            "number": "C-1008", "company_name": "Twin Cities Brewing Co.", "phone": "612-555-0150",
            "email": "ops@tcbrewing.example.com", "billing_street": "901 N 3rd St", "billing_city": "Minneapolis",
            "billing_state": "MN", "billing_postal_code": "55401", "tax_rate": "Minneapolis",
            "payment_term": "Net 15",
        },
        "contacts": [("Sam Okafor", "Head brewer", "612-555-0151", "sam@tcbrewing.example.com", True)],
    },
    "Lakeside Dental Clinic": {
        "fields": {
            "number": "C-1009", "company_name": "Lakeside Dental Clinic", "phone": "612-555-0183",
            "email": "frontdesk@lakesidedental.example.com", "billing_street": "3033 Excelsior Blvd",
            "billing_city": "Minneapolis", "billing_state": "MN", "billing_postal_code": "55416",
            "tax_rate": "Minneapolis", "payment_term": "Net 30",
        },
    },
    "Hennepin Hardware": {
        "fields": {
            "number": "C-1010", "company_name": "Hennepin Hardware", "phone": "612-555-0109",
            "billing_street": "2601 Hennepin Ave", "billing_city": "Minneapolis", "billing_state": "MN",
            "billing_postal_code": "55408", "tax_rate": "Minneapolis", "payment_term": "Net 30",
            # Closed its store: kept for its history, hidden from new invoices.
            "active": False,
        },
        "notes": [(95, "Office", "Store closed; final invoice paid. Marked inactive.")],
    },
    "Desert Sun Apartments": {
        "fields": {
            "number": "C-1011", "company_name": "Desert Sun Apartments", "phone": "480-555-0122",
            "email": "maintenance@desertsun.example.com", "billing_street": "1650 S Power Rd", "billing_city": "Mesa",
            "billing_state": "AZ", "billing_postal_code": "85206", "tax_rate": "Mesa, AZ", "payment_term": "Net 30",
        },
        "locations": [("Building C", "1650 S Power Rd", "", "Mesa", "AZ", "85206")],
        "contacts": [("Luis Romero", "Maintenance supervisor", "480-555-0123", "luis@desertsun.example.com", True)],
    },
    "Priya Raman": {
        "fields": {
            "number": "C-1012", "first_name": "Priya", "last_name": "Raman", "phone": "480-555-0166",
            "email": "priya.raman@example.com", "billing_street": "4410 E Main St", "billing_city": "Mesa",
            "billing_state": "AZ", "billing_postal_code": "85205", "tax_rate": "Mesa, AZ",
            "payment_term": "Due on receipt",
        },
    },
    "Gopher State Fitness": {
        "fields": {
            "number": "C-1013", "company_name": "Gopher State Fitness", "phone": "651-555-0101",
            "email": "billing@gopherfit.example.com", "billing_street": "1 Southview Blvd",
            "billing_city": "Inver Grove Heights", "billing_state": "MN", "billing_postal_code": "55076",
            "tax_rate": "Inver Grove Heights", "payment_term": "Net 15",
        },
    },
}

# number: (customer, service location, days ago, status, lines, payments, memo)
# A line is (item, quantity) or (item, quantity, unit price); a payment is (amount or FULL, days ago, method, ref).
MAIN_INVOICES = {
    "1001": ("A&L Chinese Restaurant", None, 120, S.PAID,
             [("Annual furnace tune-up", 2), ("Furnace filter 16x25x1", 4)],
             [(FULL, 98, PaymentMethod.CHECK, "4471")], "Fall maintenance, both rooftop units."),
    "1002": ("--Basement Bar--", "BB_1", 110, S.PAID,
             [("Service call", 1), ("Labor hour", 2), ("Run capacitor 45/5 MFD", 1)],
             [(FULL, 96, PaymentMethod.BANK_TRANSFER, "ACH 20931")], "Walk-in cooler condenser not starting."),
    "1003": ("Hennepin Hardware", None, 100, S.PAID,
             [("Drain cleaning", 1)], [(FULL, 92, PaymentMethod.CHECK, "10288")], ""),
    "1004": ("Carefree Property Management", "Oak Street Apartments", 95, S.UNPAID,
             [("Water heater - 50 gal gas", 1), ("Labor hour", 4), ("Copper fittings (assorted)", 3)],
             [(Decimal("500.00"), 70, PaymentMethod.CHECK, "30412")], "Unit 4B water heater replacement."),
    "1005": ("Twin Cities Brewing Co.", None, 90, S.VOID,
             [("Service call", 1), ("Labor hour", 3)], [], "Entered twice; see invoice 1006."),
    "1006": ("Twin Cities Brewing Co.", None, 90, S.PAID,
             [("Service call", 1), ("Labor hour", 3), ("Condensate pump", 1)],
             [(FULL, 80, PaymentMethod.CREDIT_CARD, "VISA 4242")], "Glycol chiller condensate pump."),
    "1007": ("2 wheels club", "arizona", 80, S.UNPAID,
             [("Service call", 1), ("Labor hour", 1.5), ("Refrigerant R-410A (per lb)", 3)], [],
             "AC not cooling; recharged and leak-checked."),
    "1008": ("Dana Kowalski", None, 75, S.PAID,
             [("Service call", 1), ("Hot surface igniter", 1), ("Labor hour", 1)],
             [(Decimal("150.00"), 75, PaymentMethod.CREDIT_CARD, "MC 5454"),
              (FULL, 60, PaymentMethod.CHECK, "1182")], "No heat; replaced igniter."),
    "1009": ("Northstar Elementary School", None, 70, S.UNPAID,
             [("Furnace - Lennox ML180 80k BTU", 2), ("Labor hour", 12), ("Copper fittings (assorted)", 4)],
             [(Decimal("2500.00"), 35, PaymentMethod.BANK_TRANSFER, "ACH 77120")],
             "Gym furnaces replaced. Tax-exempt."),
    "1010": ("Lakeside Dental Clinic", None, 60, S.PAID,
             [("Annual furnace tune-up", 1), ("Thermostat - Honeywell T6 Pro", 2), ("Labor hour", 1)],
             [(FULL, 31, PaymentMethod.CHECK, "6021")], ""),
    "1011": ("Desert Sun Apartments", "Building C", 55, S.UNPAID,
             [("Service call", 1), ("Labor hour", 3), ("Refrigerant R-410A (per lb)", 4),
              ("Run capacitor 45/5 MFD", 2)], [], "Units C-104 and C-210."),
    "1012": ("--Basement Bar--", None, 50, S.UNPAID,
             [("Service call", 1), ("Furnace filter 16x25x1", 6), ("Copper fittings (assorted)", 0.5)], [], ""),
    "1013": ("Mike Olson", None, 45, S.VOID,
             [("Drain cleaning", 1)], [], "Customer cancelled before the visit."),
    "1014": ("Gopher State Fitness", None, 40, S.PAID,
             [("Service call", 1), ("After-hours labor hour", 2), ("Condensate pump", 1)],
             [(FULL, 28, PaymentMethod.CREDIT_CARD, "AMEX 1005")], "Saturday emergency call."),
    "1015": ("Priya Raman", None, 35, S.UNPAID,
             [("Water heater - 50 gal gas", 1), ("Labor hour", 3), ("PEX tubing 1/2 in (per ft)", 20)],
             [(Decimal("800.00"), 35, PaymentMethod.CHECK, "2210")], "Deposit taken on site; balance due."),
    "1016": ("A&L Chinese Restaurant", None, 20, S.UNPAID,
             [("Service call", 1), ("Labor hour", 2), ("Hot surface igniter", 1)], [], ""),
    "1017": ("--Basement Bar--", "BB_2", 18, S.READY_FOR_SYNC,
             [("Service call", 1), ("Labor hour", 2), ("Thermostat - Honeywell T6 Pro", 1)], [],
             "New thermostat for the lower level."),
    "1018": ("Carefree Property Management", "Loring Park Lofts", 16, S.READY_FOR_SYNC,
             [("Drain cleaning", 2), ("Labor hour", 1)], [], "Units 3 and 7."),
    "1019": ("2 wheels club", "arizona", 14, S.READY_FOR_SYNC,
             [("Service call", 1, "0.00")], [], "Warranty callback, no charge."),
    "1020": ("Lakeside Dental Clinic", None, 12, S.READY_FOR_SYNC,
             [("Annual furnace tune-up", 1), ("Furnace filter 16x25x1", 2)], [], ""),
    "1021": ("Twin Cities Brewing Co.", None, 20, S.APPROVED,
             [("Labor hour", 4), ("Copper fittings (assorted)", 2)], [], "Taproom ice machine line."),
    "1022": ("Dana Kowalski", None, 6, S.APPROVED,
             [("Snow blower - Toro Power Max 826", 1)], [], ""),
    "1023": ("Northstar Elementary School", None, 4, S.APPROVED,
             [("Service call", 1), ("Labor hour", 2), ("Thermostat - Honeywell T6 Pro", 3)], [], ""),
    "1024": ("--Basement Bar--", "BB_1", 2, S.DRAFT,
             [("Labor hour", 1)], [], ""),
    "1025": ("Desert Sun Apartments", "Building C", 1, S.DRAFT,
             [("Service call", 1), ("Refrigerant R-410A (per lb)", 2)], [], ""),
    "1026": ("Gopher State Fitness", None, 0, S.DRAFT,
             [("Annual furnace tune-up", 3), ("Furnace filter 16x25x1", 12)], [], "Quote accepted by phone."),
}

# The second division: a winter business with its own books.
SNOW_ACCOUNTS = [
    ("1000", "Snow Checking", AccountType.BANK, ""),
    ("1200", "Accounts Receivable", AccountType.ACCOUNTS_RECEIVABLE, ""),
    ("1300", "Salt and Ice Melt Inventory", AccountType.INVENTORY_ASSET, ""),
    ("1350", "Equipment Inventory", AccountType.INVENTORY_ASSET, ""),
    ("4000", "Plowing Income", AccountType.INCOME, ""),
    ("4100", "Materials Sales", AccountType.INCOME, ""),
    ("5000", "Cost of Salt and Ice Melt", AccountType.COST_OF_GOODS_SOLD, ""),
    ("5100", "Cost of Equipment Sold", AccountType.COST_OF_GOODS_SOLD, ""),
    ("6000", "Plow Fuel and Repairs", AccountType.EXPENSE, ""),
]
SNOW_DEFAULT_ACCOUNTS = {
    ItemType.INVENTORY: ("4100", "5000", "1300"),
    ItemType.NON_INVENTORY: ("4100", "6000", None),
    ItemType.SERVICE: ("4000", "6000", None),
    ItemType.EQUIPMENT: ("4100", "5100", "1350"),
}
SNOW_TAX_RATES = [("Minneapolis", "8.025", "Minnesota Department of Revenue")]
SNOW_ITEMS = {
    "Plowing - per push": (
        ItemType.SERVICE, "SNOW-PLOW", "Parking lot plowing, per push", "185.00", "0", False, None, None,
    ),
    "Sidewalk shoveling": (
        ItemType.SERVICE, "SNOW-WALK", "Sidewalks and entrances, per visit", "65.00", "0", False, None, None,
    ),
    "Ice melt - 50 lb bag": (
        ItemType.INVENTORY, "SNOW-MELT50", "Calcium chloride ice melt, 50 lb bag, spread", "32.00", "14.00", True,
        "140", None,
    ),
}
SNOW_CUSTOMERS = {
    "Maple Grove Townhomes HOA": {
        "fields": {
            "number": "S-101", "company_name": "Maple Grove Townhomes HOA", "phone": "763-555-0140",
            "email": "board@maplegrovetownhomes.example.com", "billing_street": "7900 Main St N",
            "billing_city": "Maple Grove", "billing_state": "MN", "billing_postal_code": "55369",
            "tax_rate": "Minneapolis", "payment_term": "Net 15",
        },
        "locations": [("North lot", "7900 Main St N", "", "Maple Grove", "MN", "55369")],
    },
    "Lakeside Dental Clinic": {
        "fields": {
            "number": "S-102", "company_name": "Lakeside Dental Clinic", "phone": "612-555-0183",
            "billing_street": "3033 Excelsior Blvd", "billing_city": "Minneapolis", "billing_state": "MN",
            "billing_postal_code": "55416", "tax_rate": "Minneapolis", "payment_term": "Net 30",
        },
    },
}
SNOW_INVOICES = {
    "2001": ("Maple Grove Townhomes HOA", "North lot", 50, S.PAID,
             [("Plowing - per push", 3), ("Ice melt - 50 lb bag", 6)],
             [(FULL, 30, PaymentMethod.CHECK, "5150")], "Storms of the first week."),
    "2002": ("Lakeside Dental Clinic", None, 45, S.UNPAID,
             [("Plowing - per push", 2), ("Sidewalk shoveling", 4), ("Ice melt - 50 lb bag", 3)], [], ""),
    "2003": ("Maple Grove Townhomes HOA", "North lot", 5, S.APPROVED,
             [("Plowing - per push", 1), ("Sidewalk shoveling", 1)], [], ""),
    "2004": ("Lakeside Dental Clinic", None, 1, S.DRAFT,
             [("Sidewalk shoveling", 2)], [], ""),
}

# fmt: on


# --- Seeding ---------------------------------------------------------------------------------------------------


@transaction.atomic
def demo_seed(*, admin_email: str = DEMO_ADMIN_EMAIL, admin_password: str = DEMO_PASSWORD) -> DemoSummary:
    """Create the demo company (once) and the demo users (brought up to date on every run)."""
    summary = DemoSummary(admin_email=User.objects.normalize_email(admin_email), admin_password=admin_password)
    seeder = _Seeder(summary=summary, today=timezone.localdate())

    admin = seeder.users(admin_email=summary.admin_email, password=admin_password)
    seeder.division(
        division=division_get_default(),
        accounts=MAIN_ACCOUNTS,
        default_accounts=MAIN_DEFAULT_ACCOUNTS,
        tax_rates=MAIN_TAX_RATES,
        items=MAIN_ITEMS,
        customers=MAIN_CUSTOMERS,
        invoices=MAIN_INVOICES,
        user=admin,
    )
    demo_stock_seed(division=division_get_default(), today=seeder.today, created=summary.created)
    seeder.division(
        division=seeder.snow_division(),
        accounts=SNOW_ACCOUNTS,
        default_accounts=SNOW_DEFAULT_ACCOUNTS,
        tax_rates=SNOW_TAX_RATES,
        items=SNOW_ITEMS,
        customers=SNOW_CUSTOMERS,
        invoices=SNOW_INVOICES,
        user=admin,
    )
    return summary


class _Seeder:
    def __init__(self, *, summary: DemoSummary, today: date) -> None:
        self.summary = summary
        self.today = today

    def _days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def _ensure(self, model: type[models.Model], kind: str, key: dict, **values) -> models.Model:
        """The record matching ``key`` (text compared case-insensitively), or a new validated one."""
        lookup = {f"{name}__iexact" if isinstance(value, str) else name: value for name, value in key.items()}
        existing = model._default_manager.filter(**lookup).first()
        if existing is not None:
            return existing
        record = model(**key, **values)
        # The database enforces the unique and check constraints; validating them here only costs queries.
        record.full_clean(validate_unique=False, validate_constraints=False)
        record.save()
        self.summary.created[kind] += 1
        return record

    # Users

    def users(self, *, admin_email: str, password: str) -> User:
        if Group.objects.filter(name__in=[OWNER, OFFICE, READ_ONLY]).count() != 3:
            roles_sync()
        # One hash for the three demo users: hashing is deliberately slow.
        password_hash = make_password(password)
        admin = self._user(
            admin_email, password_hash, role=OWNER, first_name="Demo", last_name="Admin", is_superuser=True
        )
        self._user(DEMO_OFFICE_EMAIL, password_hash, role=OFFICE, first_name="Olivia", last_name="Berg")
        self._user(DEMO_READ_ONLY_EMAIL, password_hash, role=READ_ONLY, first_name="Rick", last_name="Lindqvist")
        self.summary.users = [(DEMO_OFFICE_EMAIL, OFFICE), (DEMO_READ_ONLY_EMAIL, READ_ONLY)]
        return admin

    def _user(
        self, email: str, password_hash: str, *, role: str, first_name: str, last_name: str, is_superuser: bool = False
    ) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, first_name=first_name, last_name=last_name)
            self.summary.created["users"] += 1
        user.password = password_hash
        user.is_active = True
        user.is_staff = True
        user.is_superuser = is_superuser or user.is_superuser
        user.save()
        user.groups.add(Group.objects.get(name=role))
        if not EmailAddress.objects.filter(email__iexact=user.email).exists():
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    # Divisions

    def snow_division(self) -> Division:
        division = (
            Division.objects.filter(slug=SNOW_DIVISION_SLUG).first()
            or Division.objects.filter(name__iexact="Snow Removal").first()
        )
        if division is None:
            division = Division.objects.create(name="Snow Removal", slug=SNOW_DIVISION_SLUG)
            self.summary.created["divisions"] += 1
        return division

    def division(
        self, *, division: Division, accounts, default_accounts, tax_rates, items, customers, invoices, user: User
    ) -> None:
        chart = {
            number: self._ensure(
                Account,
                "accounts",
                {"division": division, "name": name},
                number=number,
                account_type=account_type,
                description=description,
            )
            for number, name, account_type, description in accounts
        }
        defaults = {}
        for item_type, (income, expense, asset) in default_accounts.items():
            defaults[item_type] = (chart[income], chart[expense], chart[asset] if asset else None)
            self._ensure(
                DefaultAccounts,
                "default accounts",
                {"division": division, "item_type": item_type},
                income_account=chart[income],
                expense_account=chart[expense],
                asset_account=chart[asset] if asset else None,
            )
        rates = {
            name: self._ensure(
                TaxRate, "tax rates", {"division": division, "name": name}, percent=Decimal(percent), agency=agency
            )
            for name, percent, agency in tax_rates
        }
        terms = {
            name: self._ensure(PaymentTerm, "payment terms", {"division": division, "name": name}, due_days=days)
            for name, days in PAYMENT_TERMS
        }
        catalog = {
            name: self._item(division, name, spec, chart=chart, defaults=defaults) for name, spec in items.items()
        }
        people = {
            name: self._customer(division, name, spec, rates=rates, terms=terms) for name, spec in customers.items()
        }
        for number, spec in invoices.items():
            self._invoice(division, number, spec, customers=people, catalog=catalog, user=user)

    def _item(self, division: Division, name: str, spec, *, chart, defaults) -> Item:
        item_type, sku, description, price, cost, taxable, quantity, account_numbers = spec
        if account_numbers:
            income, expense, asset = (chart[number] if number else None for number in account_numbers)
        else:
            income, expense, asset = defaults[item_type]
        stocked = quantity is not None
        item = self._ensure(
            Item,
            "items",
            {"division": division, "name": name},
            item_type=item_type,
            sku=sku,
            description=description,
            sales_price=Decimal(price),
            cost=Decimal(cost),
            taxable=taxable,
            quantity_on_hand=Decimal(quantity) if stocked else Decimal("0"),
            quantity_as_of=self._days_ago(150) if stocked else None,
            income_account=income,
            expense_account=expense,
            asset_account=asset,
        )
        if item.quantity_on_hand and not item.stock_movements.exists():
            stock_count(
                item=item,
                counted=item.quantity_on_hand,
                previous=Decimal("0"),
                kind=StockMovementKind.OPENING,
                document=Document("Demo data"),
            )
        return item

    def _customer(self, division: Division, display_name: str, spec: dict, *, rates, terms) -> Customer:
        fields = dict(spec["fields"])
        fields["tax_rate"] = rates[fields["tax_rate"]]
        fields["payment_term"] = terms[fields["payment_term"]]
        customer = self._ensure(Customer, "customers", {"division": division, "display_name": display_name}, **fields)
        for name, street, street2, city, state, postal_code in spec.get("locations", []):
            self._ensure(
                ServiceLocation,
                "service locations",
                {"customer": customer, "name": name},
                street=street,
                street2=street2,
                city=city,
                state=state,
                postal_code=postal_code,
            )
        for name, role, phone, email, primary in spec.get("contacts", []):
            self._ensure(
                Contact,
                "contacts",
                {"customer": customer, "name": name},
                role=role,
                phone=phone,
                email=email,
                is_primary=primary,
            )
        for days, author, text in spec.get("notes", []):
            self._ensure(
                CustomerNote,
                "notes",
                {"customer": customer, "text": text},
                noted_on=self._days_ago(days),
                author=author,
            )
        return customer

    def _invoice(self, division: Division, number: str, spec, *, customers, catalog, user: User) -> None:
        if Invoice.objects.filter(division=division, number=number).exists():
            return
        customer_name, location_name, days, status, lines, payments, memo = spec
        customer = customers[customer_name]
        location = customer.service_locations.get(name=location_name) if location_name else None
        invoice = Invoice(
            division=division,
            number=number,
            customer=customer,
            service_location=location,
            invoice_date=self._days_ago(days),
            memo=memo,
        )
        invoice_fill_defaults(invoice=invoice)
        invoice.full_clean(validate_unique=False, validate_constraints=False)
        invoice.save()
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                item=catalog[line[0]],
                description=catalog[line[0]].description or catalog[line[0]].name,
                quantity=Decimal(str(line[1])),
                unit_price=Decimal(line[2]) if len(line) > 2 else catalog[line[0]].sales_price,
                taxable=catalog[line[0]].taxable,
            )
            for position, line in enumerate(lines, start=1)
        )
        invoice_recalculate(invoice=invoice)
        self.summary.created["invoices"] += 1
        self._advance(invoice, status, payments, user=user)

    def _advance(self, invoice: Invoice, status: str, payments, *, user: User) -> None:
        """Walk the invoice through the status flow, the way the office and the sync would."""
        if status == S.DRAFT:
            return
        if status == S.VOID:
            invoice_void(invoice=invoice)
            return
        invoice_approve(invoice=invoice, user=user)
        if status == S.APPROVED:
            return
        invoice_mark_for_sync(invoice=invoice)
        if status == S.READY_FOR_SYNC:
            return
        # What a sync does once QuickBooks has the invoice.
        invoice_transition(invoice=invoice, to=S.UNPAID)
        invoice.save(update_fields=["status", "updated_at"])
        for amount, days, method, reference in payments:
            payment_record(
                invoice=invoice,
                amount=invoice.balance if amount == FULL else amount,
                paid_on=self._days_ago(days),
                method=method,
                reference=reference,
            )
        if invoice.status != status:
            raise RuntimeError(f"Demo invoice {invoice.number} ended {invoice.status}, expected {status}.")

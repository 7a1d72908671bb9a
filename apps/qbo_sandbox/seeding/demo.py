"""
The ``demo`` seed: a small HVAC and plumbing company as QuickBooks would hold it.

A chart of accounts, three terms, sales tax agencies, rates and codes (FieldOffice's demo rates among them), a few
customers (one with a job under it), one item of each kind and the "Services" item every QuickBooks Online company
starts with, all stored through ``store`` in Intuit's shapes.

It is the company a local install connects to first (``oauth.local_app``), so its books are the ones FieldOffice's
demo company keeps (``apps.demo``): every account of the demo's Main division is here under the same name, type and
description, so that the demo's items name accounts QuickBooks has and a first demo sync fails nothing.
"""

from typing import Any

from apps.qbo_sandbox import store
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.seeding.refs import USD, address, customer_data, ref
from apps.qbo_sandbox.seeding.registry import SeedOptions, seed_register
from apps.qbo_sandbox.timefmt import local_today

# Name, AccountType, AccountSubType, Classification, Description.
ACCOUNTS = [
    ("Checking", "Bank", "Checking", "Asset", ""),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "Asset", ""),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds", "Asset", "Payments received, not yet deposited"),
    ("Inventory Asset", "Other Current Asset", "Inventory", "Asset", "Parts on the shelves and in the trucks"),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "Liability", ""),
    ("Sales Tax Payable", "Other Current Liability", "GlobalTaxPayable", "Liability", ""),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity", "Equity", ""),
    ("Services", "Income", "ServiceFeeIncome", "Revenue", ""),
    ("Sales of Product Income", "Income", "SalesOfProductIncome", "Revenue", ""),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense", ""),
    ("Job Materials", "Expense", "SuppliesMaterials", "Expense", ""),
    ("Vehicle Expenses", "Expense", "Auto", "Expense", ""),
    # The rest of FieldOffice's demo chart (apps.demo's Main division), as its bookkeeper set it up here.
    ("Business Checking", "Bank", "Checking", "Asset", "Operating account at North Star Bank"),
    (
        "Equipment Inventory",
        "Other Current Asset",
        "Inventory",
        "Asset",
        "Furnaces, water heaters and other units in stock",
    ),
    ("Service Vehicles", "Fixed Asset", "Vehicles", "Asset", ""),
    ("Company Credit Card", "Credit Card", "CreditCard", "Liability", ""),
    ("Truck Loan", "Long Term Liability", "NotesPayable", "Liability", ""),
    ("Owner's Equity", "Equity", "OwnersEquity", "Equity", ""),
    ("Service Income", "Income", "ServiceFeeIncome", "Revenue", "Service calls, labor and maintenance plans"),
    ("Parts and Materials Sales", "Income", "SalesOfProductIncome", "Revenue", ""),
    ("Equipment Sales", "Income", "SalesOfProductIncome", "Revenue", "Furnaces, water heaters, snow blowers"),
    ("Finance Charges", "Other Income", "OtherMiscellaneousIncome", "Revenue", ""),
    ("Cost of Parts Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense", ""),
    ("Cost of Equipment Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense", ""),
    # QuickBooks Online makes it in every company that tracks inventory: inventory adjustments go to it by default.
    ("Inventory Shrinkage", "Cost of Goods Sold", "SuppliesMaterialsCogs", "Expense", ""),
    ("Subcontracted Labor", "Cost of Goods Sold", "CostOfLaborCos", "Expense", ""),
    ("Job Materials and Supplies", "Expense", "SuppliesMaterials", "Expense", ""),
    ("Vehicle Fuel", "Expense", "Auto", "Expense", ""),
    ("Tools and Small Equipment", "Expense", "SuppliesMaterials", "Expense", ""),
    ("Bank Service Charges", "Other Expense", "OtherMiscellaneousExpense", "Expense", ""),
]

# Name, DueDays.
TERMS = [("Due on receipt", 0), ("Net 15", 15), ("Net 30", 30)]


def _account(name: str, account_type: str, sub_type: str, classification: str, description: str) -> dict[str, Any]:
    data = {
        "Name": name,
        "SubAccount": False,
        "FullyQualifiedName": name,
        "Active": True,
        "Classification": classification,
        "AccountType": account_type,
        "AccountSubType": sub_type,
        "CurrentBalance": 0,
        "CurrentBalanceWithSubAccounts": 0,
        "CurrencyRef": dict(USD),
    }
    if description:
        data["Description"] = description
    return data


def _term(name: str, due_days: int) -> dict[str, Any]:
    return {"Name": name, "Active": True, "Type": "STANDARD", "DiscountPercent": 0, "DueDays": due_days}


# Agency: its single-rate codes (name, percent). California is the company's own and its oldest code; the others are
# the rates FieldOffice's demo company charges (``apps/demo``), so that a demo connected here is taxed as it bills.
TAX_AGENCIES = [
    ("California Department of Tax and Fee Administration", [("California", 7.25)]),
    ("Minnesota Department of Revenue", [("Minneapolis", 8.025), ("Inver Grove Heights", 7.125)]),
    ("Arizona Department of Revenue", [("Mesa, AZ", 8.3)]),
]


def _tax(company: SandboxCompany) -> SandboxEntity:
    """Agencies, rates and codes of a US company with sales tax; returns the first (oldest) code."""
    codes = []
    for agency_name, rates in TAX_AGENCIES:
        agency = store.entity_create(company, "TaxAgency", {"DisplayName": agency_name, "TaxTrackedOnSales": True})
        for name, percent in rates:
            codes.append(_tax_code(company, agency, name, percent))
    return codes[0]


def _tax_code(company: SandboxCompany, agency: SandboxEntity, name: str, percent: float) -> SandboxEntity:
    rate = store.entity_create(
        company,
        "TaxRate",
        {
            "Name": name,
            "Description": "Sales Tax",
            "Active": True,
            "RateValue": percent,
            "AgencyRef": {"value": agency.entity_id},
            "SpecialTaxType": "NONE",
            "DisplayType": "ReadOnly",
            "EffectiveTaxRate": [{"RateValue": percent, "EffectiveDate": "2017-01-01"}],
        },
    )
    return store.entity_create(
        company,
        "TaxCode",
        {
            "Name": name,
            "Description": name,
            "Active": True,
            "Hidden": False,
            "Taxable": True,
            "TaxGroup": False,
            "SalesTaxRateList": {
                "TaxRateDetail": [{"TaxRateRef": ref(rate), "TaxTypeApplicable": "TaxOnAmount", "TaxOrder": 0}]
            },
            "PurchaseTaxRateList": {"TaxRateDetail": []},
        },
    )


def _customers(company: SandboxCompany, net_30: SandboxEntity) -> None:
    terms = {"SalesTermRef": ref(net_30)}
    store.entity_create(
        company,
        "Customer",
        {
            **customer_data(
                "Amy's Bird Sanctuary",
                given_name="Amy",
                family_name="Lauterbach",
                company_name="Amy's Bird Sanctuary",
                email="birds@intuit.com",
                phone="(650) 555-3311",
                bill_addr=address("4581 Finch St.", "Bayshore", "CA", "94326"),
            ),
            **terms,
        },
    )
    parent = store.entity_create(
        company,
        "Customer",
        {
            **customer_data(
                "Cool Cars",
                given_name="Grace",
                family_name="Pariente",
                company_name="Cool Cars",
                email="cool_cars@intuit.com",
                phone="(415) 555-9933",
                bill_addr=address("65 Ocean Dr.", "Half Moon Bay", "CA", "94213"),
            ),
            **terms,
        },
    )
    # A job (sub-customer): QuickBooks derives Level and FullyQualifiedName from the parent.
    store.entity_create(
        company,
        "Customer",
        {
            **customer_data(
                "Showroom HVAC",
                company_name="Cool Cars",
                bill_addr=address("65 Ocean Dr.", "Half Moon Bay", "CA", "94213"),
            ),
            "Job": True,
            "ParentRef": {"value": parent.entity_id},
            "Level": 1,
            "BillWithParent": True,
            "FullyQualifiedName": "Cool Cars:Showroom HVAC",
        },
    )
    store.entity_create(
        company,
        "Customer",
        customer_data(
            "Diego Rodriguez",
            given_name="Diego",
            family_name="Rodriguez",
            email="diego@example.com",
            phone="(650) 555-4477",
            bill_addr=address("321 Channing", "Palo Alto", "CA", "94303"),
            taxable=False,
        ),
    )


def _items(company: SandboxCompany, accounts: dict[str, SandboxEntity]) -> None:
    income, product_income = ref(accounts["Services"]), ref(accounts["Sales of Product Income"])
    cogs, materials = ref(accounts["Cost of Goods Sold"]), ref(accounts["Job Materials"])
    common = {"Active": True, "PurchaseCost": 0, "TrackQtyOnHand": False}
    # Every QuickBooks Online company starts with it: invoice lines whose item QuickBooks lacks can use it.
    store.entity_create(
        company,
        "Item",
        {
            **common,
            "Name": "Services",
            "FullyQualifiedName": "Services",
            "Type": "Service",
            "Taxable": False,
            "UnitPrice": 0,
            "IncomeAccountRef": income,
        },
    )
    store.entity_create(
        company,
        "Item",
        {
            **common,
            "Name": "Labor",
            "FullyQualifiedName": "Labor",
            "Description": "Technician labor, per hour",
            "Type": "Service",
            "Taxable": False,
            "UnitPrice": 95,
            "IncomeAccountRef": income,
        },
    )
    store.entity_create(
        company,
        "Item",
        {
            **common,
            "Name": "Maintenance Visit",
            "FullyQualifiedName": "Maintenance Visit",
            "Description": "Seasonal HVAC maintenance",
            "Type": "Service",
            "Taxable": False,
            "UnitPrice": 149,
            "IncomeAccountRef": income,
        },
    )
    store.entity_create(
        company,
        "Item",
        {
            **common,
            "Name": "Copper Fittings",
            "FullyQualifiedName": "Copper Fittings",
            "Description": "Assorted copper fittings",
            "Type": "NonInventory",
            "Taxable": True,
            "UnitPrice": 12.5,
            "PurchaseCost": 6,
            "IncomeAccountRef": product_income,
            "ExpenseAccountRef": materials,
        },
    )
    store.entity_create(
        company,
        "Item",
        {
            **common,
            "Name": "Air Filter 16x25",
            "FullyQualifiedName": "Air Filter 16x25",
            "Sku": "AF-1625",
            "Description": "Pleated air filter, MERV 11",
            "Type": "Inventory",
            "Taxable": True,
            "UnitPrice": 24,
            "PurchaseCost": 9.5,
            "TrackQtyOnHand": True,
            "QtyOnHand": 40,
            "InvStartDate": local_today(company.time_zone).isoformat(),
            "IncomeAccountRef": product_income,
            "ExpenseAccountRef": cogs,
            "AssetAccountRef": ref(accounts["Inventory Asset"]),
        },
    )


@seed_register("demo")
def demo_seed(company: SandboxCompany, options: SeedOptions) -> None:
    accounts = {
        entity.data["Name"]: entity
        for entity in store.entities_bulk_create(company, "Account", [_account(*row) for row in ACCOUNTS])
    }
    terms = {
        entity.data["Name"]: entity
        for entity in store.entities_bulk_create(company, "Term", [_term(*row) for row in TERMS])
    }
    if options.sales_tax:
        _tax(company)
    _customers(company, terms["Net 30"])
    _items(company, accounts)
    preferences = store.entity_get(company, "Preferences", "1")
    data = preferences.data
    data["SalesFormsPrefs"]["DefaultTerms"] = {"value": terms["Net 30"].entity_id}
    store.entity_update(preferences, data)

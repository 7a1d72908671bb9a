"""
What the scenarios of both backends share: the charts and lists each QuickBooks starts with, and how a sync's
writes are counted.
"""

from decimal import Decimal

from apps.accounting.models import AccountType

CENT = Decimal("0.01")
# What a sync wrote there, counted as records of the engine's lists: ``Side.written``.
WRITTEN_AS = {
    "Account": "account",
    "AccountAdd": "account",
    "Term": "term",
    "TaxCode": "tax code",
    "TaxAgency": "tax agency",
    "StandardTermsAdd": "term",
    "DateDrivenTermsAdd": "term",
    "ItemSalesTaxAdd": "tax code",
    "ItemSalesTaxMod": "tax code",
    "VendorAdd": "tax agency",
    "Customer": "customer",
    "CustomerAdd": "customer",
    "CustomerMod": "customer",
    "Item": "item",
    "ItemServiceAdd": "item",
    "ItemServiceMod": "item",
    "ItemNonInventoryAdd": "item",
    "ItemNonInventoryMod": "item",
    "ItemInventoryAdd": "item",
    "ItemInventoryMod": "item",
    "Invoice": "invoice",
    "InvoiceAdd": "invoice",
    "InvoiceMod": "invoice",
}
TERMS_DESKTOP_HAS = {
    "Due on receipt": 0,
    "Net 15": 15,
    "Net 30": 30,
    "1% 10 Net 30": 30,
    "2% 10 Net 30": 30,
    "15th of Month": 30,
}
# The accounts items use, by role, as each QuickBooks names them.
ONLINE_ACCOUNTS = {
    "service income": "Services",
    "income": "Sales of Product Income",
    "cogs": "Cost of Goods Sold",
    "materials": "Job Materials",
    "asset": "Inventory Asset",
}
ONLINE_CHART = {
    "Services": {"AccountType": "Income", "AccountSubType": "ServiceFeeIncome"},
    "Sales of Product Income": {"AccountType": "Income", "AccountSubType": "SalesOfProductIncome", "AcctNum": "4100"},
    "Cost of Goods Sold": {"AccountType": "Cost of Goods Sold", "AcctNum": "5000"},
    "Job Materials": {"AccountType": "Expense", "AccountSubType": "SuppliesMaterials"},
    "Inventory Asset": {"AccountType": "Other Current Asset", "AccountSubType": "Inventory", "AcctNum": "1300"},
    "Checking": {"AccountType": "Bank"},
}
DESKTOP_ACCOUNTS = {**ONLINE_ACCOUNTS, "service income": "Service Income", "income": "Materials Income"}
# What ``company_file_create`` lacks of the chart above, and a non-posting account (for estimates) as most files have.
DESKTOP_CHART = (
    "<AccountAddRq><AccountAdd><Name>Service Income</Name><AccountType>Income</AccountType>"
    "<AccountNumber>4300</AccountNumber></AccountAdd></AccountAddRq>"
    "<AccountAddRq><AccountAdd><Name>Checking</Name><AccountType>Bank</AccountType></AccountAdd></AccountAddRq>"
    "<AccountAddRq><AccountAdd><Name>Estimates</Name><AccountType>NonPosting</AccountType></AccountAdd></AccountAddRq>"
)
# Each chart as it arrives here (name: type, number), once ``Side.chart_add`` has run.
ONLINE_CHART_HERE = {
    "Services": (AccountType.INCOME, ""),
    "Sales of Product Income": (AccountType.INCOME, "4100"),
    "Cost of Goods Sold": (AccountType.COST_OF_GOODS_SOLD, "5000"),
    "Job Materials": (AccountType.EXPENSE, ""),
    "Inventory Asset": (AccountType.INVENTORY_ASSET, "1300"),  # Its "Inventory" detail type.
    "Checking": (AccountType.BANK, ""),
}
DESKTOP_CHART_HERE = {
    "Accounts Receivable": (AccountType.ACCOUNTS_RECEIVABLE, "1200"),
    "Undeposited Funds": (AccountType.OTHER_CURRENT_ASSET, "1499"),
    "Inventory Asset": (AccountType.INVENTORY_ASSET, "1120"),  # Marked ``SpecialAccountType`` ``InventoryAssets``.
    "Sales Tax Payable": (AccountType.OTHER_CURRENT_LIABILITY, "2200"),
    "Construction Income": (AccountType.INCOME, "4100"),
    "Materials Income": (AccountType.INCOME, "4200"),
    "Cost of Goods Sold": (AccountType.COST_OF_GOODS_SOLD, "5000"),
    "Job Materials": (AccountType.EXPENSE, "6100"),
    "Service Income": (AccountType.INCOME, "4300"),
    "Checking": (AccountType.BANK, ""),
}

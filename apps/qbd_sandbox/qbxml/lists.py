"""Add / Mod / Ret specs of the list requests: customers and the other names, items, tax codes, terms, accounts."""

from apps.qbd_sandbox.qbxml.common import (
    ADDITIONAL_CONTACT_REF,
    ADDITIONAL_NOTES,
    CONTACTS,
    CREDIT_CARD_INFO,
    SALES_TAX_KINDS,
    SHIP_TO_FIELDS,
    TERMS_KINDS,
    address,
    agg,
    hierarchy,
    insert_after,
    list_header,
    mod_spec,
    ret_fields,
)
from apps.qbd_sandbox.qbxml.fields import F, S, ref

JOB_STATUS = ("Awarded", "Closed", "InProgress", "None", "NotAwarded", "Pending")
ACCOUNT_TYPES = (
    "AccountsPayable",
    "AccountsReceivable",
    "Bank",
    "CostOfGoodsSold",
    "CreditCard",
    "Equity",
    "Expense",
    "FixedAsset",
    "Income",
    "LongTermLiability",
    "NonPosting",
    "OtherAsset",
    "OtherCurrentAsset",
    "OtherCurrentLiability",
    "OtherExpense",
    "OtherIncome",
)
# What QuickBooks marks the accounts it makes and uses itself with (read-only: no Add or Mod sets it).
SPECIAL_ACCOUNT_TYPES = (
    "AccountsPayable",
    "AccountsReceivable",
    "CondenseItemAdjustmentExpenses",
    "CostOfGoodsSold",
    "DirectDepositLiabilities",
    "Estimates",
    "ExchangeGainLoss",
    "InventoryAssets",
    "ItemReceiptAccount",
    "OpeningBalanceEquity",
    "PayrollExpenses",
    "PayrollLiabilities",
    "PettyCash",
    "PurchaseOrders",
    "ReconciliationDifferences",
    "RetainedEarnings",
    "SalesOrders",
    "SalesTaxPayable",
    "UncategorizedExpenses",
    "UncategorizedIncome",
    "UndepositedFunds",
)
PAYMENT_METHOD_TYPES = (
    "AmericanExpress",
    "Cash",
    "Check",
    "DebitCard",
    "Discover",
    "ECheck",
    "GiftCard",
    "MasterCard",
    "Other",
    "OtherCreditCard",
    "Visa",
)

CUSTOMER_ADD = (
    S("Name", 41, required=True),
    F("IsActive", "bool"),
    ref("ClassRef"),
    ref("ParentRef", "Customer"),
    S("CompanyName", 41),
    S("Salutation", 15),
    S("FirstName", 25),
    S("MiddleName", 5),
    S("LastName", 25),
    S("JobTitle", 41),
    address("BillAddress"),
    address("ShipAddress"),
    agg("ShipToAddress", *SHIP_TO_FIELDS, repeat=True),
    S("PrintAs", 41),
    S("Phone", 21),
    S("Mobile", 21),
    S("Pager", 21),
    S("AltPhone", 21),
    S("Fax", 21),
    S("Email", 1023),
    S("Cc", 1023),
    S("Contact", 41),
    S("AltContact", 41),
    ADDITIONAL_CONTACT_REF,
    CONTACTS,
    ref("CustomerTypeRef"),
    ref("TermsRef", *TERMS_KINDS),
    ref("SalesRepRef"),
    F("OpenBalance", "amt", ignore=True),
    F("OpenBalanceDate", "date", ignore=True),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    ref("ItemSalesTaxRef", *SALES_TAX_KINDS),
    S("SalesTaxCountry", ignore=True),
    S("ResaleNumber", 15),
    S("AccountNumber", 99),
    F("CreditLimit", "amt"),
    ref("PreferredPaymentMethodRef", "PaymentMethod"),
    CREDIT_CARD_INFO,
    F("JobStatus", "enum", choices=JOB_STATUS),
    F("JobStartDate", "date"),
    F("JobProjectedEndDate", "date"),
    F("JobEndDate", "date"),
    S("JobDesc", 99),
    ref("JobTypeRef"),
    S("Notes", 4095),
    ADDITIONAL_NOTES,
    S("PreferredDeliveryMethod", ignore=True),
    ref("PriceLevelRef"),
    S("ExternalGUID", ignore=True),
    S("TaxRegistrationNumber", 30, ignore=True),
    ref("CurrencyRef"),
)
CUSTOMER_RET = (
    *list_header(),
    *hierarchy("Customer"),
    *insert_after(
        ret_fields(CUSTOMER_ADD, skip={"Name", "IsActive", "ParentRef"}),
        "TermsRef",
        F("Balance", "amt"),
        F("TotalBalance", "amt"),
    ),
)

VENDOR_ADD = (
    S("Name", 41, required=True),
    F("IsActive", "bool"),
    ref("ClassRef"),
    F("IsTaxAgency", "bool"),
    S("CompanyName", 41),
    S("Salutation", 15),
    S("FirstName", 25),
    S("MiddleName", 5),
    S("LastName", 25),
    S("JobTitle", 41),
    address("VendorAddress"),
    address("ShipAddress"),
    S("Phone", 21),
    S("Mobile", 21),
    S("Pager", 21),
    S("AltPhone", 21),
    S("Fax", 21),
    S("Email", 1023),
    S("Cc", 1023),
    S("Contact", 41),
    S("AltContact", 41),
    ADDITIONAL_CONTACT_REF,
    CONTACTS,
    S("NameOnCheck", 41),
    S("AccountNumber", 99),
    S("Notes", 4095),
    ADDITIONAL_NOTES,
    ref("VendorTypeRef"),
    ref("TermsRef", *TERMS_KINDS),
    F("CreditLimit", "amt"),
    S("VendorTaxIdent", 15),
    F("IsVendorEligibleFor1099", "bool"),
    F("OpenBalance", "amt", ignore=True),
    F("OpenBalanceDate", "date", ignore=True),
    ref("BillingRateRef"),
    S("ExternalGUID", ignore=True),
    ref("PrefillAccountRef", repeat=True),
    ref("CurrencyRef"),
)
VENDOR_RET = (
    *list_header(full_name=False),
    *insert_after(ret_fields(VENDOR_ADD, skip={"Name", "IsActive"}), "IsVendorEligibleFor1099", F("Balance", "amt")),
)

EMPLOYEE_ADD = (
    F("IsActive", "bool"),
    S("Salutation", 15),
    S("FirstName", 25),
    S("MiddleName", 5),
    S("LastName", 25),
    S("JobTitle", 41),
    agg("EmployeeAddress", S("Addr1", 41), S("Addr2", 41), S("City", 31), S("State", 21), S("PostalCode", 13)),
    S("PrintAs", 41),
    S("Phone", 21),
    S("Mobile", 21),
    S("Pager", 21),
    S("PagerPIN", 10),
    S("AltPhone", 21),
    S("Fax", 21),
    S("SSN", 11),
    S("Email", 1023),
    F("EmployeeType", "enum", choices=("Officer", "Owner", "Regular", "Statutory")),
    F("Gender", "enum", choices=("Male", "Female")),
    F("HiredDate", "date"),
    F("ReleasedDate", "date"),
    F("BirthDate", "date"),
    S("AccountNumber", 99),
    S("Notes", 4095),
    ADDITIONAL_NOTES,
    ref("BillingRateRef"),
)
EMPLOYEE_RET = (*list_header(full_name=False), *ret_fields(EMPLOYEE_ADD, skip={"IsActive"}))

OTHER_NAME_ADD = (
    S("Name", 41, required=True),
    F("IsActive", "bool"),
    S("CompanyName", 41),
    S("Salutation", 15),
    S("FirstName", 25),
    S("MiddleName", 5),
    S("LastName", 25),
    address("OtherNameAddress"),
    S("Phone", 21),
    S("AltPhone", 21),
    S("Fax", 21),
    S("Email", 1023),
    S("Contact", 41),
    S("AltContact", 41),
    S("AccountNumber", 99),
    S("Notes", 4095),
    S("ExternalGUID", ignore=True),
)
OTHER_NAME_RET = (*list_header(full_name=False), *ret_fields(OTHER_NAME_ADD, skip={"Name", "IsActive"}))


def _sales_or_purchase() -> F:
    return agg(
        "SalesOrPurchase", S("Desc", 4095), F("Price", "price"), F("PricePercent", "pct"), ref("AccountRef", "Account")
    )


def _sales_and_purchase() -> F:
    return agg(
        "SalesAndPurchase",
        S("SalesDesc", 4095),
        F("SalesPrice", "price"),
        ref("IncomeAccountRef", "Account"),
        S("PurchaseDesc", 4095),
        F("PurchaseCost", "price"),
        ref("PurchaseTaxCodeRef"),
        ref("ExpenseAccountRef", "Account"),
        ref("PrefVendorRef", "Vendor"),
    )


def _sales_or_purchase_mod() -> F:
    return agg(
        "SalesOrPurchaseMod",
        S("Desc", 4095),
        F("Price", "price"),
        F("PricePercent", "pct"),
        ref("AccountRef", "Account"),
        F("ApplyAccountRefToExistingTxns", "bool", ignore=True),
    )


def _sales_and_purchase_mod() -> F:
    return agg(
        "SalesAndPurchaseMod",
        S("SalesDesc", 4095),
        F("SalesPrice", "price"),
        ref("IncomeAccountRef", "Account"),
        F("ApplyIncomeAccountRefToExistingTxns", "bool", ignore=True),
        S("PurchaseDesc", 4095),
        F("PurchaseCost", "price"),
        ref("PurchaseTaxCodeRef"),
        ref("ExpenseAccountRef", "Account"),
        F("ApplyExpenseAccountRefToExistingTxns", "bool", ignore=True),
        ref("PrefVendorRef", "Vendor"),
    )


def _item_head(kind: str, *, part_number: bool) -> tuple[F, ...]:
    return (
        S("Name", 31, required=True),
        S("BarCode", ignore=True),
        F("IsActive", "bool"),
        ref("ClassRef"),
        ref("ParentRef", kind),
        *((S("ManufacturerPartNumber", 31),) if part_number else ()),
        ref("UnitOfMeasureSetRef"),
        F("IsTaxIncluded", "bool", ignore=True),
        ref("SalesTaxCodeRef", "SalesTaxCode"),
    )


def _item_mod(add: tuple[F, ...]) -> tuple[F, ...]:
    spec = mod_spec(add, extra={"UnitOfMeasureSetRef": (F("ForceUOMChange", "bool", ignore=True),)})
    replacements = {"SalesOrPurchaseMod": _sales_or_purchase_mod(), "SalesAndPurchaseMod": _sales_and_purchase_mod()}
    return tuple(replacements.get(field.name, field) for field in spec)


def _item_ret(kind: str, add: tuple[F, ...], *extra_after: tuple[str, F]) -> tuple[F, ...]:
    spec = (*list_header(), *hierarchy(kind), *ret_fields(add, skip={"Name", "IsActive", "ParentRef"}))
    for after, field in extra_after:
        spec = insert_after(spec, after, field)
    return spec


ITEM_SERVICE_ADD = (
    *_item_head("ItemService", part_number=False),
    _sales_or_purchase(),
    _sales_and_purchase(),
    S("ExternalGUID", ignore=True),
)
ITEM_NON_INVENTORY_ADD = (
    *_item_head("ItemNonInventory", part_number=True),
    _sales_or_purchase(),
    _sales_and_purchase(),
    S("ExternalGUID", ignore=True),
)
ITEM_INVENTORY_ADD = (
    *_item_head("ItemInventory", part_number=True),
    S("SalesDesc", 4095),
    F("SalesPrice", "price"),
    ref("IncomeAccountRef", "Account", required=True),
    S("PurchaseDesc", 4095),
    F("PurchaseCost", "price"),
    ref("PurchaseTaxCodeRef"),
    ref("COGSAccountRef", "Account", required=True),
    ref("PrefVendorRef", "Vendor"),
    ref("AssetAccountRef", "Account", required=True),
    F("ReorderPoint", "qty"),
    F("Max", "qty"),
    F("QuantityOnHand", "qty"),
    F("TotalValue", "amt"),
    F("InventoryDate", "date"),
    S("ExternalGUID", ignore=True),
)
ITEM_INVENTORY_MOD = mod_spec(
    ITEM_INVENTORY_ADD,
    extra={
        "UnitOfMeasureSetRef": (F("ForceUOMChange", "bool", ignore=True),),
        "IncomeAccountRef": (F("ApplyIncomeAccountRefToExistingTxns", "bool", ignore=True),),
        "COGSAccountRef": (F("ApplyCOGSAccountRefToExistingTxns", "bool", ignore=True),),
    },
)
ITEM_SALES_TAX_ADD = (
    S("Name", 31, required=True),
    S("BarCode", ignore=True),
    F("IsActive", "bool"),
    ref("ClassRef"),
    S("ItemDesc", 4095),
    F("TaxRate", "pct"),
    ref("TaxVendorRef", "Vendor"),
    ref("SalesTaxReturnLineRef"),
    S("ExternalGUID", ignore=True),
)
# A sales tax group charges the sum of its sales tax items' rates.
ITEM_SALES_TAX_GROUP_ADD = (
    S("Name", 31, required=True),
    S("BarCode", ignore=True),
    F("IsActive", "bool"),
    S("ItemDesc", 4095),
    ref("ItemSalesTaxRef", "ItemSalesTax", repeat=True),
    S("ExternalGUID", ignore=True),
)

ITEM_SPECS = {
    "ItemService": (ITEM_SERVICE_ADD, _item_mod(ITEM_SERVICE_ADD), _item_ret("ItemService", ITEM_SERVICE_ADD)),
    "ItemNonInventory": (
        ITEM_NON_INVENTORY_ADD,
        _item_mod(ITEM_NON_INVENTORY_ADD),
        _item_ret("ItemNonInventory", ITEM_NON_INVENTORY_ADD),
    ),
    "ItemInventory": (
        ITEM_INVENTORY_ADD,
        ITEM_INVENTORY_MOD,
        _item_ret(
            "ItemInventory",
            ITEM_INVENTORY_ADD,
            ("Max", F("QuantityOnHand", "qty")),
            ("QuantityOnHand", F("AverageCost", "price")),
        ),
    ),
    "ItemSalesTax": (
        ITEM_SALES_TAX_ADD,
        mod_spec(ITEM_SALES_TAX_ADD),
        (*list_header(full_name=False), *ret_fields(ITEM_SALES_TAX_ADD, skip={"Name", "IsActive"})),
    ),
    "ItemSalesTaxGroup": (
        ITEM_SALES_TAX_GROUP_ADD,
        mod_spec(ITEM_SALES_TAX_GROUP_ADD),
        (*list_header(full_name=False), *ret_fields(ITEM_SALES_TAX_GROUP_ADD, skip={"Name", "IsActive"})),
    ),
}

SALES_TAX_CODE_ADD = (
    S("Name", 3, required=True),
    F("IsActive", "bool"),
    F("IsTaxable", "bool", required=True),
    S("Desc", 31),
    ref("ItemPurchaseTaxRef"),
    ref("ItemSalesTaxRef"),
)
STANDARD_TERMS_ADD = (
    S("Name", 31, required=True),
    F("IsActive", "bool"),
    F("StdDueDays", "int"),
    F("StdDiscountDays", "int"),
    F("DiscountPct", "pct"),
)
DATE_DRIVEN_TERMS_ADD = (
    S("Name", 31, required=True),
    F("IsActive", "bool"),
    F("DayOfMonthDue", "int", required=True),
    F("DueNextMonthDays", "int"),
    F("DiscountDayOfMonth", "int"),
    F("DiscountPct", "pct"),
)
ACCOUNT_ADD = (
    S("Name", 31, required=True),
    F("IsActive", "bool"),
    ref("ParentRef", "Account"),
    F("AccountType", "enum", choices=ACCOUNT_TYPES, required=True),
    S("AccountNumber", 7),
    S("BankNumber", 25),
    S("Desc", 200),
    F("OpenBalance", "amt", ignore=True),
    F("OpenBalanceDate", "date", ignore=True),
    ref("SalesTaxCodeRef", "SalesTaxCode"),
    S("TaxLineID", ignore=True),
    ref("CurrencyRef"),
)
ACCOUNT_RET = (
    *list_header(),
    *hierarchy("Account"),
    *insert_after(
        ret_fields(ACCOUNT_ADD, skip={"Name", "IsActive", "ParentRef"}),
        "AccountType",
        F("SpecialAccountType", "enum", choices=SPECIAL_ACCOUNT_TYPES),
    ),
)
PAYMENT_METHOD_ADD = (
    S("Name", 31, required=True),
    F("IsActive", "bool"),
    F("PaymentMethodType", "enum", choices=PAYMENT_METHOD_TYPES),
)


def _flat_ret(add: tuple[F, ...]) -> tuple[F, ...]:
    return (*list_header(full_name=False), *ret_fields(add, skip={"Name", "IsActive"}))


SETUP_SPECS = {
    "SalesTaxCode": (SALES_TAX_CODE_ADD, mod_spec(SALES_TAX_CODE_ADD), _flat_ret(SALES_TAX_CODE_ADD)),
    "StandardTerms": (STANDARD_TERMS_ADD, None, _flat_ret(STANDARD_TERMS_ADD)),
    "DateDrivenTerms": (DATE_DRIVEN_TERMS_ADD, None, _flat_ret(DATE_DRIVEN_TERMS_ADD)),
    "Account": (ACCOUNT_ADD, mod_spec(ACCOUNT_ADD), ACCOUNT_RET),
    "PaymentMethod": (PAYMENT_METHOD_ADD, None, _flat_ret(PAYMENT_METHOD_ADD)),
}
NAME_SPECS = {
    "Customer": (CUSTOMER_ADD, mod_spec(CUSTOMER_ADD), CUSTOMER_RET),
    "Vendor": (VENDOR_ADD, mod_spec(VENDOR_ADD), VENDOR_RET),
    "Employee": (EMPLOYEE_ADD, mod_spec(EMPLOYEE_ADD), EMPLOYEE_RET),
    "OtherName": (OTHER_NAME_ADD, mod_spec(OTHER_NAME_ADD), OTHER_NAME_RET),
}

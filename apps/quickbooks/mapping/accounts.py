"""
QuickBooks accounts → FieldOffice's chart of accounts (one way: FieldOffice changes nothing of QuickBooks' chart; it
only adds the accounts an Owner asks it to create there on the account mapping page, ``account_payload``).

The chart comes here so that items keep the accounts QuickBooks gives them, and so that the default accounts per
item type can be chosen among accounts QuickBooks has. A sub-account is named as QuickBooks shows it ("Sales:Parts"),
since its own name is only unique under its parent. QuickBooks' "Other current asset" accounts of the Inventory detail
type are FieldOffice's inventory asset accounts; "Other asset" (long-term) has no twin here and reads as fixed asset.
"""

from typing import Any

from apps.accounting.models import Account, AccountType
from apps.quickbooks.mapping.common import name_for_quickbooks, text

ENTITY = "Account"
NAME_MAX = 100
NUMBER_MAX = 20
DESCRIPTION_MAX = 200
REMOTE_DESCRIPTION_MAX = 100  # QuickBooks' limit for an account's description
INVENTORY_SUB_TYPE = "Inventory"

TYPES = {
    "Bank": AccountType.BANK,
    "Accounts Receivable": AccountType.ACCOUNTS_RECEIVABLE,
    "Other Current Asset": AccountType.OTHER_CURRENT_ASSET,
    "Fixed Asset": AccountType.FIXED_ASSET,
    "Other Asset": AccountType.FIXED_ASSET,
    "Accounts Payable": AccountType.ACCOUNTS_PAYABLE,
    "Credit Card": AccountType.CREDIT_CARD,
    "Other Current Liability": AccountType.OTHER_CURRENT_LIABILITY,
    "Long Term Liability": AccountType.LONG_TERM_LIABILITY,
    "Equity": AccountType.EQUITY,
    "Income": AccountType.INCOME,
    "Other Income": AccountType.OTHER_INCOME,
    "Cost of Goods Sold": AccountType.COST_OF_GOODS_SOLD,
    "Expense": AccountType.EXPENSE,
    "Other Expense": AccountType.OTHER_EXPENSE,
}


def account_name(obj: dict[str, Any]) -> str:
    """The local name: QuickBooks' name, or its full "Parent:Child" name for a sub-account."""
    name = text(obj.get("Name"))
    if obj.get("SubAccount") and obj.get("FullyQualifiedName"):
        name = text(obj.get("FullyQualifiedName"))
    return name[:NAME_MAX].strip()


def account_number(obj: dict[str, Any]) -> str:
    return text(obj.get("AcctNum"), NUMBER_MAX)


def account_type(obj: dict[str, Any]) -> str:
    """The local type; an account type QuickBooks adds later reads as other current asset until mapped here."""
    if obj.get("AccountType") == "Other Current Asset" and obj.get("AccountSubType") == INVENTORY_SUB_TYPE:
        return AccountType.INVENTORY_ASSET
    return TYPES.get(text(obj.get("AccountType")), AccountType.OTHER_CURRENT_ASSET)


def account_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """
    The local fields of a QuickBooks account. The number is left out when QuickBooks has none (account numbers are
    off in many companies), so that a number kept here is not erased.
    """
    fields: dict[str, Any] = {
        "name": account_name(obj),
        "account_type": account_type(obj),
        "description": text(obj.get("Description"), DESCRIPTION_MAX),
        "active": obj.get("Active", True) is not False,
    }
    if number := account_number(obj):
        fields["number"] = number
    return fields


# FieldOffice's types as QuickBooks' (type, detail type); an inventory asset is QuickBooks' Inventory detail type.
REMOTE_TYPES = {
    AccountType.BANK: ("Bank", "Checking"),
    AccountType.ACCOUNTS_RECEIVABLE: ("Accounts Receivable", "AccountsReceivable"),
    AccountType.OTHER_CURRENT_ASSET: ("Other Current Asset", "OtherCurrentAssets"),
    AccountType.INVENTORY_ASSET: ("Other Current Asset", INVENTORY_SUB_TYPE),
    AccountType.FIXED_ASSET: ("Fixed Asset", "OtherFixedAssets"),
    AccountType.ACCOUNTS_PAYABLE: ("Accounts Payable", "AccountsPayable"),
    AccountType.CREDIT_CARD: ("Credit Card", "CreditCard"),
    AccountType.OTHER_CURRENT_LIABILITY: ("Other Current Liability", "OtherCurrentLiabilities"),
    AccountType.LONG_TERM_LIABILITY: ("Long Term Liability", "OtherLongTermLiabilities"),
    AccountType.EQUITY: ("Equity", "OwnersEquity"),
    AccountType.INCOME: ("Income", "ServiceFeeIncome"),
    AccountType.OTHER_INCOME: ("Other Income", "OtherMiscellaneousIncome"),
    AccountType.COST_OF_GOODS_SOLD: ("Cost of Goods Sold", "SuppliesMaterialsCogs"),
    AccountType.EXPENSE: ("Expense", "OtherMiscellaneousServiceCost"),
    AccountType.OTHER_EXPENSE: ("Other Expense", "OtherMiscellaneousExpense"),
}


def account_payload(account: Account) -> dict[str, Any]:
    """A QuickBooks account made from one of FieldOffice's (the account mapping's "create it in QuickBooks")."""
    account_type, sub_type = REMOTE_TYPES[account.account_type]
    payload: dict[str, Any] = {
        "Name": name_for_quickbooks(account.name, NAME_MAX),
        "AccountType": account_type,
        "AccountSubType": sub_type,
    }
    if account.description:
        payload["Description"] = text(account.description, REMOTE_DESCRIPTION_MAX)
    return payload


# Which of QuickBooks' accounts may stand for one of FieldOffice's that QuickBooks does not have: one that books the
# same way. Income and other income stand for each other, as do expense and other expense; cost of goods sold and
# inventory assets only for their own kind, since QuickBooks requires them of inventory items.
_COMPATIBLE_GROUPS = (
    frozenset({AccountType.INCOME, AccountType.OTHER_INCOME}),
    frozenset({AccountType.EXPENSE, AccountType.OTHER_EXPENSE}),
)


def compatible_types(account_type: str) -> frozenset[str]:
    """The local account types whose QuickBooks accounts may stand for an account of ``account_type``."""
    for group in _COMPATIBLE_GROUPS:
        if account_type in group:
            return group
    return frozenset({account_type})

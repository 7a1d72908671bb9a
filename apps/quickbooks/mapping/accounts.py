"""
QuickBooks accounts → FieldOffice's chart of accounts (one way: FieldOffice never writes QuickBooks' chart).

The chart comes here so that items keep the accounts QuickBooks gives them, and so that the default accounts per
item type can be chosen among accounts QuickBooks has. A sub-account is named as QuickBooks shows it ("Sales:Parts"),
since its own name is only unique under its parent. QuickBooks' "Other current asset" accounts of the Inventory detail
type are FieldOffice's inventory asset accounts; "Other asset" (long-term) has no twin here and reads as fixed asset.
"""

from typing import Any

from apps.accounting.models import AccountType
from apps.quickbooks.mapping.common import text

ENTITY = "Account"
NAME_MAX = 100
NUMBER_MAX = 20
DESCRIPTION_MAX = 200
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

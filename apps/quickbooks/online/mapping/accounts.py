"""
QuickBooks Online's ``Account`` objects ↔ the engine's ``AccountRecord`` (the chart is pulled one way: FieldOffice
changes nothing of QuickBooks' chart; it only adds the accounts an Owner asks it to create there on the account
mapping page, ``account_payload``).

A sub-account is named as QuickBooks shows it ("Sales:Parts"), since its own name is only unique under its parent.
QuickBooks' types become FieldOffice's: "Other current asset" accounts of the Inventory detail type are FieldOffice's
inventory asset accounts; "Other asset" (long-term) has no twin here and reads as fixed asset.
"""

from typing import Any

from apps.accounting.models import AccountType
from apps.quickbooks.mapping.accounts import QUICKBOOKS_TYPES as TYPES
from apps.quickbooks.mapping.common import name_for_quickbooks, text
from apps.quickbooks.online.mapping.common import identity, ref_id
from apps.quickbooks.sync.records import AccountRecord

NAME_MAX = 100
REMOTE_DESCRIPTION_MAX = 100  # QuickBooks' limit for an account's description
INVENTORY_SUB_TYPE = "Inventory"


def account_name(obj: dict[str, Any]) -> str:
    """QuickBooks' name, or its full "Parent:Child" name for a sub-account."""
    if obj.get("SubAccount") and obj.get("FullyQualifiedName"):
        return text(obj.get("FullyQualifiedName"))
    return text(obj.get("Name"))


def account_type(obj: dict[str, Any]) -> str:
    """The local type; an account type QuickBooks adds later reads as other current asset until mapped here."""
    if obj.get("AccountType") == "Other Current Asset" and obj.get("AccountSubType") == INVENTORY_SUB_TYPE:
        return AccountType.INVENTORY_ASSET
    return TYPES.get(text(obj.get("AccountType")), AccountType.OTHER_CURRENT_ASSET)


def account_record(obj: dict[str, Any]) -> AccountRecord:
    """An ``Account`` as the engine's record."""
    return AccountRecord(
        **identity(obj),
        name=account_name(obj),
        number=text(obj.get("AcctNum")),
        account_type=account_type(obj),
        description=text(obj.get("Description")),
        active=obj.get("Active", True) is not False,
        parent_id=ref_id(obj.get("ParentRef")),
    )


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


def account_payload(record: AccountRecord) -> dict[str, Any]:
    """
    The ``Account`` created for ``record`` (the account mapping's "create it in QuickBooks"): a top-level account of
    QuickBooks' type and detail type for its local type.
    """
    account_type, sub_type = REMOTE_TYPES[record.account_type]
    payload: dict[str, Any] = {
        "Name": name_for_quickbooks(record.name, NAME_MAX),
        "AccountType": account_type,
        "AccountSubType": sub_type,
    }
    if record.description:
        payload["Description"] = text(record.description, REMOTE_DESCRIPTION_MAX)
    return payload

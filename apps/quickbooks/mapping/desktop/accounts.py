"""
QuickBooks Desktop's chart of accounts → the engine's account records (one way: FieldOffice never writes the chart).

Desktop names account types in one word (``CostOfGoodsSold``); they arrive under QuickBooks Online's names ("Cost of
Goods Sold"), which the account mapping already turns into local types. Desktop marks the inventory asset account it
made itself with ``SpecialAccountType`` ``InventoryAssets``: that one is the inventory asset account here, as Online's
"Inventory" detail type is. Non-posting accounts (estimates, purchase orders) hold no money and are not part of the
chart here. A sub-account keeps its full ``Parent:Child`` name, as on Online.
"""

from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.accounts import INVENTORY_SUB_TYPE
from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.desktop.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.mapping.desktop.common import desktop_bool, list_ref, meta

ENTITY = "Account"
QUERY = "AccountQuery"
INVENTORY_ASSETS = "InventoryAssets"
NON_POSTING = "NonPosting"
# Desktop's AccountType values and QuickBooks Online's names for them, which the account mapping reads.
TYPES = {
    "Bank": "Bank",
    "AccountsReceivable": "Accounts Receivable",
    "OtherCurrentAsset": "Other Current Asset",
    "FixedAsset": "Fixed Asset",
    "OtherAsset": "Other Asset",
    "AccountsPayable": "Accounts Payable",
    "CreditCard": "Credit Card",
    "OtherCurrentLiability": "Other Current Liability",
    "LongTermLiability": "Long Term Liability",
    "Equity": "Equity",
    "Income": "Income",
    "OtherIncome": "Other Income",
    "CostOfGoodsSold": "Cost of Goods Sold",
    "Expense": "Expense",
    "OtherExpense": "Other Expense",
}
READ_ONLY = "FieldOffice never changes QuickBooks Desktop's chart of accounts."


def account_record(ret: dict[str, Any]) -> dict[str, Any]:
    """An ``AccountRet`` as the engine's account record."""
    desktop_type = text(ret.get("AccountType"))
    record: dict[str, Any] = {
        "Id": text(ret.get("ListID")),
        "SyncToken": text(ret.get("EditSequence")),
        "Name": text(ret.get("Name")),
        "FullyQualifiedName": text(ret.get("FullName")) or text(ret.get("Name")),
        "SubAccount": int(ret.get("Sublevel") or 0) > 0,
        "AcctNum": text(ret.get("AccountNumber")),
        # An account type Desktop adds later passes as is; the account mapping reads it as other current asset.
        "AccountType": TYPES.get(desktop_type, desktop_type),
        "Description": text(ret.get("Desc")),
        "Active": desktop_bool(ret.get("IsActive")),
        "MetaData": meta(ret),
    }
    if text(ret.get("SpecialAccountType")) == INVENTORY_ASSETS:
        record["AccountSubType"] = INVENTORY_SUB_TYPE
    if parent := list_ref(ret.get("ParentRef")):
        record["ParentRef"] = parent
    return record


def is_posting(ret: dict[str, Any]) -> bool:
    return text(ret.get("AccountType")) != NON_POSTING


class AccountsAdapter(ListAdapter):
    entity = ENTITY
    deleted_types = ("Account",)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [account_record(ret)] if is_posting(ret) else []

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        return [], {index: (None, ApiError(READ_ONLY)) for index, _ in writes}


ADAPTERS = [AccountsAdapter()]

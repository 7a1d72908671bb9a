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
from apps.quickbooks.mapping.desktop.adapter import Outcome, Planned, Query, Seen
from apps.quickbooks.mapping.desktop.common import desktop_bool, list_ref, meta

ENTITY = "Account"
QUERY = "AccountQuery"
IDS_PER_QUERY = 100
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


def _chunks(values: list[str]) -> list[list[str]]:
    unique = sorted(set(values))
    return [unique[start : start + IDS_PER_QUERY] for start in range(0, len(unique), IDS_PER_QUERY)]


class AccountsAdapter:
    entity = ENTITY
    deleted_types = ("Account",)

    def queries(self) -> list[Query]:
        return [Query(QUERY, {"ActiveStatus": "All"})]

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [account_record(ret)] if is_posting(ret) else []

    def by_ids(self, ids: list[str]) -> list[Query]:
        return [Query(QUERY, {"ListID": chunk}) for chunk in _chunks(ids)]

    def by_names(self, names: list[str], field: str) -> list[Query]:
        return [Query(QUERY, {"FullName": chunk}) for chunk in _chunks(names)]

    def named(self, seen: Seen, names: set[str], field: str) -> list[dict[str, Any]]:
        return []

    def needs(self, writes: list[tuple[int, Any]], seen: Seen) -> list[str]:
        return []

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        return [], {index: (None, ApiError(READ_ONLY)) for index, _ in writes}


ADAPTERS = [AccountsAdapter()]

"""
QuickBooks Desktop's chart of accounts ↔ the engine's account records.

The chart is QuickBooks': FieldOffice reads it and never changes an account there. The one write is ``AccountAdd``
for an account an Owner asked to create in QuickBooks on the account mapping page (``SentAnyway`` in
``sync.specs.accounts``): a top-level account of its type, its number when it has one, under a name Desktop takes
(no colon, at most 31 characters).

Desktop names account types in one word (``CostOfGoodsSold``); they become FieldOffice's types. Desktop marks the
inventory asset account it made itself with ``SpecialAccountType`` ``InventoryAssets``: that one is the inventory asset
account here, as Online's "Inventory" detail type is. Non-posting accounts (estimates, purchase orders) hold no money
and are not part of the chart here. A sub-account keeps its full ``Parent:Child`` name, as on Online.
"""

from typing import Any

from apps.accounting.models import AccountType
from apps.quickbooks.desktop.mapping.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.desktop.mapping.common import adds_only, desktop_bool, list_ref
from apps.quickbooks.mapping.accounts import QUICKBOOKS_TYPES
from apps.quickbooks.mapping.common import name_for_quickbooks, text
from apps.quickbooks.sync.records import ACCOUNT, AccountRecord

ENTITY = ACCOUNT
QUERY = "AccountQuery"
INVENTORY_ASSETS = "InventoryAssets"
NON_POSTING = "NonPosting"
# Desktop's AccountType values as FieldOffice's types: QuickBooks' names written as one word ("Cost of Goods Sold" is
# "CostOfGoodsSold").
TYPES = {"".join(word[:1].upper() + word[1:] for word in name.split()): to for name, to in QUICKBOOKS_TYPES.items()}
# What an account is created as in Desktop: the type Desktop reads back as each of FieldOffice's (an inventory asset
# account is an other current asset there; Desktop makes its own "Inventory Asset" account).
TYPES_OUT = {local: desktop for desktop, local in TYPES.items() if desktop != "OtherAsset"}
TYPES_OUT[AccountType.INVENTORY_ASSET] = "OtherCurrentAsset"
# Desktop's limits (qbXML 13.0).
NAME_MAX = 31
DESC_MAX = 200
READ_ONLY = "FieldOffice never changes an account in QuickBooks Desktop's chart: make the change in QuickBooks."


def account_type(ret: dict[str, Any]) -> str:
    """The local type; an account type Desktop adds later reads as other current asset until mapped here."""
    desktop_type = text(ret.get("AccountType"))
    if desktop_type == "OtherCurrentAsset" and text(ret.get("SpecialAccountType")) == INVENTORY_ASSETS:
        return AccountType.INVENTORY_ASSET
    return TYPES.get(desktop_type, AccountType.OTHER_CURRENT_ASSET)


def account_record(ret: dict[str, Any]) -> AccountRecord:
    """An ``AccountRet`` as the engine's account record; a sub-account by its full name."""
    sub_account = int(ret.get("Sublevel") or 0) > 0
    name = text(ret.get("Name"))
    return AccountRecord(
        remote_id=text(ret.get("ListID")),
        version=text(ret.get("EditSequence")),
        name=(text(ret.get("FullName")) or name) if sub_account else name,
        parent_id=(list_ref(ret.get("ParentRef")) or {}).get("value", ""),
        number=text(ret.get("AccountNumber")),
        account_type=account_type(ret),
        description=text(ret.get("Desc")),
        active=desktop_bool(ret.get("IsActive")),
    )


def is_posting(ret: dict[str, Any]) -> bool:
    return text(ret.get("AccountType")) != NON_POSTING


class AccountsAdapter(ListAdapter):
    entity = ENTITY
    deleted_types = ("Account",)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[AccountRecord]:
        return [account_record(ret)] if is_posting(ret) else []

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        """An ``AccountAdd`` per account to create; a change of an account Desktop has is refused (``READ_ONLY``)."""
        return adds_only(
            writes,
            kind="AccountAdd",
            fields=account_add_fields,
            record=account_record,
            refusal=READ_ONLY,
            about="this account",
        )


def account_add_fields(record: AccountRecord) -> dict[str, Any]:
    """The ``AccountAdd`` fields of an account to create: its name as Desktop takes it, type, number, description."""
    fields: dict[str, Any] = {
        "Name": name_for_quickbooks(record.name, NAME_MAX),
        "AccountType": TYPES_OUT[record.account_type],
    }
    if record.number:
        fields["AccountNumber"] = record.number
    if record.description:
        fields["Desc"] = record.description[:DESC_MAX]
    return fields


ADAPTERS = [AccountsAdapter()]

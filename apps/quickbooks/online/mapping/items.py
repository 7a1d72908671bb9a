"""
QuickBooks Online's items ↔ the engine's ``ItemRecord``. What FieldOffice sends for an item, how an item read
becomes local fields, and how both sides compare, is ``apps.quickbooks.mapping.items``.
"""

from datetime import date
from typing import Any

from django.utils.dateparse import parse_date

from apps.accounting.models import STOCKED_ITEM_TYPES
from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.items import CENT, LOCAL_TYPES, QUANTITY, SERVICE, described, quantized
from apps.quickbooks.online.mapping.common import (
    identity,
    is_deleted,
    ref,
    ref_id,
    remote_created_at,
    remote_id,
)
from apps.quickbooks.sync.records import ItemRecord


def remote_type(obj: dict[str, Any]) -> str:
    return text(obj.get("Type")) or SERVICE


def is_sub_item(obj: dict[str, Any]) -> bool:
    """An item placed in a category: its name is only unique within it."""
    return bool(obj.get("SubItem")) or bool(ref_id(obj.get("ParentRef")))


def _date(value: Any) -> date | None:
    try:
        return parse_date(text(value)) if value else None
    except ValueError:
        return None


def record_payload(record: ItemRecord) -> dict[str, Any]:
    """An item record as QuickBooks Online takes it (with ``Id`` and ``SyncToken`` when it is an update)."""
    stocked = record.item_type in STOCKED_ITEM_TYPES
    payload: dict[str, Any] = {
        **described(record),
        "UnitPrice": record.price,
        "PurchaseCost": record.cost,
        "TrackQtyOnHand": stocked,
    }
    remote_accounts = {
        "IncomeAccountRef": record.income_account_id,
        "ExpenseAccountRef": record.expense_account_id,
        "AssetAccountRef": record.asset_account_id if stocked else "",
    }
    payload.update({name: ref(account_id) for name, account_id in remote_accounts.items() if account_id})
    if stocked and not record.remote_id:
        # The opening quantity, on creation only: afterwards quantities go by inventory adjustments alone, as on
        # Desktop (docs/ARCHITECTURE.md, "Stock").
        payload["QtyOnHand"] = record.quantity_on_hand
        payload["InvStartDate"] = record.quantity_as_of.isoformat() if record.quantity_as_of else ""
    if record.remote_id:
        payload.update(Id=record.remote_id, SyncToken=record.version)
    return payload


def item_record(obj: dict[str, Any]) -> ItemRecord:
    """A QuickBooks Online item as the engine's record; one change data capture reports deleted says only that."""
    if is_deleted(obj):
        return ItemRecord(remote_id=remote_id(obj), deleted=True)
    kind = remote_type(obj)
    return ItemRecord(
        **identity(obj),
        name=text(obj.get("Name")),
        item_type=LOCAL_TYPES.get(kind, ""),
        kind=kind,
        sku=text(obj.get("Sku")),
        description=text(obj.get("Description")),
        active=obj.get("Active", True) is not False,
        taxable=obj.get("Taxable") is True,
        price=quantized(obj.get("UnitPrice"), CENT),
        cost=quantized(obj.get("PurchaseCost"), CENT),
        tracks_quantity=obj.get("TrackQtyOnHand") is True,
        quantity_on_hand=quantized(obj.get("QtyOnHand"), QUANTITY),
        quantity_as_of=_date(obj.get("InvStartDate")),
        income_account_id=ref_id(obj.get("IncomeAccountRef")),
        expense_account_id=ref_id(obj.get("ExpenseAccountRef")),
        asset_account_id=ref_id(obj.get("AssetAccountRef")),
        sub_item=is_sub_item(obj),
        created_at=remote_created_at(obj),
    )

"""
Items ↔ QuickBooks products and services: the engine's ``ItemRecord`` from FieldOffice's items and back (each backend
translates the record to its wire format: ``online.mapping.items``, ``desktop.mapping.items``).

QuickBooks knows Inventory, NonInventory and Service items (and Category, which groups items and is never sold, so
it has no twin here). FieldOffice's equipment is stocked like inventory: it goes to QuickBooks as an Inventory item
and stays equipment here, because the linked local item's type decides (an Inventory item linked to equipment is
equipment; one never seen before is inventory). Inventory carries whether it tracks its quantity, the quantity on
hand and the date it was counted (which QuickBooks requires: an item never counted here sends the day it was
created here, a date that does not move, so that its content hash does not either) and an asset account.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from apps.accounting.models import STOCKED_ITEM_TYPES, ItemType
from apps.accounting.services import ROLE_TYPES
from apps.catalog.models import Item
from apps.quickbooks.mapping.common import (
    name_for_quickbooks,
    text,
)
from apps.quickbooks.mapping.refs import IdMap
from apps.quickbooks.sync.records import ItemRecord

NAME_MAX = 100
SKU_MAX = 100
DESCRIPTION_MAX = 4000
INVENTORY = "Inventory"
NON_INVENTORY = "NonInventory"
SERVICE = "Service"
CATEGORY = "Category"
SELLABLE_TYPES = (INVENTORY, NON_INVENTORY, SERVICE)
CENT = Decimal("0.01")
QUANTITY = Decimal("0.0001")
# QuickBooks' types of the items sold here, and the local type each arrives as (equipment aside).
LOCAL_TYPES = {INVENTORY: ItemType.INVENTORY, NON_INVENTORY: ItemType.NON_INVENTORY, SERVICE: ItemType.SERVICE}
REMOTE_TYPES = {
    ItemType.INVENTORY: INVENTORY,
    ItemType.EQUIPMENT: INVENTORY,
    ItemType.NON_INVENTORY: NON_INVENTORY,
    ItemType.SERVICE: SERVICE,
}


@dataclass
class ItemAccounts:
    """The accounts linked to QuickBooks: their ids on both sides and their local types."""

    ids: IdMap = field(default_factory=IdMap)
    types: dict[int, str] = field(default_factory=dict)

    def add(self, local_id: int, remote_id: str, account_type: str) -> None:
        self.ids.add(local_id, remote_id)
        self.types[local_id] = account_type

    def local(self, remote_id: str, role: str) -> int | None:
        """The local account of a QuickBooks reference, if it is linked and of a type the item field takes."""
        local_id = self.ids.local(remote_id)
        return local_id if local_id is not None and self.types.get(local_id) in ROLE_TYPES[role] else None


def quantized(value: Any, places: Decimal) -> Decimal:
    """``value`` as a Decimal rounded to ``places`` (zero when it is blank or not a number)."""
    try:
        return Decimal(str(value if value not in (None, "") else 0)).quantize(places, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return Decimal(0).quantize(places)


def start_date(item: Item) -> str:
    """When the quantity on hand was counted: the item's own date, else the day it was created here."""
    if item.quantity_as_of:
        return item.quantity_as_of.isoformat()
    created = timezone.localdate(item.created_at) if item.created_at else timezone.localdate()
    return created.isoformat()


def item_sent(item: Item, accounts: dict[str, str]) -> ItemRecord:
    """
    The record FieldOffice sends for ``item``; equipment goes as inventory. ``accounts`` maps the local account fields
    to the QuickBooks ids the item uses (its own accounts, else the defaults).
    """
    stocked = item.item_type in STOCKED_ITEM_TYPES
    return ItemRecord(
        name=name_for_quickbooks(item.name, NAME_MAX),
        item_type=item.item_type,
        kind=REMOTE_TYPES[item.item_type],
        sku=text(item.sku, SKU_MAX),
        description=text(item.description, DESCRIPTION_MAX),
        active=item.active,
        taxable=item.taxable,
        price=item.sales_price,
        cost=item.cost,
        tracks_quantity=stocked,
        quantity_on_hand=item.quantity_on_hand if stocked else Decimal("0.0000"),
        quantity_as_of=date.fromisoformat(start_date(item)) if stocked else None,
        income_account_id=accounts.get("income_account") or "",
        expense_account_id=accounts.get("expense_account") or "",
        asset_account_id=(accounts.get("asset_account") or "") if stocked else "",
    )


def described(record: ItemRecord) -> dict[str, Any]:
    """What an item says of itself, in QuickBooks Online's keys: what it is sent as and compared by alike."""
    return {
        "Name": record.name,
        "Type": REMOTE_TYPES.get(record.item_type, record.kind),
        "Sku": record.sku,
        "Description": record.description,
        "Active": record.active,
        "Taxable": record.taxable,
    }


def record_comparable(record: ItemRecord) -> dict[str, Any]:
    """
    The synced fields of an item record, read or to be sent, normalised so that both compare. The keys are those of
    QuickBooks Online's item: the hashes links keep were taken of this form, for items of either backend.
    """
    stocked = record.item_type in STOCKED_ITEM_TYPES
    return {
        **described(record),
        "UnitPrice": quantized(record.price, CENT),
        "PurchaseCost": quantized(record.cost, CENT),
        "IncomeAccountRef": record.income_account_id,
        "ExpenseAccountRef": record.expense_account_id,
        "AssetAccountRef": record.asset_account_id if stocked else "",
        "TrackQtyOnHand": stocked and record.tracks_quantity,
        "QtyOnHand": quantized(record.quantity_on_hand, QUANTITY) if stocked else None,
        "InvStartDate": record.quantity_as_of.isoformat() if stocked and record.quantity_as_of else "",
    }


def record_fields(record: ItemRecord, accounts: ItemAccounts, current_type: str | None = None) -> dict[str, Any]:
    """
    The local fields of a QuickBooks item record: an Inventory item linked to equipment stays equipment, and an
    account QuickBooks names that is not linked here (or whose type the item field does not take) is left empty, so
    that the item uses the division's default for its type.
    """
    item_type = record.item_type
    if item_type == ItemType.INVENTORY and current_type == ItemType.EQUIPMENT:
        item_type = ItemType.EQUIPMENT
    stocked = item_type in STOCKED_ITEM_TYPES
    fields: dict[str, Any] = {
        "item_type": item_type,
        "name": text(record.name, NAME_MAX),
        "sku": text(record.sku, SKU_MAX),
        "description": record.description,
        "sales_price": record.price,
        "cost": record.cost,
        "taxable": record.taxable,
        "active": record.active,
        "quantity_on_hand": record.quantity_on_hand if stocked else Decimal("0.0000"),
        "quantity_as_of": record.quantity_as_of if stocked else None,
    }
    remote_accounts = {
        "income_account": record.income_account_id,
        "expense_account": record.expense_account_id,
        "asset_account": record.asset_account_id,
    }
    for role, account_id in remote_accounts.items():
        local_id = accounts.local(account_id, role)
        fields[f"{role}_id"] = local_id if stocked or role != "asset_account" else None
    return fields

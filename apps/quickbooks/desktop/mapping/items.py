"""
QuickBooks Desktop items ↔ the engine's item records (``ItemRecord``), translated once as they are read and written.

- ``ItemService``, ``ItemNonInventory`` and ``ItemInventory`` are the Service, NonInventory and Inventory items of
  the engine; equipment goes as an inventory item, as on Online. The other item types (other charges, sales tax
  items and groups, discounts, subtotals, payments, groups, assemblies) are not items sold here: they arrive with no
  type and their Desktop kind ("Other Charge"...), which the items spec notes once and leaves out.
- A service or non-inventory item is sold through one account (``SalesOrPurchase``) or sold and bought through two
  (``SalesAndPurchase``): an item with an income and an expense account goes as the second. The one account of the
  first serves sales and purchases alike, so it is given as both the income and the expense account, and the local
  side keeps it in the role its type fits.
- An inventory item's cost of goods sold account is the engine's expense account. Its quantity on hand and the date
  it was counted are set when it is created: Desktop changes them only through inventory adjustments, so later
  changes of the quantity here are not sent, and Desktop never returns the date.
- The SKU is Desktop's manufacturer's part number, which service items do not have. Taxable is the sales tax code:
  "Tax" or "Non", Desktop's standard codes.
- A Mod must name the record's own type (an ``ItemServiceMod`` for a service item) with its current edit sequence.
  Both travel in the record's version (``<EditSequence>/<Type>``), which the engine keeps on the item's link and
  hands back with every update, so that no read is needed to learn them. Desktop cannot change an item between
  inventory and the other types: such an update is refused before it is sent.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.desktop.mapping.common import desktop_bool, desktop_time, list_ref, response_error, without_blanks
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import name_for_quickbooks, name_key, text
from apps.quickbooks.mapping.items import (
    CENT,
    INVENTORY,
    LOCAL_TYPES,
    NON_INVENTORY,
    QUANTITY,
    REMOTE_TYPES,
    SERVICE,
    quantized,
)
from apps.quickbooks.sync.records import ItemRecord

ENTITY = "Item"
QUERY = "ItemQuery"
# Desktop's limits (qbXML 13.0).
NAME_MAX = 31
PART_NUMBER_MAX = 31
DESCRIPTION_MAX = 4095
TAXABLE_CODE = "Tax"
NON_TAXABLE_CODE = "Non"
TOKEN_SEPARATOR = "/"

# Desktop's item kinds sold here, and the engine's types.
KINDS = {"ItemService": SERVICE, "ItemNonInventory": NON_INVENTORY, "ItemInventory": INVENTORY}
KIND_OF_TYPE = {item_type: kind for kind, item_type in KINDS.items()}
WITH_PART_NUMBER = ("ItemNonInventory", "ItemInventory")
# The other kinds an ItemQuery returns, as their type is told in the run's log.
OTHER_KINDS = {
    "ItemOtherCharge": "Other Charge",
    "ItemSalesTax": "Sales Tax",
    "ItemSalesTaxGroup": "Sales Tax Group",
    "ItemDiscount": "Discount",
    "ItemSubtotal": "Subtotal",
    "ItemPayment": "Payment",
    "ItemGroup": "Group",
    "ItemInventoryAssembly": "Inventory Assembly",
    "ItemFixedAsset": "Fixed Asset",
}


def item_kind(record_type: str) -> str:
    """The Desktop kind of a ``...Ret`` element name ("ItemServiceRet" → "ItemService")."""
    return record_type.removesuffix("Ret")


def sync_token(*, edit_sequence: str, item_type: str) -> str:
    """The engine's version of a Desktop item: its edit sequence and its type, which a Mod needs both of."""
    return f"{edit_sequence}{TOKEN_SEPARATOR}{item_type}"


def token_parts(token: str) -> tuple[str, str]:
    """The edit sequence and the engine type a ``SyncToken`` carries (the type is ``""`` if it carries none)."""
    edit_sequence, _, item_type = token.partition(TOKEN_SEPARATOR)
    return edit_sequence, item_type if item_type in KIND_OF_TYPE else ""


def _amount(value: Any, places: Decimal = CENT) -> Decimal:
    return quantized(text(value), places)


def _taxable(ret: dict[str, Any]) -> bool:
    code = text((ret.get("SalesTaxCodeRef") or {}).get("FullName"))
    return bool(code) and name_key(code) != name_key(NON_TAXABLE_CODE)


def _id(ref: Any) -> str:
    return text(ref.get("ListID")) if isinstance(ref, dict) else ""


def _sales(ret: dict[str, Any], kind: str) -> dict[str, Any]:
    """Description, prices, accounts and stock of a sellable ``...Ret``, as ``ItemRecord`` fields."""
    if kind == "ItemInventory":
        return {
            "description": text(ret.get("SalesDesc")),
            "price": _amount(ret.get("SalesPrice")),
            "cost": _amount(ret.get("PurchaseCost")),
            "income_account_id": _id(ret.get("IncomeAccountRef")),
            "expense_account_id": _id(ret.get("COGSAccountRef")),
            "asset_account_id": _id(ret.get("AssetAccountRef")),
            "tracks_quantity": True,
            "quantity_on_hand": _amount(ret.get("QuantityOnHand"), QUANTITY),
        }
    if isinstance(both := ret.get("SalesAndPurchase"), dict):
        return {
            "description": text(both.get("SalesDesc")),
            "price": _amount(both.get("SalesPrice")),
            "cost": _amount(both.get("PurchaseCost")),
            "income_account_id": _id(both.get("IncomeAccountRef")),
            "expense_account_id": _id(both.get("ExpenseAccountRef")),
        }
    one = ret.get("SalesOrPurchase") if isinstance(ret.get("SalesOrPurchase"), dict) else {}
    account = _id(one.get("AccountRef"))
    return {
        "description": text(one.get("Desc")),
        "price": _amount(one.get("Price")),
        "income_account_id": account,
        "expense_account_id": account,
    }


def item_record(ret: dict[str, Any], record_type: str) -> ItemRecord:
    """An ``Item...Ret`` as the engine's item record; kinds not sold here keep only what the log shows."""
    kind = item_kind(record_type)
    remote = KINDS.get(kind, "")
    edit_sequence = text(ret.get("EditSequence"))
    common = {
        "remote_id": text(ret.get("ListID")),
        "version": sync_token(edit_sequence=edit_sequence, item_type=remote) if remote else edit_sequence,
        "name": text(ret.get("Name")),
        "kind": remote or OTHER_KINDS.get(kind, kind.removeprefix("Item")),
        "active": desktop_bool(ret.get("IsActive")),
        "sub_item": list_ref(ret.get("ParentRef")) is not None,
        "created_at": desktop_time(ret.get("TimeCreated")),
    }
    if not remote:
        return ItemRecord(**common)
    return ItemRecord(
        **common,
        item_type=LOCAL_TYPES[remote],
        sku=text(ret.get("ManufacturerPartNumber")),
        taxable=_taxable(ret),
        **_sales(ret, kind),
    )


# The engine's writes.


def _ref_out(remote_id: str) -> dict[str, str] | None:
    return {"ListID": remote_id} if remote_id else None


def _sales_fields(record: ItemRecord, kind: str, *, mod: bool) -> dict[str, Any]:
    description = text(record.description, DESCRIPTION_MAX)
    income, expense = _ref_out(record.income_account_id), _ref_out(record.expense_account_id)
    if kind == "ItemInventory":
        fields = {
            "SalesDesc": description,
            "SalesPrice": record.price,
            "IncomeAccountRef": income,
            "PurchaseCost": record.cost,
            "COGSAccountRef": expense,
            "AssetAccountRef": _ref_out(record.asset_account_id),
        }
        if not mod:
            fields["QuantityOnHand"] = record.quantity_on_hand
            fields["InventoryDate"] = record.quantity_as_of.isoformat() if record.quantity_as_of else None
        return fields
    if income and expense:
        both = {
            "SalesDesc": description,
            "SalesPrice": record.price,
            "IncomeAccountRef": income,
            "PurchaseCost": record.cost,
            "ExpenseAccountRef": expense,
        }
        return {"SalesAndPurchaseMod" if mod else "SalesAndPurchase": both}
    one = {"Desc": description, "Price": record.price, "AccountRef": income or expense}
    return {"SalesOrPurchaseMod" if mod else "SalesOrPurchase": one}


def item_fields(record: ItemRecord, kind: str) -> dict[str, Any]:
    """
    The ``<kind>Add`` / ``<kind>Mod`` fields of an item record (a Mod when it has a ``remote_id``: its edit sequence
    is the one its version carries).
    """
    mod = bool(record.remote_id)
    fields: dict[str, Any] = {}
    if mod:
        fields["ListID"] = record.remote_id
        fields["EditSequence"] = token_parts(record.version)[0]
    fields["Name"] = name_for_quickbooks(record.name, NAME_MAX)
    fields["IsActive"] = record.active
    if kind in WITH_PART_NUMBER:
        fields["ManufacturerPartNumber"] = text(record.sku, PART_NUMBER_MAX)
    fields["SalesTaxCodeRef"] = {"FullName": TAXABLE_CODE if record.taxable else NON_TAXABLE_CODE}
    fields.update(_sales_fields(record, kind, mod=mod))
    # An empty element clears a field in a Mod; in an Add it says nothing, so it is left out.
    return fields if mod else without_blanks(fields)


def _kind_wanted(record: ItemRecord) -> str:
    """The Desktop kind of the type an item record is sent as (equipment goes as inventory)."""
    return KIND_OF_TYPE.get(REMOTE_TYPES.get(record.item_type, SERVICE), KIND_OF_TYPE[SERVICE])


def mod_kind(record: ItemRecord) -> str:
    """The Desktop kind an update goes as: the record's own, which its version carries."""
    remote = token_parts(record.version)[1]
    return KIND_OF_TYPE[remote] if remote else _kind_wanted(record)


def kind_conflict(record: ItemRecord, kind: str) -> str:
    """Why an update cannot go as ``kind`` (Desktop keeps inventory and the other types apart), or ``""``."""
    wanted = _kind_wanted(record)
    if (wanted == "ItemInventory") == (kind == "ItemInventory"):
        return ""
    theirs, ours = KINDS[kind], KINDS[wanted]
    return (
        f"{record.name} is a {_type_words(theirs)} item in QuickBooks Desktop and a "
        f"{_type_words(ours)} item here; QuickBooks Desktop cannot change an item between inventory and the other "
        "types: change the type back here, or make a new item."
    )


def _type_words(item_type: str) -> str:
    return {INVENTORY: "inventory", NON_INVENTORY: "non-inventory", SERVICE: "service"}[item_type]


# The backend's adapter.


class ItemsAdapter(ListAdapter):
    """
    Items are found by full name (a sub-item's own name is not one QuickBooks can look up), and updates carry the edit
    sequence and the type they go with in their SyncToken: nothing to find by name or to read before a write.
    """

    entity = ENTITY
    # Deleted items of the kinds sold here: the others never have a twin to make inactive.
    deleted_types = tuple(KINDS)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[ItemRecord]:
        return [item_record(ret, record_type)]

    def deleted_record(self, remote_id: str) -> ItemRecord:
        return ItemRecord(remote_id=remote_id, deleted=True)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            record: ItemRecord = write.payload
            if record.remote_id:
                kind = mod_kind(record)
                if problem := kind_conflict(record, kind):
                    refused[index] = (None, ApiError(problem))
                    continue
                request = f"{kind}Mod"
            else:
                kind = _kind_wanted(record)
                request = f"{kind}Add"
            planned.append(Planned(request, item_fields(record, kind), [(index, write)], _answer(index)))
        return planned, refused


def _answer(index: int) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        # The record's element names its kind (``ItemServiceRet``...), which ``record_answer``'s reader is not given.
        if error := response_error(response, about="this item"):
            return {index: (None, error)}
        return {index: (item_record(response.records[0], response.record_types[0]), None)}

    return answer


ADAPTERS = [ItemsAdapter()]

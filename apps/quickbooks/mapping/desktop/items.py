"""
QuickBooks Desktop items ↔ the engine's item records (QuickBooks Online's shape, read by ``mapping.items``).

- ``ItemService``, ``ItemNonInventory`` and ``ItemInventory`` are the Service, NonInventory and Inventory items of
  the engine; equipment goes as an inventory item, as on Online. The other item types (other charges, sales tax
  items and groups, discounts, subtotals, payments, groups, assemblies) are not items sold here: they arrive typed by
  their Desktop kind ("Other Charge"...), which the items spec notes once and leaves out.
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
  Both travel in the engine's ``SyncToken`` (``<EditSequence>/<Type>``), which the engine keeps on the item's link and
  hands back with every update, so that no read is needed to learn them. Desktop cannot change an item between
  inventory and the other types: such an update is refused before it is sent.
"""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import name_for_quickbooks, name_key, ref_id, text
from apps.quickbooks.mapping.desktop.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.mapping.desktop.common import desktop_bool, list_ref, meta, status_error, without_blanks
from apps.quickbooks.mapping.items import INVENTORY, NON_INVENTORY, SERVICE, remote_type

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


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(text(value) or "0")
    except InvalidOperation:
        return Decimal(0)


def _taxable(ret: dict[str, Any]) -> bool:
    code = text((ret.get("SalesTaxCodeRef") or {}).get("FullName"))
    return bool(code) and name_key(code) != name_key(NON_TAXABLE_CODE)


def _refs(**refs: Any) -> dict[str, dict[str, str]]:
    return {name: ref for name, value in refs.items() if (ref := list_ref(value)) is not None}


def _sales(ret: dict[str, Any], kind: str) -> dict[str, Any]:
    """Description, prices and accounts of a sellable ``...Ret`` in the engine's keys."""
    if kind == "ItemInventory":
        return {
            "Description": text(ret.get("SalesDesc")),
            "UnitPrice": _decimal(ret.get("SalesPrice")),
            "PurchaseCost": _decimal(ret.get("PurchaseCost")),
            **_refs(
                IncomeAccountRef=ret.get("IncomeAccountRef"),
                ExpenseAccountRef=ret.get("COGSAccountRef"),
                AssetAccountRef=ret.get("AssetAccountRef"),
            ),
            "TrackQtyOnHand": True,
            "QtyOnHand": _decimal(ret.get("QuantityOnHand")),
        }
    if isinstance(both := ret.get("SalesAndPurchase"), dict):
        return {
            "Description": text(both.get("SalesDesc")),
            "UnitPrice": _decimal(both.get("SalesPrice")),
            "PurchaseCost": _decimal(both.get("PurchaseCost")),
            **_refs(IncomeAccountRef=both.get("IncomeAccountRef"), ExpenseAccountRef=both.get("ExpenseAccountRef")),
        }
    one = ret.get("SalesOrPurchase") if isinstance(ret.get("SalesOrPurchase"), dict) else {}
    account = one.get("AccountRef")
    return {
        "Description": text(one.get("Desc")),
        "UnitPrice": _decimal(one.get("Price")),
        "PurchaseCost": Decimal(0),
        **_refs(IncomeAccountRef=account, ExpenseAccountRef=account),
    }


def item_record(ret: dict[str, Any], record_type: str) -> dict[str, Any]:
    """An ``Item...Ret`` as the engine's item record; kinds not sold here keep only what the log shows."""
    kind = item_kind(record_type)
    item_type = KINDS.get(kind, "")
    edit_sequence = text(ret.get("EditSequence"))
    record: dict[str, Any] = {
        "Id": text(ret.get("ListID")),
        "SyncToken": sync_token(edit_sequence=edit_sequence, item_type=item_type) if item_type else edit_sequence,
        "Name": text(ret.get("Name")),
        "FullyQualifiedName": text(ret.get("FullName")) or text(ret.get("Name")),
        "Type": item_type or OTHER_KINDS.get(kind, kind.removeprefix("Item")),
        "Active": desktop_bool(ret.get("IsActive")),
        "MetaData": meta(ret),
    }
    if parent := list_ref(ret.get("ParentRef")):
        record.update(SubItem=True, ParentRef=parent)
    if item_type:
        record.update(Sku=text(ret.get("ManufacturerPartNumber")), Taxable=_taxable(ret), **_sales(ret, kind))
    return record


# The engine's writes.


def _ref_out(value: Any) -> dict[str, str] | None:
    remote = ref_id(value)
    return {"ListID": remote} if remote else None


def _sales_fields(payload: dict[str, Any], kind: str, *, mod: bool) -> dict[str, Any]:
    description = text(payload.get("Description"), DESCRIPTION_MAX)
    price = _decimal(payload.get("UnitPrice"))
    income, expense = _ref_out(payload.get("IncomeAccountRef")), _ref_out(payload.get("ExpenseAccountRef"))
    if kind == "ItemInventory":
        fields = {
            "SalesDesc": description,
            "SalesPrice": price,
            "IncomeAccountRef": income,
            "PurchaseCost": _decimal(payload.get("PurchaseCost")),
            "COGSAccountRef": expense,
            "AssetAccountRef": _ref_out(payload.get("AssetAccountRef")),
        }
        if not mod:
            fields["QuantityOnHand"] = _decimal(payload.get("QtyOnHand"))
            fields["InventoryDate"] = text(payload.get("InvStartDate")) or None
        return fields
    if income and expense:
        both = {
            "SalesDesc": description,
            "SalesPrice": price,
            "IncomeAccountRef": income,
            "PurchaseCost": _decimal(payload.get("PurchaseCost")),
            "ExpenseAccountRef": expense,
        }
        return {"SalesAndPurchaseMod" if mod else "SalesAndPurchase": both}
    one = {"Desc": description, "Price": price, "AccountRef": income or expense}
    return {"SalesOrPurchaseMod" if mod else "SalesOrPurchase": one}


def item_fields(payload: dict[str, Any], kind: str) -> dict[str, Any]:
    """
    The ``<kind>Add`` / ``<kind>Mod`` fields of an engine item payload (a Mod when it has an ``Id``: its edit
    sequence is the one its ``SyncToken`` carries).
    """
    mod = bool(payload.get("Id"))
    fields: dict[str, Any] = {}
    if mod:
        fields["ListID"] = str(payload["Id"])
        fields["EditSequence"] = token_parts(str(payload.get("SyncToken") or ""))[0]
    fields["Name"] = name_for_quickbooks(text(payload.get("Name")), NAME_MAX)
    fields["IsActive"] = payload.get("Active", True) is not False
    if kind in WITH_PART_NUMBER:
        fields["ManufacturerPartNumber"] = text(payload.get("Sku"), PART_NUMBER_MAX)
    fields["SalesTaxCodeRef"] = {"FullName": TAXABLE_CODE if payload.get("Taxable") is True else NON_TAXABLE_CODE}
    fields.update(_sales_fields(payload, kind, mod=mod))
    # An empty element clears a field in a Mod; in an Add it says nothing, so it is left out.
    return fields if mod else without_blanks(fields)


def mod_kind(payload: dict[str, Any]) -> str:
    """The Desktop kind an update goes as: the record's own, which its ``SyncToken`` carries."""
    item_type = token_parts(str(payload.get("SyncToken") or ""))[1] or remote_type(payload)
    return KIND_OF_TYPE.get(item_type, KIND_OF_TYPE[SERVICE])


def kind_conflict(payload: dict[str, Any], kind: str) -> str:
    """Why an update cannot go as ``kind`` (Desktop keeps inventory and the other types apart), or ``""``."""
    wanted = KIND_OF_TYPE.get(remote_type(payload), KIND_OF_TYPE[SERVICE])
    if (wanted == "ItemInventory") == (kind == "ItemInventory"):
        return ""
    theirs, ours = KINDS[kind], KINDS[wanted]
    return (
        f"{text(payload.get('Name'))} is a {_type_words(theirs)} item in QuickBooks Desktop and a "
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

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [item_record(ret, record_type)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            payload = write.payload
            if payload.get("Id"):
                kind = mod_kind(payload)
                if problem := kind_conflict(payload, kind):
                    refused[index] = (None, ApiError(problem))
                    continue
                request = f"{kind}Mod"
            else:
                kind = KIND_OF_TYPE.get(remote_type(payload), KIND_OF_TYPE[SERVICE])
                request = f"{kind}Add"
            planned.append(Planned(request, item_fields(payload, kind), [(index, write)], _answer(index)))
        return planned, refused


def _answer(index: int) -> Callable[[Any], dict[int, Outcome]]:
    def answer(response: Any) -> dict[int, Outcome]:
        if response is None:
            return {index: (None, ApiError("QuickBooks Desktop did not answer for this item."))}
        if response.status_code != 0 or not response.records:
            error = status_error(code=response.status_code, message=response.message, severity=response.severity)
            return {index: (None, error)}
        return {index: (item_record(response.records[0], response.record_types[0]), None)}

    return answer


ADAPTERS = [ItemsAdapter()]

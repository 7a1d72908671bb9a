"""
Stock: an item's ``QtyOnHand`` moves with the invoices that sell it and with inventory adjustments.

Each change gives the item a new version, as an edit of the item would, so change data capture and webhooks report
the item. ``InventoryAdjustment`` (Intuit's entity since September 2024) needs an ``AdjustAccountRef`` and lines of
``ItemAdjustmentLineDetail`` with an inventory item and a ``QtyDiff``; deleting it takes the quantities back.
Stock may go below zero, as QuickBooks allows.

As Intuit documents, only inventory items can be adjusted and an adjustment's ``TxnDate`` cannot be edited; both
are refused with 6000, in the sandbox's wording (Intuit's is not published). A refused line refuses the whole
adjustment: nothing moves.
"""

from decimal import Decimal
from typing import ClassVar

from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.numbers import ZERO, to_decimal
from apps.qbo_sandbox.entities.schema import DATE, DECIMAL, REF, array, obj, text
from apps.qbo_sandbox.entities.shapes import CUSTOM_FIELDS, LINE_COMMON, entity_schema
from apps.qbo_sandbox.entities.storage import entity_lock, entity_rewrite
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity

Quantities = dict[str, Decimal]


def stock_apply(company: SandboxCompany, deltas: Quantities) -> None:
    """Add ``deltas`` (by item Id) to the items' QtyOnHand."""
    for item_id, delta in sorted(deltas.items()):
        if not delta:
            continue
        item = entity_lock(company, "Item", item_id)
        if item is None or not item.data.get("TrackQtyOnHand"):
            continue
        entity_rewrite(item, {"QtyOnHand": (to_decimal(item.data.get("QtyOnHand")) or ZERO) + delta})


def difference(after: Quantities, before: Quantities) -> Quantities:
    return {key: after.get(key, ZERO) - before.get(key, ZERO) for key in after.keys() | before.keys()}


def negated(quantities: Quantities) -> Quantities:
    return {key: -value for key, value in quantities.items()}


def adjusted_quantities(lines: list[Data] | None) -> Quantities:
    quantities: Quantities = {}
    for line in lines or []:
        detail = line.get("ItemAdjustmentLineDetail") or {}
        item_id = refs.ref_value(detail.get("ItemRef"))
        if item_id:
            quantities[item_id] = quantities.get(item_id, ZERO) + (to_decimal(detail.get("QtyDiff")) or ZERO)
    return quantities


def not_inventory(item: SandboxEntity) -> faults.QboFault:
    """6000 naming the item, so that a client can tell which line of a long adjustment was refused."""
    name = item.data.get("FullyQualifiedName") or item.data.get("Name") or item.entity_id
    return faults.business_validation(
        f'Item "{name}" (Id {item.entity_id}) is not an inventory item. Only inventory items that track quantity '
        "on hand can be adjusted.",
        element="ItemRef",
    )


class InventoryAdjustmentRules(EntityRules):
    entity_type = "InventoryAdjustment"
    sticky: ClassVar[tuple[str, ...]] = ("TxnDate",)
    schema = entity_schema(
        {
            "AdjustAccountRef": REF,
            "TxnDate": DATE,
            "DocNumber": text(21),
            "PrivateNote": text(4000),
            "DepartmentRef": REF,
            "ClassRef": REF,
            "CustomField": CUSTOM_FIELDS,
            "Line": array(
                obj(
                    {
                        **LINE_COMMON,
                        "ItemAdjustmentLineDetail": obj(
                            {"ItemRef": REF, "QtyDiff": DECIMAL, "ClassRef": REF, "SerialNum": text(), "LotNum": text()}
                        ),
                    }
                )
            ),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        if not data.get("AdjustAccountRef"):
            raise faults.required_missing("AdjustAccountRef")
        data["AdjustAccountRef"] = refs.ref_to(refs.resolve(ctx.company, "Account", data["AdjustAccountRef"]))
        if not data.get("Line"):
            raise faults.required_missing("Line")
        lines = []
        for number, raw in enumerate(data["Line"], start=1):
            detail = dict(raw.get("ItemAdjustmentLineDetail") or {})
            if not detail.get("ItemRef"):
                raise faults.required_missing("ItemRef")
            if detail.get("QtyDiff") is None:
                raise faults.required_missing("QtyDiff")
            item = refs.resolve(ctx.company, "Item", detail["ItemRef"])
            if item.data.get("Type") != "Inventory" or not item.data.get("TrackQtyOnHand"):
                raise not_inventory(item)
            detail["ItemRef"] = refs.ref_to(item)
            line: Data = {"Id": str(number), "LineNum": number, "DetailType": "ItemAdjustmentLineDetail"}
            if raw.get("Description"):
                line["Description"] = raw["Description"]
            line["ItemAdjustmentLineDetail"] = detail
            lines.append(line)
        data["Line"] = lines
        if existing is not None and data.get("TxnDate") not in (None, existing.data.get("TxnDate")):
            raise faults.business_validation(
                "The transaction date of an inventory adjustment can't be changed.", element="TxnDate"
            )
        data.setdefault("TxnDate", ctx.today.isoformat())
        return data

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        before = adjusted_quantities(previous.get("Line")) if previous else {}
        stock_apply(ctx.company, difference(adjusted_quantities(entity.data.get("Line")), before))

    def after_delete(self, ctx: WriteContext, entity: SandboxEntity) -> None:
        stock_apply(ctx.company, negated(adjusted_quantities(entity.data.get("Line"))))

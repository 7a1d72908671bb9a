"""
Inventory adjustments: the one transaction here that changes stock.

Each line changes its item's QuantityOnHand (by QuantityDifference, or to NewQuantity) and the value of its stock, at
the item's average cost unless a ValueAdjustment says otherwise. QuantityOnHand is read from the item, so the item is
modified too (new EditSequence and TimeModified): a FromModifiedDate ItemInventoryQuery sees it. Only inventory items
can be adjusted; naming anything else refuses the whole request (3140) and changes nothing.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.locks import check_writable
from apps.qbd_sandbox.engine.refs import decimal, resolve_refs
from apps.qbd_sandbox.engine.txns import txn_new, txn_save, txn_view
from apps.qbd_sandbox.errors import StatusError, parse_error
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.fields import CENT
from apps.qbd_sandbox.qbxml.inventory import ADJUSTMENT_KINDS, INVENTORY_ADJUSTMENT_ADD

KIND = "InventoryAdjustment"
LINES = "InventoryAdjustmentLineRet"
# Serial and lot numbers are tracked by Enterprise's Advanced Inventory, which this company file does not have.
UNTRACKED = ("SerialNumberAdjustment", "LotNumberAdjustment")
FEATURE_OFF = "This feature is not enabled or not available in this version of QuickBooks."


def adjustment_choices(data: dict[str, Any]) -> None:
    """The schema's choices the parser cannot see: one way of adjusting per line, and one quantity (and value)."""
    for line in data.get("InventoryAdjustmentLineAdd", []):
        ways = [way for way in ADJUSTMENT_KINDS if way in line]
        if len(ways) != 1:
            raise parse_error()
        way, given = ways[0], line[ways[0]]
        quantities = len({"NewQuantity", "QuantityDifference"} & given.keys())
        values = len({"NewValue", "ValueDifference"} & given.keys())
        if way in ("QuantityAdjustment", "ValueAdjustment") and quantities != 1:
            raise parse_error()
        if way == "ValueAdjustment" and values != 1:
            raise parse_error()


def _unit_cost(item: Record, quantity: Decimal, value: Decimal) -> Decimal:
    """The average cost of the stock on hand; the purchase cost while there is none."""
    return value / quantity if quantity > 0 else decimal(item.data.get("PurchaseCost"))


def _adjusted(item: Record, given: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """Apply one line to the item's stored quantity and value; returns the quantity and value differences."""
    quantity = decimal(item.data.get("QuantityOnHand"))
    cost = decimal(item.data.get("PurchaseCost"))
    value = decimal(item.data["TotalValue"]) if item.data.get("TotalValue") else (quantity * cost).quantize(CENT)
    change = given.get("QuantityAdjustment") or given["ValueAdjustment"]
    if "NewQuantity" in change:
        difference = decimal(change["NewQuantity"]) - quantity
    else:
        difference = decimal(change["QuantityDifference"])
    if "NewValue" in change:
        value_difference = decimal(change["NewValue"]) - value
    elif "ValueDifference" in change:
        value_difference = decimal(change["ValueDifference"])
    else:
        value_difference = (difference * _unit_cost(item, quantity, value)).quantize(CENT, ROUND_HALF_UP)
    item.data = {
        **item.data,
        "QuantityOnHand": format(quantity + difference, "f"),
        "TotalValue": format(value + value_difference, "f"),
    }
    return difference, value_difference


def adjustment_add(ctx: Ctx, data: dict[str, Any]) -> Record:
    resolve_refs(ctx, INVENTORY_ADJUSTMENT_ADD, data, owner="Inventory Adjustment")
    given_lines = data.pop("InventoryAdjustmentLineAdd", [])
    if any(way in line for line in given_lines for way in UNTRACKED):
        raise StatusError(3250, FEATURE_OFF)
    items: dict[str, Record] = {}
    changes = []
    for given in given_lines:
        list_id = given["ItemRef"]["ListID"]
        if list_id not in items:
            items[list_id] = ctx.record(list_id)
            check_writable(items[list_id])
        changes.append((list_id, *_adjusted(items[list_id], given)))
    data.setdefault("TxnDate", ctx.today())
    data[LINES] = [
        {
            "TxnLineID": ctx.new_txn_id(),
            "ItemRef": {"ListID": list_id},
            "QuantityDifference": format(difference, "f"),
            "ValueDifference": format(value_difference, "f"),
        }
        for list_id, difference, value_difference in changes
    ]
    customer = ctx.record(data["CustomerRef"]["ListID"]) if data.get("CustomerRef") else None
    adjustment = txn_save(txn_new(ctx, KIND, customer), data)
    for item in items.values():
        item.edit_sequence = ctx.edit_sequence(item.edit_sequence)
        item.time_modified = ctx.moment
        item.save(update_fields=["data", "edit_sequence", "time_modified"])
    ctx.forget()
    return adjustment


def adjustment_view(ctx: Ctx, adjustment: Record, *, lines: bool) -> dict[str, Any]:
    return txn_view(ctx, adjustment, lines_key=LINES, lines=lines)

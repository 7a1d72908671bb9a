"""
Purchase orders: what the company orders from a vendor, priced from the items' purchase side.

A purchase order posts nothing: no money moves and no stock (QuantityOnHand changes when the goods are received,
which this company file never does), so ReceivedQuantity stays 0 and no purchase order is fully received here.

Closing a purchase order (IsManuallyClosed in a Mod) closes each of its lines and reopening it reopens them; a line
may be closed on its own, and a purchase order whose lines are all closed is closed, as on QuickBooks' form.
"""

from decimal import Decimal
from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.invoices import line_priced
from apps.qbd_sandbox.engine.refs import decimal, resolve_refs
from apps.qbd_sandbox.engine.txns import (
    fields_merged,
    lines_modified,
    ref_number_next,
    txn_for_mod,
    txn_new,
    txn_save,
    txn_touch,
    txn_view,
)
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.orders import PURCHASE_ORDER_ADD, PURCHASE_ORDER_MOD

KIND = "PurchaseOrder"
OWNER = "Purchase Order"
LINES = "PurchaseOrderLineRet"
VENDOR_DEFAULTS = ("VendorAddress", "TermsRef")


def _line(ctx: Ctx, given: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    line = line_priced(ctx, given, base, purchase=True)
    line.setdefault("ReceivedQuantity", "0")
    line.setdefault("UnbilledQuantity", "0")
    line.setdefault("IsBilled", False)
    line.setdefault("IsManuallyClosed", False)
    return line


def _fully_received(lines: list[dict[str, Any]]) -> bool:
    ordered = [line for line in lines if decimal(line.get("Quantity")) > 0]
    return bool(ordered) and all(decimal(line["ReceivedQuantity"]) >= decimal(line["Quantity"]) for line in ordered)


def _store(order: Record, data: dict[str, Any]) -> Record:
    lines = data.get(LINES, [])
    data["TotalAmount"] = format(sum((decimal(line.get("Amount")) for line in lines), Decimal(0)), "f")
    data["IsFullyReceived"] = _fully_received(lines)
    return txn_save(order, data)


def purchase_order_add(ctx: Ctx, data: dict[str, Any]) -> Record:
    resolve_refs(ctx, PURCHASE_ORDER_ADD, data, owner=OWNER)
    vendor = ctx.record(data["VendorRef"]["ListID"])
    for field in VENDOR_DEFAULTS:
        if field not in data and vendor.data.get(field):
            data[field] = vendor.data[field]
    data.setdefault("TxnDate", ctx.today())
    data["RefNumber"] = data.get("RefNumber") or ref_number_next(ctx, KIND)
    data.setdefault("IsToBePrinted", False)
    data.setdefault("IsToBeEmailed", False)
    data["IsManuallyClosed"] = False
    data[LINES] = [
        {"TxnLineID": ctx.new_txn_id(), **_line(ctx, given)} for given in data.pop("PurchaseOrderLineAdd", [])
    ]
    return _store(txn_new(ctx, KIND, vendor), data)


def purchase_order_mod(ctx: Ctx, data: dict[str, Any]) -> Record:
    order = txn_for_mod(ctx, KIND, data)
    resolve_refs(ctx, PURCHASE_ORDER_MOD, data, owner=OWNER)
    closed = data.pop("IsManuallyClosed", None)
    line_mods = data.pop("PurchaseOrderLineMod", None)
    if "VendorRef" in data:
        order.entity = ctx.record(data["VendorRef"]["ListID"])
    stored = fields_merged(order.data, data)
    lines = stored.get(LINES, [])
    if closed is not None:
        lines = [{**line, "IsManuallyClosed": closed} for line in lines]
    if line_mods is not None:
        lines = lines_modified(ctx, lines, line_mods, _line)
    stored[LINES] = lines
    if lines:
        stored["IsManuallyClosed"] = all(line["IsManuallyClosed"] for line in lines)
    elif closed is not None:
        stored["IsManuallyClosed"] = closed
    txn_touch(ctx, order)
    return _store(order, stored)


def purchase_order_view(ctx: Ctx, order: Record, *, lines: bool) -> dict[str, Any]:
    return txn_view(ctx, order, lines_key=LINES, lines=lines)

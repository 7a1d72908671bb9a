"""
Estimates: a quote to a customer or job, priced and taxed like an invoice from the same customer and items.

An estimate posts nothing: it owes no balance and moves no stock (QuantityOnHand is unchanged). Desktop keeps no
accepted or declined status for it, only IsActive: an estimate is active until someone marks it inactive.
"""

from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.invoices import customer_defaults_apply, line_priced, sales_totals
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
from apps.qbd_sandbox.qbxml.orders import ESTIMATE_ADD, ESTIMATE_MOD

KIND = "Estimate"
LINES = "EstimateLineRet"


def _store(ctx: Ctx, estimate: Record, data: dict[str, Any]) -> Record:
    sales_totals(ctx, data, LINES)
    data["TotalAmount"] = format(decimal(data["Subtotal"]) + decimal(data["SalesTaxTotal"]), "f")
    estimate.is_active = data.get("IsActive") is not False
    return txn_save(estimate, data)


def estimate_add(ctx: Ctx, data: dict[str, Any]) -> Record:
    resolve_refs(ctx, ESTIMATE_ADD, data, owner=KIND)
    customer = ctx.record(data["CustomerRef"]["ListID"])
    customer_defaults_apply(ctx, data, customer, only_missing=True)
    data.setdefault("TxnDate", ctx.today())
    data["RefNumber"] = data.get("RefNumber") or ref_number_next(ctx, KIND)
    data.setdefault("IsActive", True)
    data.setdefault("IsToBeEmailed", False)
    data[LINES] = [
        {"TxnLineID": ctx.new_txn_id(), **line_priced(ctx, given)} for given in data.pop("EstimateLineAdd", [])
    ]
    return _store(ctx, txn_new(ctx, KIND, customer), data)


def estimate_mod(ctx: Ctx, data: dict[str, Any]) -> Record:
    estimate = txn_for_mod(ctx, KIND, data)
    resolve_refs(ctx, ESTIMATE_MOD, data, owner=KIND)
    line_mods = data.pop("EstimateLineMod", None)
    if "CustomerRef" in data:
        estimate.entity = ctx.record(data["CustomerRef"]["ListID"])
    stored = fields_merged(estimate.data, data)
    if line_mods is not None:
        stored[LINES] = lines_modified(ctx, stored.get(LINES, []), line_mods, line_priced)
    txn_touch(ctx, estimate)
    return _store(ctx, estimate, stored)


def estimate_view(ctx: Ctx, estimate: Record, *, lines: bool) -> dict[str, Any]:
    return txn_view(ctx, estimate, lines_key=LINES, lines=lines)

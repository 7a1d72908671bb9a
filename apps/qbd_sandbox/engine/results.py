"""What one request answers, and records rendered as the Ret elements QuickBooks returns."""

from dataclasses import dataclass, field

from lxml import etree

from apps.qbd_sandbox.engine.adjustments import adjustment_view
from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.estimates import estimate_view
from apps.qbd_sandbox.engine.invoices import invoice_view
from apps.qbd_sandbox.engine.lists import LIST_KINDS, list_view
from apps.qbd_sandbox.engine.names import customer_balances
from apps.qbd_sandbox.engine.payments import payment_view
from apps.qbd_sandbox.engine.purchase_orders import purchase_order_view
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.document import format_value, render
from apps.qbd_sandbox.qbxml.inventory import INVENTORY_ADJUSTMENT_RET
from apps.qbd_sandbox.qbxml.orders import ESTIMATE_RET, PURCHASE_ORDER_RET
from apps.qbd_sandbox.qbxml.txns import INVOICE_RET, RECEIVE_PAYMENT_RET

STATUS_OK = "Status OK"
NO_MATCH = "A query request did not find a matching object in QuickBooks"
# Transactions with nothing applied to them: how each is viewed, and its Ret.
TXN_RETS = {
    "PurchaseOrder": (purchase_order_view, PURCHASE_ORDER_RET),
    "Estimate": (estimate_view, ESTIMATE_RET),
    "InventoryAdjustment": (adjustment_view, INVENTORY_ADJUSTMENT_RET),
}


@dataclass
class Result:
    """The children and status attributes of one ``XxxRs``."""

    elements: list[etree._Element] = field(default_factory=list)
    code: int = 0
    severity: str = "Info"
    message: str = STATUS_OK
    # retCount, iteratorRemainingCount, iteratorID: in this order after the status attributes.
    attrs: dict[str, str] = field(default_factory=dict)


def no_match(**attrs: str) -> Result:
    return Result(code=1, severity="Info", message=NO_MATCH, attrs=attrs)


def records_rendered(
    ctx: Ctx,
    records: list[Record],
    *,
    lines: bool = True,
    linked: bool = False,
    include: set[str] | None = None,
) -> list[etree._Element]:
    """Records as Ret elements; ``include`` (IncludeRetElement) keeps only the top-level elements it names."""
    referenced: set[str] = set()
    for record in records:
        referenced.update(record.ref_ids.split())
    ctx.prefetch(referenced)
    balances = customer_balances(ctx, records)
    elements = []
    for record in records:
        if record.kind == "Invoice":
            view, spec = invoice_view(ctx, record, lines=lines, linked=linked), INVOICE_RET
        elif record.kind == "ReceivePayment":
            view, spec = payment_view(ctx, record, lines=lines), RECEIVE_PAYMENT_RET
        elif record.kind in TXN_RETS:
            viewer, spec = TXN_RETS[record.kind]
            view = viewer(ctx, record, lines=lines)
        else:
            view, spec = list_view(ctx, record), LIST_KINDS[record.kind].ret
            if record.pk in balances:
                view["Balance"], view["TotalBalance"] = balances[record.pk]
        element = render(etree.Element(f"{record.kind}Ret"), spec, view, ctx.full_name_of)
        if include:
            for child in list(element):
                if child.tag not in include:
                    element.remove(child)
        elements.append(element)
    return elements


def simple(parent_values: list[tuple[str, object, str]]) -> list[etree._Element]:
    """Loose elements (ListDelRs and TxnDelRs have no Ret): (name, value, qbXML type)."""
    elements = []
    for name, value, kind in parent_values:
        if value in (None, ""):
            continue
        element = etree.Element(name)
        element.text = format_value(kind, value)
        elements.append(element)
    return elements

"""
Writes to vendors and receiving orders: the admin, the API and the sync all call these, so the rules live here.

A receiving order's status follows its lines (open, partly received, received) until it is closed; goods are
received with ``receiving_order_receive``, which adds receipt movements to the items' stock ledger.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from apps.catalog.models import StockMovementKind
from apps.catalog.stock import Document, StockChange, stock_move
from apps.core.display import format_quantity
from apps.core.documents import next_number
from apps.core.lines import DocumentLines, Rows, shown_order
from apps.core.rules import record_validate
from apps.purchasing.models import ReceivingOrder, ReceivingOrderLine, ReceivingOrderStatus, Vendor

S = ReceivingOrderStatus
ZERO = Decimal("0")
LINES = DocumentLines(
    model=ReceivingOrderLine,
    owner_field="order",
    quantity="quantity_ordered",
    price="unit_cost",
    done="quantity_received",
    done_verb="received",
    # What a new line takes from its item when it is not given.
    item_defaults={"description": "description", "unit_cost": "cost"},
)


class ReceivingOrderStatusError(Exception):
    """The order's status does not allow this (a closed order edited, goods received on a closed order)."""


def vendor_create(**fields: Any) -> Vendor:
    vendor = Vendor(**fields)
    record_validate(vendor)
    vendor.save()
    return vendor


def vendor_update(*, vendor: Vendor, **fields: Any) -> Vendor:
    for name, value in fields.items():
        setattr(vendor, name, value)
    record_validate(vendor)
    vendor.save()
    return vendor


@transaction.atomic
def receiving_order_create(*, lines: Rows = (), **fields: Any) -> ReceivingOrder:
    order = ReceivingOrder(**fields)
    if not order.division_id and order.vendor_id:
        order.division_id = order.vendor.division_id
    if order.vendor_id and not order.vendor.active:
        raise ValidationError({"vendor": f"Vendor “{order.vendor}” is inactive; make it active to order from it."})
    if not order.number:
        order.number = next_number(model=ReceivingOrder, division_id=order.division_id)
    order.full_clean()
    order.save()
    LINES.write(order, lines)
    return receiving_order_recalculate(order=order)


@transaction.atomic
def receiving_order_update(*, order: ReceivingOrder, lines: Rows | None = None, **fields: Any) -> ReceivingOrder:
    """Change an order; ``lines`` is the complete set of lines (``None`` keeps them). A closed order is refused."""
    if order.status == S.CLOSED:
        raise ReceivingOrderStatusError(f"{order} is closed and cannot be changed.")
    if "division" in fields and fields["division"].pk != order.division_id:
        raise ValidationError({"division": "An order cannot move to another division."})
    for name, value in fields.items():
        setattr(order, name, value)
    order.full_clean()
    order.save()
    if lines is not None:
        LINES.write(order, lines)
    return receiving_order_recalculate(order=order)


@transaction.atomic
def receiving_order_delete(*, order: ReceivingOrder) -> None:
    if order.lines.filter(quantity_received__gt=0).exists():
        raise ReceivingOrderStatusError(f"Goods have been received on {order}; close it instead of deleting it.")
    order.delete()


@transaction.atomic
def receiving_order_receive(
    *,
    order: ReceivingOrder,
    quantities: Mapping[int, Decimal],
    received_at: datetime | None = None,
    note: str = "",
) -> ReceivingOrder:
    """
    Record goods received: ``quantities`` by line id (lines left out or at zero received nothing). Partial receipts
    are allowed; more than a line still expects is refused with the line named, and nothing is written. Stocked
    items get a receipt movement each.
    """
    order = ReceivingOrder.objects.select_for_update().get(pk=order.pk)
    if order.status == S.CLOSED:
        raise ReceivingOrderStatusError(f"{order} is closed; reopen it in QuickBooks or create a new order.")
    lines = {line.pk: line for line in order.lines.select_related("item")}
    errors, changes, received = [], [], []
    for position, (line_id, quantity) in enumerate(quantities.items(), start=1):
        line = lines.get(line_id)
        if line is None:
            errors.append(f"Line {line_id} does not belong to {order}.")
            continue
        name = f"Line {line.position or position} (“{line.item.name}”)"
        if quantity < 0:
            errors.append(f"{name}: a received quantity cannot be negative.")
        elif quantity > line.quantity_outstanding:
            errors.append(
                f"{name}: {format_quantity(quantity)} received, but only {format_quantity(line.quantity_outstanding)} "
                f"of the {format_quantity(line.quantity_ordered)} ordered are still expected."
            )
        elif quantity > 0:
            line.quantity_received += quantity
            received.append(line)
            if line.item.is_stocked:
                changes.append(StockChange(item_id=line.item_id, quantity=quantity, line=name))
    if errors:
        raise ValidationError(errors)
    if not received:
        raise ValidationError("Nothing to receive: enter the quantity received on at least one line.")
    ReceivingOrderLine.objects.bulk_update(received, ["quantity_received"])
    if changes:
        stock_move(
            changes=changes,
            kind=StockMovementKind.RECEIPT,
            document=Document(str(order), order),
            verb="received",
            refuse_negative=False,
            occurred_at=received_at,
            note=note,
        )
    return receiving_order_recalculate(order=order)


@transaction.atomic
def receiving_order_close(*, order: ReceivingOrder) -> ReceivingOrder:
    """Close an order: nothing more is expected on it (the rest will not come, or it was received elsewhere)."""
    order.status = S.CLOSED
    order.save(update_fields=["status", "updated_at"])
    return order


@transaction.atomic
def receiving_order_reopen(*, order: ReceivingOrder) -> ReceivingOrder:
    """Reopen a closed order: its status follows its lines again."""
    order.status = S.OPEN
    return receiving_order_recalculate(order=order)


def receiving_order_lines_refresh(*, order: ReceivingOrder) -> ReceivingOrder:
    """After lines were written on the order's page: lines numbered as shown, their amounts, the total, the status."""
    LINES.refresh(shown_order(order.lines.all()))
    return receiving_order_recalculate(order=order)


def receiving_order_recalculate(*, order: ReceivingOrder) -> ReceivingOrder:
    """Store the order's total and, unless it is closed, the status its lines give."""
    lines = list(order.lines.all())
    order.total = sum((line.amount for line in lines), Decimal("0.00"))
    if order.status != S.CLOSED:
        order.status = _status_of(lines)
    order.save(update_fields=["total", "status", "updated_at"])
    return order


def receiving_orders_outstanding(*, item_id: int) -> Decimal:
    """How many of the item are ordered and not yet received, on orders still open."""
    lines = ReceivingOrderLine.objects.filter(item_id=item_id).exclude(order__status__in=(S.CLOSED, S.RECEIVED))
    totals = lines.aggregate(ordered=Sum("quantity_ordered"), received=Sum("quantity_received"))
    return (totals["ordered"] or ZERO) - (totals["received"] or ZERO)


def _status_of(lines: list[ReceivingOrderLine]) -> str:
    if lines and all(line.quantity_received >= line.quantity_ordered for line in lines):
        return S.RECEIVED
    if any(line.quantity_received > 0 for line in lines):
        return S.PARTLY_RECEIVED
    return S.OPEN

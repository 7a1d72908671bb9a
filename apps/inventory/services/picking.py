"""
Picking orders: written with their lines, picked (stock taken, a pick movement per stocked line), then billed with
``picking_order_invoice``, which makes a draft invoice of what was picked and closes the order.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import StockMovementKind
from apps.catalog.stock import Document, StockChange, stock_move
from apps.core.display import format_quantity
from apps.core.documents import next_number
from apps.core.lines import DocumentLines, Rows, shown_order
from apps.inventory.models import PickingOrder, PickingOrderLine, PickingOrderStatus
from apps.invoicing.models import Invoice
from apps.invoicing.services import invoice_create

S = PickingOrderStatus
FINISHED = (S.CLOSED, S.CANCELLED)
LINES = DocumentLines(
    model=PickingOrderLine,
    owner_field="order",
    quantity="quantity",
    price="unit_price",
    done="quantity_picked",
    done_verb="picked",
    item_defaults={"description": "description", "unit_price": "sales_price"},
)


class PickingOrderStatusError(Exception):
    """The order's status does not allow this (a closed order edited, a cancelled order picked)."""


@transaction.atomic
def picking_order_create(*, lines: Rows = (), **fields: Any) -> PickingOrder:
    order = PickingOrder(**fields)
    if not order.division_id and order.customer_id:
        order.division_id = order.customer.division_id
    if not order.number:
        order.number = next_number(model=PickingOrder, division_id=order.division_id)
    order.full_clean()
    order.save()
    LINES.write(order, lines)
    return picking_order_recalculate(order=order)


@transaction.atomic
def picking_order_update(*, order: PickingOrder, lines: Rows | None = None, **fields: Any) -> PickingOrder:
    """Change an order; ``lines`` is the complete set of lines (``None`` keeps them). A finished order is refused."""
    if order.status in FINISHED:
        raise PickingOrderStatusError(f"{order} is {order.get_status_display().lower()} and cannot be changed.")
    if "division" in fields and fields["division"].pk != order.division_id:
        raise ValidationError({"division": "An order cannot move to another division."})
    for name, value in fields.items():
        setattr(order, name, value)
    order.full_clean()
    order.save()
    if lines is not None:
        LINES.write(order, lines)
    return picking_order_recalculate(order=order)


@transaction.atomic
def picking_order_delete(*, order: PickingOrder) -> None:
    if order.lines.filter(quantity_picked__gt=0).exists():
        raise PickingOrderStatusError(f"Goods have been picked on {order}; it cannot be deleted.")
    order.delete()


@transaction.atomic
def picking_order_pick(
    *, order: PickingOrder, quantities: Mapping[int, Decimal], picked_at: datetime | None = None, note: str = ""
) -> PickingOrder:
    """
    Record items picked: ``quantities`` by line id. More than a line asks for, or more of a stocked item than is on
    hand, is refused with the line named, and nothing is written. Stocked items get a pick movement each.
    """
    order = PickingOrder.objects.select_for_update().get(pk=order.pk)
    if order.status in FINISHED:
        raise PickingOrderStatusError(f"{order} is {order.get_status_display().lower()}; nothing can be picked on it.")
    lines = {line.pk: line for line in order.lines.select_related("item")}
    errors, changes, picked = [], [], []
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            errors.append(f"Line {line_id} does not belong to {order}.")
            continue
        name = f"Line {line.position} (“{line.item.name}”)"
        if quantity < 0:
            errors.append(f"{name}: a picked quantity cannot be negative.")
        elif quantity > line.quantity_outstanding:
            errors.append(
                f"{name}: {format_quantity(quantity)} picked, but only {format_quantity(line.quantity_outstanding)} "
                f"of the {format_quantity(line.quantity)} asked for are left to pick."
            )
        elif quantity > 0:
            line.quantity_picked += quantity
            picked.append(line)
            if line.item.is_stocked:
                changes.append(StockChange(item_id=line.item_id, quantity=-quantity, line=name))
    if errors:
        raise ValidationError(errors)
    if not picked:
        raise ValidationError("Nothing to pick: enter the quantity picked on at least one line.")
    if changes:
        stock_move(
            changes=changes,
            kind=StockMovementKind.PICK,
            document=Document(str(order), order),
            verb="picked",
            refuse_negative=True,
            occurred_at=picked_at,
            note=note,
        )
    PickingOrderLine.objects.bulk_update(picked, ["quantity_picked"])
    return picking_order_recalculate(order=order)


def picking_order_invoice_refusal(order: PickingOrder) -> str | None:
    """Why no invoice can be made of ``order`` now, or ``None``."""
    if order.invoice_id is not None:
        return f"{order} was already billed on {order.invoice}."
    if order.status == S.CANCELLED:
        return f"{order} is cancelled."
    if not order.lines.filter(quantity_picked__gt=0).exists():
        return f"Nothing has been picked on {order} yet: pick it first."
    return None


@transaction.atomic
def picking_order_invoice(*, order: PickingOrder) -> Invoice:
    """
    A draft invoice of what was picked (each picked line at its unit price, to the order's customer and location);
    the order is closed and keeps the invoice. Lines nothing was picked on are left out.
    """
    order = PickingOrder.objects.select_for_update().get(pk=order.pk)
    if refusal := picking_order_invoice_refusal(order):
        raise PickingOrderStatusError(refusal)
    lines = [
        {
            "item": line.item,
            "description": line.description,
            "quantity": line.quantity_picked,
            "unit_price": line.unit_price,
            "taxable": line.item.taxable,
        }
        for line in order.lines.select_related("item").filter(quantity_picked__gt=0)
    ]
    memo = f"Picked on {order}." + (f" {order.memo}" if order.memo else "")
    invoice = invoice_create(
        division=order.division,
        customer=order.customer,
        service_location=order.service_location,
        memo=memo[:1000],
        lines=lines,
    )
    order.invoice = invoice
    order.status = S.CLOSED
    order.save(update_fields=["invoice", "status", "updated_at"])
    return invoice


@transaction.atomic
def picking_order_cancel(*, order: PickingOrder) -> PickingOrder:
    if order.status in FINISHED:
        raise PickingOrderStatusError(f"{order} is already {order.get_status_display().lower()}.")
    if order.lines.filter(quantity_picked__gt=0).exists():
        raise PickingOrderStatusError(
            f"Goods have been picked on {order}: bill them, or put them back with an inventory adjustment first."
        )
    order.status = S.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    return order


def picking_order_status_set(*, order: PickingOrder, status: str) -> PickingOrder:
    """Set the status another system decided (an estimate closed or rejected there); the lines stay as they are."""
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    return order


def picking_order_lines_refresh(*, order: PickingOrder) -> PickingOrder:
    """After lines were written on the order's page: lines numbered as shown, their amounts, the total, the status."""
    LINES.refresh(shown_order(order.lines.all()))
    return picking_order_recalculate(order=order)


def picking_order_recalculate(*, order: PickingOrder) -> PickingOrder:
    """Store the order's total and, while it is not finished, the status its lines give."""
    lines = list(order.lines.all())
    order.total = sum((line.amount for line in lines), Decimal("0.00"))
    if order.status not in FINISHED:
        fully_picked = bool(lines) and all(line.quantity_picked >= line.quantity for line in lines)
        order.status = S.PICKED if fully_picked else S.OPEN
    order.save(update_fields=["total", "status", "updated_at"])
    return order

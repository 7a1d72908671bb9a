"""Picking orders: picks take stock (never more than on hand), and what was picked becomes a draft invoice."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting.models import ItemType
from apps.catalog.models import StockMovement, StockMovementKind
from apps.inventory import services
from apps.inventory.models import PickingOrderStatus as S
from apps.invoicing.models import InvoiceStatus
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    location = ServiceLocationFactory(customer=CustomerFactory(display_name="Lakeside Apartments"))
    pipe = stocked_item("Copper pipe", "5", sales_price="8.00")
    labor = stocked_item("Install labor", "0", item_type=ItemType.SERVICE, sales_price="95.00")
    return services.picking_order_create(
        customer=location.customer,
        service_location=location,
        lines=[
            {"item": pipe, "quantity": Decimal("4")},
            {"item": labor, "quantity": Decimal("2"), "description": "Two hours"},
        ],
    )


def picks(order, *values: str) -> dict[int, Decimal]:
    return {line.pk: Decimal(value) for line, value in zip(order.lines.all(), values, strict=True)}


def test_an_order_takes_prices_from_its_items(order):
    pipe_line, labor_line = order.lines.all()
    assert (pipe_line.unit_price, pipe_line.amount) == (Decimal("8.00"), Decimal("32.00"))
    assert labor_line.amount == Decimal("190.00")
    assert (order.total, order.number, order.status) == (Decimal("222.00"), "1001", S.OPEN)


def test_a_pick_takes_stock_and_a_full_pick_marks_the_order_picked(order):
    order = services.picking_order_pick(order=order, quantities=picks(order, "1", "0"))
    pipe_line = order.lines.first()
    assert order.status == S.OPEN
    assert on_hand(pipe_line.item) == Decimal("4")
    order = services.picking_order_pick(order=order, quantities=picks(order, "3", "2"))
    assert order.status == S.PICKED
    assert on_hand(pipe_line.item) == Decimal("1")
    assert [m.quantity for m in StockMovement.objects.filter(kind=StockMovementKind.PICK).order_by("id")] == [
        Decimal("-1"), Decimal("-3"),
    ]
    assert ledger_balanced(pipe_line.item)


def test_a_pick_larger_than_on_hand_is_refused_and_nothing_is_written(order):
    pipe_line = order.lines.first()
    services.picking_order_update(
        order=order, lines=[{"id": pipe_line.pk, "quantity": Decimal("9")}, {"id": order.lines.last().pk}]
    )
    with pytest.raises(ValidationError) as refused:
        services.picking_order_pick(order=order, quantities=picks(order, "6", "1"))
    assert refused.value.messages == ["Line 1 (“Copper pipe”): only 5 of “Copper pipe” on hand; 6 cannot be picked."]
    order.refresh_from_db()
    assert [line.quantity_picked for line in order.lines.all()] == [0, 0]
    assert on_hand(pipe_line.item) == Decimal("5")


def test_a_pick_larger_than_the_line_is_refused(order):
    with pytest.raises(ValidationError, match="only 4 of the 4 asked for are left to pick"):
        services.picking_order_pick(order=order, quantities=picks(order, "5", "0"))


def test_what_was_picked_becomes_a_draft_invoice_and_closes_the_order(order):
    order = services.picking_order_pick(order=order, quantities=picks(order, "3", "2"))
    invoice = services.picking_order_invoice(order=order)
    order.refresh_from_db()
    assert (order.status, order.invoice_id) == (S.CLOSED, invoice.pk)
    assert (invoice.status, invoice.customer_id, invoice.service_location_id) == (
        InvoiceStatus.DRAFT, order.customer_id, order.service_location_id,
    )
    lines = [(line.item.name, line.quantity, line.unit_price, line.description) for line in invoice.lines.all()]
    assert lines == [
        ("Copper pipe", Decimal("3"), Decimal("8.00"), ""),
        ("Install labor", Decimal("2"), Decimal("95.00"), "Two hours"),
    ]
    assert invoice.subtotal == Decimal("214.00")
    with pytest.raises(services.PickingOrderStatusError, match="already billed"):
        services.picking_order_invoice(order=order)
    with pytest.raises(services.PickingOrderStatusError, match="closed and cannot be changed"):
        services.picking_order_update(order=order, memo="late")


def test_nothing_picked_cannot_be_invoiced_and_an_unpicked_order_can_be_cancelled(order):
    with pytest.raises(services.PickingOrderStatusError, match="Nothing has been picked"):
        services.picking_order_invoice(order=order)
    order = services.picking_order_cancel(order=order)
    assert order.status == S.CANCELLED
    with pytest.raises(services.PickingOrderStatusError, match="cancelled"):
        services.picking_order_pick(order=order, quantities=picks(order, "1", "0"))


def test_a_picked_order_cannot_be_cancelled_nor_deleted(order):
    services.picking_order_pick(order=order, quantities=picks(order, "1", "0"))
    with pytest.raises(services.PickingOrderStatusError, match="Goods have been picked"):
        services.picking_order_cancel(order=order)
    with pytest.raises(services.PickingOrderStatusError, match="cannot be deleted"):
        services.picking_order_delete(order=order)


def test_a_location_of_another_customer_is_refused(order):
    with pytest.raises(ValidationError, match="belongs to another customer"):
        services.picking_order_update(order=order, service_location=ServiceLocationFactory())

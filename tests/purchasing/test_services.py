"""Receiving orders: lines, totals, partial and full receipts into stock, and the refusals that write nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting.models import ItemType
from apps.catalog.models import StockMovement, StockMovementKind
from apps.purchasing import services
from apps.purchasing.models import ReceivingOrderStatus as S
from tests.factories import VendorFactory
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    pipe = stocked_item("Copper pipe", "4", cost="3.33")
    filter_ = stocked_item("Furnace filter", "0", cost="12.50")
    return services.receiving_order_create(
        vendor=VendorFactory(),
        lines=[
            {"item": pipe, "quantity_ordered": Decimal("3"), "unit_cost": Decimal("3.333")},
            {"item": filter_, "quantity_ordered": Decimal("10"), "unit_cost": Decimal("11.00")},
        ],
    )


def quantities(order, *values: str) -> dict[int, Decimal]:
    return {line.pk: Decimal(value) for line, value in zip(order.lines.all(), values, strict=True)}


def test_an_order_takes_its_number_costs_and_total(order):
    pipe_line, filter_line = order.lines.all()
    assert order.number == "1001"
    assert order.division_id == order.vendor.division_id
    assert (pipe_line.unit_cost, pipe_line.amount, pipe_line.description) == (Decimal("3.333"), Decimal("10.00"), "")
    assert filter_line.description == ""
    assert filter_line.amount == Decimal("110.00")
    assert order.total == Decimal("120.00")
    assert order.status == S.OPEN


def test_a_partial_receipt_moves_stock_and_leaves_the_rest_expected(order):
    order = services.receiving_order_receive(order=order, quantities=quantities(order, "2", "0"))
    pipe_line, filter_line = order.lines.all()
    assert order.status == S.PARTLY_RECEIVED
    assert (pipe_line.quantity_received, pipe_line.quantity_outstanding) == (Decimal("2"), Decimal("1"))
    assert on_hand(pipe_line.item) == Decimal("6")
    movement = StockMovement.objects.get(item=pipe_line.item, kind=StockMovementKind.RECEIPT)
    assert (movement.quantity, movement.balance, movement.document) == (Decimal("2"), Decimal("6"), str(order))
    assert (movement.document_model, movement.document_id) == ("purchasing.receivingorder", order.pk)

    order = services.receiving_order_receive(order=order, quantities=quantities(order, "1", "10"))
    assert order.status == S.RECEIVED
    assert on_hand(filter_line.item) == Decimal("10")
    assert ledger_balanced(pipe_line.item, filter_line.item)


def test_more_than_expected_is_refused_and_nothing_is_written(order):
    with pytest.raises(ValidationError) as refused:
        services.receiving_order_receive(order=order, quantities=quantities(order, "1", "11"))
    assert refused.value.messages == [
        "Line 2 (“Furnace filter”): 11 received, but only 10 of the 10 ordered are still expected."
    ]
    order.refresh_from_db()
    assert [line.quantity_received for line in order.lines.all()] == [0, 0]
    assert not StockMovement.objects.filter(kind=StockMovementKind.RECEIPT).exists()
    assert order.status == S.OPEN


def test_nothing_entered_is_refused(order):
    with pytest.raises(ValidationError, match="Nothing to receive"):
        services.receiving_order_receive(order=order, quantities=quantities(order, "0", "0"))


def test_a_line_of_another_order_is_refused(order):
    other = services.receiving_order_create(vendor=order.vendor, lines=[{"item": order.lines.first().item}])
    with pytest.raises(ValidationError, match="does not belong"):
        services.receiving_order_receive(order=order, quantities={other.lines.get().pk: Decimal("1")})


def test_a_closed_order_receives_nothing_and_cannot_change(order):
    services.receiving_order_close(order=order)
    with pytest.raises(services.ReceivingOrderStatusError, match="closed"):
        services.receiving_order_receive(order=order, quantities=quantities(order, "1", "0"))
    with pytest.raises(services.ReceivingOrderStatusError, match="closed and cannot be changed"):
        services.receiving_order_update(order=order, memo="late edit")
    order = services.receiving_order_reopen(order=order)
    assert order.status == S.OPEN


def test_a_non_inventory_item_is_received_without_stock(order):
    bolts = stocked_item("Bolts", "0", item_type=ItemType.NON_INVENTORY)
    order = services.receiving_order_update(
        order=order, lines=[*order.lines.values("id"), {"item": bolts, "quantity_ordered": Decimal("5")}]
    )
    order = services.receiving_order_receive(order=order, quantities={order.lines.last().pk: Decimal("5")})
    assert order.lines.last().quantity_received == 5
    assert not StockMovement.objects.filter(item=bolts).exists()


def test_a_line_with_receipts_cannot_be_removed_nor_ordered_below_them(order):
    order = services.receiving_order_receive(order=order, quantities=quantities(order, "2", "0"))
    pipe_line, filter_line = order.lines.all()
    with pytest.raises(ValidationError, match="has 2 received and cannot be removed"):
        services.receiving_order_update(order=order, lines=[{"id": filter_line.pk}])
    with pytest.raises(ValidationError, match="More cannot be received than was ordered"):
        services.receiving_order_update(
            order=order, lines=[{"id": pipe_line.pk, "quantity_ordered": Decimal("1")}, {"id": filter_line.pk}]
        )
    with pytest.raises(services.ReceivingOrderStatusError, match="close it instead"):
        services.receiving_order_delete(order=order)


def test_an_inactive_vendor_cannot_be_ordered_from():
    vendor = VendorFactory(active=False)
    with pytest.raises(ValidationError, match="inactive"):
        services.receiving_order_create(vendor=vendor)


def test_a_vendor_takes_its_display_name_from_its_company_and_keeps_it_unique():
    vendor = services.vendor_create(company_name="Ferguson Supply", email="orders@ferguson.example.com")
    assert vendor.display_name == "Ferguson Supply"
    with pytest.raises(ValidationError, match="Another vendor of this division has this display name"):
        services.vendor_create(display_name="FERGUSON SUPPLY")

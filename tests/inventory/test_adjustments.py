"""Inventory adjustments: a draft changes freely; marked ready it moves the stock once, and is exported once."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting.models import ItemType
from apps.catalog.models import StockMovement, StockMovementKind
from apps.core.selectors import division_get_default
from apps.inventory import services
from apps.inventory.models import AdjustmentStatus as S
from tests.factories import UserFactory
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipe():
    return stocked_item("Copper pipe", "5")


def adjustment_of(*lines):
    return services.adjustment_create(
        division=division_get_default(),
        reason="damaged",
        lines=[{"item": item, "quantity_change": Decimal(change)} for item, change in lines],
    )


def test_marked_ready_an_adjustment_moves_the_stock_once(pipe):
    valve = stocked_item("Valve", "1", item_type=ItemType.EQUIPMENT)
    adjustment = adjustment_of((pipe, "-2"), (valve, "3"))
    assert on_hand(pipe) == Decimal("5")
    user = UserFactory()
    adjustment = services.adjustment_mark_ready(adjustment=adjustment, user=user)
    assert (adjustment.status, adjustment.marked_ready_by) == (S.READY, user)
    assert (on_hand(pipe), on_hand(valve)) == (Decimal("3"), Decimal("4"))
    movement = StockMovement.objects.get(item=pipe, kind=StockMovementKind.ADJUSTMENT)
    assert movement.document == f"{adjustment} (damaged)"
    with pytest.raises(services.AdjustmentStatusError, match="already ready"):
        services.adjustment_mark_ready(adjustment=adjustment, user=user)
    assert on_hand(pipe) == Decimal("3")
    assert ledger_balanced(pipe, valve)


def test_an_adjustment_that_would_make_stock_negative_is_refused(pipe):
    adjustment = adjustment_of((pipe, "-6"))
    with pytest.raises(ValidationError) as refused:
        services.adjustment_mark_ready(adjustment=adjustment, user=None)
    assert refused.value.messages == [
        "Line 1 (“Copper pipe”): only 5 of “Copper pipe” on hand; 6 cannot be taken away."
    ]
    adjustment.refresh_from_db()
    assert adjustment.status == S.DRAFT
    assert on_hand(pipe) == Decimal("5")


def test_an_adjustment_of_a_non_inventory_item_is_refused(pipe):
    bolts = stocked_item("Bolts", "0", item_type=ItemType.NON_INVENTORY)
    with pytest.raises(ValidationError) as refused:
        adjustment_of((pipe, "1"), (bolts, "4"))
    assert refused.value.messages == [
        "Line 2: “Bolts” is not an inventory item; only inventory and equipment items have stock to adjust."
    ]


def test_a_zero_change_is_refused(pipe):
    with pytest.raises(ValidationError, match="Line 1: A line must change the quantity"):
        adjustment_of((pipe, "0"))


def test_an_empty_adjustment_cannot_be_marked_ready():
    adjustment = adjustment_of()
    assert services.adjustment_mark_ready_refusal(adjustment) == f"{adjustment} has no lines: add the items whose " \
        "quantity changes."


def test_a_ready_adjustment_is_locked_and_exported_once(pipe):
    adjustment = services.adjustment_mark_ready(adjustment=adjustment_of((pipe, "1")), user=None)
    with pytest.raises(services.AdjustmentStatusError, match="can no longer change"):
        services.adjustment_update(adjustment=adjustment, memo="late")
    with pytest.raises(services.AdjustmentStatusError, match="can no longer change"):
        services.adjustment_delete(adjustment=adjustment)
    adjustment = services.adjustment_mark_exported(adjustment=adjustment)
    assert adjustment.status == S.EXPORTED and adjustment.exported_at is not None
    with pytest.raises(services.AdjustmentStatusError, match="not ready to export"):
        services.adjustment_mark_exported(adjustment=adjustment)


def test_a_draft_changes_freely(pipe):
    adjustment = adjustment_of((pipe, "1"))
    line = adjustment.lines.get()
    adjustment = services.adjustment_update(
        adjustment=adjustment, memo="recount", lines=[{"id": line.pk, "quantity_change": Decimal("-1")}]
    )
    assert adjustment.lines.get().quantity_change == Decimal("-1")
    services.adjustment_delete(adjustment=adjustment)
    assert on_hand(pipe) == Decimal("5")

"""The stock ledger: every quantity on hand is the sum of its item's movements, whichever way it changed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.accounting.models import ItemType
from apps.catalog.models import Item, StockMovement, StockMovementKind
from apps.catalog.services import item_update, items_bulk_upsert
from apps.catalog.stock import Document, StockChange, stock_move, stock_set
from apps.core.selectors import division_get_default
from apps.core.upserts import Upsert
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.django_db


def kinds(item: Item) -> list[tuple[str, Decimal]]:
    return [(m.kind, m.quantity) for m in StockMovement.objects.filter(item=item).order_by("occurred_at", "id")]


def test_an_item_created_with_a_quantity_opens_its_ledger():
    item = stocked_item("Copper pipe", "12")
    assert kinds(item) == [(StockMovementKind.OPENING, Decimal("12"))]
    assert ledger_balanced(item)


def test_a_quantity_typed_in_is_recorded_as_a_count_of_the_difference():
    item = stocked_item("Copper pipe", "12")
    item_update(item=item, quantity_on_hand=Decimal("9"), stock_source=Document("Counted"))
    item_update(item=item, quantity_on_hand=Decimal("9"), description="unchanged quantity")
    assert kinds(item) == [(StockMovementKind.OPENING, Decimal("12")), (StockMovementKind.COUNT, Decimal("-3"))]
    assert StockMovement.objects.filter(item=item, kind=StockMovementKind.COUNT).get().balance == Decimal("9")
    assert ledger_balanced(item)


def test_a_bulk_upsert_records_openings_and_counts_of_the_kind_given():
    kept = stocked_item("Kept", "5")
    counted = stocked_item("Counted", "5")
    division = division_get_default()
    rows = [
        Upsert(record=None, fields={"division": division, "name": "New", "item_type": ItemType.INVENTORY,
                                    "quantity_on_hand": Decimal("7")}),
        Upsert(record=kept, fields={"description": "no quantity change"}),
        Upsert(record=counted, fields={"quantity_on_hand": Decimal("8")}),
    ]
    results = items_bulk_upsert(
        rows=rows, stock_source=Document("QuickBooks item sync"), stock_kind=StockMovementKind.QUICKBOOKS_COUNT
    )
    new = results[0]
    assert kinds(new) == [(StockMovementKind.OPENING, Decimal("7"))]
    assert kinds(kept) == [(StockMovementKind.OPENING, Decimal("5"))]
    assert kinds(counted)[-1] == (StockMovementKind.QUICKBOOKS_COUNT, Decimal("3"))
    assert ledger_balanced(new, kept, counted)


def test_a_bulk_upsert_refused_row_records_nothing():
    stocked_item("Taken", "1")
    division = division_get_default()
    rows = [Upsert(record=None, fields={"division": division, "name": "taken", "item_type": ItemType.INVENTORY,
                                        "quantity_on_hand": Decimal("7")})]
    (result,) = items_bulk_upsert(rows=rows)
    assert isinstance(result, ValidationError)
    assert StockMovement.objects.count() == 1


def test_a_move_below_zero_is_refused_when_asked_and_nothing_is_written():
    pipe = stocked_item("Copper pipe", "2")
    valve = stocked_item("Valve", "10")
    with pytest.raises(ValidationError) as refused:
        stock_move(
            changes=[StockChange(valve.pk, Decimal("-1"), "Line 1"), StockChange(pipe.pk, Decimal("-3"), "Line 2")],
            kind=StockMovementKind.PICK, document=Document("Picking order 1001"), verb="picked",
            refuse_negative=True,
        )
    assert refused.value.messages == ["Line 2: only 2 of “Copper pipe” on hand; 3 cannot be picked."]
    assert (on_hand(pipe), on_hand(valve)) == (Decimal("2"), Decimal("10"))
    assert ledger_balanced(pipe, valve)


def test_two_changes_of_one_item_in_one_move_add_up():
    pipe = stocked_item("Copper pipe", "2")
    movements = stock_move(
        changes=[StockChange(pipe.pk, Decimal("-1")), StockChange(pipe.pk, Decimal("-1"))],
        kind=StockMovementKind.PICK, document=Document("Picking order 1001"), verb="picked", refuse_negative=True,
    )
    assert [m.balance for m in movements] == [Decimal("1"), Decimal("0")]
    assert on_hand(pipe) == 0


def test_an_item_without_stock_cannot_move():
    service = stocked_item("Tune-up", "0", item_type=ItemType.SERVICE)
    with pytest.raises(ValidationError, match="only inventory and equipment items have stock"):
        stock_move(
            changes=[StockChange(service.pk, Decimal("1"))], kind=StockMovementKind.RECEIPT,
            document=Document("x"), verb="received", refuse_negative=False,
        )
    assert not StockMovement.objects.filter(item=service).exists()


def test_a_count_set_twice_records_once():
    pipe = stocked_item("Copper pipe", "2")
    stock_set(items=[(pipe, Decimal("6"))], kind=StockMovementKind.QUICKBOOKS_COUNT, document=Document("Import"))
    stock_set(items=[(pipe, Decimal("6"))], kind=StockMovementKind.QUICKBOOKS_COUNT, document=Document("Import"))
    assert kinds(pipe) == [
        (StockMovementKind.OPENING, Decimal("2")), (StockMovementKind.QUICKBOOKS_COUNT, Decimal("4")),
    ]
    assert pipe.quantity_on_hand == on_hand(pipe) == Decimal("6")

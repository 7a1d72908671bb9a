"""
Stock with QuickBooks, both backends (``side``), seed 003: Import Inventory takes QuickBooks' quantity on hand only
where it is more than zero and the item is here; Export Inventory Adjustments sends each adjustment marked ready once,
and QuickBooks' quantity moves by it. Together they never count a change twice (docs/ARCHITECTURE.md, "Stock").
"""

from decimal import Decimal

import pytest

from apps.accounting.models import Account
from apps.catalog.models import Item, StockMovement, StockMovementKind
from apps.catalog.services import item_update
from apps.inventory import services as inventory
from apps.inventory.models import AdjustmentStatus, InventoryAdjustment
from apps.quickbooks.models import SyncAction, SyncRunStatus
from tests.quickbooks.scenarios.faults import LostAnswers
from tests.stock_helpers import ledger_balanced, on_hand, stocked_item

pytestmark = pytest.mark.usefixtures("live_server")

FILTER = "Air Filter 16x25"  # 40 on hand in QuickBooks (``items_of_each_kind_add``).


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run) -> list[tuple[str, str, str]]:
    return sorted(run.entries.values_list("entity", "action", "record_label"))


def stocked(side, *, account: str = "", **options) -> Item:
    """
    QuickBooks' chart and items here (inventory from QuickBooks), then ``options`` configured, adjustments going to
    the account named ``account`` (of QuickBooks' chart, read by that first sync).
    """
    side.chart_add()
    side.items_of_each_kind_add()
    side.inventory_item_add("Thermostat T6", 0)
    side.configure("off", lists=False, inventory="to_local")
    assert_clean(side.sync())
    if account:
        options["adjustment_account"] = Account.objects.get(division=side.division, name=account)
    side.configure("off", lists=False, inventory="to_local", **options)
    return Item.objects.get(name=FILTER)



def ready_adjustment(item: Item, change: str) -> InventoryAdjustment:
    adjustment = inventory.adjustment_create(
        division=item.division, reason="damaged", lines=[{"item": item, "quantity_change": Decimal(change)}]
    )
    return inventory.adjustment_mark_ready(adjustment=adjustment, user=None)


def test_import_inventory_takes_quickbooks_count_where_above_zero_and_the_item_is_here(side, division):
    air_filter = stocked(side, import_inventory=True)
    item_update(item=air_filter, quantity_on_hand=Decimal("35"))
    side.inventory_item_add("Igniter", 7)  # Not here: Import Inventory never creates items.

    run = side.sync(scope=["inventory"])

    assert_clean(run)
    assert entries(run) == [("item quantity", SyncAction.UPDATED, FILTER)]
    assert on_hand(air_filter) == Decimal("40")
    count = StockMovement.objects.filter(item=air_filter).latest("id")
    assert (count.kind, count.quantity, count.document) == (
        StockMovementKind.QUICKBOOKS_COUNT, Decimal("5"), "QuickBooks inventory import",
    )
    assert not Item.objects.filter(name="Igniter").exists()
    assert on_hand(Item.objects.get(name="Thermostat T6")) == 0
    assert run.counts["skipped"] == 2
    assert "Import Inventory skipped 2 QuickBooks items: " in run.summary
    assert "1 not in FieldOffice (Import Inventory never creates items)" in run.summary
    assert "1 with nothing on hand in QuickBooks" in run.summary
    assert ledger_balanced(air_filter)

    again = side.sync(scope=["inventory"])
    assert_clean(again)
    assert not again.entries.exists()
    assert StockMovement.objects.filter(item=air_filter).latest("id") == count


def test_an_adjustment_goes_to_quickbooks_once_and_moves_its_quantity_there(side, division):
    air_filter = stocked(side, import_inventory=True, export_adjustments=True, account="Cost of Goods Sold")
    adjustment = ready_adjustment(air_filter, "-3")
    assert on_hand(air_filter) == Decimal("37")

    run = side.sync()

    assert_clean(run)
    assert ("inventory adjustment", SyncAction.CREATED, str(adjustment)) in entries(run)
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.EXPORTED
    assert side.item_there(FILTER)["quantity"] == Decimal("37")
    assert side.adjustments_there() == 1
    # QuickBooks' count now includes it: nothing is counted twice.
    assert on_hand(air_filter) == Decimal("37")
    assert ledger_balanced(air_filter)

    again = side.sync()
    assert_clean(again)
    assert not again.entries.exists()
    assert side.adjustments_there() == 1


def test_an_adjustment_waiting_for_its_export_keeps_the_import_off_its_item(side, division):
    air_filter = stocked(side, import_inventory=True, export_adjustments=True)  # No adjustment account there.
    adjustment = ready_adjustment(air_filter, "-3")

    run = side.sync()

    assert run.status == SyncRunStatus.PARTIAL  # The rest of the run went on.
    (failed,) = run.entries.filter(action=SyncAction.FAILED)
    assert failed.record_label == str(adjustment)
    assert failed.message.startswith("No inventory adjustment account: QuickBooks has no account named Inventory")
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.READY
    assert on_hand(air_filter) == Decimal("37")  # Not taken back to QuickBooks' 40.
    assert "with an inventory adjustment waiting to be exported" in run.summary
    assert side.adjustments_there() == 0


def test_an_adjustment_of_an_item_not_in_quickbooks_waits_saying_why(side, division):
    stocked(side, export_adjustments=True, account="Cost of Goods Sold")
    local_part = stocked_item("Local part", "5", division=division)
    adjustment = ready_adjustment(local_part, "-1")

    run = side.sync()

    (failed,) = run.entries.filter(action=SyncAction.FAILED)
    assert failed.message == (
        "Line 1 (Local part): the item is not linked to QuickBooks. Synchronize items first; the adjustment stays "
        "ready and goes at the next sync."
    )
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.READY
    assert side.adjustments_there() == 0


def test_an_export_whose_answer_was_lost_is_not_sent_twice(side, division):
    air_filter = stocked(side, export_adjustments=True, account="Cost of Goods Sold")
    adjustment = ready_adjustment(air_filter, "-2")

    lost = side.sync_through(lambda backend: LostAnswers(backend, "InventoryAdjustment"))

    assert lost.status == SyncRunStatus.FAILED
    assert side.adjustments_there() == 1
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.READY

    run = side.sync()

    assert_clean(run)
    (linked,) = run.entries.filter(action=SyncAction.LINKED)
    assert linked.record_label == str(adjustment)
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.EXPORTED
    assert side.adjustments_there() == 1
    assert side.item_there(FILTER)["quantity"] == Decimal("38")

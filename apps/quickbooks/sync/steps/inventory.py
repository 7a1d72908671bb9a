"""
Import Inventory (seed 003): QuickBooks' quantity on hand becomes FieldOffice's, "only where it is greater than zero
and the item already exists here". Items are never created by it.

QuickBooks' items are listed in full (their quantities are what is imported, changed or not); for each item linked to
a stocked item here whose quantity there is more than zero and differs from ours, the difference is recorded as a
"QuickBooks count" movement in the item's stock ledger (``apps.catalog.stock``). The rest is counted as skipped, by
reason, in the run's summary rather than one entry per item at every run: items there that are not here, items with
nothing on hand there, and items with an inventory adjustment waiting to be exported (QuickBooks' count does not
include it yet: taking it would undo the adjustment here until the export, so the item waits for it).
"""

from collections import Counter
from decimal import Decimal

from apps.catalog.models import Item, StockMovementKind
from apps.catalog.stock import Document, stock_set
from apps.core.display import format_quantity
from apps.inventory.models import AdjustmentStatus, InventoryAdjustmentLine
from apps.quickbooks.models import SyncAction
from apps.quickbooks.sync.apply import Apply
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.records import ITEM
from apps.quickbooks.sync.specs.inventory import INVENTORY

IMPORTED = Document("QuickBooks inventory import")
NOT_HERE = "not in FieldOffice (Import Inventory never creates items)"
NOTHING_ON_HAND = "with nothing on hand in QuickBooks"
NOT_STOCKED_HERE = "not inventory or equipment here"
ADJUSTMENT_WAITING = "with an inventory adjustment waiting to be exported"


def inventory_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    return ([], [ITEM]) if ctx.inventory_import else ([], [])


def inventory_import(ctx: RunContext) -> None:
    if ctx.inventory_import:
        InventoryImport(ctx).run()


class InventoryImport(Apply):
    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx, INVENTORY, ctx.link_set(Item, ITEM))

    def run(self) -> None:
        tracked = [record for record in self.ctx.snapshot.of(ITEM) if record.tracks_quantity and not record.deleted]
        if not tracked:
            return
        self.journal.stage(self.spec.stage, total=len(tracked))
        self.links.load_remote(record.remote_id for record in tracked)
        linked = {link.object_id: remote for remote, link in self.links.by_remote.items()}
        items = Item.objects.filter(division=self.ctx.division, pk__in=linked).in_bulk()
        waiting = self._adjustments_waiting()
        by_remote = {record.remote_id: record for record in tracked}
        skipped: Counter[str] = Counter()
        counts: list[tuple[Item, Decimal]] = []
        for record in tracked:
            link = self.links.remote(record.remote_id)
            item = items.get(link.object_id) if link is not None else None
            if item is None:
                skipped[NOT_HERE] += 1
            elif record.quantity_on_hand <= 0:
                skipped[NOTHING_ON_HAND] += 1
            elif not item.is_stocked:
                skipped[NOT_STOCKED_HERE] += 1
            elif item.pk in waiting:
                skipped[ADJUSTMENT_WAITING] += 1
            elif item.quantity_on_hand != record.quantity_on_hand:
                counts.append((item, record.quantity_on_hand))
        for item, counted in counts:
            record = by_remote[linked[item.pk]]
            message = (
                f"On hand: {format_quantity(item.quantity_on_hand)} → {format_quantity(counted)} (QuickBooks' count)."
            )
            self.log(SyncAction.UPDATED, item.name, qbo_id=record.remote_id, object_id=item.pk, message=message)
        if counts and not self.ctx.preview:
            stock_set(items=counts, kind=StockMovementKind.QUICKBOOKS_COUNT, document=IMPORTED)
        self.batch.flush()
        self.journal.advance(len(tracked))
        if skipped:
            total = sum(skipped.values())
            self.journal.count(self.spec.label, SyncAction.SKIPPED, total)
            reasons = "; ".join(f"{count} {reason}" for reason, count in skipped.most_common())
            items = "item" if total == 1 else "items"
            self.ctx.notes.append(f"Import Inventory skipped {total} QuickBooks {items}: {reasons}.")

    def _adjustments_waiting(self) -> set[int]:
        """Items of adjustments marked ready that the export will send (QuickBooks' count does not include them)."""
        if not self.ctx.adjustments_export:
            return set()
        lines = InventoryAdjustmentLine.objects.filter(
            adjustment__division=self.ctx.division, adjustment__status=AdjustmentStatus.READY
        )
        return set(lines.values_list("item_id", flat=True))

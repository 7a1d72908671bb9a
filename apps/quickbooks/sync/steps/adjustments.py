"""
Export Inventory Adjustments (spec ``INVENTORY_ADJUSTMENTS``): adjustments marked ready here go to QuickBooks 30 to a
batch, exactly once.

- Once: each create is marked pending on its link before it goes; a run interrupted before QuickBooks answered finds
  what QuickBooks made meanwhile by the marker in its note and links it instead of sending it again. An adjustment
  QuickBooks took is marked exported here in the same round; one linked but not marked (the run stopped between the
  two) is marked at the next run, never sent again.
- What cannot go fails alone with a plain reason and stays ready for the next run: an item not linked to QuickBooks
  (synchronize items first), no adjustment account, or QuickBooks' refusal (an item it does not track quantities of).
"""

from django.db.models import Prefetch

from apps.accounting.models import Account
from apps.catalog.models import Item
from apps.inventory import services as inventory
from apps.inventory.models import AdjustmentStatus, InventoryAdjustment, InventoryAdjustmentLine
from apps.quickbooks.mapping.adjustments import adjustment_sent
from apps.quickbooks.models import SyncAction
from apps.quickbooks.sync.apply import Apply
from apps.quickbooks.sync.backend import CREATE, Write, WriteResult
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.records import ACCOUNT, INVENTORY_ADJUSTMENT, ITEM, InventoryAdjustmentRecord
from apps.quickbooks.sync.specs.adjustments import INVENTORY_ADJUSTMENTS, SENT
from apps.quickbooks.sync.writes import CLOCK_TOLERANCE, Pending, Recovery

DEFAULT_ACCOUNT_NAME = "Inventory Shrinkage"
ALREADY_THERE = "Already in QuickBooks (sent by an earlier sync): marked exported, not sent again."
EXPORTED = "Sent to QuickBooks; its quantities on hand changed by the adjustment. Marked exported."


def adjustments_reads(ctx: RunContext) -> tuple[list[str], list[str]]:
    """Nothing is read for the export: QuickBooks' adjustments are looked up only after an interrupted run."""
    return [], []


def adjustments_export(ctx: RunContext) -> None:
    if ctx.adjustments_export:
        AdjustmentsApply(ctx).push()


class AdjustmentsApply(Apply):
    def __init__(self, ctx: RunContext) -> None:
        super().__init__(ctx, INVENTORY_ADJUSTMENTS, ctx.link_set(InventoryAdjustment, INVENTORY_ADJUSTMENT))

    def push(self) -> None:
        ready = list(
            InventoryAdjustment.objects.filter(division=self.ctx.division, status=AdjustmentStatus.READY)
            .prefetch_related(Prefetch("lines", queryset=InventoryAdjustmentLine.objects.select_related("item")))
            .order_by("adjustment_date", "pk")
        )
        if not ready:
            return
        self.journal.stage(self.spec.stage, total=len(ready))
        self.links.load_local(adjustment.pk for adjustment in ready)
        item_links = self.ctx.link_set(Item, ITEM)
        item_links.load_local(line.item_id for adjustment in ready for line in adjustment.lines.all())
        account_id, account_problem = self._account()
        writes, pending = [], []
        for adjustment in ready:
            link = self.links.local(adjustment.pk)
            if link is not None and link.qbo_id:
                self._exported(adjustment, link.qbo_id, ALREADY_THERE)
                continue
            refusal = account_problem or self._items_refusal(adjustment, item_links)
            if refusal:
                self.log(SyncAction.FAILED, str(adjustment), object_id=adjustment.pk, message=refusal)
                continue
            lines = list(adjustment.lines.all())
            item_ids = {line.item_id: item_links.local(line.item_id).qbo_id for line in lines}
            record = adjustment_sent(adjustment, lines, item_ids=item_ids, account_id=account_id)
            write = Write(INVENTORY_ADJUSTMENT, CREATE, record, key=adjustment)
            (pending if link is not None and link.pending_since else writes).append(write)
        writer = self.writer(
            label=lambda write: str(write.key),
            local_id=lambda write: write.key.pk,
            sent_name=lambda write: write.key.number,
            recovery=Recovery(
                find=self._pending_found,
                keys=lambda each: [each.write.key.pk],
                created_at=lambda record: record.created_at,
                holds=lambda each, record: SENT,
            ),
        )
        writes = writer.recover(pending) + writes
        for write in pending:
            link = self.links.local(write.key.pk)
            if link is not None and link.qbo_id:
                self._exported(write.key, link.qbo_id, "")
        writer.send(writes)

    def _account(self) -> tuple[str, str]:
        """QuickBooks' id of the adjustment account (the setting, else Inventory Shrinkage), or why there is none."""
        account = self.ctx.settings.inventory_adjustment_account
        if account is None:
            account = Account.objects.filter(division=self.ctx.division, name__iexact=DEFAULT_ACCOUNT_NAME).first()
        if account is None:
            return "", (
                f"No inventory adjustment account: QuickBooks has no account named {DEFAULT_ACCOUNT_NAME} in the "
                "chart here. Choose the account adjustments go to in Configure Sync."
            )
        links = self.ctx.link_set(Account, ACCOUNT)
        links.load_local([account.pk])
        link = links.local(account.pk)
        if link is None or not link.qbo_id:
            return "", (
                f"The inventory adjustment account {account.name} is not in QuickBooks: choose one of QuickBooks' "
                "accounts in Configure Sync (the chart of accounts is read while items sync)."
            )
        return link.qbo_id, ""

    @staticmethod
    def _items_refusal(adjustment: InventoryAdjustment, item_links) -> str:
        missing = [
            f"Line {line.position} ({line.item.name})"
            for line in adjustment.lines.all()
            if (link := item_links.local(line.item_id)) is None or not link.qbo_id
        ]
        if not missing:
            return ""
        return (
            f"{', '.join(missing)}: the item is not linked to QuickBooks. Synchronize items first; the adjustment "
            "stays ready and goes at the next sync."
        )

    def _pending_found(self, pending: list[Pending]) -> dict[int, InventoryAdjustmentRecord]:
        """The adjustments QuickBooks created since the oldest interrupted create was recorded, by their marker."""
        since = min(link.pending_since for _, link in pending) - CLOCK_TOLERANCE
        return {
            record.origin_id: record
            for record in self.ctx.backend.find_created_since(INVENTORY_ADJUSTMENT, since)
            if record.origin_id is not None
        }

    def applied(self, result: WriteResult) -> None:
        adjustment: InventoryAdjustment = result.write.key
        if not result.ok:
            self.write_failed(result, adjustment.pk, label=str(adjustment))
            return
        self.written(result, adjustment.pk, SENT, label=str(adjustment), message=EXPORTED)
        if not self.ctx.preview:
            inventory.adjustment_mark_exported(adjustment=adjustment)

    def _exported(self, adjustment: InventoryAdjustment, remote_id: str, message: str) -> None:
        if self.ctx.preview:
            return
        inventory.adjustment_mark_exported(adjustment=adjustment)
        if message:
            self.log(SyncAction.UPDATED, str(adjustment), qbo_id=remote_id, object_id=adjustment.pk, message=message)

"""
Inventory adjustments → the engine's records, whichever QuickBooks they go to (each backend translates them:
``online.mapping.adjustments``, ``desktop.mapping.adjustments``).

An adjustment carries a marker in its note ("FieldOffice inventory adjustment 12"), which QuickBooks keeps: a run
interrupted after QuickBooks created one finds it by that marker (the record's ``origin_id``) instead of sending it
twice, so that an adjustment changes QuickBooks' quantities exactly once.
"""

import re
from collections.abc import Mapping

from apps.inventory.models import InventoryAdjustment, InventoryAdjustmentLine
from apps.quickbooks.mapping.common import text
from apps.quickbooks.sync.records import AdjustmentLine, InventoryAdjustmentRecord

MARKER = "FieldOffice inventory adjustment {pk}"
_MARKER = re.compile(r"FieldOffice inventory adjustment (\d+)")
NUMBER_MAX = 21
NOTE_MAX = 4000


def marker(adjustment_id: int) -> str:
    return MARKER.format(pk=adjustment_id)


def marked_adjustment_id(note: str) -> int | None:
    """The FieldOffice adjustment a QuickBooks adjustment was created from, read from the marker in its note."""
    match = _MARKER.search(note or "")
    return int(match.group(1)) if match else None


def note_with_marker(memo: str, adjustment_id: int) -> str:
    """The adjustment's memo, then its marker: QuickBooks keeps both in the note it never prints."""
    mark = marker(adjustment_id)
    memo = text(memo)[: NOTE_MAX - len(mark) - 1]
    return f"{memo}\n{mark}" if memo else mark


def memo_without_marker(note: str) -> str:
    return _MARKER.sub("", note or "").strip()


def adjustment_sent(
    adjustment: InventoryAdjustment,
    lines: list[InventoryAdjustmentLine],
    *,
    item_ids: Mapping[int, str],
    account_id: str,
) -> InventoryAdjustmentRecord:
    """
    The record sent for ``adjustment``: one line per item with the sum of its changes (QuickBooks takes an item once
    per adjustment), its items by their QuickBooks ids (``item_ids``: local item id → QuickBooks id).
    """
    changes: dict[int, object] = {}
    for line in lines:
        changes[line.item_id] = changes.get(line.item_id, 0) + line.quantity_change
    return InventoryAdjustmentRecord(
        txn_date=adjustment.adjustment_date,
        number=text(adjustment.number, NUMBER_MAX),
        memo=note_with_marker(adjustment.memo, adjustment.pk),
        account_id=account_id,
        lines=tuple(
            AdjustmentLine(item_id=item_ids[item_id], quantity_change=change)
            for item_id, change in changes.items()
            if change
        ),
        origin_id=adjustment.pk,
    )

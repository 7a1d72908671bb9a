"""
Writes to items: validated (accounts of the division, stock only on stocked types, a name of its own, prices not
negative: ``apps.catalog.rules``), then saved; ``items_bulk_upsert`` saves many at once, each checked the same way.

A quantity on hand given here is a count: the difference with the quantity before is recorded in the item's stock
ledger (``apps.catalog.stock``), by ``stock_source`` (typed in, an Excel import, QuickBooks).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.catalog.models import Item, StockMovementKind
from apps.catalog.stock import Document, stock_count, stock_counts_record
from apps.core.rules import record_validate
from apps.core.upserts import BULK_BATCH_SIZE, Upsert, bulk_upsert

TYPED_IN = Document("Typed in FieldOffice")
ZERO = Decimal("0")


@transaction.atomic
def item_create(*, stock_source: Document = TYPED_IN, **fields: Any) -> Item:
    item = _item_created(fields)
    stock_count(
        item=item, counted=item.quantity_on_hand, previous=ZERO, kind=StockMovementKind.OPENING, document=stock_source
    )
    return item


@transaction.atomic
def item_update(
    *,
    item: Item,
    stock_source: Document = TYPED_IN,
    stock_kind: StockMovementKind = StockMovementKind.COUNT,
    **fields: Any,
) -> Item:
    previous = item.quantity_on_hand
    _item_changed(item, fields)
    stock_count(item=item, counted=item.quantity_on_hand, previous=previous, kind=stock_kind, document=stock_source)
    return item


def items_bulk_upsert(
    *,
    rows: Sequence[Upsert[Item]],
    stock_source: Document = TYPED_IN,
    stock_kind: StockMovementKind = StockMovementKind.COUNT,
    batch_size: int = BULK_BATCH_SIZE,
) -> list[Item | ValidationError]:
    """
    Create or change many items (a pull from QuickBooks), checked as ``item_create`` and ``item_update`` check one:
    for each row in order, the item saved or the error that kept it out. A changed quantity is recorded as
    ``stock_kind`` (an opening quantity for a new item).
    """
    # Read before the upsert sets the new fields on the rows' records.
    previous = [row.record.quantity_on_hand if row.record is not None else None for row in rows]

    def one(row: Upsert[Item]) -> Item:
        if row.record is None:
            return _item_created(row.fields)
        return _item_changed(row.record, row.fields)

    with transaction.atomic():
        results = bulk_upsert(model=Item, rows=rows, one=one, batch_size=batch_size)
        saved = [(result, before) for result, before in zip(results, previous, strict=True) if isinstance(result, Item)]
        stock_counts_record(
            counts=[(item, ZERO) for item, before in saved if before is None],
            kind=StockMovementKind.OPENING,
            document=stock_source,
        )
        stock_counts_record(
            counts=[(item, before) for item, before in saved if before is not None], kind=stock_kind,
            document=stock_source,
        )
    return results


def _item_created(fields: Any) -> Item:
    item = Item(**fields)
    record_validate(item)
    item.save()
    return item


def _item_changed(item: Item, fields: Any) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    record_validate(item)
    item.save()
    return item

"""
Writes to items: validated (accounts of the division, stock only on stocked types, a name of its own, prices not
negative: ``apps.catalog.rules``), then saved; ``items_bulk_upsert`` saves many at once, each checked the same way.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from apps.catalog.models import Item
from apps.core.rules import record_validate
from apps.core.upserts import BULK_BATCH_SIZE, Upsert, bulk_upsert


def item_create(**fields: Any) -> Item:
    item = Item(**fields)
    record_validate(item)
    item.save()
    return item


def item_update(*, item: Item, **fields: Any) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    record_validate(item)
    item.save()
    return item


def items_bulk_upsert(
    *, rows: Sequence[Upsert[Item]], batch_size: int = BULK_BATCH_SIZE
) -> list[Item | ValidationError]:
    """
    Create or change many items (a pull from QuickBooks), checked as ``item_create`` and ``item_update`` check one:
    for each row in order, the item saved or the error that kept it out.
    """

    def one(row: Upsert[Item]) -> Item:
        if row.record is None:
            return item_create(**row.fields)
        return item_update(item=row.record, **row.fields)

    return bulk_upsert(model=Item, rows=rows, one=one, batch_size=batch_size)

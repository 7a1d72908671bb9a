"""Writes to items: validated (accounts of the division, stock only on stocked types), then saved."""

from typing import Any

from apps.catalog.models import Item


def item_create(**fields: Any) -> Item:
    item = Item(**fields)
    item.full_clean()
    item.save()
    return item


def item_update(*, item: Item, **fields: Any) -> Item:
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item

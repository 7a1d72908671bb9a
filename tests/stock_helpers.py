"""Stocked items made through the services, so that their ledger explains their quantity from the start."""

from decimal import Decimal

from django.db.models import Sum

from apps.accounting.models import ItemType
from apps.catalog.models import Item, StockMovement
from apps.catalog.services import item_create
from apps.core.selectors import division_get_default


def stocked_item(name: str, on_hand: str, *, item_type: str = ItemType.INVENTORY, division=None, **fields) -> Item:
    return item_create(
        division=division or division_get_default(),
        item_type=item_type,
        name=name,
        sales_price=Decimal(fields.pop("sales_price", "25.00")),
        cost=Decimal(fields.pop("cost", "10.00")),
        quantity_on_hand=Decimal(on_hand),
        **fields,
    )


def on_hand(item: Item) -> Decimal:
    return Item.objects.get(pk=item.pk).quantity_on_hand


def ledger_balanced(*items: Item) -> bool:
    """Each item's quantity on hand is the sum of its movements."""
    for item in items:
        total = StockMovement.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or Decimal("0")
        if total != on_hand(item):
            return False
    return True

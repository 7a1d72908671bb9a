"""
The rules an item follows before it is saved (``apps.core.rules`` checks them, for one item or many at once): its
name unique in its division, whatever the case, and prices that are not negative.
"""

from collections.abc import Hashable

from django.db.models.functions import Lower

from apps.catalog.models import Item
from apps.core.rules import CheckRule, Rule, UniqueRule, db_lower, pairs_filter, rules_register


def _item_name_key(item: Item) -> Hashable | None:
    return (item.division_id, db_lower(item.name)) if item.division_id else None


ITEM_RULES: tuple[Rule, ...] = (
    UniqueRule(
        "item_name_unique_per_division",
        fields=("division", "name"),
        key=_item_name_key,
        candidates=lambda keys: pairs_filter("division_id", "rules_lower_name", keys),
        only=("division_id", "name"),
        aliases=(("rules_lower_name", Lower("name")),),
    ),
    CheckRule(
        "item_prices_not_negative",
        fields=("sales_price", "cost"),
        holds=lambda item: item.sales_price >= 0 and item.cost >= 0,
    ),
)

rules_register(Item, ITEM_RULES)

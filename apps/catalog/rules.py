"""
The rules an item follows before it is saved (``apps.core.rules`` checks them, for one item or many at once): its
name unique in its division, whatever the case, and prices that are not negative.
"""

from apps.catalog.models import Item
from apps.core.rules import CheckRule, Rule, rules_register, unique_lowered

ITEM_RULES: tuple[Rule, ...] = (
    unique_lowered("item_name_unique_per_division", scope="division", name="name"),
    CheckRule(
        "item_prices_not_negative",
        fields=("sales_price", "cost"),
        holds=lambda item: item.sales_price >= 0 and item.cost >= 0,
    ),
)

rules_register(Item, ITEM_RULES)

"""
Finding the records a row refers to: customers by number or name and their service locations
(``apps.customers.lookups``), items, tax rates.

Names match whatever their case and spacing ("  basement BAR " is "Basement Bar"). A reference that fits no record,
or more than one, is an error for the row: an import never creates a customer because a name was misspelt.
"""

from collections import defaultdict

from apps.accounting.models import PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.core.columns import norm
from apps.customers.lookups import CustomerLookup, NotFound


class NameLookup:
    """Records of a division found by name (items also by SKU), for the columns that refer to them."""

    def __init__(self, *, model: type[TaxRate | PaymentTerm | Item], division_id: int, noun: str):
        self.noun = noun
        self.by_name: dict[str, int] = {}
        self.by_sku: dict[str, list[int]] = defaultdict(list)
        fields = ["pk", "name", "sku"] if model is Item else ["pk", "name"]
        for values in model.objects.filter(division_id=division_id).values_list(*fields):
            self.by_name[norm(values[1])] = values[0]
            if model is Item and values[2]:
                self.by_sku[norm(values[2])].append(values[0])

    def find(self, reference: str) -> int:
        key = norm(reference)
        if key in self.by_name:
            return self.by_name[key]
        skus = self.by_sku.get(key, [])
        if len(skus) == 1:
            return skus[0]
        if skus:
            raise NotFound(f"{len(skus)} items have the SKU “{reference}”; use the item's name.")
        raise NotFound(f"No {self.noun} is named “{reference}”.")


__all__ = ["CustomerLookup", "NameLookup", "NotFound", "norm"]

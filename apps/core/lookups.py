"""
Records of a division found by the name a person types for them (an item also by its SKU), for the cells of an
import that refer to them: whatever the case and spacing ("  basement BAR " is "Basement Bar"). A reference that fits
no record, or more than one, is an error of the cell: an import never guesses.
"""

from collections import defaultdict

from django.db.models import QuerySet

from apps.core.columns import norm


class NotFound(LookupError):
    """No record, or more than one, fits the reference; the message says which and what to do."""


class NameLookup:
    """The records of ``queryset`` by name and, when ``by_sku``, by their unique SKU."""

    def __init__(self, *, queryset: QuerySet, noun: str, by_sku: bool = False):
        self.noun = noun
        self.by_name: dict[str, int] = {}
        self.by_sku: dict[str, list[int]] = defaultdict(list)
        for values in queryset.values_list("pk", "name", *(["sku"] if by_sku else [])):
            self.by_name[norm(values[1])] = values[0]
            if by_sku and values[2]:
                self.by_sku[norm(values[2])].append(values[0])

    def find(self, reference: str) -> int:
        key = norm(reference)
        if key in self.by_name:
            return self.by_name[key]
        skus = self.by_sku.get(key, [])
        if len(skus) == 1:
            return skus[0]
        if skus:
            raise NotFound(f"{len(skus)} {self.noun}s have the SKU “{reference}”; use the {self.noun}'s name.")
        raise NotFound(f"No {self.noun} is named “{reference}”.")

"""
The records QuickBooks refuses to create under a name one of its records already has (6240), and how each is named.

A sync learns of such a refusal when it sends the record; a preview, which sends nothing, looks the names up instead
(``sync.preview``), so that it takes the same turn the sync will: link in two-way, skip in one-way, rename a location.
Customers and their jobs share their names; items in a category are named within it and are left out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apps.quickbooks.errors import DuplicateNameError, FaultDetail
from apps.quickbooks.sync.records import CUSTOMER, ITEM

DUPLICATE_NAME = "6240"


@dataclass(frozen=True)
class UniqueName:
    """A record's name, and whether the name counts (``counts``)."""

    name: Callable[[Any], str]
    counts: Callable[[Any], bool] = lambda obj: True


UNIQUE_NAMES: dict[str, UniqueName] = {
    # Both travel as the engine's records (``CustomerRecord``, ``ItemRecord``).
    CUSTOMER: UniqueName(lambda record: record.name),
    ITEM: UniqueName(lambda record: record.name, lambda record: not record.sub_item),
}


def duplicate_name_error(name: str) -> DuplicateNameError:
    """The fault QuickBooks answers a create whose name is taken, in its own words."""
    return DuplicateNameError(
        "Duplicate Name Exists Error",
        status=400,
        errors=(
            FaultDetail(
                code=DUPLICATE_NAME,
                message="Duplicate Name Exists Error",
                detail=f"The name supplied already exists. : {name}",
            ),
        ),
    )

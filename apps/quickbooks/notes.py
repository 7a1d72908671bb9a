"""
What the QuickBooks integration tells people editing records it syncs one way into FieldOffice (``apps.core.notes``).

Items of a division whose inventory syncs from QuickBooks stay editable here (one-way sync: nothing is sent back), but
an edit here is not what QuickBooks uses; the taxable box in particular does not change QuickBooks' own tax setting.
"""

from django.db import models

from apps.catalog.models import Item
from apps.quickbooks.models import ConnectionStatus, InventoryDirection, QuickBooksConnection


def quickbooks_note(model: type[models.Model], division_id: int) -> str | None:
    """The note about the model's records of the division, or ``None``; one query, and only for items."""
    if model is not Item:
        return None
    row = (
        QuickBooksConnection.objects.filter(
            division_id=division_id,
            division__quickbooks_sync_settings__inventory_direction=InventoryDirection.TO_LOCAL,
        )
        .exclude(realm_id="")
        .exclude(status=ConnectionStatus.DISCONNECTED)
        .values("division__name")
        .first()
    )
    if row is None:
        return None
    return (
        f"Items of {row['division__name']} come from QuickBooks: changes made here are not sent to QuickBooks, and "
        "the taxable box here does not change QuickBooks' tax setting."
    )

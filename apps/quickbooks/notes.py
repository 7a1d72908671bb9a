"""
What the QuickBooks integration tells people editing records it syncs one way into FieldOffice (``apps.core.notes``),
seed 003's warning: "We recommend adding or editing item, customer, and vendor data in QuickBooks Online only."

Items, customers and vendors of a division that takes them from QuickBooks (one way) stay editable here, but an edit
here is not sent, and QuickBooks' next change of the record replaces it; for items, the taxable box in particular
does not change QuickBooks' own tax setting.
"""

from django.db import models

from apps.catalog.models import Item
from apps.customers.models import Customer
from apps.purchasing.models import Vendor
from apps.quickbooks.masters import division_sync_row
from apps.quickbooks.models import CustomersDirection, InventoryDirection, VendorsDirection

# The model, the setting that brings its records from QuickBooks, and the value that does.
ONE_WAY_FROM_QUICKBOOKS = {
    Item: ("inventory_direction", InventoryDirection.TO_LOCAL),
    Customer: ("customers_direction", CustomersDirection.TO_LOCAL),
    Vendor: ("vendors_direction", VendorsDirection.TO_LOCAL),
}


def quickbooks_note(model: type[models.Model], division_id: int) -> str | None:
    """The note about the model's records of the division, or ``None``; one query, only for the models above."""
    if model not in ONE_WAY_FROM_QUICKBOOKS:
        return None
    setting, from_quickbooks = ONE_WAY_FROM_QUICKBOOKS[model]
    row = division_sync_row(division_id)
    if row is None or row[setting] != from_quickbooks:
        return None
    kind = str(model._meta.verbose_name_plural).capitalize()
    note = (
        f"{kind} of {row['name']} come from QuickBooks: edit them in QuickBooks. Changes made here are not sent to "
        "QuickBooks, and QuickBooks' next change of the record replaces them"
    )
    if model is Item:
        return f"{note}; the taxable box here does not change QuickBooks' tax setting."
    return f"{note}."

"""
When QuickBooks is the master of a division's tax rates and payment terms (see ``apps.core.masters``).

QuickBooks keeps them while the division is linked to a company (connected, or waiting to be reconnected), Sync Tax
Rates and Terms is on, and customers do not go one way from FieldOffice to QuickBooks: with customers synced from
QuickBooks, both ways (whichever system is primary), or not at all, the tax rates and terms come from QuickBooks.
With customers going from FieldOffice to QuickBooks, FieldOffice keeps them and pushes them.
"""

from django.db import models

from apps.accounting.models import PaymentTerm, TaxRate
from apps.quickbooks.models import ConnectionStatus, CustomersDirection, QuickBooksConnection, SyncSettings

MASTERED_MODELS = (TaxRate, PaymentTerm)

# Why QuickBooks keeps them, by the direction customers sync in; the directions missing here leave them here.
WHY_BY_CUSTOMERS_DIRECTION = {
    CustomersDirection.TO_LOCAL: "customers sync from QuickBooks",
    CustomersDirection.TWO_WAY: "customers sync both ways",
    CustomersDirection.OFF: "tax rates and terms sync from QuickBooks",
}

SETTINGS = "division__quickbooks_sync_settings__"


def _setting_default(name: str):
    return SyncSettings._meta.get_field(name).get_default()


def quickbooks_master_reason(model: type[models.Model], division_id: int) -> str | None:
    """The reason QuickBooks keeps the model's records of the division, or ``None``; one query."""
    if model not in MASTERED_MODELS:
        return None
    row = (
        QuickBooksConnection.objects.filter(division_id=division_id)
        .exclude(realm_id="")
        .exclude(status=ConnectionStatus.DISCONNECTED)
        .values("division__name", f"{SETTINGS}sync_tax_rates_and_terms", f"{SETTINGS}customers_direction")
        .first()
    )
    if row is None:
        return None
    # A division whose settings were never saved syncs with the defaults.
    sync_tax_rates_and_terms = row[f"{SETTINGS}sync_tax_rates_and_terms"]
    if sync_tax_rates_and_terms is None:
        sync_tax_rates_and_terms = _setting_default("sync_tax_rates_and_terms")
    customers_direction = row[f"{SETTINGS}customers_direction"] or _setting_default("customers_direction")
    why = WHY_BY_CUSTOMERS_DIRECTION.get(customers_direction)
    if not sync_tax_rates_and_terms or why is None:
        return None
    kind = str(model._meta.verbose_name_plural).capitalize()
    return (
        f"{kind} of {row['division__name']} are kept in QuickBooks ({why}): change them there; they arrive here at "
        "the next sync."
    )

"""
When QuickBooks is the master of a division's tax rates, payment terms and chart of accounts (see
``apps.core.masters``).

QuickBooks keeps them only while the division is linked to a company (QuickBooks Online: connected, or waiting to be
reconnected; QuickBooks Desktop: a company file recorded by the Web Connector).

- Tax rates and terms: while Sync Tax Rates and Terms is on and customers do not go one way from FieldOffice to
  QuickBooks: with customers synced from QuickBooks, both ways (whichever system is primary), or not at all, the tax
  rates and terms come from QuickBooks. With customers going from FieldOffice to QuickBooks, FieldOffice keeps them
  and pushes them.
- The chart of accounts: while inventory (either way) or invoices sync, since the sync then pulls the whole chart
  from QuickBooks at every run (``sync/specs/accounts.py``) and an edit made here would be overwritten or deactivated.
"""

from django.db import models
from django.db.models import Exists, OuterRef

from apps.accounting.models import Account, PaymentTerm, TaxRate
from apps.core.models import Division
from apps.quickbooks.models import (
    ConnectionStatus,
    CustomersDirection,
    DesktopConnection,
    IntegrationType,
    InventoryDirection,
    InvoicesDirection,
    QuickBooksConnection,
    SyncSettings,
)

LIST_MODELS = (TaxRate, PaymentTerm)
MASTERED_MODELS = (*LIST_MODELS, Account)

# Why QuickBooks keeps them, by the direction customers sync in; the directions missing here leave them here.
WHY_BY_CUSTOMERS_DIRECTION = {
    CustomersDirection.TO_LOCAL: "customers sync from QuickBooks",
    CustomersDirection.TWO_WAY: "customers sync both ways",
    CustomersDirection.OFF: "tax rates and terms sync from QuickBooks",
}

SETTINGS = "quickbooks_sync_settings__"


def _setting_default(name: str):
    return SyncSettings._meta.get_field(name).get_default()


def quickbooks_master_reason(model: type[models.Model], division_id: int) -> str | None:
    """The reason QuickBooks keeps the model's records of the division, or ``None``; one query."""
    if model not in MASTERED_MODELS:
        return None
    row = division_sync_row(division_id)
    if row is None:
        return None
    if model is Account:
        return _chart_reason(row)
    return _lists_reason(model, row)


def division_sync_row(division_id: int) -> dict | None:
    """The division's name and sync settings, when it is linked to a QuickBooks company; one query."""
    online = (
        QuickBooksConnection.objects.filter(division=OuterRef("pk"))
        .exclude(realm_id="")
        .exclude(status=ConnectionStatus.DISCONNECTED)
    )
    desktop = DesktopConnection.objects.filter(division=OuterRef("pk"), company_first_seen_at__isnull=False)
    row = (
        Division.objects.filter(pk=division_id)
        .annotate(online=Exists(online), desktop=Exists(desktop))
        .values(
            "name",
            "online",
            "desktop",
            f"{SETTINGS}integration_type",
            f"{SETTINGS}sync_tax_rates_and_terms",
            f"{SETTINGS}customers_direction",
            f"{SETTINGS}inventory_direction",
            f"{SETTINGS}invoices_direction",
            f"{SETTINGS}vendors_direction",
        )
        .first()
    )
    if row is None:
        return None
    row = {key.removeprefix(SETTINGS): value for key, value in row.items()}
    on_desktop = row["integration_type"] == IntegrationType.DESKTOP
    if not (row["desktop"] if on_desktop else row["online"]):
        return None
    return row


def _chart_reason(row: dict) -> str | None:
    # A division whose settings were never saved syncs with the defaults: neither inventory nor invoices.
    inventory = row["inventory_direction"] or _setting_default("inventory_direction")
    invoices = row["invoices_direction"] or _setting_default("invoices_direction")
    synced = []
    if inventory != InventoryDirection.OFF:
        synced.append("items")
    if invoices != InvoicesDirection.OFF:
        synced.append("invoices")
    if not synced:
        return None
    return (
        f"The chart of accounts of {row['name']} is kept in QuickBooks ({' and '.join(synced)} sync with it): change "
        "it there; it arrives here at the next sync."
    )


def _lists_reason(model: type[models.Model], row: dict) -> str | None:
    # A division whose settings were never saved syncs with the defaults.
    sync_tax_rates_and_terms = row["sync_tax_rates_and_terms"]
    if sync_tax_rates_and_terms is None:
        sync_tax_rates_and_terms = _setting_default("sync_tax_rates_and_terms")
    customers_direction = row["customers_direction"] or _setting_default("customers_direction")
    why = WHY_BY_CUSTOMERS_DIRECTION.get(customers_direction)
    if not sync_tax_rates_and_terms or why is None:
        return None
    kind = str(model._meta.verbose_name_plural).capitalize()
    return (
        f"{kind} of {row['name']} are kept in QuickBooks ({why}): change them there; they arrive here at the next sync."
    )

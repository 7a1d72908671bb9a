"""
When QuickBooks is the master of a division's tax rates and payment terms (see ``apps.core.masters``).

QuickBooks keeps them while the division is linked to a company (QuickBooks Online: connected, or waiting to be
reconnected; QuickBooks Desktop: a company file recorded by the Web Connector), Sync Tax Rates and Terms is on, and
customers do not go one way from FieldOffice to QuickBooks: with customers synced from QuickBooks, both ways
(whichever system is primary), or not at all, the tax rates and terms come from QuickBooks. With customers going
from FieldOffice to QuickBooks, FieldOffice keeps them and pushes them.
"""

from django.db import models
from django.db.models import Exists, OuterRef

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.models import Division
from apps.quickbooks.models import (
    ConnectionStatus,
    CustomersDirection,
    DesktopConnection,
    IntegrationType,
    QuickBooksConnection,
    SyncSettings,
)

MASTERED_MODELS = (TaxRate, PaymentTerm)

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
        )
        .first()
    )
    if row is None:
        return None
    row = {key.removeprefix(SETTINGS): value for key, value in row.items()}
    on_desktop = row["integration_type"] == IntegrationType.DESKTOP
    if not (row["desktop"] if on_desktop else row["online"]):
        return None
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

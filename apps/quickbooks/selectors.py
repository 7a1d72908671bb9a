"""Reads for the QuickBooks pages, the commands and the integration labels on domain records."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from apps.core.models import Division
from apps.quickbooks.models import (
    CustomersDirection,
    InventoryDirection,
    InvoicesDirection,
    QuickBooksConnection,
    RecordLink,
    SyncFrequency,
    SyncRun,
    SyncSettings,
)

RECENT_RUNS = 10


def connection_for(*, division: Division) -> QuickBooksConnection | None:
    return QuickBooksConnection.objects.select_related("connected_by").filter(division=division).first()


def sync_settings_for(*, division: Division) -> SyncSettings:
    """The stored settings, or the defaults (unsaved) of a division never configured."""
    return SyncSettings.objects.filter(division=division).first() or SyncSettings(division=division)


def recent_runs(*, division: Division, limit: int = RECENT_RUNS) -> list[SyncRun]:
    return list(SyncRun.objects.filter(division=division).select_related("requested_by")[:limit])


def record_links_count(*, division: Division) -> int:
    return RecordLink.objects.filter(division=division).count()


@dataclass(frozen=True)
class SummaryRow:
    label: str
    value: str
    indent: bool = False


def _way(direction: str, choices: type[models.TextChoices]) -> tuple[str, str]:
    """(sync way, sync direction) as the settings page words them."""
    if direction == "off":
        return "Off", ""
    if direction == CustomersDirection.TWO_WAY:
        return "Two ways", ""
    return "One way", choices(direction).label


def sync_settings_summary(*, division: Division) -> list[SummaryRow]:
    """ "QuickBooks Integration Settings": what the division syncs, in the words of the settings page."""
    connection = connection_for(division=division)
    sync_settings = sync_settings_for(division=division)
    customers_way, customers_direction = _way(sync_settings.customers_direction, CustomersDirection)
    inventory_way, inventory_direction = _way(sync_settings.inventory_direction, InventoryDirection)
    invoices_way, invoices_direction = _way(sync_settings.invoices_direction, InvoicesDirection)
    automatic = sync_settings.frequency != SyncFrequency.MANUAL
    service_item = sync_settings.default_service_item_name or sync_settings.default_service_item_qbo_id
    return [
        SummaryRow("Integration Type", sync_settings.get_integration_type_display()),
        SummaryRow("Company Name", (connection.company_name if connection else "") or "—"),
        SummaryRow("Sync Mode", "Automated" if automatic else "Manual"),
        SummaryRow("Sync Frequency", sync_settings.get_frequency_display()),
        SummaryRow("Customers Sync", ""),
        SummaryRow("Sync Way", customers_way, indent=True),
        SummaryRow("Sync Direction", customers_direction or "—", indent=True),
        SummaryRow("Primary System", sync_settings.get_customers_primary_display() or "—", indent=True),
        SummaryRow("Inventory Sync", ""),
        SummaryRow("Sync Way", inventory_way, indent=True),
        SummaryRow("Sync Direction", inventory_direction or "—", indent=True),
        SummaryRow("Invoices Sync", ""),
        SummaryRow("Sync Way", invoices_way, indent=True),
        SummaryRow("Sync Direction", invoices_direction or "—", indent=True),
        SummaryRow("Sync Tax Rates and Terms", "Yes" if sync_settings.sync_tax_rates_and_terms else "No"),
        SummaryRow(
            "Invoice Numbers",
            "Given by QuickBooks" if sync_settings.quickbooks_controls_invoice_numbers else "Given by FieldOffice",
        ),
        SummaryRow("Default QuickBooks Service Item", service_item or "—"),
    ]


def record_link_labels(obj: models.Model) -> list[str]:
    """Integration labels of a domain record: "QuickBooks (ID 42)" when it is linked."""
    if obj.pk is None:
        return []
    content_type = ContentType.objects.get_for_model(obj)
    links = RecordLink.objects.filter(content_type=content_type, object_id=obj.pk)
    if (division_id := getattr(obj, "division_id", None)) is not None:
        links = links.filter(division_id=division_id)
    return [f"QuickBooks (ID {qbo_id})" for qbo_id in links.values_list("qbo_id", flat=True)]

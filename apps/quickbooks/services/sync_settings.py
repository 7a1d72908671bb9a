"""Changing what a division syncs and how often; the schedule follows."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.core.models import Division
from apps.quickbooks.models import CustomersDirection, SyncSettings
from apps.quickbooks.services.schedules import sync_schedule_update

CONFIGURE_PERMISSION = "quickbooks.change_syncsettings"
EDITABLE_FIELDS = (
    "integration_type",
    "frequency",
    "customers_direction",
    "customers_primary",
    "inventory_direction",
    "vendors_direction",
    "import_inventory",
    "export_inventory_adjustments",
    "inventory_adjustment_account",
    "invoices_direction",
    "sync_tax_rates_and_terms",
    "quickbooks_controls_invoice_numbers",
    "default_service_item_qbo_id",
    "default_service_item_name",
)


def sync_settings_get_or_create(*, division: Division) -> SyncSettings:
    sync_settings, _ = SyncSettings.objects.get_or_create(division=division)
    return sync_settings


def _validate(sync_settings: SyncSettings) -> None:
    errors: dict[str, str] = {}
    two_way = sync_settings.customers_direction == CustomersDirection.TWO_WAY
    if two_way and not sync_settings.customers_primary:
        errors["customers_primary"] = (
            "Two-way customer sync needs a primary system: the one whose change wins when a customer was edited "
            "on both sides."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sync_settings_update(*, division: Division, user=None, **changes: Any) -> SyncSettings:
    """
    Change the division's sync settings and re-declare its schedule; raises ``ValidationError`` with plain messages.

    The primary system only means something for two-way customer sync and is cleared otherwise. ``user``, when
    given, must be allowed to configure the sync (an Owner), or ``PermissionDenied`` is raised; without one (a
    management command, the demo) whoever runs it administers the server.
    """
    if user is not None and not user.has_perm(CONFIGURE_PERMISSION):
        raise PermissionDenied("Only an Owner may change the sync settings.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown sync settings: {', '.join(sorted(unknown))}")
    sync_settings = SyncSettings.objects.select_for_update().filter(division=division).first()
    sync_settings = sync_settings or SyncSettings(division=division)
    for name, value in changes.items():
        setattr(sync_settings, name, value)
    if sync_settings.customers_direction != CustomersDirection.TWO_WAY:
        sync_settings.customers_primary = ""
    _validate(sync_settings)
    sync_settings.updated_by = user
    sync_settings.full_clean(exclude=["division", "updated_by"])
    sync_settings.save()
    sync_schedule_update(division=division)
    return sync_settings

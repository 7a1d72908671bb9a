from django.conf import settings
from django.db import models

from apps.accounting.models import Account
from apps.core.models import Division


class IntegrationType(models.TextChoices):
    ONLINE = "online", "QuickBooks Online"
    DESKTOP = "desktop", "QuickBooks Desktop"


class SyncFrequency(models.TextChoices):
    MANUAL = "manual", "Manual"
    EVERY_5_MINUTES = "5m", "5 minutes"
    EVERY_15_MINUTES = "15m", "15 minutes"
    HOURLY = "1h", "1 hour"
    DAILY = "daily", "Daily"


class CustomersDirection(models.TextChoices):
    OFF = "off", "Off"
    TO_LOCAL = "to_local", "QuickBooks to FieldOffice"
    TO_QUICKBOOKS = "to_quickbooks", "FieldOffice to QuickBooks"
    TWO_WAY = "two_way", "Two ways"


class PrimarySystem(models.TextChoices):
    QUICKBOOKS = "quickbooks", "QuickBooks"
    LOCAL = "local", "FieldOffice"


class InventoryDirection(models.TextChoices):
    OFF = "off", "Off"
    TO_LOCAL = "to_local", "QuickBooks to FieldOffice"
    TO_QUICKBOOKS = "to_quickbooks", "FieldOffice to QuickBooks"


class VendorsDirection(models.TextChoices):
    OFF = "off", "Off"
    TO_LOCAL = "to_local", "QuickBooks to FieldOffice"


class InvoicesDirection(models.TextChoices):
    OFF = "off", "Off"
    TO_QUICKBOOKS = "to_quickbooks", "FieldOffice to QuickBooks"


class SyncSettings(models.Model):
    """What a division exchanges with QuickBooks, in which direction, and how often."""

    division = models.OneToOneField(Division, on_delete=models.CASCADE, related_name="quickbooks_sync_settings")
    integration_type = models.CharField(max_length=10, choices=IntegrationType.choices, default=IntegrationType.ONLINE)
    frequency = models.CharField(
        "sync frequency",
        max_length=10,
        choices=SyncFrequency.choices,
        default=SyncFrequency.MANUAL,
        help_text="Manual: a sync runs only when someone presses Sync Now.",
    )
    customers_direction = models.CharField(
        "customers", max_length=20, choices=CustomersDirection.choices, default=CustomersDirection.OFF
    )
    customers_primary = models.CharField(
        "primary system",
        max_length=20,
        choices=PrimarySystem.choices,
        blank=True,
        help_text="Two-way only: whose values win when records are first matched by name; afterwards the most recent "
        "edit wins.",
    )
    inventory_direction = models.CharField(
        "inventory",
        max_length=20,
        choices=InventoryDirection.choices,
        default=InventoryDirection.OFF,
        help_text="Two-way sync is not available for inventory.",
    )
    vendors_direction = models.CharField(
        "vendors",
        max_length=20,
        choices=VendorsDirection.choices,
        default=VendorsDirection.OFF,
        help_text="Active vendors come from QuickBooks; edit them there (changes made here are not sent).",
    )
    import_inventory = models.BooleanField(
        "import inventory",
        default=False,
        help_text="QuickBooks' quantities on hand replace those here, for items linked to QuickBooks whose quantity "
        "there is more than zero; items are never created by it.",
    )
    export_inventory_adjustments = models.BooleanField(
        "export inventory adjustments",
        default=False,
        help_text="Adjustments marked ready here are sent to QuickBooks once, and change its quantities on hand.",
    )
    inventory_adjustment_account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="inventory adjustment account",
        help_text="The account QuickBooks books adjustments to. Empty: the account named Inventory Shrinkage.",
    )
    invoices_direction = models.CharField(
        "invoices",
        max_length=20,
        choices=InvoicesDirection.choices,
        default=InvoicesDirection.OFF,
        help_text="Invoices go from FieldOffice to QuickBooks only, once approved and marked Ready for Sync.",
    )
    sync_tax_rates_and_terms = models.BooleanField("sync tax rates and terms", default=True)
    quickbooks_controls_invoice_numbers = models.BooleanField(
        "QuickBooks numbers invoices",
        default=False,
        help_text="On: QuickBooks gives synced invoices their numbers and FieldOffice takes them over.",
    )
    default_service_item_qbo_id = models.CharField("default service item (QuickBooks ID)", max_length=32, blank=True)
    default_service_item_name = models.CharField("default service item", max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "sync settings"
        verbose_name_plural = "sync settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(integration_type__in=IntegrationType.values),
                name="quickbooks_sync_settings_integration_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=SyncFrequency.values), name="quickbooks_sync_settings_frequency_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(customers_direction__in=CustomersDirection.values),
                name="quickbooks_sync_settings_customers_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(customers_direction=CustomersDirection.TWO_WAY, customers_primary__in=PrimarySystem.values)
                    | (~models.Q(customers_direction=CustomersDirection.TWO_WAY) & models.Q(customers_primary=""))
                ),
                name="quickbooks_sync_settings_primary_iff_two_way",
                violation_error_message="Two-way customer sync needs a primary system, and only two-way has one.",
            ),
            models.CheckConstraint(
                condition=models.Q(inventory_direction__in=InventoryDirection.values),
                name="quickbooks_sync_settings_inventory_valid",
                violation_error_message="Two-way sync is not available for inventory.",
            ),
            models.CheckConstraint(
                condition=models.Q(vendors_direction__in=VendorsDirection.values),
                name="quickbooks_sync_settings_vendors_valid",
                violation_error_message="Vendors come from QuickBooks to FieldOffice only.",
            ),
            models.CheckConstraint(
                condition=models.Q(invoices_direction__in=InvoicesDirection.values),
                name="quickbooks_sync_settings_invoices_valid",
                violation_error_message="Invoices go from FieldOffice to QuickBooks only.",
            ),
        ]

    def __str__(self) -> str:
        return f"Sync settings of {self.division}"

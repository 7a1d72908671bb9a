"""
``manage.py qbo_configure --division SLUG [options]``: change what a division syncs, then print its settings.

Options left out keep their value. Two-way customer sync needs ``--primary``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.models import Division
from apps.quickbooks.models import CustomersDirection, SyncFrequency
from apps.quickbooks.selectors import sync_settings_for, sync_settings_summary
from apps.quickbooks.services.sync_settings import sync_settings_update

ON_OFF = {"on": True, "off": False}


def _choice(value: str) -> str:
    """Command-line spelling (``to-local``) to the stored value (``to_local``)."""
    return value.replace("-", "_")


class Command(BaseCommand):
    help = "Configure a division's QuickBooks sync (directions, frequency, invoice numbers) and print the result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="The division's slug.")
        parser.add_argument("--customers", choices=["off", "to-local", "to-quickbooks", "two-way"])
        parser.add_argument("--primary", choices=["quickbooks", "local"], help="Two-way only: whose change wins.")
        parser.add_argument("--inventory", choices=["off", "to-local", "to-quickbooks"])
        parser.add_argument("--vendors", choices=["off", "to-local"])
        parser.add_argument("--import-inventory", choices=list(ON_OFF), help="Import QuickBooks' quantities on hand.")
        parser.add_argument(
            "--export-adjustments", choices=list(ON_OFF), help="Export inventory adjustments to QuickBooks."
        )
        parser.add_argument("--invoices", choices=["off", "to-quickbooks"])
        parser.add_argument("--frequency", choices=SyncFrequency.values)
        parser.add_argument("--quickbooks-numbers", choices=list(ON_OFF), help="QuickBooks numbers invoices.")
        parser.add_argument("--tax-rates-and-terms", choices=list(ON_OFF), help="Sync tax rates and terms.")

    def handle(self, *args: Any, **options: Any) -> None:
        division = Division.objects.filter(slug=options["division"]).first()
        if division is None:
            raise CommandError(f"No division has the slug {options['division']!r}.")
        changes: dict[str, Any] = {}
        if options["customers"]:
            changes["customers_direction"] = _choice(options["customers"])
        if options["primary"]:
            direction = changes.get("customers_direction", sync_settings_for(division=division).customers_direction)
            if direction != CustomersDirection.TWO_WAY:
                raise CommandError("--primary only applies to two-way customer sync (--customers two-way).")
            changes["customers_primary"] = options["primary"]
        if options["inventory"]:
            changes["inventory_direction"] = _choice(options["inventory"])
        if options["import_inventory"]:
            changes["import_inventory"] = ON_OFF[options["import_inventory"]]
        if options["export_adjustments"]:
            changes["export_inventory_adjustments"] = ON_OFF[options["export_adjustments"]]
        if options["vendors"]:
            changes["vendors_direction"] = _choice(options["vendors"])
        if options["invoices"]:
            changes["invoices_direction"] = _choice(options["invoices"])
        if options["frequency"]:
            changes["frequency"] = options["frequency"]
        if options["quickbooks_numbers"]:
            changes["quickbooks_controls_invoice_numbers"] = ON_OFF[options["quickbooks_numbers"]]
        if options["tax_rates_and_terms"]:
            changes["sync_tax_rates_and_terms"] = ON_OFF[options["tax_rates_and_terms"]]
        if changes:
            try:
                sync_settings_update(division=division, **changes)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        for row in sync_settings_summary(division=division):
            label = f"  {row.label}" if row.indent else row.label
            self.stdout.write(f"{label + ':':<36}{row.value}".rstrip())

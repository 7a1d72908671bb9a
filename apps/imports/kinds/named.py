"""
Kinds whose records are known by their name within the division: tax rates, payment terms and items.

Each is imported by its list's own resource, on django-import-export's workflow (``apps.core.importing``): a row
whose name is new creates a record; a row whose name exists updates the values its cells give (an empty cell leaves
the value as it is); a row that changes nothing is left alone. While another system keeps the division's tax rates
or terms (``apps.core.masters``), the rows that would create or change one are refused with the reason.

The columns are those of the lists' exports (an item's accounts by name, the division), so that a list exported from
the admin imports again unchanged: a row of another division than the import's is refused, with the reason.
"""

from collections.abc import Sequence

from django.db import models

from apps.accounting.resources import PAYMENT_TERM_COLUMNS, TAX_RATE_COLUMNS, PaymentTermResource, TaxRateResource
from apps.catalog.resources import ITEM_COLUMNS, ItemResource
from apps.core.columns import norm
from apps.core.importing import RecordResource
from apps.core.masters import master_elsewhere
from apps.imports.kinds.base import ImportContext, Plan, SheetRow
from apps.imports.kinds.resource import ResourceKind


class NamedRecordKind(ResourceKind):
    """A kind whose records are known by their name: a name the file gives twice is an error on the second row."""

    def kept_rows(self, rows: Sequence[SheetRow], context: ImportContext, plan: Plan) -> list[SheetRow]:
        kept: list[SheetRow] = []
        first_seen: dict[str, int] = {}
        for row in super().kept_rows(rows, context, plan):
            key = norm(row["name"])
            if key in first_seen:
                plan.error(row.number, self.header("name"), f"This name is on row {first_seen[key]} already.")
                continue
            first_seen[key] = row.number
            kept.append(row)
        return kept

    def record_label(self, resource: RecordResource, instance: models.Model, current: models.Model | None) -> str:
        return str(current) if current is not None else str(instance.name)


class KeptElsewhereRefusingKind(NamedRecordKind):
    """Refuses the rows that would write while another system keeps the division's records of this kind."""

    def run(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        if master_elsewhere(self.model, context.division.pk):
            # Every row that would write is refused: the preview's plan is what the import does, writing nothing.
            return self.plan(rows=rows, context=context)
        return super().run(rows=rows, context=context)

    def plan(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        plan = super().plan(rows=rows, context=context)
        reason = master_elsewhere(self.model, context.division.pk)
        if reason:
            for action in plan.actions:
                if action.type != "skip":
                    for row in action.rows:
                        plan.error(row, "", reason)
            plan.actions = [action for action in plan.actions if action.type == "skip"]
        return plan


class TaxRateKind(KeptElsewhereRefusingKind):
    key = "tax_rates"
    label = "Tax rates"
    noun, noun_plural = "tax rate", "tax rates"
    sheet_name = "Tax rates"
    description = "Sales tax rates, by name. Import them before customers and invoices that use them."
    changelist = "admin:accounting_taxrate_changelist"
    resource_class = TaxRateResource
    columns = TAX_RATE_COLUMNS


class PaymentTermKind(KeptElsewhereRefusingKind):
    key = "payment_terms"
    label = "Payment terms"
    noun, noun_plural = "payment term", "payment terms"
    sheet_name = "Payment terms"
    description = "When invoices are due, by name: “Net 30” is due 30 days after the invoice date."
    changelist = "admin:accounting_paymentterm_changelist"
    resource_class = PaymentTermResource
    columns = PAYMENT_TERM_COLUMNS


class ItemKind(NamedRecordKind):
    key = "items"
    label = "Items"
    noun, noun_plural = "item", "items"
    sheet_name = "Items"
    description = "Parts, materials, services and equipment you sell, by name."
    changelist = "admin:catalog_item_changelist"
    resource_class = ItemResource
    columns = ITEM_COLUMNS

"""
Historical invoices with their lines: one row a line, the rows of an invoice together, under its number, imported
by ``apps.invoicing.resources.HistoricalInvoiceResource`` (the grouping, the references and the rules are there).
This kind says what the preview shows of each invoice: its label, and a new invoice's values or, for a corrected one,
each field, line and amount that differs, old → new.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from apps.imports.kinds.base import EMPTY, Action, Change, SheetRow, shown
from apps.imports.kinds.resource import ResourceKind
from apps.invoicing import services as invoicing_services
from apps.invoicing.resources import HISTORY_COLUMNS, HistoricalInvoiceResource, StoredInvoice, line_values
from apps.invoicing.services import HistoricalInvoice, HistoryTotals


def _money(value: Decimal) -> str:
    return f"${value:,.2f}"


def _lines_described(lines: Sequence[tuple]) -> dict:
    """Lines as (item id, description, quantity, unit price, taxable): "Line 1" → "Service call · 2 at 100.00"."""
    described = {}
    for number, line in enumerate(lines, start=1):
        _item_id, description, quantity, unit_price, taxable = line
        text = f"{description} · {shown(quantity)} at {shown(unit_price, money=True)}" + (
            "" if taxable else " · not taxable"
        )
        described[f"Line {number}"] = (tuple(line), text)
    return described


def _money_described(tax: Decimal, total: Decimal, paid: Decimal, paid_on: date | None) -> dict:
    return {
        "Tax": (tax, _money(tax)),
        "Total": (total, _money(total)),
        "Amount paid": (paid, _money(paid)),
        "Payment date": (paid_on, shown(paid_on)),
    }


class HistoricalInvoiceKind(ResourceKind):
    key = "invoices"
    label = "Historical invoices"
    noun, noun_plural = "invoice", "invoices"
    sheet_name = "Invoices"
    description = (
        "Invoices from your earlier system, with their lines (one row a line). They are kept as history: "
        "never sent to QuickBooks."
    )
    changelist = "admin:invoicing_invoice_changelist"
    valid_rows_note = "an invoice with an error on any of its rows is left out whole"
    resource_class = HistoricalInvoiceResource
    columns = HISTORY_COLUMNS

    def _action(self, resource: Any, position: int, rows: list[SheetRow], outcome: Any) -> Action:
        spec, result = resource.planned[position]
        numbers = [row.number for row in rows]
        count = len(spec.lines)
        label = (
            f"Invoice {spec.number} · {resource.customers.names[spec.customer.pk]} · {spec.invoice_date:%Y-%m-%d} · "
            f"{count} line{'s' if count != 1 else ''} · {_money(result.totals.total)}"
        )
        if outcome.import_type == outcome.IMPORT_TYPE_SKIP:
            return Action("skip", numbers, label)
        location = resource.group_of(position).values.get("service_location")
        stored = resource.stored.get(spec.number)
        describe = partial(self._changes, stored, spec, location)
        return Action("create" if stored is None else "update", numbers, label, describe)

    # What the preview shows.

    def _changes(self, stored: StoredInvoice | None, spec: HistoricalInvoice, location: str | None) -> list[Change]:
        """A new invoice's values; or, for a corrected one, each field, line and amount that differs, old → new."""
        # Worked out again (no query) rather than kept for every invoice of a large file.
        result = invoicing_services.invoice_history_totals(spec=spec)
        described = self._described(spec, result, location=location)
        if stored is None:
            return [Change(name, text) for name, (_value, text) in described.items() if text != EMPTY]
        before = self._stored_described(stored)
        changes = [
            Change(name, text, before.get(name, (None, EMPTY))[1])
            for name, (value, text) in described.items()
            if before.get(name, (None, EMPTY))[0] != value
        ]
        return changes + [
            Change(name, "(removed)", text) for name, (_value, text) in before.items() if name not in described
        ]

    # Each field as (value to compare, text shown), by name.

    def _described(self, spec: HistoricalInvoice, result: HistoryTotals, *, location: str | None) -> dict:
        fields = {
            self.header("customer"): (spec.customer.pk, str(spec.customer)),
            self.header("service_location"): (spec.service_location_id, location or EMPTY),
            self.header("invoice_date"): (spec.invoice_date, shown(spec.invoice_date)),
            self.header("due_date"): (result.due_date, shown(result.due_date)),
            self.header("tax_rate"): (result.tax_rate.pk if result.tax_rate else None, shown(result.tax_rate)),
            self.header("memo"): (spec.memo, shown(spec.memo)),
        }
        lines = [line_values(line) for line in spec.lines]
        paid_on = (spec.paid_on or spec.invoice_date) if result.amount_paid > 0 else None
        return (
            fields
            | _lines_described(lines)
            | _money_described(result.totals.tax, result.totals.total, result.amount_paid, paid_on)
        )

    def _stored_described(self, stored: StoredInvoice) -> dict:
        invoice = stored.invoice
        location = invoice.service_location
        fields = {
            self.header("customer"): (invoice.customer_id, str(invoice.customer)),
            self.header("service_location"): (invoice.service_location_id, location.name if location else EMPTY),
            self.header("invoice_date"): (invoice.invoice_date, shown(invoice.invoice_date)),
            self.header("due_date"): (invoice.due_date, shown(invoice.due_date)),
            self.header("tax_rate"): (invoice.tax_rate_id, shown(invoice.tax_rate)),
            self.header("memo"): (invoice.memo, shown(invoice.memo)),
        }
        paid = sum((amount for _paid_on, amount in stored.imported_payments), Decimal("0.00"))
        paid_on = stored.imported_payments[0][0] if stored.imported_payments else None
        return fields | _lines_described(stored.lines) | _money_described(invoice.tax, invoice.total, paid, paid_on)

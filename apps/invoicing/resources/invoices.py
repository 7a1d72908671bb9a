"""The invoice list's export, one row an invoice with its totals and balance (see ``apps.core.resources``)."""

from decimal import Decimal

from import_export.fields import Field

from apps.core.resources import ExportResource
from apps.invoicing.models import Invoice


class InvoiceResource(ExportResource):
    status = Field(column_name="Status")
    amount_paid = Field(column_name="Paid")

    column_headers = {
        "invoice_date": "Date",
        "customer__display_name": "Customer",
        "service_location__name": "Service location",
        "payment_term__name": "Payment term",
        "tax_rate__name": "Tax rate",
        "division__name": "Division",
    }
    export_select_related = ("customer", "service_location", "payment_term", "tax_rate", "division")

    class Meta:
        model = Invoice
        name = "Invoices, one row each"
        fields = (
            "number",
            "invoice_date",
            "due_date",
            "customer__display_name",
            "service_location__name",
            "status",
            "subtotal",
            "tax",
            "total",
            "amount_paid",
            "balance",
            "payment_term__name",
            "tax_rate__name",
            "memo",
            "division__name",
        )

    def dehydrate_status(self, invoice: Invoice) -> str:
        # What the list shows: "Overdue" is derived from the due date and the balance, never stored.
        return invoice.display_status

    def dehydrate_amount_paid(self, invoice: Invoice) -> Decimal:
        return invoice.amount_paid

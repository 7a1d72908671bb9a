from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum

from apps.invoicing.calculations import LineAmount, invoice_balance, invoice_totals, line_amount
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus

S = InvoiceStatus
ZERO = Decimal("0.00")


def invoice_recalculate(*, invoice: Invoice) -> Invoice:
    """
    Recompute every line amount, the totals and the balance from the lines and payments in the database, and settle
    the status: an unpaid invoice with payments and nothing left to pay is paid, a paid one that owes again is unpaid.

    Tax and total another system charged (see ``services.external``) stand while FieldOffice still computes what it
    computed then; once the lines or the rate change, FieldOffice's new figures replace them.

    Raises ``ValidationError`` (and writes nothing) when the lines add up to less than zero.
    """
    lines = list(invoice.lines.all())
    for line in lines:
        line.amount = line_amount(quantity=line.quantity, unit_price=line.unit_price)
    percent = invoice.tax_rate.percent if invoice.tax_rate_id else None
    totals = invoice_totals(
        lines=[LineAmount(amount=line.amount, taxable=line.taxable) for line in lines],
        tax_percent=percent,
        customer_taxable=invoice.customer.taxable,
    )
    if totals.total < 0:
        raise ValidationError({"lines": "An invoice total cannot be negative; issue a credit instead."})
    InvoiceLine.objects.bulk_update(lines, ["amount"])
    paid = invoice.payments.aggregate(paid=Sum("amount", default=ZERO))["paid"]
    charged = (invoice.tax, invoice.total)
    if invoice.computed_total is None or (totals.tax, totals.total) != (invoice.computed_tax, invoice.computed_total):
        charged = (totals.tax, totals.total)
        invoice.computed_tax = invoice.computed_total = None
        invoice.totals_changed_by = invoice.tax_difference_reason = ""
    invoice.subtotal = totals.subtotal
    invoice.tax, invoice.total = charged
    # A void invoice owes nothing, whatever its lines say.
    invoice.balance = ZERO if invoice.status == S.VOID else invoice_balance(total=invoice.total, payments=[paid])
    if invoice.status == S.UNPAID and invoice.balance == 0 and paid > 0:
        invoice.status = S.PAID
    elif invoice.status == S.PAID and invoice.balance > 0:
        invoice.status = S.UNPAID
    invoice.save(
        update_fields=[
            "subtotal", "tax", "total", "balance", "status", "computed_tax", "computed_total", "totals_changed_by",
            "tax_difference_reason", "updated_at",
        ]
    )
    return invoice

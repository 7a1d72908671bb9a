"""
Writes that come from the accounting system an invoice was sent to (QuickBooks): its totals and number after a
send, payments recorded there, and notes when it changed the invoice in ways FieldOffice does not follow.

These never recompute tax from FieldOffice's rates: once the accounting system has charged the tax, its figures are
the invoice's, and a difference from FieldOffice's own computation is written down as a note, never silent.
"""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from apps.invoicing.models import Invoice, InvoiceNote, InvoiceStatus, Payment

S = InvoiceStatus
ZERO = Decimal("0.00")


def invoice_note_add(*, invoice: Invoice, text: str, source: str = "") -> InvoiceNote:
    return InvoiceNote.objects.create(invoice=invoice, text=text, source=source)


def _settled_status(invoice: Invoice) -> str:
    return S.PAID if invoice.balance <= 0 else S.UNPAID


@transaction.atomic
def invoice_sent_apply(
    *,
    invoice: Invoice,
    tax: Decimal,
    total: Decimal,
    balance: Decimal,
    number: str = "",
    source: str = "",
    settle: bool = True,
) -> Invoice:
    """
    The invoice reached the accounting system: take its tax, total, balance (and number, when it numbers invoices),
    and leave Ready for Sync for Unpaid, or Paid when nothing is owed (a zero-dollar invoice included); with
    ``settle`` off the status stays as it is.
    """
    if tax != invoice.tax or total != invoice.total:
        invoice_note_add(
            invoice=invoice,
            source=source,
            text=f"{source or 'The accounting system'} charged {tax} tax (total {total}); FieldOffice had computed "
            f"{invoice.tax} (total {invoice.total}). The invoice now shows {source or 'its'} figures.",
        )
    invoice.tax, invoice.total, invoice.balance = tax, total, max(balance, ZERO)
    fields = ["tax", "total", "balance", "updated_at"]
    if settle and invoice.status in (S.READY_FOR_SYNC, S.UNPAID, S.PAID):
        invoice.status = _settled_status(invoice)
        fields.append("status")
    if number and number != invoice.number:
        if Invoice.objects.filter(division_id=invoice.division_id, number=number).exclude(pk=invoice.pk).exists():
            invoice_note_add(
                invoice=invoice,
                source=source,
                text=f"{source or 'The accounting system'} numbered this invoice {number}, but another invoice here "
                f"has that number; it keeps {invoice.number} here.",
            )
        else:
            invoice.number = number
            fields.append("number")
    try:
        with transaction.atomic():
            invoice.save(update_fields=fields)
    except IntegrityError:
        # Another invoice took the number meanwhile: keep ours, say so.
        fields.remove("number")
        invoice.refresh_from_db(fields=["number"])
        invoice.save(update_fields=fields)
    return invoice


@transaction.atomic
def invoice_number_adopt(*, invoice: Invoice, number: str, source: str = "") -> Invoice:
    """Take the number the accounting system gave the invoice (it numbers them), unless another invoice has it."""
    return invoice_sent_apply(
        invoice=invoice,
        tax=invoice.tax,
        total=invoice.total,
        balance=invoice.balance,
        number=number,
        source=source,
        settle=False,
    )


def invoice_balance_refresh(*, invoice: Invoice) -> Invoice:
    """Balance = total less payments, status Paid/Unpaid to match; totals untouched (see module docstring)."""
    paid = invoice.payments.aggregate(paid=Sum("amount", default=ZERO))["paid"]
    invoice.balance = ZERO if invoice.status == S.VOID else max(invoice.total - paid, ZERO)
    if invoice.status in (S.UNPAID, S.PAID):
        invoice.status = _settled_status(invoice)
    invoice.save(update_fields=["balance", "status", "updated_at"])
    return invoice


@transaction.atomic
def payment_external_save(
    *,
    invoice: Invoice,
    amount: Decimal,
    paid_on: date,
    method: str,
    reference: str = "",
    payment: Payment | None = None,
) -> Payment:
    """Create or change a payment recorded in the accounting system, then refresh the invoice's balance."""
    payment = payment or Payment(invoice=invoice)
    payment.amount, payment.paid_on, payment.method, payment.reference = amount, paid_on, method, reference[:100]
    payment.full_clean(exclude=["invoice"])
    payment.save()
    invoice_balance_refresh(invoice=invoice)
    return payment


@transaction.atomic
def payment_external_delete(*, payment: Payment) -> Invoice:
    invoice = payment.invoice
    payment.delete()
    return invoice_balance_refresh(invoice=invoice)

"""
Writes that come from the accounting system an invoice was sent to (QuickBooks): its totals and number after a
send, payments recorded there, and notes when it changed the invoice in ways FieldOffice does not follow.

These never recompute tax from FieldOffice's rates: once the accounting system has charged the tax, its figures are
the invoice's, and a difference from FieldOffice's own computation is never silent: the invoice keeps FieldOffice's
figures beside the system's (``computed_tax``, ``computed_total``), who charged the other tax and why, and a note.
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


def _whose(system: str) -> str:
    """ "QuickBooks" → "QuickBooks'", "" → "its": whose figures an invoice shows."""
    if not system:
        return "its"
    return f"{system}'" if system.endswith("s") else f"{system}'s"


def invoice_computed_totals(*, invoice: Invoice) -> tuple[Decimal, Decimal]:
    """FieldOffice's own tax and total of ``invoice``, whatever figures another system made it show."""
    if invoice.computed_total is not None:
        return invoice.computed_tax, invoice.computed_total
    return invoice.tax, invoice.total


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
    charged_by: str = "",
    tax_reason: str = "",
) -> Invoice:
    """
    The invoice reached the accounting system: take its tax, total, balance (and number, when it numbers invoices),
    and leave Ready for Sync for Unpaid, or Paid when nothing is owed (a zero-dollar invoice included); with
    ``settle`` off the status stays as it is.

    When ``charged_by`` (the system, e.g. "QuickBooks") charged another tax or total than FieldOffice computes, the
    invoice keeps FieldOffice's figures beside its own, with ``tax_reason`` (why, in words), and gets a note the first
    time the figures change.
    """
    computed_tax, computed_total = invoice_computed_totals(invoice=invoice)
    system = charged_by or source or "The accounting system"
    fields = ["tax", "total", "balance", "updated_at"]
    if (tax, total) != (computed_tax, computed_total):
        if (tax, total) != (invoice.tax, invoice.total):
            why = f" {tax_reason[:1].upper()}{tax_reason[1:]}" if tax_reason else ""
            invoice_note_add(
                invoice=invoice,
                source=source,
                text=f"{system} charged {tax} tax (total {total}); FieldOffice had computed {computed_tax} (total "
                f"{computed_total}).{why} The invoice now shows {_whose(charged_by or source)} figures.",
            )
        invoice.computed_tax, invoice.computed_total = computed_tax, computed_total
        invoice.totals_changed_by, invoice.tax_difference_reason = charged_by or source, tax_reason
    else:
        invoice.computed_tax = invoice.computed_total = None
        invoice.totals_changed_by = invoice.tax_difference_reason = ""
    fields += ["computed_tax", "computed_total", "totals_changed_by", "tax_difference_reason"]
    invoice.tax, invoice.total, invoice.balance = tax, total, max(balance, ZERO)
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

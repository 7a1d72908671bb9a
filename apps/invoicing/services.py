"""
Invoice workflow: numbering, totals, the status flow and payments.

Status flow: draft → approved → ready for sync → unpaid → paid, and void from any issued state. "Overdue" is not a
status; it is derived from the due date and the balance.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone

from apps.invoicing.calculations import LineAmount, due_date_for, invoice_balance, invoice_totals, line_amount
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, Payment

S = InvoiceStatus

ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.APPROVED, S.VOID),
    S.APPROVED: (S.READY_FOR_SYNC, S.DRAFT, S.VOID),
    S.READY_FOR_SYNC: (S.UNPAID, S.PAID, S.APPROVED, S.VOID),
    S.UNPAID: (S.READY_FOR_SYNC, S.PAID, S.VOID),
    S.PAID: (S.UNPAID, S.READY_FOR_SYNC),
    S.VOID: (),
}
MARKABLE_FOR_SYNC = (S.APPROVED, S.UNPAID)


class InvoiceStatusError(Exception):
    """A status change the flow does not allow; the message is meant for the person who asked for it."""


@dataclass
class BulkResult:
    """What a bulk action did: the invoices it changed and, for the others, why not."""

    changed: list[Invoice] = field(default_factory=list)
    skipped: list[tuple[Invoice, str]] = field(default_factory=list)


def invoice_next_number(*, division_id: int) -> str:
    """The next free number: one more than the highest numeric number of the division, starting at 1001."""
    highest = (
        Invoice.objects.filter(division_id=division_id, number__regex=r"^[0-9]{1,15}$")
        .annotate(digits=Length("number"))
        .order_by("-digits", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return str(max(int(highest or 0), 1000) + 1)


def invoice_fill_defaults(*, invoice: Invoice) -> Invoice:
    """Fill what a new invoice takes from its customer: division, number, term, due date and tax rate."""
    customer = invoice.customer
    if not invoice.division_id:
        invoice.division_id = customer.division_id
    if not invoice.number:
        invoice.number = invoice_next_number(division_id=invoice.division_id)
    if invoice.pk is None:
        invoice.payment_term = invoice.payment_term or customer.payment_term
        if invoice.tax_rate_id is None and customer.taxable:
            invoice.tax_rate = customer.tax_rate
    if not invoice.due_date:
        term = invoice.payment_term
        invoice.due_date = due_date_for(invoice_date=invoice.invoice_date, due_days=term.due_days if term else 0)
    return invoice


def invoice_recalculate(*, invoice: Invoice) -> Invoice:
    """Recompute every line amount, the totals and the balance from the lines and payments in the database."""
    lines = list(invoice.lines.all())
    for line in lines:
        line.amount = line_amount(quantity=line.quantity, unit_price=line.unit_price)
    InvoiceLine.objects.bulk_update(lines, ["amount"])
    percent = invoice.tax_rate.percent if invoice.tax_rate_id else None
    totals = invoice_totals(
        lines=[LineAmount(amount=line.amount, taxable=line.taxable) for line in lines],
        tax_percent=percent,
        customer_taxable=invoice.customer.taxable,
    )
    paid = invoice.payments.aggregate(paid=Sum("amount"))["paid"] or Decimal("0")
    invoice.subtotal, invoice.tax, invoice.total = totals.subtotal, totals.tax, totals.total
    invoice.balance = invoice_balance(total=totals.total, payments=[paid])
    _settle_status(invoice)
    invoice.save(update_fields=["subtotal", "tax", "total", "balance", "status", "updated_at"])
    return invoice


def _settle_status(invoice: Invoice) -> None:
    """An issued invoice with nothing left to pay is paid; a paid one that owes again is unpaid."""
    if invoice.status == S.UNPAID and invoice.balance == 0 and invoice.payments.exists():
        invoice.status = S.PAID
    elif invoice.status == S.PAID and invoice.balance > 0:
        invoice.status = S.UNPAID


def invoice_transition(*, invoice: Invoice, to: str) -> Invoice:
    if to not in ALLOWED_TRANSITIONS[invoice.status]:
        raise InvoiceStatusError(f"{invoice} is {invoice.get_status_display()} and cannot become {S(to).label}.")
    invoice.status = to
    return invoice


@transaction.atomic
def invoice_approve(*, invoice: Invoice, user=None) -> Invoice:
    if invoice.status != S.DRAFT:
        raise InvoiceStatusError(f"{invoice} is {invoice.get_status_display()}; only drafts can be approved.")
    invoice_transition(invoice=invoice, to=S.APPROVED)
    invoice.approved_at = timezone.now()
    invoice.approved_by = user
    invoice.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return invoice


@transaction.atomic
def invoice_mark_for_sync(*, invoice: Invoice) -> Invoice:
    if invoice.is_history:
        raise InvoiceStatusError(f"{invoice} is a historical invoice and is never sent to QuickBooks.")
    if invoice.status not in MARKABLE_FOR_SYNC:
        raise InvoiceStatusError(
            f"{invoice} is {invoice.get_status_display()}; only approved or unpaid invoices can be marked for sync."
        )
    invoice_transition(invoice=invoice, to=S.READY_FOR_SYNC)
    invoice.marked_for_sync_at = timezone.now()
    invoice.save(update_fields=["status", "marked_for_sync_at", "updated_at"])
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice) -> Invoice:
    if invoice.payments.exists():
        raise InvoiceStatusError(f"{invoice} has payments; remove them before voiding it.")
    invoice_transition(invoice=invoice, to=S.VOID)
    invoice.balance = Decimal("0.00")
    invoice.save(update_fields=["status", "balance", "updated_at"])
    return invoice


def _bulk(invoices: Iterable[Invoice], action) -> BulkResult:
    result = BulkResult()
    for invoice in invoices:
        try:
            result.changed.append(action(invoice))
        except InvoiceStatusError as error:
            result.skipped.append((invoice, str(error)))
    return result


def invoices_approve(*, invoices: Iterable[Invoice], user=None) -> BulkResult:
    """Approve each draft; every other invoice is reported with the reason and left as it was."""
    return _bulk(invoices, lambda invoice: invoice_approve(invoice=invoice, user=user))


def invoices_mark_for_sync(*, invoices: Iterable[Invoice]) -> BulkResult:
    """Mark each approved or unpaid invoice Ready for Sync; report the others unchanged."""
    return _bulk(invoices, lambda invoice: invoice_mark_for_sync(invoice=invoice))


@transaction.atomic
def payment_record(
    *, invoice: Invoice, amount: Decimal, paid_on=None, method: str = "check", reference: str = ""
) -> Payment:
    """Record a payment and bring the invoice's balance and status up to date."""
    if invoice.status in (S.DRAFT, S.VOID):
        raise InvoiceStatusError(f"{invoice} is {invoice.get_status_display()} and cannot take payments.")
    payment = Payment(invoice=invoice, amount=amount, method=method, reference=reference)
    if paid_on:
        payment.paid_on = paid_on
    payment.full_clean(exclude=["invoice"])
    payment.save()
    invoice_recalculate(invoice=invoice)
    return payment

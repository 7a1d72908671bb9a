"""
The invoice status flow: draft → approved → ready for sync → unpaid → paid, and void from any issued state.

"Overdue" is not a status; it is derived from the due date and the balance. Each change has a ``*_refusal``
function that says, in words for the person who asked, why it cannot happen now (or ``None``): confirmation pages
ask it before anything is written, and the change itself refuses with the same words.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.invoicing.models import Invoice, InvoiceStatus

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
    """A change the invoice's status does not allow; the message is meant for the person who asked for it."""


@dataclass
class BulkResult:
    """What a bulk action did: the invoices it changed and, for the others, why not."""

    changed: list[Invoice] = field(default_factory=list)
    skipped: list[tuple[Invoice, str]] = field(default_factory=list)


def invoice_transition(*, invoice: Invoice, to: str) -> Invoice:
    if to not in ALLOWED_TRANSITIONS[invoice.status]:
        raise InvoiceStatusError(f"{invoice} is {invoice.get_status_display()} and cannot become {S(to).label}.")
    invoice.status = to
    return invoice


def invoice_approve_refusal(invoice: Invoice) -> str | None:
    if invoice.status != S.DRAFT:
        return f"{invoice} is {invoice.get_status_display()}; only drafts can be approved."
    return None


def invoice_mark_for_sync_refusal(invoice: Invoice) -> str | None:
    if invoice.is_history:
        return f"{invoice} is a historical invoice and is never sent to QuickBooks."
    if invoice.status not in MARKABLE_FOR_SYNC:
        return f"{invoice} is {invoice.get_status_display()}; only approved or unpaid invoices can be marked for sync."
    return None


def _refuse_if(refusal: str | None) -> None:
    if refusal:
        raise InvoiceStatusError(refusal)


@transaction.atomic
def invoice_approve(*, invoice: Invoice, user=None) -> Invoice:
    _refuse_if(invoice_approve_refusal(invoice))
    invoice_transition(invoice=invoice, to=S.APPROVED)
    invoice.approved_at = timezone.now()
    invoice.approved_by = user
    invoice.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    return invoice


@transaction.atomic
def invoice_mark_for_sync(*, invoice: Invoice) -> Invoice:
    _refuse_if(invoice_mark_for_sync_refusal(invoice))
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


def _bulk(invoices: Iterable[Invoice], action: Callable[[Invoice], Invoice]) -> BulkResult:
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

"""Reads of invoices that more than one screen needs."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from apps.invoicing.models import Invoice, InvoiceStatus, invoice_open_q, invoice_overdue_q, invoice_paid_q

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceSummary:
    """Paid: the totals of paid invoices. Overdue and Open: what is still owed on overdue and on open invoices."""

    paid: Decimal
    overdue: Decimal
    open: Decimal


def invoice_summary(*, invoices: QuerySet[Invoice], today: date | None = None) -> InvoiceSummary:
    """The three sums over ``invoices`` in one query (one scan, conditional sums)."""
    today = today or timezone.localdate()
    sums = invoices.order_by().aggregate(
        paid=Sum("total", filter=invoice_paid_q(), default=ZERO),
        overdue=Sum("balance", filter=invoice_overdue_q(today=today), default=ZERO),
        open=Sum("balance", filter=invoice_open_q(), default=ZERO),
    )
    return InvoiceSummary(**sums)


@dataclass(frozen=True)
class InvoiceFigures:
    """The dashboard's invoice figures: how many wait for the next sync, and what is owed on overdue and open ones."""

    ready_for_sync: int
    overdue_count: int
    overdue: Decimal
    open_count: int
    open: Decimal


def invoice_figures(*, invoices: QuerySet[Invoice] | None = None, today: date | None = None) -> InvoiceFigures:
    """The figures over ``invoices`` (every invoice by default) in one query."""
    today = today or timezone.localdate()
    invoices = Invoice.objects.all() if invoices is None else invoices
    overdue_q = invoice_overdue_q(today=today)
    figures = invoices.order_by().aggregate(
        ready_for_sync=Count("pk", filter=Q(status=InvoiceStatus.READY_FOR_SYNC)),
        overdue_count=Count("pk", filter=overdue_q),
        overdue=Sum("balance", filter=overdue_q, default=ZERO),
        open_count=Count("pk", filter=invoice_open_q()),
        open=Sum("balance", filter=invoice_open_q(), default=ZERO),
    )
    return InvoiceFigures(**figures)

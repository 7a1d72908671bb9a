"""Reads of invoices that more than one screen needs."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from apps.invoicing.models import Invoice, invoice_open_q, invoice_overdue_q, invoice_paid_q

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

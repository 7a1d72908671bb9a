from decimal import Decimal

from django.db import transaction

from apps.invoicing.models import Invoice, InvoiceStatus, Payment
from apps.invoicing.services.totals import invoice_recalculate
from apps.invoicing.services.workflow import InvoiceStatusError

S = InvoiceStatus


def payment_refusal(invoice: Invoice, *, amount: Decimal | None = None) -> str | None:
    """Why ``invoice`` cannot take a payment (of ``amount``, when given) now, or ``None``."""
    if invoice.status in (S.DRAFT, S.VOID):
        return f"{invoice} is {invoice.get_status_display()} and cannot take payments."
    if amount is not None and amount > invoice.balance:
        return (
            f"A payment of {amount} is more than the {invoice.balance} still owed on {invoice}; "
            "record the difference as a customer credit in QuickBooks."
        )
    return None


@transaction.atomic
def payment_record(
    *, invoice: Invoice, amount: Decimal, paid_on=None, method: str = "check", reference: str = ""
) -> Payment:
    """Record a payment and bring the invoice's balance and status up to date."""
    payment = Payment(invoice=invoice, amount=amount, method=method, reference=reference)
    if paid_on:
        payment.paid_on = paid_on
    payment.full_clean(exclude=["invoice"])
    if refusal := payment_refusal(invoice, amount=payment.amount):
        raise InvoiceStatusError(refusal)
    payment.save()
    invoice_recalculate(invoice=invoice)
    return payment

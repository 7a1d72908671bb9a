"""
Historical invoices: invoices issued before FieldOffice, imported to keep a customer's history complete.

They are stored like any other invoice, with ``is_history=True`` so that they are never sent to QuickBooks, and
their totals, tax and balance come from the same calculations as every invoice. A paid (or part-paid) historical
invoice carries one payment of the amount paid. Thousands arrive at once, so they are written in bulk: everything is
validated in Python first (``invoice_history_totals``), then inserted in a few queries per batch.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounting.models import TaxRate
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing.calculations import (
    InvoiceTotals,
    LineAmount,
    due_date_for,
    invoice_balance,
    invoice_totals,
    line_amount,
)
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentMethod

S = InvoiceStatus
ZERO = Decimal("0.00")
PAYMENT_REFERENCE = "Imported history"


@dataclass(frozen=True, slots=True)
class HistoricalLine:
    quantity: Decimal
    unit_price: Decimal
    taxable: bool = True
    description: str = ""
    item_id: int | None = None


@dataclass(frozen=True, slots=True)
class HistoricalInvoice:
    """
    An invoice as an earlier system knew it. ``customer`` comes with its ``tax_rate`` and ``payment_term`` loaded;
    ``tax_rate`` ``None`` means the customer's. ``amount_paid`` ``None`` on a paid invoice means its total.
    """

    number: str
    customer: Customer
    invoice_date: date
    lines: tuple[HistoricalLine, ...]
    paid: bool
    amount_paid: Decimal | None = None
    paid_on: date | None = None
    due_date: date | None = None
    service_location_id: int | None = None
    tax_rate: TaxRate | None = None
    memo: str = ""


@dataclass(frozen=True, slots=True)
class HistoryTotals:
    totals: InvoiceTotals
    amount_paid: Decimal
    balance: Decimal
    status: str
    due_date: date
    tax_rate: TaxRate | None


def invoice_history_totals(*, spec: HistoricalInvoice) -> HistoryTotals:
    """
    What the invoice will hold: totals, amount paid, balance, status and due date; no query is made.

    Raises ``ValidationError`` (keyed by ``lines``, ``due_date``, ``amount_paid``) when the invoice cannot be stored
    as described.
    """
    customer = spec.customer
    errors: dict[str, list[str]] = {}
    if not spec.lines:
        errors.setdefault("lines", []).append("An invoice needs at least one line.")
    if any(not line.item_id and not line.description for line in spec.lines):
        errors.setdefault("lines", []).append("A line needs an item or a description.")
    tax_rate = spec.tax_rate if spec.tax_rate is not None else (customer.tax_rate if customer.taxable else None)
    amounts = [
        LineAmount(amount=line_amount(quantity=line.quantity, unit_price=line.unit_price), taxable=line.taxable)
        for line in spec.lines
    ]
    totals = invoice_totals(
        lines=amounts, tax_percent=tax_rate.percent if tax_rate else None, customer_taxable=customer.taxable
    )
    if totals.total < 0:
        errors.setdefault("lines", []).append(
            f"The lines add up to {totals.total}; an invoice total cannot be negative."
        )
    term = customer.payment_term
    due = spec.due_date or due_date_for(invoice_date=spec.invoice_date, due_days=term.due_days if term else 0)
    if due < spec.invoice_date:
        errors["due_date"] = ["The due date cannot be before the invoice date."]
    paid = spec.amount_paid if spec.amount_paid is not None else (totals.total if spec.paid else ZERO)
    if paid < 0:
        errors["amount_paid"] = ["The amount paid cannot be negative."]
    elif paid > totals.total:
        errors["amount_paid"] = [f"The amount paid ({paid}) is more than the invoice total ({totals.total})."]
    elif spec.paid and paid < totals.total:
        errors["amount_paid"] = [
            f"The invoice is Paid, but the amount paid ({paid}) is less than its total ({totals.total})."
        ]
    elif not spec.paid and totals.total > 0 and paid == totals.total:
        errors["amount_paid"] = [f"The amount paid ({paid}) settles the invoice: its status should be Paid."]
    if errors:
        raise ValidationError(errors)
    balance = invoice_balance(total=totals.total, payments=[paid])
    return HistoryTotals(
        totals=totals,
        amount_paid=paid,
        balance=balance,
        status=S.PAID if spec.paid else S.UNPAID,
        due_date=due,
        tax_rate=tax_rate,
    )


def _invoice_fields(spec: HistoricalInvoice, result: HistoryTotals) -> dict:
    return {
        "number": spec.number,
        "customer": spec.customer,
        "service_location_id": spec.service_location_id,
        "invoice_date": spec.invoice_date,
        "due_date": result.due_date,
        "payment_term": spec.customer.payment_term,
        "tax_rate": result.tax_rate,
        "memo": spec.memo,
        "status": result.status,
        "subtotal": result.totals.subtotal,
        "tax": result.totals.tax,
        "total": result.totals.total,
        "balance": result.balance,
        "is_history": True,
    }


def _children(invoice: Invoice, spec: HistoricalInvoice, result: HistoryTotals) -> tuple[list, Payment | None]:
    lines = [
        InvoiceLine(
            invoice=invoice,
            position=position,
            item_id=line.item_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            taxable=line.taxable,
            amount=line_amount(quantity=line.quantity, unit_price=line.unit_price),
        )
        for position, line in enumerate(spec.lines, start=1)
    ]
    payment = None
    if result.amount_paid > 0:
        payment = Payment(
            invoice=invoice,
            paid_on=spec.paid_on or spec.invoice_date,
            amount=result.amount_paid,
            method=PaymentMethod.OTHER,
            reference=PAYMENT_REFERENCE,
        )
    return lines, payment


def _references_check(*, division_id: int, specs: Sequence[HistoricalInvoice]) -> None:
    """Customers of the division, locations of their customer, numbers free: the database's rules, in one go."""
    if foreign := sorted({spec.number for spec in specs if spec.customer.division_id != division_id}):
        raise ValidationError(f"Invoices {', '.join(foreign[:5])}: the customer belongs to another division.")
    location_ids = {spec.service_location_id for spec in specs if spec.service_location_id}
    owners = dict(ServiceLocation.objects.filter(pk__in=location_ids).values_list("pk", "customer_id"))
    if wrong := sorted(
        spec.number
        for spec in specs
        if spec.service_location_id and owners.get(spec.service_location_id) != spec.customer.pk
    ):
        raise ValidationError(f"Invoices {', '.join(wrong[:5])}: the service location belongs to another customer.")
    numbers = [spec.number for spec in specs]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Each invoice number may appear only once.")
    taken = Invoice.objects.filter(division_id=division_id, number__in=numbers).values_list("number", flat=True)
    if taken := sorted(taken):
        raise ValidationError(f"These invoice numbers are already used: {', '.join(taken[:5])}.")


@transaction.atomic
def invoices_history_create(
    *, division_id: int, invoices: Sequence[HistoricalInvoice], batch_size: int = 500
) -> list[Invoice]:
    """Store many historical invoices with their lines and payments; all of them, or none (``ValidationError``)."""
    created: list[Invoice] = []
    for start in range(0, len(invoices), batch_size):
        batch = invoices[start : start + batch_size]
        _references_check(division_id=division_id, specs=batch)
        results = [invoice_history_totals(spec=spec) for spec in batch]
        headers = [
            Invoice(division_id=division_id, **_invoice_fields(spec, result))
            for spec, result in zip(batch, results, strict=True)
        ]
        # Both SQLite (3.35+) and PostgreSQL return the new ids, which the lines and payments need.
        Invoice.objects.bulk_create(headers)
        lines: list[InvoiceLine] = []
        payments: list[Payment] = []
        for invoice, spec, result in zip(headers, batch, results, strict=True):
            invoice_lines, payment = _children(invoice, spec, result)
            lines += invoice_lines
            if payment is not None:
                payments.append(payment)
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
        Payment.objects.bulk_create(payments, batch_size=2000)
        created += headers
    return created


def invoice_history_replace_refusal(invoice: Invoice) -> str | None:
    """
    Why a corrected import may not replace ``invoice`` now, or ``None``: only history, and only as imported.

    Once it is voided or paid in FieldOffice, the invoice is the office's, and an import leaves it alone.
    """
    if not invoice.is_history:
        return f"{invoice} was not imported as history; an import cannot change it."
    if invoice.status == S.VOID:
        return f"{invoice} was voided in FieldOffice since it was imported; an import no longer changes it."
    if any(payment.reference != PAYMENT_REFERENCE for payment in invoice.payments.all()):
        return f"{invoice} has payments recorded in FieldOffice since it was imported; an import no longer changes it."
    return None


@transaction.atomic
def invoice_history_replace(*, invoice: Invoice, spec: HistoricalInvoice) -> Invoice:
    """Make a historical invoice exactly ``spec`` again (a corrected re-import): lines and payment replaced."""
    if refusal := invoice_history_replace_refusal(invoice):
        raise ValidationError(refusal)
    if spec.customer.pk != invoice.customer_id:
        raise ValidationError(f"{invoice} belongs to another customer.")
    result = invoice_history_totals(spec=spec)
    for name, value in _invoice_fields(spec, result).items():
        setattr(invoice, name, value)
    invoice.full_clean()
    invoice.save()
    invoice.lines.all().delete()
    invoice.payments.all().delete()
    lines, payment = _children(invoice, spec, result)
    InvoiceLine.objects.bulk_create(lines)
    if payment is not None:
        payment.save()
    return invoice

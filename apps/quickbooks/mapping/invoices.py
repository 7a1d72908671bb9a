"""
Invoices → the engine's invoice records, whichever QuickBooks they go to, and QuickBooks payments → payments here
(each backend translates the records to its wire format: ``online.mapping.invoices``, ``desktop.mapping.invoices``).

An invoice carries a marker in its private note ("FieldOffice invoice 123"), which QuickBooks keeps and never prints:
a run interrupted after QuickBooks created an invoice finds it by that marker (the record's ``origin_id``) instead of
creating it twice.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.invoicing.models import Invoice, InvoiceLine, PaymentMethod
from apps.quickbooks.sync.records import INVOICE, ITEM, PAYMENT, InvoiceRecord, PaymentRecord
from apps.quickbooks.sync.records import InvoiceLine as LineRecord

ENTITY = INVOICE
PAYMENT_ENTITY = PAYMENT
ITEM_ENTITY = ITEM
MARKER = "FieldOffice invoice {pk}"
_MARKER = re.compile(r"FieldOffice invoice (\d+)")
ZERO = Decimal("0.00")


def marker(invoice_id: int) -> str:
    return MARKER.format(pk=invoice_id)


def marked_invoice_id(note: str) -> int | None:
    """The FieldOffice invoice a QuickBooks invoice was created from, read from the note its marker is in."""
    match = _MARKER.search(note or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class InvoiceRefs:
    """QuickBooks ids the record needs, resolved by the sync step."""

    customer: str
    term: str = ""
    tax_code: str = ""
    # Per line position: the QuickBooks item id.
    items: tuple[str, ...] = ()


def line_description(line: InvoiceLine, *, default_item: bool) -> str:
    """A line sent with the default service item keeps its own item's name in the description."""
    if default_item and line.item_id and line.item.name not in line.description:
        return f"{line.item.name}: {line.description}" if line.description else line.item.name
    return line.description


def invoice_sent(
    invoice: Invoice, lines: list[InvoiceLine], refs: InvoiceRefs, *, send_number: bool, default_item: str = ""
) -> InvoiceRecord:
    """The record sent for ``invoice``: without a number when QuickBooks numbers invoices (``send_number`` off)."""
    return InvoiceRecord(
        number=invoice.number if send_number else "",
        customer_id=refs.customer,
        invoice_date=invoice.invoice_date,
        due_date=invoice.due_date,
        term_id=refs.term,
        tax_code_id=refs.tax_code,
        memo=invoice.memo,
        origin_id=invoice.pk,
        lines=tuple(
            LineRecord(
                item_id=item_id,
                description=line_description(line, default_item=item_id == default_item and bool(default_item)),
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                taxable=line.taxable,
            )
            for line, item_id in zip(lines, refs.items, strict=True)
        ),
    )


def _number(value: Decimal | None) -> str:
    return format((value or Decimal(0)).normalize(), "f")


def invoice_comparable(record: InvoiceRecord) -> dict[str, Any]:
    """The fields FieldOffice sends, of a record sent or read, normalised (Resend All Data compares them)."""
    return {
        "customer": record.customer_id,
        "date": record.invoice_date.isoformat() if record.invoice_date else "",
        "due": record.due_date.isoformat() if record.due_date else "",
        "number": record.number,
        "term": record.term_id,
        "tax_code": record.tax_code_id,
        "memo": record.memo,
        "lines": [
            {
                "item": line.item_id,
                "qty": _number(line.quantity),
                "price": _number(line.unit_price),
                "amount": _number(line.amount),
                "description": line.description,
                "taxable": line.taxable,
            }
            for line in record.lines
        ],
    }


# Payments.

_METHODS = {
    "cash": PaymentMethod.CASH,
    "check": PaymentMethod.CHECK,
    "cheque": PaymentMethod.CHECK,
    "credit card": PaymentMethod.CREDIT_CARD,
    "visa": PaymentMethod.CREDIT_CARD,
    "mastercard": PaymentMethod.CREDIT_CARD,
    "american express": PaymentMethod.CREDIT_CARD,
    "discover": PaymentMethod.CREDIT_CARD,
    "ach": PaymentMethod.BANK_TRANSFER,
    "bank transfer": PaymentMethod.BANK_TRANSFER,
    "eft": PaymentMethod.BANK_TRANSFER,
}


@dataclass(frozen=True)
class AppliedPayment:
    """The part of a QuickBooks payment applied to one invoice."""

    payment_id: str
    invoice_id: str
    amount: Decimal
    paid_on: date
    method: str
    reference: str

    @property
    def key(self) -> str:
        return f"{self.payment_id}:{self.invoice_id}"


def applied_payments(record: PaymentRecord) -> list[AppliedPayment]:
    """The invoices a QuickBooks payment pays, with the amount applied to each."""
    # A payment QuickBooks reports without a date was received when it was read.
    paid_on = record.paid_on or timezone.now().date()
    method_name = record.method.casefold()
    method = _METHODS.get(method_name, PaymentMethod.OTHER if method_name else PaymentMethod.CHECK)
    return [
        AppliedPayment(
            payment_id=record.remote_id,
            invoice_id=invoice_id,
            amount=amount,
            paid_on=paid_on,
            method=method,
            reference=record.reference,
        )
        for invoice_id, amount in record.applied
        if amount > 0
    ]

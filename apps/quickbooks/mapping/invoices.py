"""
Invoices ↔ the engine's invoice records ↔ QuickBooks Online invoices, and QuickBooks payments → payments here.

An invoice carries a marker in its private note ("FieldOffice invoice 123"), which QuickBooks keeps and never prints:
a run interrupted after QuickBooks created an invoice finds it by that marker (the record's ``origin_id``) instead of
creating it twice. Lines are sales item lines; QuickBooks works out the tax from the tax code and the lines' taxable
flags.

``invoice_sent`` (what is sent for a local invoice), ``invoice_comparable`` and ``applied_payments`` work on the
engine's records, whichever QuickBooks they go to; the rest translates Online's JSON.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.invoicing.models import Invoice, InvoiceLine, PaymentMethod
from apps.quickbooks.mapping.common import (
    is_deleted,
    ref,
    ref_id,
    remote_created_at,
    remote_id,
    remote_sync_token,
    text,
)
from apps.quickbooks.sync.records import INVOICE, ITEM, PAYMENT, InvoiceRecord, PaymentRecord, TaxCharged
from apps.quickbooks.sync.records import InvoiceLine as LineRecord

ENTITY = INVOICE
PAYMENT_ENTITY = PAYMENT
ITEM_ENTITY = ITEM
TAXABLE, NON_TAXABLE = "TAX", "NON"
MARKER = "FieldOffice invoice {pk}"
_MARKER = re.compile(r"FieldOffice invoice (\d+)")
VOIDED = "Voided"
ZERO = Decimal("0.00")
SALES_LINE = "SalesItemLineDetail"
# Online's limits.
NUMBER_MAX = 21
DESCRIPTION_MAX = 4000
MEMO_MAX = 1000


def marker(invoice_id: int) -> str:
    return MARKER.format(pk=invoice_id)


def marked_invoice_id(note: str) -> int | None:
    """The FieldOffice invoice a QuickBooks invoice was created from, read from the note its marker is in."""
    match = _MARKER.search(note or "")
    return int(match.group(1)) if match else None


# What is sent for a local invoice, whichever QuickBooks it goes to.


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


# Online's JSON.


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None and value != "" else None


def _day(value: Any) -> date | None:
    """A date QuickBooks gives ("2026-03-02"); ``None`` when it gives none, or something that is not one."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _line_payload(line: LineRecord) -> dict[str, Any]:
    detail: dict[str, Any] = {"ItemRef": ref(line.item_id)}
    if line.quantity is not None:
        detail["Qty"] = line.quantity.normalize()
    if line.unit_price is not None:
        detail["UnitPrice"] = line.unit_price.normalize()
    detail["TaxCodeRef"] = {"value": TAXABLE if line.taxable else NON_TAXABLE}
    return {
        "DetailType": SALES_LINE,
        "Amount": line.amount,
        "Description": line.description[:DESCRIPTION_MAX],
        SALES_LINE: detail,
    }


def invoice_payload(record: InvoiceRecord) -> dict[str, Any]:
    """The Online invoice written for ``record`` (an update of the invoice it names, when it names one)."""
    payload: dict[str, Any] = {
        "CustomerRef": ref(record.customer_id),
        "Line": [_line_payload(line) for line in record.lines],
    }
    if record.remote_id:
        payload.update(Id=record.remote_id, SyncToken=record.version)
    if record.invoice_date:
        payload["TxnDate"] = record.invoice_date.isoformat()
    if record.origin_id is not None:
        payload["PrivateNote"] = marker(record.origin_id)
    if record.due_date:
        payload["DueDate"] = record.due_date.isoformat()
    if record.number:
        payload["DocNumber"] = record.number[:NUMBER_MAX]
    if record.term_id:
        payload["SalesTermRef"] = ref(record.term_id)
    if record.tax_code_id:
        payload["TxnTaxDetail"] = {"TxnTaxCodeRef": ref(record.tax_code_id)}
    if record.memo:
        payload["CustomerMemo"] = {"value": record.memo[:MEMO_MAX]}
    return payload


def _line_record(line: dict[str, Any]) -> LineRecord:
    detail = line.get(SALES_LINE) or {}
    return LineRecord(
        item_id=ref_id(detail.get("ItemRef")),
        description=text(line.get("Description")),
        quantity=_decimal(detail.get("Qty")),
        unit_price=_decimal(detail.get("UnitPrice")),
        amount=_money(line.get("Amount")),
        taxable=ref_id(detail.get("TaxCodeRef")) == TAXABLE,
        line_id=text(line.get("Id")),
    )


def _charged(detail: dict[str, Any]) -> tuple[TaxCharged, ...]:
    charged = []
    for line in detail.get("TaxLine") or []:
        rate = line.get("TaxLineDetail") or {}
        charged.append(
            TaxCharged(
                percent=_decimal(rate.get("TaxPercent")) or ZERO, taxable_base=_decimal(rate.get("NetAmountTaxable"))
            )
        )
    return tuple(charged)


def invoice_record(obj: dict[str, Any]) -> InvoiceRecord:
    """A QuickBooks Online invoice as the engine's record; one change data capture reports deleted says only that."""
    if is_deleted(obj):
        return InvoiceRecord(remote_id=remote_id(obj), deleted=True)
    detail = obj.get("TxnTaxDetail") or {}
    note = text(obj.get("PrivateNote"))
    total = _money(obj.get("TotalAmt"))
    return InvoiceRecord(
        remote_id=remote_id(obj),
        version=remote_sync_token(obj),
        number=text(obj.get("DocNumber")),
        customer_id=ref_id(obj.get("CustomerRef")),
        invoice_date=_day(obj.get("TxnDate")),
        due_date=_day(obj.get("DueDate")),
        term_id=ref_id(obj.get("SalesTermRef")),
        tax_code_id=ref_id(detail.get("TxnTaxCodeRef")),
        tax_code_name=text((detail.get("TxnTaxCodeRef") or {}).get("name")),
        memo=text((obj.get("CustomerMemo") or {}).get("value")),
        origin_id=marked_invoice_id(note),
        lines=tuple(_line_record(line) for line in obj.get("Line") or [] if line.get("DetailType") == SALES_LINE),
        tax=_money(detail.get("TotalTax")),
        total=total,
        balance=_money(obj.get("Balance")),
        charged=_charged(detail),
        # QuickBooks Online marks a voided invoice so in its note, and totals it nothing.
        voided=note.startswith(VOIDED) and total == ZERO,
        created_at=remote_created_at(obj),
    )


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


def payment_record(obj: dict[str, Any]) -> PaymentRecord:
    """A QuickBooks Online payment as the engine's record: each invoice it pays, with the amount applied to it."""
    if is_deleted(obj):
        return PaymentRecord(remote_id=remote_id(obj), deleted=True)
    applied: dict[str, Decimal] = {}
    for line in obj.get("Line") or []:
        for linked in line.get("LinkedTxn") or []:
            if linked.get("TxnType") == INVOICE and linked.get("TxnId"):
                invoice_id = str(linked["TxnId"])
                applied[invoice_id] = applied.get(invoice_id, ZERO) + _money(line.get("Amount"))
    return PaymentRecord(
        remote_id=remote_id(obj),
        version=remote_sync_token(obj),
        paid_on=_day(obj.get("TxnDate")),
        method=text((obj.get("PaymentMethodRef") or {}).get("name")),
        reference=text(obj.get("PaymentRefNum"), 100),
        applied=tuple(applied.items()),
    )

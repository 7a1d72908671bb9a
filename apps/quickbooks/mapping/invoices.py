"""
Invoices → QuickBooks invoices, and QuickBooks payments → payments of those invoices.

An invoice carries a marker in its private note ("FieldOffice invoice 123"), which QuickBooks keeps and never prints:
a run interrupted after QuickBooks created an invoice finds it by that marker instead of creating it twice. Lines are
sales item lines; QuickBooks works out the tax from the tax code and the lines' taxable flags.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from apps.invoicing.models import Invoice, InvoiceLine, PaymentMethod
from apps.quickbooks.mapping.common import ref, ref_id, text

ENTITY = "Invoice"
PAYMENT_ENTITY = "Payment"
ITEM_ENTITY = "Item"
TAXABLE, NON_TAXABLE = "TAX", "NON"
MARKER = "FieldOffice invoice {pk}"
_MARKER = re.compile(r"FieldOffice invoice (\d+)")
VOIDED = "Voided"
ZERO = Decimal("0.00")


def marker(invoice: Invoice) -> str:
    return MARKER.format(pk=invoice.pk)


def with_number(payload: dict[str, Any], number: str) -> dict[str, Any]:
    return {**payload, "DocNumber": number[:21]}


def marked_invoice_id(obj: dict[str, Any]) -> int | None:
    """The FieldOffice invoice a QuickBooks invoice was created from, read from its private note."""
    match = _MARKER.search(str(obj.get("PrivateNote") or ""))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class InvoiceRefs:
    """QuickBooks ids the payload needs, resolved by the sync step."""

    customer: str
    term: str = ""
    tax_code: str = ""
    # Per line position: the QuickBooks item id.
    items: tuple[str, ...] = ()


def _line(line: InvoiceLine, item_id: str, description: str) -> dict[str, Any]:
    return {
        "DetailType": "SalesItemLineDetail",
        "Amount": line.amount,
        "Description": description[:4000],
        "SalesItemLineDetail": {
            "ItemRef": ref(item_id),
            "Qty": line.quantity.normalize(),
            "UnitPrice": line.unit_price.normalize(),
            "TaxCodeRef": {"value": TAXABLE if line.taxable else NON_TAXABLE},
        },
    }


def line_description(line: InvoiceLine, *, default_item: bool) -> str:
    """A line sent with the default service item keeps its own item's name in the description."""
    if default_item and line.item_id and line.item.name not in line.description:
        return f"{line.item.name}: {line.description}" if line.description else line.item.name
    return line.description


def invoice_payload(
    invoice: Invoice, lines: list[InvoiceLine], refs: InvoiceRefs, *, send_number: bool, default_item: str = ""
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "CustomerRef": ref(refs.customer),
        "TxnDate": invoice.invoice_date.isoformat(),
        "PrivateNote": marker(invoice),
        "Line": [
            _line(
                line,
                item_id,
                line_description(line, default_item=item_id == default_item and bool(default_item)),
            )
            for line, item_id in zip(lines, refs.items, strict=True)
        ],
    }
    if invoice.due_date:
        payload["DueDate"] = invoice.due_date.isoformat()
    if send_number:
        payload["DocNumber"] = invoice.number[:21]
    if refs.term:
        payload["SalesTermRef"] = ref(refs.term)
    if refs.tax_code:
        payload["TxnTaxDetail"] = {"TxnTaxCodeRef": ref(refs.tax_code)}
    if invoice.memo:
        payload["CustomerMemo"] = {"value": invoice.memo[:1000]}
    return payload


@dataclass(frozen=True)
class SentInvoice:
    """What QuickBooks made of an invoice: the figures FieldOffice takes over."""

    number: str
    tax: Decimal
    total: Decimal
    balance: Decimal


def _money(value: Any) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def sent_invoice(obj: dict[str, Any]) -> SentInvoice:
    return SentInvoice(
        number=text(obj.get("DocNumber")),
        tax=_money((obj.get("TxnTaxDetail") or {}).get("TotalTax")),
        total=_money(obj.get("TotalAmt")),
        balance=_money(obj.get("Balance")),
    )


def is_voided(obj: dict[str, Any]) -> bool:
    return str(obj.get("PrivateNote") or "").startswith(VOIDED) and _money(obj.get("TotalAmt")) == ZERO


def custom_numbers(preferences: dict[str, Any]) -> bool | None:
    """
    Whether the company takes invoice numbers from whoever creates the invoice (and does not number them); None when
    it has no such switch and takes either (QuickBooks Desktop).
    """
    value = (preferences.get("SalesFormsPrefs") or {}).get("CustomTxnNumbers")
    return None if value is None else bool(value)


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


def applied_payments(obj: dict[str, Any]) -> list[AppliedPayment]:
    """The invoices a QuickBooks payment pays, with the amount applied to each."""
    paid_on = date.fromisoformat(str(obj.get("TxnDate"))[:10]) if obj.get("TxnDate") else date.today()
    method_name = text((obj.get("PaymentMethodRef") or {}).get("name")).casefold()
    method = _METHODS.get(method_name, PaymentMethod.OTHER if method_name else PaymentMethod.CHECK)
    applied: dict[str, Decimal] = {}
    for line in obj.get("Line") or []:
        for linked in line.get("LinkedTxn") or []:
            if linked.get("TxnType") == ENTITY and linked.get("TxnId"):
                invoice_id = str(linked["TxnId"])
                applied[invoice_id] = applied.get(invoice_id, ZERO) + _money(line.get("Amount"))
    return [
        AppliedPayment(
            payment_id=str(obj.get("Id")),
            invoice_id=invoice_id,
            amount=amount,
            paid_on=paid_on,
            method=method,
            reference=text(obj.get("PaymentRefNum"), 100),
        )
        for invoice_id, amount in applied.items()
        if amount > 0
    ]


def customer_ref_id(obj: dict[str, Any]) -> str:
    return ref_id(obj.get("CustomerRef"))


def _number(value: Any) -> str:
    return format(Decimal(str(value if value is not None else 0)).normalize(), "f")


def invoice_comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """The fields FieldOffice sends, from a payload or a QuickBooks invoice, normalised (Resend All Data)."""
    lines = [
        {
            "item": ref_id((line.get("SalesItemLineDetail") or {}).get("ItemRef")),
            "qty": _number((line.get("SalesItemLineDetail") or {}).get("Qty")),
            "price": _number((line.get("SalesItemLineDetail") or {}).get("UnitPrice")),
            "amount": _number(line.get("Amount")),
            "description": text(line.get("Description")),
            "tax": ref_id((line.get("SalesItemLineDetail") or {}).get("TaxCodeRef")),
        }
        for line in obj.get("Line") or []
        if line.get("DetailType") == "SalesItemLineDetail"
    ]
    return {
        "customer": ref_id(obj.get("CustomerRef")),
        "date": text(obj.get("TxnDate")),
        "due": text(obj.get("DueDate")),
        "number": text(obj.get("DocNumber")),
        "term": ref_id(obj.get("SalesTermRef")),
        "tax_code": ref_id((obj.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef")),
        "memo": text((obj.get("CustomerMemo") or {}).get("value")),
        "lines": lines,
    }

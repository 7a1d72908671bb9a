"""
QuickBooks Online's invoices and payments ↔ the engine's ``InvoiceRecord`` and ``PaymentRecord``. What FieldOffice
sends for an invoice, how records compare, and what a payment applies here is ``apps.quickbooks.mapping.invoices``.

Lines are sales item lines; QuickBooks works out the tax from the tax code and the lines' taxable flags. The marker
in the private note (``mapping.invoices.marker``) is how an interrupted create is found again.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.invoices import ZERO, marked_invoice_id, marker
from apps.quickbooks.online.mapping.common import (
    identity,
    is_deleted,
    ref,
    ref_id,
    remote_created_at,
    remote_id,
)
from apps.quickbooks.sync.records import INVOICE, InvoiceRecord, PaymentRecord, TaxCharged
from apps.quickbooks.sync.records import InvoiceLine as LineRecord

TAXABLE = "TAX"


NON_TAXABLE = "NON"


VOIDED = "Voided"


SALES_LINE = "SalesItemLineDetail"


# Online's limits.
NUMBER_MAX = 21


DESCRIPTION_MAX = 4000


MEMO_MAX = 1000


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
        **identity(obj),
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
        **identity(obj),
        paid_on=_day(obj.get("TxnDate")),
        method=text((obj.get("PaymentMethodRef") or {}).get("name")),
        reference=text(obj.get("PaymentRefNum"), 100),
        applied=tuple(applied.items()),
    )

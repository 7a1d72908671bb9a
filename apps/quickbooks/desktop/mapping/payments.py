"""
QuickBooks Desktop received payments → the engine's payment records (Desktop → FieldOffice only).

Each ``AppliedToTxnRet`` of a ``ReceivePaymentRet`` (read with ``IncludeLineItems``) is an invoice it pays, with the
amount received for it. An early-payment discount Desktop applies lowers the invoice's balance there but is not money
received, so it is not part of the payment here. FieldOffice never writes payments to QuickBooks: writes are refused.
"""

from decimal import Decimal
from typing import Any

from apps.quickbooks.desktop.mapping.adapter import Outcome, Planned, Seen, TransactionAdapter
from apps.quickbooks.desktop.mapping.common import desktop_date
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import text
from apps.quickbooks.sync.records import INVOICE, PAYMENT, PaymentRecord

ENTITY = PAYMENT
QUERY = "ReceivePaymentQuery"
DELETED_TYPE = "ReceivePayment"
# AppliedToTxnRet comes only with the line items.
WITH_APPLICATIONS = {"IncludeLineItems": "true"}
ZERO = Decimal("0.00")


def payment_record(ret: dict[str, Any]) -> PaymentRecord:
    """A ``ReceivePaymentRet`` as the engine's payment record."""
    applied: dict[str, Decimal] = {}
    for line in ret.get("AppliedToTxnRet") or []:
        invoice_id = text(line.get("TxnID"))
        if invoice_id and text(line.get("TxnType")) == INVOICE:
            applied[invoice_id] = applied.get(invoice_id, ZERO) + Decimal(text(line.get("Amount")) or "0")
    return PaymentRecord(
        remote_id=text(ret.get("TxnID")),
        version=text(ret.get("EditSequence")),
        paid_on=desktop_date(ret.get("TxnDate")),
        method=text((ret.get("PaymentMethodRef") or {}).get("FullName")),
        reference=text(ret.get("RefNumber"), 100),
        applied=tuple(applied.items()),
    )


class PaymentsAdapter(TransactionAdapter):
    entity = ENTITY
    txn_type = DELETED_TYPE
    criteria = WITH_APPLICATIONS

    def records(self, ret: dict[str, Any], record_type: str) -> list[PaymentRecord]:
        return [payment_record(ret)]

    def deleted_record(self, remote_id: str) -> PaymentRecord:
        return PaymentRecord(remote_id=remote_id, deleted=True)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        error = ApiError("FieldOffice does not send payments to QuickBooks Desktop: they are recorded there.")
        return [], {index: (None, error) for index, _ in writes}

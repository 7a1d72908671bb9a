"""
QuickBooks Desktop received payments → the engine's payment records (Desktop → FieldOffice only).

A ``ReceivePaymentRet`` becomes the record a QuickBooks Online payment is: each ``AppliedToTxnRet`` (read with
``IncludeLineItems``) a line linked to the invoice it pays, with the amount received for it. An early-payment
discount Desktop applies lowers the invoice's balance there but is not money received, so it is not part of the
payment here. FieldOffice never writes payments to QuickBooks: writes are refused.
"""

from typing import Any

from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.desktop.adapter import Outcome, Planned, Seen, TransactionAdapter
from apps.quickbooks.mapping.desktop.common import list_ref, meta

ENTITY = "Payment"
QUERY = "ReceivePaymentQuery"
DELETED_TYPE = "ReceivePayment"
# AppliedToTxnRet comes only with the line items.
WITH_APPLICATIONS = {"IncludeLineItems": "true"}


def payment_record(ret: dict[str, Any]) -> dict[str, Any]:
    """A ``ReceivePaymentRet`` as the engine's payment record."""
    lines = [
        {
            "Amount": text(applied.get("Amount")) or "0",
            "LinkedTxn": [{"TxnId": text(applied.get("TxnID")), "TxnType": text(applied.get("TxnType"))}],
        }
        for applied in ret.get("AppliedToTxnRet") or []
        if applied.get("TxnID")
    ]
    record: dict[str, Any] = {
        "Id": text(ret.get("TxnID")),
        "SyncToken": text(ret.get("EditSequence")),
        "TxnDate": text(ret.get("TxnDate")),
        "TotalAmt": text(ret.get("TotalAmount")) or "0",
        "PaymentRefNum": text(ret.get("RefNumber")),
        "PrivateNote": text(ret.get("Memo")),
        "Line": lines,
        "MetaData": meta(ret),
    }
    if customer := list_ref(ret.get("CustomerRef")):
        record["CustomerRef"] = customer
    if method := list_ref(ret.get("PaymentMethodRef")):
        record["PaymentMethodRef"] = method
    return record


class PaymentsAdapter(TransactionAdapter):
    entity = ENTITY
    txn_type = DELETED_TYPE
    criteria = WITH_APPLICATIONS

    def records(self, ret: dict[str, Any], record_type: str) -> list[dict[str, Any]]:
        return [payment_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        error = ApiError("FieldOffice does not send payments to QuickBooks Desktop: they are recorded there.")
        return [], {index: (None, error) for index, _ in writes}

"""
QuickBooks Desktop's inventory adjustments ↔ the engine's ``InventoryAdjustmentRecord``: an
``InventoryAdjustmentAdd`` of a ``QuantityDifference`` per item against the adjustment account, its marker in the
memo (Desktop has no private note); read back by ``InventoryAdjustmentQuery`` to find an interrupted create.
FieldOffice never changes an adjustment once sent.
"""

from typing import Any

from apps.quickbooks.desktop.mapping.adapter import Outcome, Planned, Seen, TransactionAdapter
from apps.quickbooks.desktop.mapping.common import desktop_date, desktop_time, record_answer, status_error
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.adjustments import marked_adjustment_id
from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.items import QUANTITY, quantized
from apps.quickbooks.sync.records import INVENTORY_ADJUSTMENT, AdjustmentLine, InventoryAdjustmentRecord

ADD = "InventoryAdjustmentAdd"
# Desktop's limits (qbXML 13.0): an adjustment's reference number and memo.
REF_NUMBER_MAX = 11
MEMO_MAX = 4095
STRING_TOO_LONG = 3070
SENT_ONCE = "FieldOffice sends an inventory adjustment once and never changes it in QuickBooks Desktop."


def adjustment_fields(record: InventoryAdjustmentRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {"AccountRef": {"ListID": record.account_id}}
    if record.txn_date is not None:
        fields["TxnDate"] = record.txn_date.isoformat()
    if record.number:
        fields["RefNumber"] = record.number
    fields["Memo"] = record.memo[-MEMO_MAX:]
    fields["InventoryAdjustmentLineAdd"] = [
        {"ItemRef": {"ListID": line.item_id}, "QuantityAdjustment": {"QuantityDifference": line.quantity_change}}
        for line in record.lines
    ]
    return fields


def adjustment_record(ret: dict[str, Any]) -> InventoryAdjustmentRecord:
    memo = text(ret.get("Memo"))
    lines = ret.get("InventoryAdjustmentLineRet") or []
    return InventoryAdjustmentRecord(
        remote_id=text(ret.get("TxnID")),
        version=text(ret.get("EditSequence")),
        txn_date=desktop_date(ret.get("TxnDate")),
        number=text(ret.get("RefNumber")),
        memo=memo,
        account_id=text((ret.get("AccountRef") or {}).get("ListID")),
        lines=tuple(
            AdjustmentLine(
                item_id=text((line.get("ItemRef") or {}).get("ListID")),
                quantity_change=quantized(line.get("QuantityDifference"), QUANTITY),
            )
            for line in (lines if isinstance(lines, list) else [lines])
        ),
        origin_id=marked_adjustment_id(memo),
        created_at=desktop_time(ret.get("TimeCreated")),
    )


class AdjustmentsAdapter(TransactionAdapter):
    entity = INVENTORY_ADJUSTMENT
    txn_type = "InventoryAdjustment"
    criteria = {"IncludeLineItems": "true"}

    def records(self, ret: dict[str, Any], record_type: str) -> list[InventoryAdjustmentRecord]:
        return [adjustment_record(ret)]

    def deleted_record(self, remote_id: str) -> InventoryAdjustmentRecord:
        return InventoryAdjustmentRecord(remote_id=remote_id)

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        planned: list[Planned] = []
        refused: dict[int, Outcome] = {}
        for index, write in writes:
            record: InventoryAdjustmentRecord = write.payload
            if record.remote_id:
                refused[index] = (None, ApiError(SENT_ONCE))
            elif len(record.number) > REF_NUMBER_MAX:
                message = (
                    f"The adjustment number {record.number} is longer than the {REF_NUMBER_MAX} characters QuickBooks "
                    "Desktop allows for an inventory adjustment: give it a shorter number."
                )
                refused[index] = (None, status_error(code=STRING_TOO_LONG, message=message))
            else:
                answer = record_answer(index, adjustment_record, about="this inventory adjustment")
                planned.append(Planned(ADD, adjustment_fields(record), [(index, write)], answer))
        return planned, refused


ADAPTERS = [AdjustmentsAdapter()]

"""QuickBooks Online's ``InventoryAdjustment`` ↔ the engine's ``InventoryAdjustmentRecord`` (sent, and read back)."""

from typing import Any

from apps.quickbooks.mapping.adjustments import marked_adjustment_id
from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.items import QUANTITY, quantized
from apps.quickbooks.online.mapping.common import identity, ref, ref_id, remote_created_at
from apps.quickbooks.sync.records import AdjustmentLine, InventoryAdjustmentRecord

LINE_DETAIL = "ItemAdjustmentLineDetail"


def adjustment_payload(record: InventoryAdjustmentRecord) -> dict[str, Any]:
    """The ``InventoryAdjustment`` created for ``record``: a ``QtyDiff`` per item, against ``AdjustAccountRef``."""
    payload: dict[str, Any] = {
        "AdjustAccountRef": ref(record.account_id),
        "PrivateNote": record.memo,
        "Line": [
            {
                "LineNum": number,
                "DetailType": LINE_DETAIL,
                LINE_DETAIL: {"ItemRef": ref(line.item_id), "QtyDiff": line.quantity_change},
            }
            for number, line in enumerate(record.lines, start=1)
        ],
    }
    if record.txn_date is not None:
        payload["TxnDate"] = record.txn_date.isoformat()
    if record.number:
        payload["DocNumber"] = record.number
    return payload


def adjustment_record(obj: dict[str, Any]) -> InventoryAdjustmentRecord:
    note = text(obj.get("PrivateNote"))
    lines = tuple(
        AdjustmentLine(
            item_id=ref_id((line.get(LINE_DETAIL) or {}).get("ItemRef")),
            quantity_change=quantized((line.get(LINE_DETAIL) or {}).get("QtyDiff"), QUANTITY),
        )
        for line in obj.get("Line") or []
        if line.get(LINE_DETAIL)
    )
    return InventoryAdjustmentRecord(
        **identity(obj),
        number=text(obj.get("DocNumber")),
        memo=note,
        account_id=ref_id(obj.get("AdjustAccountRef")),
        lines=lines,
        origin_id=marked_adjustment_id(note),
        created_at=remote_created_at(obj),
    )

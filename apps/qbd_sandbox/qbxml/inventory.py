"""
Add / Ret specs of inventory adjustments, in qbXML 13.0 order.

Each line adjusts one way, a schema choice: QuantityAdjustment (NewQuantity or QuantityDifference), ValueAdjustment
(a quantity and NewValue or ValueDifference), SerialNumberAdjustment or LotNumberAdjustment.
"""

from apps.qbd_sandbox.qbxml.fields import F, S, agg, ref
from apps.qbd_sandbox.qbxml.txns import TXN_HEADER

QUANTITY_ADJUSTMENT = agg(
    "QuantityAdjustment",
    F("NewQuantity", "qty"),
    F("QuantityDifference", "qty"),
    S("SerialNumber", 4095, ignore=True),
    S("LotNumber", 40, ignore=True),
    ref("InventorySiteLocationRef"),
)
VALUE_ADJUSTMENT = agg(
    "ValueAdjustment",
    F("NewQuantity", "qty"),
    F("QuantityDifference", "qty"),
    F("NewValue", "amt"),
    F("ValueDifference", "amt"),
)
SERIAL_NUMBER_ADJUSTMENT = agg(
    "SerialNumberAdjustment",
    S("AddSerialNumber", 4095),
    S("RemoveSerialNumber", 4095),
    ref("InventorySiteLocationRef"),
)
LOT_NUMBER_ADJUSTMENT = agg(
    "LotNumberAdjustment", S("LotNumber", 40), F("CountAdjustment", "int"), ref("InventorySiteLocationRef")
)
ADJUSTMENT_KINDS = ("QuantityAdjustment", "ValueAdjustment", "SerialNumberAdjustment", "LotNumberAdjustment")

INVENTORY_ADJUSTMENT_ADD = (
    ref("AccountRef", "Account", required=True),
    F("TxnDate", "date"),
    S("RefNumber", 11),
    ref("InventorySiteRef"),
    ref("CustomerRef", "Customer"),
    ref("ClassRef"),
    S("Memo", 4095),
    S("ExternalGUID", ignore=True),
    agg(
        "InventoryAdjustmentLineAdd",
        ref("ItemRef", "ItemInventory", required=True),
        QUANTITY_ADJUSTMENT,
        VALUE_ADJUSTMENT,
        SERIAL_NUMBER_ADJUSTMENT,
        LOT_NUMBER_ADJUSTMENT,
        repeat=True,
    ),
)
INVENTORY_ADJUSTMENT_RET = (
    *TXN_HEADER,
    ref("AccountRef", "Account"),
    F("TxnDate", "date"),
    S("RefNumber"),
    ref("CustomerRef", "Customer"),
    S("Memo"),
    agg(
        "InventoryAdjustmentLineRet",
        F("TxnLineID", "id"),
        ref("ItemRef", "ItemInventory"),
        F("QuantityDifference", "qty"),
        F("ValueDifference", "amt"),
        repeat=True,
    ),
)

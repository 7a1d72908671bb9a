"""
Inventory adjustments: FieldOffice → QuickBooks only (seed 003: "Inventory adjustments are exported from IntelliTrack
to QuickBooks Online"), while the division exports them. An adjustment marked ready here is created there once, as a
quantity difference per item against the division's adjustment account, then marked exported; QuickBooks' quantities
on hand move by it. Its step is ``steps.adjustments``.
"""

from typing import Any

from apps.inventory.models import InventoryAdjustment
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.records import INVENTORY_ADJUSTMENT, InventoryAdjustmentRecord
from apps.quickbooks.sync.spec import EntitySpec

# What an adjustment's link keeps: sent adjustments are never compared again (one never changes once exported).
SENT = "sent"


def adjustments_master(ctx: RunContext) -> str:
    return PrimarySystem.LOCAL if ctx.adjustments_export else ""


def adjustment_comparable(record: InventoryAdjustmentRecord) -> dict[str, Any]:
    return {"lines": [(line.item_id, str(line.quantity_change)) for line in record.lines], "account": record.account_id}


INVENTORY_ADJUSTMENTS = EntitySpec(
    name="inventory adjustments",
    label="inventory adjustment",
    stage="Sending inventory adjustments to QuickBooks",
    model=InventoryAdjustment,
    entity=INVENTORY_ADJUSTMENT,
    record_type=InventoryAdjustmentRecord,
    master=adjustments_master,
    remote_comparable=adjustment_comparable,
    local_name=lambda adjustment: adjustment.number,
    record_label=str,
    name_field="number",
    reads=(),
    # An adjustment's lines are items linked to QuickBooks', against an account of QuickBooks' chart.
    depends_on=("items", "accounts"),
    pending_creates=True,
)

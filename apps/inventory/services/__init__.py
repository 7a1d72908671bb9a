"""
Every write to picking orders and inventory adjustments goes through these functions: the admin, the API and the
sync engine all call them, so that the rules live in one place.
"""

from apps.inventory.services.adjustments import (
    AdjustmentStatusError,
    adjustment_create,
    adjustment_delete,
    adjustment_edit_refusal,
    adjustment_lines_number,
    adjustment_mark_exported,
    adjustment_mark_ready,
    adjustment_mark_ready_refusal,
    adjustment_update,
)
from apps.inventory.services.picking import (
    PickingOrderStatusError,
    picking_order_cancel,
    picking_order_create,
    picking_order_delete,
    picking_order_invoice,
    picking_order_invoice_refusal,
    picking_order_lines_refresh,
    picking_order_pick,
    picking_order_recalculate,
    picking_order_status_set,
    picking_order_update,
)

__all__ = [
    "AdjustmentStatusError",
    "PickingOrderStatusError",
    "adjustment_create",
    "adjustment_delete",
    "adjustment_edit_refusal",
    "adjustment_lines_number",
    "adjustment_mark_exported",
    "adjustment_mark_ready",
    "adjustment_mark_ready_refusal",
    "adjustment_update",
    "picking_order_cancel",
    "picking_order_create",
    "picking_order_delete",
    "picking_order_invoice",
    "picking_order_invoice_refusal",
    "picking_order_lines_refresh",
    "picking_order_pick",
    "picking_order_recalculate",
    "picking_order_status_set",
    "picking_order_update",
]

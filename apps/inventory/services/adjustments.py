"""
Inventory adjustments: drafts change freely; marked ready, they move the stock here (an adjustment movement per
line, refused when a quantity would go below zero) and wait for the export, which marks them exported, once.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import StockMovementKind
from apps.catalog.stock import Document, StockChange, stock_move
from apps.core.documents import next_number
from apps.core.lines import Rows, lines_replace, shown_order
from apps.core.models import Division
from apps.inventory.models import AdjustmentStatus, InventoryAdjustment, InventoryAdjustmentLine

S = AdjustmentStatus


class AdjustmentStatusError(Exception):
    """The adjustment's status does not allow this (a ready adjustment edited, a draft exported)."""


@transaction.atomic
def adjustment_create(*, division: Division, lines: Rows = (), **fields: Any) -> InventoryAdjustment:
    adjustment = InventoryAdjustment(division=division, **fields)
    if not adjustment.number:
        adjustment.number = next_number(model=InventoryAdjustment, division_id=division.pk)
    adjustment.full_clean()
    adjustment.save()
    _lines_replace(adjustment, lines)
    return adjustment


@transaction.atomic
def adjustment_update(
    *, adjustment: InventoryAdjustment, lines: Rows | None = None, **fields: Any
) -> InventoryAdjustment:
    """Change a draft; ``lines`` is the complete set of lines (``None`` keeps them)."""
    if refusal := adjustment_edit_refusal(adjustment):
        raise AdjustmentStatusError(refusal)
    if "division" in fields and fields["division"].pk != adjustment.division_id:
        raise ValidationError({"division": "An adjustment cannot move to another division."})
    for name, value in fields.items():
        setattr(adjustment, name, value)
    adjustment.full_clean()
    adjustment.save()
    if lines is not None:
        _lines_replace(adjustment, lines)
    return adjustment


def adjustment_edit_refusal(adjustment: InventoryAdjustment) -> str | None:
    if adjustment.status == S.DRAFT:
        return None
    return (
        f"{adjustment} is {adjustment.get_status_display().lower()}: it has moved the stock and can no longer "
        "change. Make another adjustment to correct it."
    )


@transaction.atomic
def adjustment_delete(*, adjustment: InventoryAdjustment) -> None:
    if refusal := adjustment_edit_refusal(adjustment):
        raise AdjustmentStatusError(refusal)
    adjustment.delete()


def adjustment_mark_ready_refusal(adjustment: InventoryAdjustment) -> str | None:
    if adjustment.status != S.DRAFT:
        return f"{adjustment} is already {adjustment.get_status_display().lower()}."
    if not adjustment.lines.exists():
        return f"{adjustment} has no lines: add the items whose quantity changes."
    return None


@transaction.atomic
def adjustment_mark_ready(*, adjustment: InventoryAdjustment, user: AbstractBaseUser | None) -> InventoryAdjustment:
    """
    Move the stock by the adjustment's lines and mark it ready for export. A line that would take an item below
    zero, or a line of an item that has no stock, is refused with the line named, and nothing is written.
    """
    adjustment = InventoryAdjustment.objects.select_for_update().get(pk=adjustment.pk)
    if refusal := adjustment_mark_ready_refusal(adjustment):
        raise AdjustmentStatusError(refusal)
    lines = list(adjustment.lines.select_related("item"))
    stock_move(
        changes=[
            StockChange(
                item_id=line.item_id, quantity=line.quantity_change, line=f"Line {line.position} (“{line.item.name}”)"
            )
            for line in lines
        ],
        kind=StockMovementKind.ADJUSTMENT,
        document=Document(f"{adjustment} ({adjustment.get_reason_display().lower()})", adjustment),
        verb="taken away",
        refuse_negative=True,
        note=adjustment.memo[:300],
    )
    adjustment.status = S.READY
    adjustment.marked_ready_at = timezone.now()
    adjustment.marked_ready_by = user if user is not None and user.is_authenticated else None
    adjustment.save(update_fields=["status", "marked_ready_at", "marked_ready_by", "updated_at"])
    return adjustment


@transaction.atomic
def adjustment_mark_exported(*, adjustment: InventoryAdjustment) -> InventoryAdjustment:
    """The export took the adjustment: it is never sent again."""
    if adjustment.status != S.READY:
        raise AdjustmentStatusError(f"{adjustment} is {adjustment.get_status_display().lower()}, not ready to export.")
    adjustment.status = S.EXPORTED
    adjustment.exported_at = timezone.now()
    adjustment.save(update_fields=["status", "exported_at", "updated_at"])
    return adjustment


def adjustment_lines_number(*, adjustment: InventoryAdjustment) -> None:
    """After lines were written on the adjustment's page: numbered as shown."""
    lines = shown_order(adjustment.lines.all())
    for position, line in enumerate(lines, start=1):
        line.position = position
    InventoryAdjustmentLine.objects.bulk_update(lines, ["position"])


def _lines_replace(adjustment: InventoryAdjustment, rows: Rows) -> None:
    for position, row in enumerate(rows, start=1):
        item = row.get("item")
        if item is not None and item.division_id != adjustment.division_id:
            raise ValidationError({"lines": [f"Line {position}: “{item}” belongs to another division."]})
    lines_replace(owner=adjustment, model=InventoryAdjustmentLine, owner_field="adjustment", rows=rows)

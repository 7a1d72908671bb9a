"""
The stock ledger: every change of an item's quantity on hand is a movement (``StockMovement``), written in the same
transaction as the quantity, so that ``Item.quantity_on_hand`` is always the sum of the item's movements and every
quantity can be explained.

Documents (receiving orders, picking orders, inventory adjustments) move stock with ``stock_move``; a quantity set
outright (an item created with an opening quantity, a count typed in, QuickBooks' count) goes through
``stock_count``, which records the difference.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from apps.catalog.models import Item, StockMovement, StockMovementKind
from apps.core.display import format_quantity

ZERO = Decimal("0")


@dataclass(frozen=True)
class Document:
    """What moves stock, as the item's ledger names and links it."""

    label: str
    record: models.Model | None = None

    @property
    def model_label(self) -> str:
        return self.record._meta.label_lower if self.record is not None else ""

    @property
    def record_id(self) -> int | None:
        return self.record.pk if self.record is not None else None


@dataclass(frozen=True)
class StockChange:
    """``quantity`` (signed) of ``item_id`` moved by a document; ``line`` names it in a refusal ("Line 2")."""

    item_id: int
    quantity: Decimal
    line: str = ""


def stock_move(
    *,
    changes: Sequence[StockChange],
    kind: StockMovementKind,
    document: Document,
    verb: str,
    refuse_negative: bool,
    occurred_at: datetime | None = None,
    note: str = "",
) -> list[StockMovement]:
    """
    Add ``changes`` to the items' stock, one movement each; all or nothing. The items are locked while they are read
    and written, so two documents moving the same item at once cannot both take the last units.

    Refused (``ValidationError``, nothing written) when an item is not stocked, or, with ``refuse_negative``, when a
    quantity would go below zero; ``verb`` says what the document does ("picked") in that message.
    """
    when = occurred_at or timezone.now()
    with transaction.atomic():
        items = _items_locked(change.item_id for change in changes)
        errors = []
        balances = {pk: item.quantity_on_hand for pk, item in items.items()}
        movements = []
        for change in changes:
            item = items[change.item_id]
            prefix = f"{change.line}: " if change.line else ""
            if not item.is_stocked:
                errors.append(
                    f"{prefix}“{item.name}” is a {item.get_item_type_display().lower()} item; "
                    "only inventory and equipment items have stock."
                )
                continue
            after = balances[item.pk] + change.quantity
            if refuse_negative and after < 0:
                errors.append(
                    f"{prefix}only {format_quantity(balances[item.pk])} of “{item.name}” on hand; "
                    f"{format_quantity(-change.quantity)} cannot be {verb}."
                )
                continue
            balances[item.pk] = after
            movements.append(_movement(item, kind, change.quantity, after, when, document, note))
        if errors:
            raise ValidationError(errors)
        _quantities_write(items, balances)
        return StockMovement.objects.bulk_create(movements)


def stock_count(
    *,
    item: Item,
    counted: Decimal,
    previous: Decimal,
    kind: StockMovementKind,
    document: Document,
    occurred_at: datetime | None = None,
    note: str = "",
) -> StockMovement | None:
    """
    Record that ``item`` (already saved with ``counted`` on hand) had ``previous`` before: the difference becomes a
    movement of ``kind``. Nothing is recorded when they agree, so a count repeated changes nothing.
    """
    if counted == previous:
        return None
    return StockMovement.objects.create(
        **_movement_fields(item, kind, counted - previous, counted, occurred_at or timezone.now(), document, note)
    )


def stock_counts_record(
    *, counts: Iterable[tuple[Item, Decimal]], kind: StockMovementKind, document: Document, note: str = ""
) -> list[StockMovement]:
    """``stock_count`` for many items saved at once (a pull): each ``(item, previous)`` whose quantity changed."""
    when = timezone.now()
    movements = [
        _movement(item, kind, item.quantity_on_hand - previous, item.quantity_on_hand, when, document, note)
        for item, previous in counts
        if item.quantity_on_hand != previous
    ]
    return StockMovement.objects.bulk_create(movements)


def stock_set(
    *, items: Sequence[tuple[Item, Decimal]], kind: StockMovementKind, document: Document, note: str = ""
) -> list[StockMovement]:
    """Make each item's quantity on hand the given figure (a count), the difference recorded; all or nothing."""
    with transaction.atomic():
        locked = _items_locked(item.pk for item, _ in items)
        when = timezone.now()
        balances = {pk: item.quantity_on_hand for pk, item in locked.items()}
        movements = []
        for item, counted in items:
            current = balances[item.pk]
            if counted != current:
                balances[item.pk] = counted
                movements.append(_movement(locked[item.pk], kind, counted - current, counted, when, document, note))
        _quantities_write(locked, balances)
        for item, _ in items:
            item.quantity_on_hand = balances[item.pk]
        return StockMovement.objects.bulk_create(movements)


def _items_locked(item_ids: Iterable[int]) -> dict[int, Item]:
    ids = sorted(set(item_ids))
    # In id order: two transactions locking overlapping items wait for each other instead of deadlocking.
    return {item.pk: item for item in Item.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _quantities_write(items: dict[int, Item], balances: dict[int, Decimal]) -> None:
    changed = []
    for pk, balance in balances.items():
        item = items[pk]
        if item.quantity_on_hand != balance:
            item.quantity_on_hand = balance
            changed.append(item)
    Item.objects.bulk_update(changed, ["quantity_on_hand"])


def _movement(item, kind, quantity, balance, when, document, note) -> StockMovement:
    return StockMovement(**_movement_fields(item, kind, quantity, balance, when, document, note))


def _movement_fields(
    item: Item,
    kind: StockMovementKind,
    quantity: Decimal,
    balance: Decimal,
    when: datetime,
    document: Document,
    note: str,
) -> dict:
    return {
        "item": item,
        "kind": kind,
        "quantity": quantity,
        "balance": balance,
        "occurred_at": when,
        "document": document.label[:120],
        "document_model": document.model_label,
        "document_id": document.record_id,
        "note": note[:300],
    }

"""
The lines of a document (receiving order, picking order, inventory adjustment) written as a complete set: rows with
an ``id`` change that line, rows without one are added, lines left out are deleted; positions follow the rows' order.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from apps.core.display import format_quantity
from apps.core.documents import line_amount

Rows = Sequence[Mapping[str, Any]]
LineT = TypeVar("LineT", bound=models.Model)


def lines_replace(
    *,
    owner: models.Model,
    model: type[LineT],
    owner_field: str,
    rows: Rows,
    item_defaults: Mapping[str, str] | None = None,
    removal_refusal: Callable[[LineT], str | None] = lambda line: None,
) -> list[LineT]:
    """
    Make ``owner``'s lines exactly ``rows``. A new line, or one whose item changes, takes the fields it is not given
    from its item (``item_defaults``: line field → item field). ``removal_refusal`` says why a line may not go (goods
    already received on it), or ``None``. Each line is checked by ``full_clean()``; an error names its line.
    """
    existing = {line.pk: line for line in model._default_manager.filter(**{owner_field: owner})}
    wanted_ids = [row["id"] for row in rows if row.get("id") is not None]
    if unknown := [pk for pk in wanted_ids if pk not in existing]:
        raise ValidationError(
            {"lines": [f"Line {pk} does not belong to this {owner._meta.verbose_name}." for pk in unknown]}
        )
    if len(set(wanted_ids)) != len(wanted_ids):
        raise ValidationError({"lines": "Each line may appear only once."})
    removed = [line for pk, line in existing.items() if pk not in wanted_ids]
    if refusals := [reason for line in removed if (reason := removal_refusal(line))]:
        raise ValidationError({"lines": refusals})
    model._default_manager.filter(pk__in=[line.pk for line in removed]).delete()

    saved = []
    for position, row in enumerate(rows):
        values = dict(row)
        pk = values.pop("id", None)
        line = existing[pk] if pk is not None else model(**{owner_field: owner})
        item = values.get("item")
        if item is not None and (pk is None or item.pk != getattr(line, "item_id", None)):
            for line_field, item_field in (item_defaults or {}).items():
                values.setdefault(line_field, getattr(item, item_field))
        values.setdefault("position", position + 1)
        for name, value in values.items():
            setattr(line, name, value)
        try:
            line.full_clean(exclude=[owner_field])
        except ValidationError as error:
            raise ValidationError(
                {"lines": [f"Line {position + 1}: {message}" for message in error.messages]}
            ) from error
        line.save()
        saved.append(line)
    return saved


def shown_order(lines: Iterable[LineT]) -> list[LineT]:
    """Lines as a page shows them: numbered ones in their order, then those just added (not numbered yet)."""
    return sorted(lines, key=lambda line: (line.position == 0, line.position, line.pk))


@dataclass(frozen=True)
class DocumentLines:
    """
    How the lines of an order are written (receiving orders, picking orders): their model and the field naming their
    order, the fields whose product is a line's amount, what a new line takes from its item, and the quantity done on
    a line (received, picked) that keeps it from being removed.
    """

    model: type[models.Model]
    owner_field: str
    quantity: str
    price: str
    done: str
    done_verb: str
    item_defaults: Mapping[str, str] = field(default_factory=dict)

    def write(self, owner: models.Model, rows: Rows) -> None:
        """The order's lines made exactly ``rows`` (items of the order's division), numbered, with their amounts."""
        for position, row in enumerate(rows, start=1):
            item = row.get("item")
            if item is not None and item.division_id != owner.division_id:
                raise ValidationError({"lines": [f"Line {position}: “{item}” belongs to another division."]})
        lines = lines_replace(
            owner=owner,
            model=self.model,
            owner_field=self.owner_field,
            rows=rows,
            item_defaults=self.item_defaults,
            removal_refusal=self.removal_refusal,
        )
        self.refresh(lines)

    def refresh(self, lines: Sequence[models.Model]) -> None:
        """Number ``lines`` in their order and store their amounts (after the admin's inline wrote them)."""
        changed = []
        for position, line in enumerate(lines, start=1):
            amount = line_amount(getattr(line, self.quantity), getattr(line, self.price))
            if (line.amount, line.position) != (amount, position):
                line.amount, line.position = amount, position
                changed.append(line)
        self.model._default_manager.bulk_update(changed, ["amount", "position"])

    def removal_refusal(self, line: models.Model) -> str | None:
        done = getattr(line, self.done)
        if done <= 0:
            return None
        return f"Line {line.position} (“{line}”) has {format_quantity(done)} {self.done_verb} and cannot be removed."

"""
Customer notes: one row a note. A note is known by its customer, date and text, so importing a file twice adds
each note once; a known note whose author differs is updated.
"""

from collections.abc import Iterable, Sequence
from functools import cached_property, partial

from django.db import transaction

from apps.core.columns import Column
from apps.customers import services as customer_services
from apps.customers.models import CustomerNote
from apps.customers.resources import NOTE_COLUMNS
from apps.imports.kinds.base import (
    Action,
    ImportContext,
    ImportKind,
    ParsedRow,
    Plan,
    RowError,
    changed_values,
    new_values,
)
from apps.imports.matching import CustomerLookup, NotFound


def note_text_key(text: str) -> str:
    """Notes typed in a browser end lines with CR LF, notes read from Excel with LF: the same note either way."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


class CustomerNoteKind(ImportKind):
    key = "customer_notes"
    label = "Customer notes"
    noun, noun_plural = "note", "notes"
    sheet_name = "Notes"
    description = "Dated notes on your customers, one row a note."
    changelist = "admin:customers_customer_changelist"
    columns = NOTE_COLUMNS

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        customers = CustomerLookup(division_id=context.division.pk)
        matched: list[tuple[ParsedRow, int]] = []
        for row in rows:
            if row.invalid:
                continue
            try:
                matched.append((row, customers.find(row["customer"])))
            except NotFound as error:
                plan.error(row.number, self.header("customer"), str(error))
        existing = self._existing(customer_id for _row, customer_id in matched)
        seen: dict[tuple, int] = {}
        for row, customer_id in matched:
            key = (customer_id, row["noted_on"], row["text"])
            label = f"{customers.names[customer_id]} · {row['noted_on']:%Y-%m-%d} · {row['text'][:60]}"
            author = row["author"] or ""
            if key in seen:
                plan.actions.append(Action("skip", [row.number], f"{label} (same as row {seen[key]})"))
                continue
            seen[key] = row.number
            note = existing.get(key)
            if note is None:
                values = {
                    "customer_id": customer_id,
                    "noted_on": row["noted_on"],
                    "text": row["text"],
                    "author": author,
                }
                shown = {**values, "customer": customers.names[customer_id]}
                describe = partial(new_values, shown, self._columns)
                plan.actions.append(Action("create", [row.number], label, values, describe))
            elif row["author"] is not None and note.author != author:
                describe = partial(changed_values, note, {"author": author}, self._columns)
                plan.actions.append(Action("update", [row.number], label, (note, author), describe))
            else:
                plan.actions.append(Action("skip", [row.number], label))
        return plan

    @cached_property
    def _columns(self) -> dict[str, Column]:
        """Note field → its column, for the preview."""
        return {key: self.column(key) for key in ("customer", "noted_on", "author", "text")}

    @staticmethod
    def _existing(customer_ids: Iterable[int]) -> dict[tuple, CustomerNote]:
        ids = sorted(set(customer_ids))
        notes: dict[tuple, CustomerNote] = {}
        for start in range(0, len(ids), 500):
            chunk = CustomerNote.objects.filter(customer_id__in=ids[start : start + 500]).only(
                "pk", "customer_id", "noted_on", "text", "author"
            )
            for note in chunk:
                notes.setdefault((note.customer_id, note.noted_on, note_text_key(note.text)), note)
        return notes

    def apply(self, *, actions: Iterable[Action], context: ImportContext) -> list[RowError]:
        actions = list(actions)
        new = [action.payload for action in actions if action.type == "create"]
        with transaction.atomic():
            customer_services.customer_notes_create(notes=new, created_by=context.user)
        for action in actions:
            if action.type == "update":
                note, author = action.payload
                customer_services.customer_note_update(note=note, author=author)
        return []

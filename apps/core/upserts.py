"""
Many records of one model created or changed at once (a pull from QuickBooks), each checked by the same rules as one
saved alone (``apps.core.rules``): the records that pass are written a batch at a time, one that fails is left out
with its error. A domain's bulk service calls ``bulk_upsert`` with its one-at-a-time service (``one``), which saves a
batch record by record when the database sees a clash the checks could not.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.core.rules import records_validate

RecordT = TypeVar("RecordT", bound=models.Model)
# Records checked and written together: one query per rule and per relation for the checks, a few for the writes.
BULK_BATCH_SIZE = 500


@dataclass(frozen=True)
class Upsert(Generic[RecordT]):
    """A record to save: ``record`` changed to ``fields``, or, when ``record`` is ``None``, a new one made of them."""

    record: RecordT | None
    fields: Mapping[str, Any]


def bulk_upsert(
    *,
    model: type[RecordT],
    rows: Sequence[Upsert[RecordT]],
    one: Callable[[Upsert[RecordT]], RecordT],
    batch_size: int = BULK_BATCH_SIZE,
) -> list[RecordT | ValidationError]:
    """For each row in order, its record saved, or the error that kept it out."""
    results: list[RecordT | ValidationError] = []
    for start in range(0, len(rows), batch_size):
        results.extend(_batch_upsert(model=model, rows=rows[start : start + batch_size], one=one))
    return results


def _batch_upsert(
    *, model: type[RecordT], rows: Sequence[Upsert[RecordT]], one: Callable[[Upsert[RecordT]], RecordT]
) -> list[RecordT | ValidationError]:
    records = []
    for row in rows:
        record = model(**row.fields) if row.record is None else row.record
        if row.record is not None:
            for name, value in row.fields.items():
                setattr(record, name, value)
        records.append(record)
    outcomes = records_validate(records)
    passed = [(row, record) for row, record, error in zip(rows, records, outcomes, strict=True) if error is None]
    creates = [record for row, record in passed if row.record is None]
    updates = [record for row, record in passed if row.record is not None]
    try:
        with transaction.atomic():
            if creates:
                model.objects.bulk_create(creates)
            if updates:
                _bulk_update(model=model, records=updates, rows=[row for row, _ in passed if row.record is not None])
    except IntegrityError:
        # The database saw a clash the checks could not (renames that free and take a name within one statement):
        # the batch is saved one record at a time instead, each checked and written alone.
        return [_one_saved(one, row) for row in rows]
    return [record if error is None else error for record, error in zip(records, outcomes, strict=True)]


def _bulk_update(*, model: type[RecordT], records: list[RecordT], rows: list[Upsert[RecordT]]) -> None:
    names = {model._meta.get_field(name).name for row in rows for name in row.fields}
    # bulk_update() does not stamp auto_now fields: updated_at is how a sync finds local changes.
    now = timezone.now()
    for record in records:
        record.updated_at = now
    model.objects.bulk_update(records, sorted(names | {"updated_at"}))


def _one_saved(one: Callable[[Upsert[RecordT]], RecordT], row: Upsert[RecordT]) -> RecordT | ValidationError:
    try:
        with transaction.atomic():
            return one(row)
    except ValidationError as error:
        return error

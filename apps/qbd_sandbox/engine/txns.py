"""
What every transaction shares: a new record's identifiers, the record a Mod names, Mod values over stored ones, line
mods, the next reference number, and the header of its Ret.
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.locks import check_writable, invalid_id
from apps.qbd_sandbox.engine.refs import jsonable, referenced_ids
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record

# Builds a line from the request's values over the stored line (None for a new line).
LineBuilder = Callable[[Ctx, dict[str, Any], dict[str, Any] | None], dict[str, Any]]
TRAILING_NUMBER = re.compile(r"(\d+)$")


def txn_new(ctx: Ctx, kind: str, entity: Record | None) -> Record:
    """An unsaved transaction with a TxnID, TxnNumber and EditSequence; ``entity`` is its customer or vendor."""
    return Record(
        company=ctx.company,
        kind=kind,
        object_id=ctx.new_txn_id(),
        edit_sequence=ctx.edit_sequence(),
        txn_number=ctx.new_txn_number(),
        entity=entity,
        time_created=ctx.moment,
        time_modified=ctx.moment,
    )


def txn_for_mod(ctx: Ctx, kind: str, data: dict[str, Any]) -> Record:
    """The transaction a Mod names (TxnID and EditSequence are taken out of ``data``): 3000, 317x or 3200 if not."""
    txn_id, edit_sequence = data.pop("TxnID"), data.pop("EditSequence")
    record = Record.objects.filter(company=ctx.company, kind=kind, object_id=txn_id).first()
    if record is None:
        raise invalid_id(txn_id, txn=True)
    check_writable(record, edit_sequence)
    return record


def txn_touch(ctx: Ctx, record: Record) -> None:
    record.edit_sequence = ctx.edit_sequence(record.edit_sequence)
    record.time_modified = ctx.moment


def fields_merged(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A Mod's header values over the stored ones; an empty element clears the field."""
    merged = dict(stored)
    for key, value in jsonable(given).items():
        if value in ("", None):
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def lines_modified(
    ctx: Ctx, current: list[dict[str, Any]], mods: list[dict[str, Any]], build: LineBuilder
) -> list[dict[str, Any]]:
    """Lines named by TxnLineID are kept (and changed), "-1" adds one, lines not named are deleted."""
    by_id = {line["TxnLineID"]: line for line in current}
    lines = []
    for given in mods:
        line_id = given.pop("TxnLineID")
        if line_id == "-1":
            lines.append({"TxnLineID": ctx.new_txn_id(), **build(ctx, given, None)})
        elif line_id in by_id:
            lines.append(build(ctx, given, by_id.pop(line_id)))
        else:
            raise StatusError(3000, f'The given object ID "{line_id}" in the field "TxnLineID" is invalid.')
    return lines


def ref_number_next(ctx: Ctx, kind: str) -> str:
    """
    The number QuickBooks puts on a new form of ``kind`` left unnumbered: the last one entered with its trailing
    number plus one, zeros kept ("PO-0099" -> "PO-0100"); "1" for the first. A last number without digits gives none.
    """
    last = (
        Record.objects.filter(company=ctx.company, kind=kind)
        .exclude(ref_number="")
        .order_by("-txn_number", "-pk")
        .values_list("ref_number", flat=True)
        .first()
    )
    if last is None:
        return "1"
    match = TRAILING_NUMBER.search(last)
    if match is None:
        return ""
    digits = match.group(1)
    return last[: match.start()] + str(int(digits) + 1).zfill(len(digits))


def txn_save(record: Record, data: dict[str, Any]) -> Record:
    """Store ``data`` as the transaction's, with the columns queries filter on."""
    stored = jsonable(data)
    record.data = stored
    record.txn_date = date.fromisoformat(stored["TxnDate"])
    record.ref_number = stored.get("RefNumber", "")
    record.ref_ids = " ".join(sorted(referenced_ids(stored)))
    record.save()
    return record


def txn_view(ctx: Ctx, record: Record, *, lines_key: str, lines: bool) -> dict[str, Any]:
    """A transaction as its Ret shows it; its lines only when asked for (IncludeLineItems)."""
    view = dict(record.data)
    view.update(
        TxnID=record.object_id,
        TimeCreated=ctx.local(record.time_created),
        TimeModified=ctx.local(record.time_modified),
        EditSequence=record.edit_sequence,
        TxnNumber=record.txn_number,
    )
    if not lines:
        view.pop(lines_key, None)
    return view

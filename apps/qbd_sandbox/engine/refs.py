"""References (``CustomerRef``, ``ItemRef``...): checked against the lists they name and stored as ListIDs."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from apps.qbd_sandbox.engine.context import REF_LABELS, Ctx
from apps.qbd_sandbox.errors import StatusError
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.qbxml.fields import F


def invalid_reference(kinds: tuple[str, ...], value: str, owner: str) -> StatusError:
    label = REF_LABELS.get(kinds[0], kinds[0]) if kinds else "object"
    return StatusError(
        3140,
        f'There is an invalid reference to QuickBooks {label} "{value}" in the {owner}. QuickBooks error message: '
        "Invalid argument.  The specified record does not exist in the list.",
    )


def find_ref(ctx: Ctx, value: dict[str, str], kinds: tuple[str, ...]) -> Record | None:
    """The record a reference names: by ListID when it has one (QuickBooks then ignores FullName)."""
    if value.get("ListID"):
        return ctx.record(value["ListID"], kinds)
    return ctx.record_named(value.get("FullName", ""), kinds)


def resolve_refs(ctx: Ctx, spec: tuple[F, ...], data: dict[str, Any], *, owner: str) -> None:
    """Replace every reference in ``data`` by ``{"ListID": ...}``; 3140 when one names nothing."""
    for field in spec:
        if field.name not in data or field.ignore:
            continue
        values = data[field.name] if field.repeat else [data[field.name]]
        if field.type == "ref":
            resolved = []
            for value in values:
                found = find_ref(ctx, value, field.kinds)
                if found is None:
                    raise invalid_reference(field.kinds, value.get("ListID") or value.get("FullName", ""), owner)
                resolved.append({"ListID": found.object_id})
            data[field.name] = resolved if field.repeat else resolved[0]
        elif field.type == "agg":
            for value in values:
                resolve_refs(ctx, field.children, value, owner=owner)


def referenced_ids(data: Any) -> set[str]:
    """Every ListID referenced anywhere in stored data."""
    found: set[str] = set()
    if isinstance(data, dict):
        if set(data) == {"ListID"}:
            found.add(data["ListID"])
        for value in data.values():
            found |= referenced_ids(value)
    elif isinstance(data, list):
        for value in data:
            found |= referenced_ids(value)
    return found


def jsonable(value: Any) -> Any:
    """Parsed values as stored: Decimals and dates as their qbXML strings."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def decimal(value: Any, default: str = "0") -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(default)

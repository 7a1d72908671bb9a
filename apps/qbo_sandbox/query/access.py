"""Reading a property path out of an Intuit-shaped JSON dict, and copying selected properties out of one."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from apps.qbo_sandbox.query.nodes import Field


class _Missing:
    """The value of a property a record does not have (Intuit omits properties without a value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Getter = Callable[[dict[str, Any]], Any]


def _key(mapping: dict[str, Any], part: str, folded: str) -> str | None:
    """The key of ``mapping`` spelled ``part`` in any case; Intuit accepts ``Metadata.LastUpdatedTime``."""
    if part in mapping:
        return part
    size = len(part)
    # The length test keeps the miss path cheap: few keys share a property's length.
    for key in mapping:
        if len(key) == size and key.casefold() == folded:
            return key
    return None


def _step(value: Any, part: str, folded: str) -> Any:
    if not isinstance(value, dict):
        return MISSING
    found = value.get(part, MISSING)
    if found is MISSING:
        key = _key(value, part, folded)
        return MISSING if key is None else value[key]
    return found


def make_getter(field: Field) -> Getter:
    """A function returning the value at ``field`` in a record, or MISSING. Records are JSON objects (dicts)."""
    steps = tuple((part, part.casefold()) for part in field.parts)
    if len(steps) == 1:
        # The common case, kept to one dict lookup per record.
        ((part, folded),) = steps

        def get_one(record: dict[str, Any]) -> Any:
            found = record.get(part, MISSING)
            return _step(record, part, folded) if found is MISSING else found

        return get_one

    if len(steps) == 2:
        ((outer, outer_folded), (inner, inner_folded)) = steps

        def get_two(record: dict[str, Any]) -> Any:
            return _step(_step(record, outer, outer_folded), inner, inner_folded)

        return get_two

    def get(record: dict[str, Any]) -> Any:
        value: Any = record
        for part, folded in steps:
            value = _step(value, part, folded)
        return value

    return get


def scalar(value: Any) -> Any:
    """A reference (``{"value": "58", "name": "..."}``) compares as its id, as ``CustomerRef = '58'`` expects."""
    if isinstance(value, dict):
        return value.get("value", MISSING)
    return value


def project(record: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    """
    A copy of ``record`` holding only ``fields``, with the record's own spelling of each key.

    ``Id`` is always kept so the client can tell records apart; ``sparse`` says the object is partial.
    """
    out: dict[str, Any] = {}
    for name in ("Id", "domain"):
        if name in record:
            out[name] = record[name]
    for field in fields:
        source: Any = record
        target = out
        path: list[str] = []
        for part in field.parts:
            key = _key(source, part, part.casefold()) if isinstance(source, dict) else None
            if key is None:
                break
            path.append(key)
            source = source[key]
        else:
            for key in path[:-1]:
                target = target.setdefault(key, {})
            # A copy, so that the page never shares (and a later path never writes into) the stored record.
            target[path[-1]] = copy.deepcopy(source)
    out["sparse"] = True
    return out

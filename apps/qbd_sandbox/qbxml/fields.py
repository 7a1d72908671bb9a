"""
Element specs in schema order, and the parser that holds a request to them.

A spec is a tuple of ``F`` in the order of Intuit's qbXML 13.0 schema. Elements of the schema the emulator does not
act on are declared with ``ignore=True``: accepted in their place (QuickBooks would accept them), then dropped.
Out-of-order, repeated or unknown elements fail the whole document, as QuickBooks' parser does; values it parses but
refuses (a string too long, a bad date) are collected as request-level issues (3070, 3020).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from lxml import etree

from apps.qbd_sandbox.errors import StatusError, parse_error

CENT = Decimal("0.01")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
INTEGER = re.compile(r"^[+-]?\d+$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?$")
NUMERIC_TYPES = {"amt", "price", "qty", "pct"}


@dataclass(frozen=True)
class F:
    """One element: its name, value type, limits, and for aggregates the spec of its children."""

    name: str
    type: str = "str"  # str id bool int amt price qty pct date datetime enum ref agg
    max_len: int = 0
    repeat: bool = False
    required: bool = False
    children: tuple["F", ...] = ()
    choices: tuple[str, ...] = ()
    # Record kinds a reference may point to.
    kinds: tuple[str, ...] = ()
    ignore: bool = False


def S(name: str, max_len: int = 0, **options: Any) -> F:
    return F(name, "str", max_len=max_len, **options)


def ref(name: str, *kinds: str, **options: Any) -> F:
    children = (F("ListID", "id"), S("FullName", 209))
    return F(name, "ref", children=children, kinds=kinds, ignore=not kinds, **options)


def agg(name: str, *children: F, **options: Any) -> F:
    return F(name, "agg", children=children, **options)


def latin1(text: str) -> str:
    """Text as QuickBooks stores it: characters outside ISO-8859-1 become "?"."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _text(element: etree._Element) -> str:
    if len(element):
        raise parse_error()
    return element.text or ""


def _convert_error(issues: list[StatusError], kind: str, value: str, field: F) -> None:
    issues.append(
        StatusError(3020, f'There was an error when converting the {kind} value "{value}" in the field "{field.name}".')
    )


def _scalar(element: etree._Element, field: F, issues: list[StatusError]) -> Any:
    raw = _text(element)
    value = raw.strip()
    if field.type in ("str", "id"):
        text = latin1(raw)
        if field.max_len and len(text) > field.max_len:
            issues.append(StatusError(3070, f'The string "{text}" in the field "{field.name}" is too long.'))
        return text
    if field.type == "bool":
        if value not in ("true", "false", "1", "0"):
            raise parse_error()
        return value in ("true", "1")
    if field.type == "enum":
        if value not in field.choices:
            raise parse_error()
        return value
    if not value:
        return None
    if field.type == "int":
        if not INTEGER.match(value):
            _convert_error(issues, "integer", value, field)
            return None
        return int(value)
    if field.type in NUMERIC_TYPES:
        if not NUMBER.match(value):
            _convert_error(issues, "amount" if field.type == "amt" else "number", value, field)
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise parse_error() from None
        return number.quantize(CENT, rounding=ROUND_HALF_UP) if field.type == "amt" else number
    if field.type == "date":
        try:
            if not DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            _convert_error(issues, "date", value, field)
            return None
    if field.type == "datetime":
        try:
            if DATE.match(value):
                return date.fromisoformat(value)
            if not DATETIME.match(value):
                raise ValueError(value)
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            _convert_error(issues, "date", value, field)
            return None
    raise AssertionError(f"unknown field type {field.type}")  # pragma: no cover


def parse_fields(element: etree._Element, spec: tuple[F, ...], issues: list[StatusError]) -> dict[str, Any]:
    """
    ``element``'s children as a dict (element name -> value; a list for repeating elements), held to ``spec``.

    Raises the parse error for unknown, out-of-order, repeated or missing required elements.
    """
    positions = {field.name: index for index, field in enumerate(spec)}
    result: dict[str, Any] = {}
    seen: set[str] = set()
    current = 0
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        position = positions.get(child.tag)
        if position is None or position < current or (child.tag in seen and not spec[position].repeat):
            raise parse_error()
        current = position
        seen.add(child.tag)
        field = spec[position]
        if field.type in ("agg", "ref"):
            if (child.text or "").strip():
                raise parse_error()
            value = parse_fields(child, field.children, issues)
            if field.type == "ref" and not value:
                raise parse_error()
        else:
            value = _scalar(child, field, issues)
        if field.ignore:
            continue
        if field.repeat:
            result.setdefault(field.name, []).append(value)
        else:
            result[field.name] = value
    for field in spec:
        if field.required and field.name not in seen:
            raise parse_error()
    return result


def names(spec: tuple[F, ...]) -> set[str]:
    return {field.name for field in spec}

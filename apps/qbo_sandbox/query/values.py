"""
Reading JSON values and query literals as the types Intuit compares them as.

Money arrives as a JSON number or a string (``1102.07``, ``"1102.07"``) and is read as Decimal, never float.
Times arrive as ISO 8601 strings, with or without an offset; a date alone (``TxnDate``) stays a date.
Each function returns None when the value is not of its type, so callers can try them in turn.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

_NUMERIC = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

Moment = date | datetime


def to_decimal(value: Any) -> Decimal | None:
    """A number or a numeric string as Decimal; floats go through repr() so 1102.07 stays 1102.07."""
    kind = type(value)
    if kind is str:
        # The pattern keeps out what Decimal() would also accept: "NaN", "Infinity", "1e5", "1_000".
        text = value.strip()
        return Decimal(text) if _NUMERIC.fullmatch(text) else None
    if kind is int:
        return Decimal(value)
    if kind is float:
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if kind is Decimal:
        return value if value.is_finite() else None
    return None


def to_bool(value: Any) -> bool | None:
    """A JSON boolean, or the strings ``true``/``false`` in any case."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        folded = value.strip().casefold()
        if folded in ("true", "false"):
            return folded == "true"
    return None


def to_moment(value: Any, tz: tzinfo) -> Moment | None:
    """
    An ISO 8601 date (kept a date) or date-time (made aware).

    A date-time without an offset is read in ``tz``, the company's time zone.
    """
    # A cheap shape test first: most strings compared against a time are not times at all.
    if type(value) is not str or len(value) < 10 or value[4] != "-" or value[7] != "-" or not value[0].isdigit():
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def as_instant(moment: Moment, tz: tzinfo) -> datetime:
    """A date as the start of that day in ``tz``; a date-time as it is."""
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time(), tz)


def compare_moments(left: Moment, right: Moment, tz: tzinfo) -> int:
    """-1, 0 or 1; two dates compare as dates, a date against a date-time as the start of its day."""
    if type(left) is datetime and type(right) is datetime:
        return (left > right) - (left < right)
    if not isinstance(left, datetime) and not isinstance(right, datetime):
        a: Any = left
        b: Any = right
    else:
        a, b = as_instant(left, tz), as_instant(right, tz)
    return (a > b) - (a < b)

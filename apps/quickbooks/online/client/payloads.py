"""JSON in and out with money kept exact: numbers are read as ``Decimal`` and written from it."""

import json
from decimal import Decimal
from typing import Any

# A decimal of up to 15 significant digits survives the trip through a double unchanged (DBL_DIG is 15).
MAX_EXACT_DIGITS = 15


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be sent to QuickBooks.")
        digits = len(value.normalize().as_tuple().digits)
        if digits > MAX_EXACT_DIGITS:
            raise ValueError(f"{value} has more digits than a JSON number carries exactly.")
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def json_dumps(payload: Any) -> str:
    """``payload`` as JSON; ``Decimal`` amounts become JSON numbers with the same digits."""
    return json.dumps(_plain(payload), separators=(",", ":"))


def json_loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)

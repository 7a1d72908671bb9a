"""
Money and quantities: read as Decimal, computed in Decimal, stored as the JSON numbers Intuit writes.

Intuit sends amounts as JSON numbers (``1102.07``, ``100``) and accepts them as numbers or numeric strings
(python-quickbooks sends Decimal values as strings). Nothing here goes through float arithmetic: a stored value is
turned into a JSON number only at the end, by ``json_number``, which is exact for the at most 15 significant digits
QuickBooks keeps (``json.dumps`` writes a float as the shortest decimal that reads back to it, so ``Decimal("1102.07")``
renders as ``1102.07``).
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
# QuickBooks keeps unit prices and quantities to 7 decimal places.
FINE = Decimal("0.0000001")
_NUMERIC = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_SIGNIFICANT_DIGITS = 15


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number, Decimal or numeric string as Decimal; None for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() is the shortest decimal that reads back to the float: 1102.07 stays 1102.07.
        number = Decimal(repr(value))
        return number if number.is_finite() else None
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
    return None


def money(value: Decimal) -> Decimal:
    """Rounded to cents, half up, as QuickBooks rounds line amounts and tax."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def json_number(value: Decimal) -> int | float:
    """The JSON number for ``value``: an integer when it has no fraction (``100``), else the exact decimal."""
    if value == value.to_integral_value():
        return int(value)
    digits = len(value.as_tuple().digits)
    if digits > _SIGNIFICANT_DIGITS:
        value = value.quantize(Decimal(1).scaleb(value.adjusted() - _SIGNIFICANT_DIGITS + 1), ROUND_HALF_UP)
    return float(value)


def storable(value: Any) -> Any:
    """A copy of ``value`` with every Decimal turned into its JSON number, ready for a JSONField."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value

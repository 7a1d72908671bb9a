"""
How numbers and records read on screen: money with its sign, quantities and percents without trailing zeros, and
records of a company with several divisions labelled with their division.

Plain functions, used by the admin's columns, filters, choices and the dashboard alike.
"""

from decimal import Decimal

from django.db import models

from apps.core.models import Division

ZERO = Decimal("0.00")


def format_money(value: Decimal | None) -> str:
    """``Decimal("1234.5")`` → ``"$1,234.50"``, the way amounts read in QuickBooks."""
    value = value or ZERO
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def format_price(value: Decimal | None) -> str:
    """A unit price, which may carry more than cents: ``12.5000`` → ``"$12.50"``, ``12.345`` → ``"$12.345"``."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    normalized = abs(value).normalize()
    places = max(2, -normalized.as_tuple().exponent)
    return f"{sign}${abs(value):,.{places}f}"


def format_quantity(value: Decimal | None) -> str:
    """``Decimal("3.0000")`` → ``"3"``, ``Decimal("1.2500")`` → ``"1.25"``, ``Decimal("1500")`` → ``"1,500"``."""
    if value is None:
        return ""
    # normalize() alone would write 1500 as 1.5E+3; quantize to the digits actually used instead.
    normalized = value.normalize()
    places = max(0, -normalized.as_tuple().exponent)
    return f"{value:,.{places}f}"


def format_decimal_input(value: Decimal | None, *, min_places: int = 0) -> str:
    """What a number input shows: no trailing zeros beyond ``min_places`` and no thousands separator."""
    if value is None:
        return ""
    normalized = value.normalize()
    places = max(min_places, -normalized.as_tuple().exponent)
    return f"{value:.{places}f}"


def format_percent(value: Decimal | None) -> str:
    """``Decimal("8.0250")`` → ``"8.025 %"``, the sign kept on the number's line (a no-break space)."""
    if value is None:
        return ""
    return f"{format_decimal_input(value)}\u00a0%"


def divisions_are_several() -> bool:
    """Whether the company has more than one division: only then do records carry their division's name."""
    return Division.objects.all()[:2].count() > 1


def label_with_division(label: str, division_name: str | None) -> str:
    """``"Net 15"``, ``"Snow Removal"`` → ``"Net 15 (Snow Removal)"``; the label alone without a division."""
    return f"{label} ({division_name})" if division_name else label


def record_label(obj: models.Model, *, with_division: bool) -> str:
    """A record's name as lists and choices show it, followed by its division's when ``with_division``."""
    division = getattr(obj, "division", None) if with_division else None
    return label_with_division(str(obj), division.name if division is not None else None)

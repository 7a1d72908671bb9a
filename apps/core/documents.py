"""What the division's numbered documents share (receiving orders, picking orders, inventory adjustments)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models.functions import Length

from apps.core.models import Division

CENT = Decimal("0.01")
QUANTITY = {"max_digits": 14, "decimal_places": 4}
MONEY = {"max_digits": 14, "decimal_places": 2}
# QuickBooks' document numbers are at most 21 characters; a longer one could not be sent.
NUMBER_MAX = 21
FIRST_NUMBER = 1001


def next_number(*, model: type[models.Model], division_id: int) -> str:
    """
    The next free number of ``model`` in the division: one more than the highest numeric number, from 1001.

    Locks the division's row so that two documents created at once do not get the same number; call it inside the
    transaction that saves the document.
    """
    Division.objects.select_for_update().filter(pk=division_id).first()
    highest = (
        model._default_manager.filter(division_id=division_id, number__regex=r"^[0-9]{1,15}$")
        .annotate(digits=Length("number"))
        .order_by("-digits", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return str(max(int(highest or 0), FIRST_NUMBER - 1) + 1)


def line_amount(quantity: Decimal, price: Decimal) -> Decimal:
    """A line's amount in cents, rounded half up as QuickBooks rounds it."""
    return (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)

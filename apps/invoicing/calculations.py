"""
Invoice arithmetic as pure functions on Decimal.

Amounts are rounded to the cent half-up, like QuickBooks. Tax is computed once on the sum of the taxable lines,
never per line, so that an invoice of many small taxable lines does not drift by a cent per line.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half away from zero. Refuses floats: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise TypeError("Money must be a Decimal, an int or a string, never a float.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(*, quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True)
class LineAmount:
    amount: Decimal
    taxable: bool


@dataclass(frozen=True)
class InvoiceTotals:
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def tax_amount(*, taxable_base: Decimal, percent: Decimal | None) -> Decimal:
    if not percent:
        return ZERO
    return money(Decimal(taxable_base) * Decimal(percent) / Decimal(100))


def invoice_totals(
    *, lines: Iterable[LineAmount], tax_percent: Decimal | None, customer_taxable: bool = True
) -> InvoiceTotals:
    """Subtotal of all lines, tax on the taxable ones (none when the customer is tax-exempt), and their sum."""
    subtotal = ZERO
    taxable_base = ZERO
    for line in lines:
        subtotal += line.amount
        if line.taxable:
            taxable_base += line.amount
    tax = tax_amount(taxable_base=taxable_base, percent=tax_percent) if customer_taxable else ZERO
    subtotal = money(subtotal)
    return InvoiceTotals(subtotal=subtotal, tax=tax, total=money(subtotal + tax))


def invoice_balance(*, total: Decimal, payments: Iterable[Decimal]) -> Decimal:
    """What is still owed. Never below zero: an overpayment is a credit, not a negative balance."""
    paid = sum((Decimal(amount) for amount in payments), ZERO)
    return max(money(Decimal(total) - paid), ZERO)


def due_date_for(*, invoice_date: date, due_days: int | None) -> date:
    return invoice_date + timedelta(days=due_days or 0)

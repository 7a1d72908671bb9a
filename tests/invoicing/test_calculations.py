from datetime import date
from decimal import Decimal

import pytest

from apps.invoicing.calculations import (
    LineAmount,
    due_date_for,
    invoice_balance,
    invoice_totals,
    line_amount,
    money,
    tax_amount,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "0.00"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("-0.005", "-0.01"),
        ("2.675", "2.68"),  # a float would give 2.67
        ("1234567.895", "1234567.90"),
        (7, "7.00"),
    ],
)
def test_money_rounds_half_up_to_the_cent(value, expected):
    assert money(value) == D(expected)


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


@pytest.mark.parametrize(
    ("quantity", "unit_price", "expected"),
    [
        ("1", "100", "100.00"),
        ("3", "33.333", "100.00"),
        ("3", "33.335", "100.01"),
        ("0.5", "0.01", "0.01"),
        ("0.25", "0.01", "0.00"),
        ("2.5", "19.99", "49.98"),
        ("0", "125", "0.00"),
        ("-1", "25", "-25.00"),
        ("1.3333", "7.5", "10.00"),
    ],
)
def test_line_amount(quantity, unit_price, expected):
    assert line_amount(quantity=D(quantity), unit_price=D(unit_price)) == D(expected)


@pytest.mark.parametrize(
    ("lines", "percent", "taxable_customer", "expected"),
    [
        # (amount, taxable) lines -> (subtotal, tax, total)
        ([], D("7.875"), True, ("0.00", "0.00", "0.00")),
        ([("0.00", True)], D("7.875"), True, ("0.00", "0.00", "0.00")),
        ([("100.00", True)], D("7.875"), True, ("100.00", "7.88", "107.88")),
        ([("100.00", True)], D("7.875"), False, ("100.00", "0.00", "100.00")),
        ([("100.00", False), ("50.00", True)], D("10"), True, ("150.00", "5.00", "155.00")),
        ([("100.00", True)], None, True, ("100.00", "0.00", "100.00")),
        ([("100.00", True)], D("0"), True, ("100.00", "0.00", "100.00")),
        ([("235.66", True)], D("25"), True, ("235.66", "58.92", "294.58")),
        # Tax on the sum, not per line: 3 x 0.33 at 5 % is 0.05 (per line it would be 3 x 0.02 = 0.06).
        ([("0.33", True)] * 3, D("5"), True, ("0.99", "0.05", "1.04")),
        ([("10.00", True), ("-2.50", True)], D("8.025"), True, ("7.50", "0.60", "8.10")),
    ],
)
def test_invoice_totals(lines, percent, taxable_customer, expected):
    totals = invoice_totals(
        lines=[LineAmount(amount=D(a), taxable=t) for a, t in lines],
        tax_percent=percent,
        customer_taxable=taxable_customer,
    )
    assert (totals.subtotal, totals.tax, totals.total) == tuple(D(x) for x in expected)
    assert totals.total == totals.subtotal + totals.tax


def test_tax_amount_without_percent_is_zero():
    assert tax_amount(taxable_base=D("100"), percent=None) == D("0.00")


@pytest.mark.parametrize(
    ("total", "payments", "expected"),
    [
        ("100.00", [], "100.00"),
        ("100.00", ["40.00", "60.00"], "0.00"),
        ("100.00", ["150.00"], "0.00"),  # an overpayment never makes a negative balance
        ("0.00", [], "0.00"),
        ("1102.07", ["0.07", "1000"], "102.00"),
    ],
)
def test_invoice_balance(total, payments, expected):
    assert invoice_balance(total=D(total), payments=[D(p) for p in payments]) == D(expected)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, date(2015, 2, 27)), (None, date(2015, 2, 27)), (2, date(2015, 3, 1)), (30, date(2015, 3, 29))],
)
def test_due_date_for(days, expected):
    assert due_date_for(invoice_date=date(2015, 2, 27), due_days=days) == expected

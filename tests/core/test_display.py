"""How numbers and records read on screen: money, quantities, percents, and division labels."""

from decimal import Decimal as D

import pytest

from apps.core.admin_utils import DecimalInput
from apps.core.display import (
    divisions_are_several,
    format_decimal_input,
    format_money,
    format_percent,
    format_price,
    format_quantity,
    label_with_division,
    record_label,
)
from tests.factories import DivisionFactory, PaymentTermFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("1.0000"), "1"), (D("3"), "3"), (D("1.2500"), "1.25"), (D("0.0000"), "0"), (D("1500.0000"), "1,500"),
     (D("-2.5000"), "-2.5"), (None, "")],
)
def test_quantities_lose_their_trailing_zeros(value, shown):
    assert format_quantity(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("1234.5"), "$1,234.50"), (D("0"), "$0.00"), (None, "$0.00"), (D("-12"), "-$12.00")],
)
def test_money_carries_its_currency_sign(value, shown):
    assert format_money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("149.0000"), "$149.00"), (D("12.3450"), "$12.345"), (D("1500"), "$1,500.00"), (None, "")],
)
def test_unit_prices_keep_cents_and_any_finer_digits(value, shown):
    assert format_price(value) == shown


def test_percents_and_inputs_lose_their_trailing_zeros():
    assert format_percent(D("8.0250")) == "8.025\u00a0%"
    assert format_percent(D("0.0000")) == "0\u00a0%"
    assert format_decimal_input(D("3.0000")) == "3"
    assert format_decimal_input(D("12.5000"), min_places=2) == "12.50"
    assert format_decimal_input(D("1500.0000")) == "1500"


def test_number_inputs_show_the_value_without_trailing_zeros():
    assert 'value="3"' in DecimalInput().render("quantity", D("3.0000"))
    assert 'value="149.00"' in DecimalInput(min_places=2).render("unit_price", D("149.0000"))
    # What the person typed is shown back as typed.
    assert 'value="3.50"' in DecimalInput().render("quantity", "3.50")


def test_labels_name_the_division_only_when_asked():
    assert label_with_division("Net 15", "Snow Removal") == "Net 15 (Snow Removal)"
    assert label_with_division("Net 15", None) == "Net 15"


@pytest.mark.django_db
def test_records_are_labelled_with_their_division_when_there_are_several():
    assert not divisions_are_several()
    term = PaymentTermFactory(name="Net 15", division=DivisionFactory(name="Snow Removal", slug="snow"))
    assert divisions_are_several()
    assert record_label(term, with_division=True) == "Net 15 (Snow Removal)"
    assert record_label(term, with_division=False) == "Net 15"

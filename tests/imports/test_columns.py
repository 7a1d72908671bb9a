"""How cells become values: dates in the usual formats, numbers with currency signs, Yes/No, and the messages."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from apps.core.columns import CellError, parse_boolean, parse_date, parse_decimal, parse_integer, parse_text


@pytest.mark.parametrize(
    "value",
    [
        "2022-08-15",
        "2022/08/15",
        "08/15/2022",
        "8/15/2022",
        "8/15/22",
        "08-15-2022",
        "15.08.2022",
        "Aug 15, 2022",
        "August 15, 2022",
        "15 Aug 2022",
        "15-Aug-2022",
        "2022-08-15 00:00:00",
        "2022-08-15T10:30",
        44788,
        datetime(2022, 8, 15, 9, 30),
        date(2022, 8, 15),
        " 2022-08-15 ",
    ],
)
def test_dates_in_the_usual_formats(value):
    assert parse_date(value) == date(2022, 8, 15)


@pytest.mark.parametrize("value", ["2022-02-30", "13/13/2022", "soon", 12.5, 3, True])
def test_bad_dates(value):
    with pytest.raises(CellError, match="is not a date"):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, Decimal("12.00")),
        (12.345, Decimal("12.35")),
        ("$1,234.5", Decimal("1234.50")),
        (" 7.875% ", Decimal("7.88")),
        ("(12.00)", None),
        (0.1 + 0.2, Decimal("0.30")),
        ("", None),
        (None, None),
    ],
)
def test_numbers(value, expected):
    if value == "(12.00)":
        assert parse_decimal(value, negative=True) == Decimal("-12.00")
        with pytest.raises(CellError, match="is negative"):
            parse_decimal(value)
        return
    assert parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["ten", "NaN", "1.2.3", date(2022, 1, 1), True, "Infinity"])
def test_text_in_a_number(value):
    with pytest.raises(CellError, match="is not a number"):
        parse_decimal(value)


def test_too_large_and_integers():
    with pytest.raises(CellError, match="too large"):
        parse_decimal("1e20")
    assert parse_integer("30") == 30
    with pytest.raises(CellError, match="out of range"):
        parse_integer(-1)


@pytest.mark.parametrize(("value", "expected"), [("Yes", True), ("n", False), (True, True), (0, False), ("X", True)])
def test_booleans(value, expected):
    assert parse_boolean(value) is expected


def test_text():
    assert parse_text(1001.0) == "1001"
    assert parse_text("  a\r\nb ") == "a\nb"
    assert parse_text("   ") is None
    with pytest.raises(CellError, match="at most 3"):
        parse_text("abcd", max_length=3)
    with pytest.raises(CellError, match="not Yes or No"):
        parse_boolean("maybe")

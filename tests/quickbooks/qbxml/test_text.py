from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from apps.quickbooks.desktop.qbxml import text_for_quickbooks
from apps.quickbooks.desktop.qbxml.text import xml_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme Plumbing", "Acme Plumbing"),
        ("Café Müller, Straße 5, £10, ½", "Café Müller, Straße 5, £10, ½"),  # Latin-1 stays
        ("Ödön Kovács Kft. \u2013 Győr", "Ödön Kovács Kft. - Gyor"),
        ("Smith—Jones", "Smith-Jones"),
        ("“Quoted” and \u2018single\u2019", "\"Quoted\" and 'single'"),
        ("Price €20", "Price EUR20"),
        ("Wait…", "Wait..."),
        ("Acme™", "AcmeTM"),
        ("ﬁnish", "finish"),
        ("Łódź", "Lódz"),  # "ó" is Latin-1, "Ł" and "ź" are not
        ("Œuvre", "OEuvre"),
        ("⅓ share", "1/3 share"),
        ("東京 office", "?? office"),
        ("Party 🎉", "Party ?"),
        ("e\u0301clair", "éclair"),  # decomposed input is composed first
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("bell\x07 and C1\x85 removed", "bell and C1 removed"),
        ("two\nlines\tand tab\r\n", "two\nlines\tand tab\r\n"),
        ("line\u2028separator", "line\nseparator"),
        ("", ""),
    ],
)
def test_text_for_quickbooks(value, expected):
    assert text_for_quickbooks(value) == expected


def test_every_result_is_latin1():
    sample = "".join(chr(code) for code in range(0x20, 0x3000) if not 0xD800 <= code <= 0xDFFF)
    text_for_quickbooks(sample).encode("latin-1")


def test_limit_cuts_after_replacement():
    assert text_for_quickbooks("€€€", limit=4) == "EURE"
    assert text_for_quickbooks("Short", limit=41) == "Short"
    assert text_for_quickbooks("Anything", limit=0) == ""


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="negative"):
        text_for_quickbooks("x", limit=-1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Naïve \u2013 text", "Naïve - text"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (Decimal("1234.50"), "1234.50"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.00001"), "-0.00001"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 3, 1, 8, 30, 15, 999, tzinfo=UTC), "2024-03-01T08:30:15+00:00"),
        (datetime(2024, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=-5))), "2024-03-01T08:30:00-05:00"),
    ],
)
def test_xml_value(value, expected):
    assert xml_value(value) == expected


def test_xml_value_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="time zone"):
        xml_value(datetime(2024, 3, 1, 8, 30))


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_xml_value_refuses_non_finite_decimals(value):
    with pytest.raises(ValueError, match="not a number"):
        xml_value(value)


@pytest.mark.parametrize("value", [1.5, object(), b"bytes"])
def test_xml_value_refuses_other_types(value):
    with pytest.raises(TypeError, match="not a qbXML value"):
        xml_value(value)

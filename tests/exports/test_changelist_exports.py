"""Every changelist exports, as xlsx and csv, the rows it lists (search, filters, date range) and no others."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.utils import timezone

from apps.accounting.models import AccountType, ItemType
from apps.core.resources import ExportAdminMixin
from apps.invoicing.models import InvoiceStatus
from tests.exports.helpers import export
from tests.factories import (
    AccountFactory,
    CustomerAttachmentFactory,
    CustomerFactory,
    CustomerNoteFactory,
    DefaultAccountsFactory,
    DivisionFactory,
    InvoiceFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = {
    "customers.customer": [
        "Customer number",
        "Display name",
        "Company name",
        "First name",
        "Last name",
        "Phone",
        "Email",
        "Billing street",
        "Billing street 2",
        "Billing city",
        "Billing state",
        "Billing postal code",
        "Billing country",
        "Taxable",
        "Tax rate",
        "Payment term",
        "Active",
        "Service location",
        "Location street",
        "Location street 2",
        "Location city",
        "Location state",
        "Location postal code",
        "Location country",
        "Division",
    ],
    "customers.servicelocation": [
        "Name",
        "Customer",
        "Street",
        "Street (line 2)",
        "City",
        "State / province",
        "Postal code",
        "Country",
        "Active",
    ],
    "customers.customernote": ["Customer", "Date", "Author", "Text"],
    "customers.customerattachment": ["Customer", "File name", "Title", "Date"],
    "catalog.item": [
        "Name",
        "Type",
        "SKU",
        "Description",
        "Sales price",
        "Cost",
        "Taxable",
        "Active",
        "Quantity on hand",
        "Quantity as of",
        "Income account",
        "Expense account",
        "Asset account",
        "Division",
    ],
    "accounting.account": ["Number", "Name", "Type", "Description", "Active", "Division"],
    "accounting.defaultaccounts": ["Item type", "Income account", "Expense account", "Asset account", "Division"],
    "accounting.taxrate": ["Name", "Percent", "Tax agency", "Active", "Division"],
    "accounting.paymentterm": ["Name", "Due in days", "Active", "Division"],
    "invoicing.invoice": [
        "Number",
        "Date",
        "Due date",
        "Customer",
        "Service location",
        "Status",
        "Subtotal",
        "Tax",
        "Total",
        "Paid",
        "Balance",
        "Payment term",
        "Tax rate",
        "Memo",
        "Division",
    ],
    "users.user": ["Email", "First name", "Last name", "Roles", "Active", "Last login"],
}


def _yes(file_format: str) -> bool | str:
    return True if file_format == "xlsx" else "TRUE"


def _no(file_format: str) -> bool | str:
    return False if file_format == "xlsx" else "FALSE"


def _money(file_format: str, amount: str) -> float | str:
    return float(amount) if file_format == "xlsx" else amount


def test_every_export_is_covered_here():
    exporting = {
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportAdminMixin)
    }
    assert exporting == set(HEADERS)


def test_customers_export_one_row_per_service_location_as_the_customers_import_reads_it(admin_client, file_format):
    bar = CustomerFactory(
        display_name="Basement Bar",
        number="C-77",
        tax_rate=TaxRateFactory(name="Hennepin"),
        payment_term=PaymentTermFactory(name="Net 15"),
    )
    ServiceLocationFactory(
        customer=bar, name="Main", street="511 N Washington Ave", city="Minneapolis", state="MN", postal_code="55401"
    )
    ServiceLocationFactory(customer=bar, name="Warehouse", street="12 Lake St", city="Minneapolis", active=False)
    CustomerFactory(display_name="Basement Deli")
    CustomerFactory(display_name="Corner Shop")

    exported = export(admin_client, "customers.customer", file_format, {"q": "basement"})

    assert exported.headers == HEADERS["customers.customer"]
    names = list(zip(exported.column("Display name"), exported.column("Service location"), strict=True))
    empty = None if file_format == "xlsx" else ""
    assert names == [("Basement Bar", "Main"), ("Basement Bar", "Warehouse"), ("Basement Deli", empty)]
    main, warehouse = (dict(zip(exported.headers, row, strict=True)) for row in exported.rows[:2])
    assert (main["Location street"], main["Location postal code"]) == ("511 N Washington Ave", "55401")
    assert warehouse["Location street"] == "12 Lake St"
    for row in (main, warehouse):
        assert (row["Customer number"], row["Tax rate"], row["Payment term"]) == ("C-77", "Hennepin", "Net 15")
        assert (row["Taxable"], row["Active"], row["Division"]) == (_yes(file_format), _yes(file_format), "Main")


def test_customers_export_follows_the_sidebar_filters(admin_client, file_format):
    CustomerFactory(display_name="Closed Diner", active=False)
    CustomerFactory(display_name="Open Diner")

    exported = export(admin_client, "customers.customer", file_format, {"active__exact": "0"})

    assert exported.column("Display name") == ["Closed Diner"]


def test_service_locations_export_the_filtered_rows(admin_client, file_format):
    ServiceLocationFactory(name="Lake Store", customer__display_name="Basement Bar", state="MN", city="Minneapolis")
    ServiceLocationFactory(name="Desert Site", state="AZ")

    exported = export(admin_client, "customers.servicelocation", file_format, {"state": "MN"})

    assert exported.headers == HEADERS["customers.servicelocation"]
    assert exported.column("Name") == ["Lake Store"]
    row = exported.row_by("Name", "Lake Store")
    assert (row["Customer"], row["City"], row["State / province"]) == ("Basement Bar", "Minneapolis", "MN")


def test_customer_notes_export_the_searched_and_dated_rows_in_the_imports_columns(admin_client, file_format):
    bar = CustomerFactory(display_name="Basement Bar")
    today = timezone.localdate()
    CustomerNoteFactory(customer=bar, noted_on=today - timedelta(days=10), author="Jo", text="Door code 4411")
    CustomerNoteFactory(customer=bar, noted_on=today - timedelta(days=400), author="Jo", text="Door code 1234")
    CustomerNoteFactory(customer=CustomerFactory(display_name="Corner Deli"), text="Door code at the back")
    since = (today - timedelta(days=30)).isoformat()

    exported = export(admin_client, "customers.customernote", file_format, {"q": "bar", "noted_on__gte": since})

    assert exported.headers == HEADERS["customers.customernote"]
    (row,) = exported.rows
    noted_on = (today - timedelta(days=10)) if file_format == "xlsx" else (today - timedelta(days=10)).isoformat()
    assert row[0] == "Basement Bar" and row[2:] == ["Jo", "Door code 4411"]
    assert (row[1].date() if hasattr(row[1], "date") else row[1]) == noted_on


def test_customer_attachments_export_their_file_names_in_the_imports_columns(admin_client, file_format):
    bar = CustomerFactory(display_name="Basement Bar")
    CustomerAttachmentFactory(
        customer=bar, title="Site plan", attached_on=date(2022, 8, 15), file__filename="site-plan.pdf"
    )
    CustomerAttachmentFactory(customer=bar, title="", file__filename="codes.txt")
    CustomerAttachmentFactory(customer=CustomerFactory(display_name="Corner Deli"), file__filename="contract.pdf")

    exported = export(admin_client, "customers.customerattachment", file_format, {"customer": str(bar.pk)})

    assert exported.headers == HEADERS["customers.customerattachment"]
    empty = None if file_format == "xlsx" else ""
    plan, codes = exported.row_by("File name", "site-plan.pdf"), exported.row_by("File name", "codes.txt")
    # The name the file was attached under, never where it is stored.
    assert (plan["Customer"], plan["Title"]) == ("Basement Bar", "Site plan")
    attached_on = date(2022, 8, 15) if file_format == "xlsx" else "2022-08-15"
    assert (plan["Date"].date() if hasattr(plan["Date"], "date") else plan["Date"]) == attached_on
    assert (codes["Title"], codes["Date"]) == (empty, empty)
    assert len(exported.rows) == 2


def test_items_export_the_filtered_rows_with_prices_and_accounts(admin_client, file_format):
    income = AccountFactory(name="Parts income", account_type=AccountType.INCOME)
    ItemFactory(
        name="Filter 16x25",
        sku="F-1625",
        item_type=ItemType.INVENTORY,
        sales_price=Decimal("12.50"),
        cost=Decimal("4.10"),
        quantity_on_hand=Decimal("40"),
        income_account=income,
    )
    ItemFactory(name="Service call", item_type=ItemType.SERVICE)

    exported = export(admin_client, "catalog.item", file_format, {"item_type__exact": "inventory"})

    assert exported.headers == HEADERS["catalog.item"]
    assert exported.column("Name") == ["Filter 16x25"]
    row = exported.row_by("Name", "Filter 16x25")
    assert (row["SKU"], row["Type"], row["Income account"]) == ("F-1625", "Inventory", "Parts income")
    assert (row["Sales price"], row["Cost"]) == (_money(file_format, "12.50"), _money(file_format, "4.10"))


def test_accounts_export_the_searched_and_filtered_rows(admin_client, file_format):
    AccountFactory(name="Fuel", number="6100", account_type=AccountType.EXPENSE)
    AccountFactory(name="Fuel surcharge income", number="4100", account_type=AccountType.INCOME)
    AccountFactory(name="Rent", number="6200", account_type=AccountType.EXPENSE)

    exported = export(admin_client, "accounting.account", file_format, {"q": "fuel", "account_type__exact": "expense"})

    assert exported.headers == HEADERS["accounting.account"]
    assert exported.column("Name") == ["Fuel"]
    assert exported.row_by("Name", "Fuel")["Type"] == "Expense"


def test_default_accounts_export_the_filtered_division(admin_client, file_format):
    other = DivisionFactory(name="North", slug="north")
    DefaultAccountsFactory(
        division=other,
        item_type=ItemType.SERVICE,
        income_account=AccountFactory(division=other, name="North services", account_type=AccountType.INCOME),
        expense_account=AccountFactory(division=other, name="North costs", account_type=AccountType.EXPENSE),
    )
    DefaultAccountsFactory(item_type=ItemType.SERVICE)

    exported = export(admin_client, "accounting.defaultaccounts", file_format, {"division__id__exact": other.pk})

    assert exported.headers == HEADERS["accounting.defaultaccounts"]
    assert exported.column("Division") == ["North"]
    row = exported.row_by("Division", "North")
    assert (row["Item type"], row["Income account"], row["Expense account"]) == (
        "Service",
        "North services",
        "North costs",
    )


def test_tax_rates_export_the_searched_rows(admin_client, file_format):
    TaxRateFactory(name="Hennepin", percent=Decimal("8.0250"), agency="Minnesota Department of Revenue")
    TaxRateFactory(name="Maricopa", percent=Decimal("8.0500"), agency="Arizona Department of Revenue")

    exported = export(admin_client, "accounting.taxrate", file_format, {"q": "hennepin"})

    assert exported.headers == HEADERS["accounting.taxrate"]
    assert exported.column("Name") == ["Hennepin"]
    assert exported.row_by("Name", "Hennepin")["Percent"] == (8.025 if file_format == "xlsx" else "8.0250")


def test_payment_terms_export_the_filtered_rows(admin_client, file_format):
    PaymentTermFactory(name="Net 60", due_days=60, active=False)
    PaymentTermFactory(name="Net 30", due_days=30)

    exported = export(admin_client, "accounting.paymentterm", file_format, {"active__exact": "0"})

    assert exported.headers == HEADERS["accounting.paymentterm"]
    assert exported.column("Name") == ["Net 60"]
    row = exported.row_by("Name", "Net 60")
    assert (row["Due in days"], row["Active"]) == (60 if file_format == "xlsx" else "60", _no(file_format))


@pytest.fixture
def invoices():
    today = timezone.localdate()
    location = ServiceLocationFactory(name="Lake Store", customer__display_name="Basement Bar")
    common = {"customer": location.customer, "service_location": location, "status": InvoiceStatus.UNPAID}
    return {
        "overdue": InvoiceFactory(
            number="1001",
            invoice_date=today - timedelta(days=40),
            due_date=today - timedelta(days=10),
            subtotal=Decimal("220.00"),
            tax=Decimal("15.66"),
            total=Decimal("235.66"),
            balance=Decimal("135.66"),
            payment_term=PaymentTermFactory(name="Net 30"),
            **common,
        ),
        "open": InvoiceFactory(
            number="1002",
            invoice_date=today - timedelta(days=20),
            due_date=today + timedelta(days=10),
            total=Decimal("90.15"),
            balance=Decimal("90.15"),
            **common,
        ),
        "old": InvoiceFactory(
            number="1003",
            invoice_date=today - timedelta(days=400),
            due_date=today - timedelta(days=370),
            total=Decimal("80.00"),
            balance=Decimal("80.00"),
        ),
    }


def test_invoices_export_the_date_range(admin_client, invoices, file_format):
    today = timezone.localdate()
    params = {
        "invoice_date__gte": (today - timedelta(days=60)).isoformat(),
        "invoice_date__lte": today.isoformat(),
    }

    exported = export(admin_client, "invoicing.invoice", file_format, params)

    assert exported.headers == HEADERS["invoicing.invoice"]
    assert exported.column("Number") == ["1002", "1001"]  # the list's order: newest first


def test_invoices_export_the_overdue_ones_with_totals_and_balance(admin_client, invoices, file_format):
    exported = export(admin_client, "invoicing.invoice", file_format, {"payment": "overdue"})

    assert exported.column("Number") == ["1001"]
    row = exported.row_by("Number", "1001")
    assert (row["Customer"], row["Service location"], row["Status"]) == ("Basement Bar", "Lake Store", "Overdue")
    assert (row["Subtotal"], row["Tax"], row["Total"], row["Paid"], row["Balance"]) == tuple(
        _money(file_format, amount) for amount in ("220.00", "15.66", "235.66", "100.00", "135.66")
    )
    assert row["Payment term"] == "Net 30"


def test_invoices_export_the_searched_rows_with_the_stored_status(admin_client, invoices, file_format):
    exported = export(admin_client, "invoicing.invoice", file_format, {"q": "1002"})

    assert exported.column("Number") == ["1002"]
    assert exported.row_by("Number", "1002")["Status"] == "Unpaid"


def test_users_export_the_searched_rows_with_roles_and_never_a_password(owner, client, file_format):
    client.force_login(owner)
    UserFactory(email="dana@example.com", first_name="Dana", last_name="Reyes", roles=["Office", "Read-only"])
    UserFactory(email="sam@example.com", first_name="Sam")

    exported = export(client, "users.user", file_format, {"q": "dana"})

    assert exported.headers == HEADERS["users.user"]
    assert exported.column("Email") == ["dana@example.com"]
    row = exported.row_by("Email", "dana@example.com")
    assert (row["First name"], row["Last name"], row["Roles"]) == ("Dana", "Reyes", "Office, Read-only")
    assert row["Active"] == _yes(file_format)


def test_user_export_contains_no_password_hash(owner, client):
    client.force_login(owner)
    for file_format in ("xlsx", "csv"):
        exported = export(client, "users.user", file_format)
        cells = [str(value) for row in exported.rows for value in row]
        assert not any(owner.password in cell or "md5$" in cell for cell in cells)
        assert not any("password" in header.lower() for header in exported.headers)

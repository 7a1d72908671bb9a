"""
The columns of the customer, service location and note exports (see ``apps.core.resources``); customers (with their
service locations) and notes are imported from the same columns (``apps.core.columns``).
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from import_export.fields import Field

from apps.core.columns import DIVISION, Column, ColumnType, exported_fields
from apps.core.resources import ExportResource
from apps.customers.models import Customer, CustomerNote, ServiceLocation

# The templates' example customer, which no real customer is: a template uploaded as it is can match nobody. The
# examples of the kinds that name a customer name it too.
EXAMPLE_CUSTOMER = "Example Customer (delete me)"
CUSTOMER_HELP = "The customer's display name or customer number, as in FieldOffice."

NOTE_COLUMNS = (
    Column(
        "customer",
        "Customer",
        required=True,
        max_length=100,
        help=CUSTOMER_HELP,
        example=EXAMPLE_CUSTOMER,
        attribute="customer__display_name",
    ),
    Column("noted_on", "Date", ColumnType.DATE, required=True, help="The note's date.", example="2022-08-15"),
    Column("author", "Author", max_length=100, help="Who wrote the note.", example="Example Person"),
    Column("text", "Text", required=True, help="The note itself.", example="Example note: side door code 0000."),
)

# What the export writes of a service location.
LOCATION_TEXT_FIELDS = ("name", "street", "street2", "city", "state", "postal_code", "country")
LOCATION_PREFIX = "location_"
# The templates' example customer's number, and its location's name.
EXAMPLE_NUMBER = "EXAMPLE-0001"
EXAMPLE_LOCATION = "Example location"


def _text(key: str, header: str, max_length: int, help: str = "", example: Any = None, **options: Any) -> Column:
    return Column(key, header, max_length=max_length, help=help, example=example, **options)


LOCATION_NAME = _text(
    "location_name", "Service location", 100, "A place where you work for the customer; one a row.", EXAMPLE_LOCATION
)
LOCATION_SHEET_COLUMNS = (
    _text("location_street", "Location street", 200, example="100 Example Street"),
    _text("location_street2", "Location street 2", 200),
    _text("location_city", "Location city", 100, example="Minneapolis"),
    _text("location_state", "Location state", 100, example="MN"),
    _text("location_postal_code", "Location postal code", 20, example="55401"),
    _text("location_country", "Location country", 100, example="USA"),
)
CUSTOMER_COLUMNS = (
    _text(
        "number",
        "Customer number",
        30,
        "Your own reference; unique. Identifies the customer when given.",
        EXAMPLE_NUMBER,
    ),
    Column(
        "display_name",
        "Display name",
        once=True,
        max_length=100,
        help="The name on invoices and lists; unique.",
        example=EXAMPLE_CUSTOMER,
    ),
    _text("company_name", "Company name", 100, example="Example Company LLC"),
    _text("first_name", "First name", 100, example="Example"),
    _text("last_name", "Last name", 100, example="Person"),
    _text("phone", "Phone", 30, example="612-555-0199"),
    _text("email", "Email", 254, example="billing@example.com"),
    _text("billing_street", "Billing street", 200, example="100 Example Street"),
    _text("billing_street2", "Billing street 2", 200),
    _text("billing_city", "Billing city", 100, example="Minneapolis"),
    _text("billing_state", "Billing state", 100, example="MN"),
    _text("billing_postal_code", "Billing postal code", 20, example="55401"),
    _text("billing_country", "Billing country", 100, example="USA"),
    Column("taxable", "Taxable", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new customer.", example="Yes"),
    _text("tax_rate", "Tax rate", 100, "The name of a tax rate.", attribute="tax_rate__name"),
    _text(
        "payment_term",
        "Payment term",
        100,
        "The name of a payment term, such as Net 30.",
        attribute="payment_term__name",
        aliases=("Terms",),
    ),
    Column("active", "Active", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new customer.", example="Yes"),
    LOCATION_NAME,
    *LOCATION_SHEET_COLUMNS,
    DIVISION,
)


def location_field(column: Column) -> Field:
    """An export column read from the row's service location (``CustomerRow``)."""
    return Field(attribute=column.key, column_name=column.header)


class CustomerRow:
    """
    One row of the customer export: the customer's values, and one of its service locations (``location_name``,
    ``location_street``...; none for a customer without locations), as the customers import reads them.
    """

    def __init__(self, customer: Customer, location: ServiceLocation | None) -> None:
        self.customer = customer
        self.location = location

    def __getattr__(self, name: str) -> Any:
        if name.startswith(LOCATION_PREFIX):
            field = name.removeprefix(LOCATION_PREFIX)
            return getattr(self.location, field) if self.location is not None else None
        return getattr(self.customer, name)


class CustomerResource(ExportResource):
    """
    The customers, one row per service location with the customer's values on each (one row for a customer without
    locations): the customers import's own columns, so that the file imports again unchanged.
    """

    columns = CUSTOMER_COLUMNS
    location_name = location_field(LOCATION_NAME)
    location_street = location_field(LOCATION_SHEET_COLUMNS[0])
    location_street2 = location_field(LOCATION_SHEET_COLUMNS[1])
    location_city = location_field(LOCATION_SHEET_COLUMNS[2])
    location_state = location_field(LOCATION_SHEET_COLUMNS[3])
    location_postal_code = location_field(LOCATION_SHEET_COLUMNS[4])
    location_country = location_field(LOCATION_SHEET_COLUMNS[5])
    export_select_related = ("tax_rate", "payment_term", "division")
    # A plain list (to_attr) is filled much faster than a related manager's cache for each of 100,000 customers.
    export_prefetch_related = (
        Prefetch(
            "service_locations",
            queryset=ServiceLocation.objects.only("customer", *LOCATION_TEXT_FIELDS).order_by("name", "pk"),
            to_attr="export_service_locations",
        ),
    )

    class Meta:
        model = Customer
        fields = exported_fields(CUSTOMER_COLUMNS)

    def iter_queryset(self, queryset: QuerySet) -> Iterator[CustomerRow]:
        for customer in super().iter_queryset(queryset):
            for location in customer.export_service_locations or [None]:
                yield CustomerRow(customer, location)


class ServiceLocationResource(ExportResource):
    column_headers = {"customer__display_name": "Customer"}
    export_select_related = ("customer",)

    class Meta:
        model = ServiceLocation
        fields = (
            "name",
            "customer__display_name",
            "street",
            "street2",
            "city",
            "state",
            "postal_code",
            "country",
            "active",
        )


class CustomerNoteResource(ExportResource):
    """The notes import's columns (the customer by display name): an exported file imports again unchanged."""

    columns = NOTE_COLUMNS
    export_select_related = ("customer",)

    class Meta:
        model = CustomerNote
        fields = exported_fields(NOTE_COLUMNS)

"""
The columns of the customer, service location and note exports (see ``apps.core.resources``); notes are imported
from the same columns (``apps.core.columns``).
"""

from django.db.models import Prefetch
from import_export.fields import Field

from apps.core.columns import Column, ColumnType, exported_fields
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

# What a location's text is made of (``ServiceLocation.__str__``), and whether it is still in use.
LOCATION_TEXT_FIELDS = ("name", "street", "street2", "city", "state", "postal_code", "country", "active")


class CustomerResource(ExportResource):
    service_locations = Field(column_name="Service locations")

    column_headers = {
        "billing_street": "Billing street",
        "billing_street2": "Billing street (line 2)",
        "billing_city": "Billing city",
        "billing_state": "Billing state / province",
        "billing_postal_code": "Billing postal code",
        "billing_country": "Billing country",
        "tax_rate__name": "Tax rate",
        "payment_term__name": "Payment term",
        "division__name": "Division",
    }
    export_select_related = ("tax_rate", "payment_term", "division")
    # A plain list (to_attr) is filled much faster than a related manager's cache for each of 100,000 customers.
    export_prefetch_related = (
        Prefetch(
            "service_locations",
            queryset=ServiceLocation.objects.only("customer", *LOCATION_TEXT_FIELDS),
            to_attr="export_service_locations",
        ),
    )

    class Meta:
        model = Customer
        fields = (
            "display_name",
            "number",
            "company_name",
            "first_name",
            "last_name",
            "phone",
            "email",
            "billing_street",
            "billing_street2",
            "billing_city",
            "billing_state",
            "billing_postal_code",
            "billing_country",
            "service_locations",
            "taxable",
            "tax_rate__name",
            "payment_term__name",
            "active",
            "division__name",
        )

    def dehydrate_service_locations(self, customer: Customer) -> str:
        """All the locations in one cell, read by a person: "Main, 12 Main St, Mesa; Shop, 3 Lake St (inactive)"."""
        return "; ".join(
            str(location) if location.active else f"{location} (inactive)"
            for location in customer.export_service_locations
        )


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

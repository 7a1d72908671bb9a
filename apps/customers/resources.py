"""
The columns of the customer, service location and note exports (see ``apps.core.resources``); customers (with their
service locations) and notes are imported from the same columns (``apps.core.columns``).
"""

from collections.abc import Hashable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from import_export.fields import Field

from apps.core.columns import DIVISION, Column, ColumnType, exported_fields
from apps.core.importing import RecordResource
from apps.core.resources import ExportResource
from apps.customers import services
from apps.customers.lookups import CustomerLookup, NotFound
from apps.customers.models import Customer, CustomerNote, ServiceLocation

# The templates' example customer, which no real customer is: a template uploaded as it is can match nobody. The
# examples of the kinds that name a customer name it too.
EXAMPLE_CUSTOMER = "Example Customer (delete me)"
CUSTOMER_HELP = "The customer's display name or customer number, as in FieldOffice."


def note_text_key(text: str) -> str:
    """Notes typed in a browser end lines with CR LF, notes read from Excel with LF: the same note either way."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# Existing notes are read for this many customers a query.
NOTES_READ_PER_QUERY = 500

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
NOTE_CUSTOMER, NOTE_DATE, NOTE_AUTHOR, NOTE_TEXT = NOTE_COLUMNS

LOCATION_PREFIX = "location_"
# The templates' example customer's number, and its location's name.
EXAMPLE_NUMBER = "EXAMPLE-0001"
EXAMPLE_LOCATION = "Example location"


def _text(key: str, header: str, max_length: int, help: str = "", example: Any = None, **options: Any) -> Column:
    return Column(key, header, max_length=max_length, help=help, example=example, **options)


# The parts of an address, in the order of the columns: field, header, most characters, example.
ADDRESS_PARTS = (
    ("street", "street", 200, "100 Example Street"),
    ("street2", "street 2", 200, None),
    ("city", "city", 100, "Minneapolis"),
    ("state", "state", 100, "MN"),
    ("postal_code", "postal code", 20, "55401"),
    ("country", "country", 100, "USA"),
)
ADDRESS_FIELDS = tuple(field for field, _, _, _ in ADDRESS_PARTS)


def _address_columns(key_prefix: str, header: str) -> tuple[Column, ...]:
    """An address's columns: ``billing_street`` headed "Billing street", and so on."""
    return tuple(
        _text(f"{key_prefix}{field}", f"{header} {label}", max_length, example=example)
        for field, label, max_length, example in ADDRESS_PARTS
    )


LOCATION_NAME = _text(
    "location_name", "Service location", 100, "A place where you work for the customer; one a row.", EXAMPLE_LOCATION
)
LOCATION_SHEET_COLUMNS = _address_columns(LOCATION_PREFIX, "Location")
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
    *_address_columns("billing_", "Billing"),
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
            queryset=ServiceLocation.objects.only("customer", "name", *ADDRESS_FIELDS).order_by("name", "pk"),
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


class CustomerNoteResource(RecordResource):
    """
    The notes' export, and their import (``apps.core.importing``). A note is known by its customer (number or
    display name), date and text, so that a file imported twice adds each note once; a known note takes the file's
    author when the row gives one, and keeps its customer, date and text as stored. A note the file repeats is left
    out. Notes are written in bulk, a few queries a thousand.
    """

    columns = NOTE_COLUMNS
    export_select_related = ("customer",)
    # The customer is found before the note is checked, and the writer is the importer.
    unchecked = ("customer", "created_by")

    class Meta:
        model = CustomerNote
        fields = exported_fields(NOTE_COLUMNS)
        use_bulk = True
        batch_size = 1000

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.customers: CustomerLookup | None = None
        self.named: dict[int, Customer] = {}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.customers = CustomerLookup(division_id=self.division.pk)
        ids = sorted({customer_id for value in dataset[NOTE_CUSTOMER.header] if (customer_id := self._found(value))})
        self.existing = {}
        for start in range(0, len(ids), NOTES_READ_PER_QUERY):
            notes = CustomerNote.objects.filter(customer_id__in=ids[start : start + NOTES_READ_PER_QUERY])
            for note in notes.only("pk", "customer_id", "noted_on", "text", "author"):
                self.existing.setdefault(self.record_key(note), note)

    def _found(self, reference: Any) -> int | None:
        try:
            return self.customers.find(reference) if reference else None
        except NotFound:
            return None

    def customer_id(self, reference: Any) -> int:
        """The customer a row names; its error on the Customer column when there is none."""
        try:
            return self.customers.find(reference)
        except NotFound as error:
            raise ValidationError({NOTE_CUSTOMER.key: str(error)}) from None

    def row_key(self, row: dict[str, Any]) -> Hashable:
        return (
            self.customer_id(row.get(NOTE_CUSTOMER.header)),
            row.get(NOTE_DATE.header),
            note_text_key(row.get(NOTE_TEXT.header) or ""),
        )

    def record_key(self, record: CustomerNote) -> Hashable:
        return (record.customer_id, record.noted_on, note_text_key(record.text))

    def keeps(self, column: Column, instance: CustomerNote) -> bool:
        return instance.pk is not None and column.key != NOTE_AUTHOR.key

    def reference(self, column: Column, value: Any) -> Any:
        if column.key != NOTE_CUSTOMER.key:
            return value
        customer_id = self.customers.find(value)
        if customer_id not in self.named:
            # Its id and name are all a note needs of it: one stand-in a customer, not one a row.
            self.named[customer_id] = Customer(
                pk=customer_id, display_name=self.customers.names[customer_id], division=self.division
            )
        return self.named[customer_id]

    def init_instance(self, row: dict[str, Any] | None = None) -> CustomerNote:
        return CustomerNote(created_by=self.user)

    def save_instance(self, instance: CustomerNote, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if not self.checking:
            (self.create_instances if is_create else self.update_instances).append(instance)

    def bulk_create(self, using_transactions: bool, dry_run: bool, raise_errors: bool, batch_size=None, result=None):
        if not self.create_instances:
            return
        rows = [
            {"customer_id": note.customer_id, "noted_on": note.noted_on, "text": note.text, "author": note.author}
            for note in self.create_instances
        ]
        try:
            services.customer_notes_create(notes=rows, created_by=self.user)
        except Exception as error:  # The library reports it for the whole import, as for its own bulk writes.
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions: bool, dry_run: bool, raise_errors: bool, batch_size=None, result=None):
        try:
            for note in self.update_instances:
                services.customer_note_update(note=note, author=note.author)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.update_instances.clear()

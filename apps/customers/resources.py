"""
The columns of the customer, service location, note and attachment exports (see ``apps.core.resources``); customers
(with their service locations), notes and attachments are imported from the same columns (``apps.core.columns``).
"""

import hashlib
import zipfile
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Prefetch, QuerySet
from django.template.defaultfilters import filesizeformat
from import_export.fields import Field

from apps.core.archives import ArchiveIndex, DamagedMember, base_name, member_read
from apps.core.columns import DIVISION, Column, ColumnType, exported_fields, norm
from apps.core.importing import RecordResource
from apps.core.resources import ExportResource
from apps.customers import services
from apps.customers.filetypes import attachment_file_check
from apps.customers.lookups import CustomerLookup, NotFound
from apps.customers.models import Customer, CustomerAttachment, CustomerNote, ServiceLocation

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


# Customer attachments: the workbook lists the files, one row a file, and a zip uploaded beside it holds them.

ATTACHMENT_ARCHIVE = "The zip of attachments"
NO_ATTACHMENT_ARCHIVE = "Upload the zip that holds the files together with the workbook."
# Existing attachments are read for this many customers a query.
ATTACHMENTS_READ_PER_QUERY = 500

ATTACHMENT_COLUMNS = (
    # A customer by its display name or number, as for notes.
    NOTE_CUSTOMER,
    Column(
        "file_name",
        "File name",
        required=True,
        max_length=255,
        help="The file's name in the zip (with its folder if two files share a name).",
        example="example-site-plan.pdf",
    ),
    Column(
        "title",
        "Title",
        max_length=200,
        help="What the file is. Empty: the file name.",
        example="Example site plan",
    ),
    Column("attached_on", "Date", ColumnType.DATE, help="The file's date.", example="2022-08-15"),
)
ATTACHMENT_CUSTOMER, ATTACHMENT_FILE_NAME, ATTACHMENT_TITLE, ATTACHMENT_DATE = ATTACHMENT_COLUMNS
# No column of the sheet: the file itself, which the zip holds, as the preview shows it when an import replaces it
# ("the stored file (2 KB)" → "the file in the zip (3 KB)").
ATTACHMENT_FILE = Column("file_shown", "File")


@dataclass(slots=True)
class RowFile:
    """The customer and the file of the zip a row names, the file read whole and found fit to attach."""

    customer_id: int
    # The file's own name, without the folder the zip has it in.
    name: str
    member: zipfile.ZipInfo
    data: bytes
    digest: str
    # Whether it replaces the known attachment's file: their sizes or contents differ, or the stored file is gone.
    replaces: bool = False


def _stored_digest(attachment: CustomerAttachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as stored:
        for chunk in stored.chunks():
            digest.update(chunk)
    return digest.hexdigest()


class CustomerAttachmentResource(RecordResource):
    """
    The attachments' export, and their import (``apps.core.importing``) from a workbook that lists the files and the
    zip that holds them (``archive``).

    An attachment is known by its customer and file name, so that files imported twice are attached once. A row's
    file is found in the zip by its path, or by its name alone when no other file has it, then read whole (in
    bounded chunks) and checked as an upload is, before the row counts: a missing, damaged or oversized file, or one
    that may not be attached, is the row's error on its File name, in the preview already. A known attachment takes
    the row's title and date when it gives them, and the zip's file when it differs from the stored one (by size,
    then by sha256); a second row for the same file is an error. Each file the import stores is handed to
    ``on_rollback`` as a callback that deletes it, for an import rolled back after it wrote.
    """

    columns = ATTACHMENT_COLUMNS
    export_select_related = ("customer",)
    # The customer is found, and the file read and checked, before the attachment is checked.
    unchecked = ("customer", "file")
    # A new attachment without a title goes by its file name: the preview shows that as its title, none is stored.
    defaults = {ATTACHMENT_TITLE.key: ""}

    class Meta:
        model = CustomerAttachment
        fields = exported_fields(ATTACHMENT_COLUMNS)

    def __init__(
        self,
        *,
        archive: zipfile.ZipFile | None = None,
        on_rollback: list[Callable[[], None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.archive = archive
        self.on_rollback = on_rollback if on_rollback is not None else []
        self.files: ArchiveIndex | None = None
        self.customers: CustomerLookup | None = None
        self.named: dict[int, Customer] = {}
        # The file of the row being imported.
        self.row_file: RowFile | None = None

    @classmethod
    def imported_columns(cls) -> tuple[Column, ...]:
        return (*ATTACHMENT_COLUMNS, ATTACHMENT_FILE)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.files = ArchiveIndex(self.archive) if self.archive is not None else None
        self.customers = CustomerLookup(division_id=self.division.pk)
        named = dataset[ATTACHMENT_CUSTOMER.header]
        ids = sorted({customer_id for value in named if (customer_id := self._found(value))})
        self.existing = {}
        for start in range(0, len(ids), ATTACHMENTS_READ_PER_QUERY):
            chunk = ids[start : start + ATTACHMENTS_READ_PER_QUERY]
            for attachment in CustomerAttachment.objects.filter(customer_id__in=chunk):
                self.existing.setdefault(self.record_key(attachment), attachment)

    def _found(self, reference: Any) -> int | None:
        try:
            return self.customers.find(reference) if reference else None
        except NotFound:
            return None

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        # Read before the row's record is looked up: the file's name is part of what the record is known by.
        self.row_file = None
        self.row_file = self.row_file_read(row)

    def row_file_read(self, row: dict[str, Any]) -> RowFile:
        """The customer and the file a row names, the file read and checked; ``ValidationError`` on the column."""
        try:
            customer_id = self.customers.find(row.get(ATTACHMENT_CUSTOMER.header))
        except NotFound as error:
            raise ValidationError({ATTACHMENT_CUSTOMER.key: str(error)}) from None
        member = self._member(row.get(ATTACHMENT_FILE_NAME.header))
        name = base_name(member.filename)
        try:
            data = member_read(self.archive, member, what=ATTACHMENT_ARCHIVE)
            attachment_file_check(file=ContentFile(data), file_name=name, size=len(data))
        except DamagedMember as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: error.message}) from None
        except ValidationError as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: error.messages}) from None
        return RowFile(customer_id, name, member, data, hashlib.sha256(data).hexdigest())

    def _member(self, name: str) -> zipfile.ZipInfo:
        """The file of the zip ``name`` gives, if no larger than an attachment may be; ``ValidationError`` if not."""
        if self.files is None:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: NO_ATTACHMENT_ARCHIVE})
        try:
            member = self.files.find(name)
        except LookupError as error:
            raise ValidationError({ATTACHMENT_FILE_NAME.key: str(error)}) from None
        limit = settings.FIELDOFFICE_MAX_ATTACHMENT_BYTES
        if member.file_size > limit:
            raise ValidationError(
                {
                    ATTACHMENT_FILE_NAME.key: f"{member.filename} is {filesizeformat(member.file_size)}; "
                    f"attachments may be at most {filesizeformat(limit)}."
                }
            )
        return member

    def row_key(self, row: dict[str, Any]) -> Hashable:
        """The customer and the name of the file the row names (read before the row is imported)."""
        return (self.row_file.customer_id, norm(self.row_file.name))

    def record_key(self, record: CustomerAttachment) -> Hashable:
        return (record.customer_id, norm(record.file_name))

    def keeps(self, column: Column, instance: CustomerAttachment) -> bool:
        return instance.pk is not None and column.key in (ATTACHMENT_CUSTOMER.key, ATTACHMENT_FILE_NAME.key)

    def reference(self, column: Column, value: Any) -> Any:
        if column.key == ATTACHMENT_FILE_NAME.key:
            # The file's own name, without the folder the cell may give.
            return self.row_file.name
        if column.key != ATTACHMENT_CUSTOMER.key:
            return value
        customer_id = self.row_file.customer_id
        if customer_id not in self.named:
            # Its id and name are all an attachment needs of it: one stand-in a customer, not one a row.
            self.named[customer_id] = Customer(
                pk=customer_id, display_name=self.customers.names[customer_id], division=self.division
            )
        return self.named[customer_id]

    def init_instance(self, row: dict[str, Any] | None = None) -> CustomerAttachment:
        return CustomerAttachment()

    def import_instance(self, instance: CustomerAttachment, row: dict[str, Any], **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        original = self.original_of(instance)
        if original is None:
            instance.file_shown = None
            if self.checking and not instance.title:
                instance.title = instance.file_name[: ATTACHMENT_TITLE.max_length]
            return
        # The file as the preview shows it, on the record as it is and as the row makes it, compared as any value.
        member = self.row_file.member
        try:
            stored_size = instance.file.size
            self.row_file.replaces = stored_size != member.file_size or _stored_digest(instance) != self.row_file.digest
            stored = f"the stored file ({filesizeformat(stored_size)})"
        except OSError:
            # The stored file is gone: the import brings it back.
            self.row_file.replaces, stored = True, "the stored file (missing)"
        replaces = self.row_file.replaces
        original.file_shown = stored if replaces else None
        instance.file_shown = f"the file in the zip ({filesizeformat(member.file_size)})" if replaces else None

    def skip_row(
        self,
        instance: CustomerAttachment,
        original: CustomerAttachment | None,
        row: dict[str, Any],
        import_validation_errors: Any = None,
    ) -> bool:
        first = self.first_rows.get(self.row_key(row))
        if first is not None:
            # One file, two rows: which title or date is meant is for the person who made the file to say.
            raise ValidationError(
                {
                    ATTACHMENT_FILE_NAME.key: f"Row {self.row_number(first)} already attaches {self.row_file.name} "
                    "to this customer."
                }
            )
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_instance(self, instance: CustomerAttachment, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if self.checking:
            return
        values = {
            column.key: getattr(instance, column.key)
            for column in (ATTACHMENT_TITLE, ATTACHMENT_DATE)
            if row.get(column.header) is not None
        }
        row_file = self.row_file
        file = ContentFile(row_file.data) if is_create or row_file.replaces else None
        try:
            if is_create:
                saved = services.attachment_create(
                    customer=instance.customer, file=file, file_name=row_file.name, **values
                )
                instance.pk = saved.pk
            else:
                saved = services.attachment_update(attachment=instance, file=file, **values)
        except ValueError as error:
            # A file that cannot be stored is its row's error, as a refused one is: the library would roll back
            # the rows written before it too, and an import of the valid rows only keeps them.
            raise ValidationError(str(error)) from error
        if file is None:
            return
        # Stored outside the database: deleted should the import's transaction be rolled back.
        stored_name, storage = saved.file.name, saved.file.storage
        self.on_rollback.append(lambda: storage.delete(stored_name))

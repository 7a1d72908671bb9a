"""Customer notes as a file: one row a note, the notes list's export and their import alike."""

from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ValidationError

from apps.core.columns import Column, ColumnType, exported_fields
from apps.core.importing import RecordResource
from apps.customers import services
from apps.customers.lookups import CustomerLookup, NotFound
from apps.customers.models import Customer, CustomerNote
from apps.customers.resources.common import CUSTOMER_HELP, EXAMPLE_CUSTOMER


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

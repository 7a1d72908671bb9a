"""Customer notes as a file: one row a note, the notes list's export and their import alike."""

from collections.abc import Hashable
from typing import Any

from django.db.models import QuerySet

from apps.core.columns import Column, ColumnType, exported_fields
from apps.customers import services
from apps.customers.models import CustomerNote
from apps.customers.resources.common import CUSTOMER_HELP, EXAMPLE_CUSTOMER
from apps.customers.resources.customer_records import CustomerRecordResource


def note_text_key(text: str) -> str:
    """Notes typed in a browser end lines with CR LF, notes read from Excel with LF: the same note either way."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


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

class CustomerNoteResource(CustomerRecordResource):
    """
    The notes' export, and their import (``apps.core.importing``). A note is known by its customer (number or
    display name), date and text, so that a file imported twice adds each note once; a known note takes the file's
    author when the row gives one, and keeps its customer, date and text as stored. A note the file repeats is left
    out. Notes are written in bulk, a few queries a thousand.
    """

    columns = NOTE_COLUMNS
    customer_column = NOTE_CUSTOMER
    export_select_related = ("customer",)
    # The customer is found before the note is checked, and the writer is the importer.
    unchecked = ("customer", "created_by")

    class Meta:
        model = CustomerNote
        fields = exported_fields(NOTE_COLUMNS)
        use_bulk = True
        batch_size = 1000

    def customer_records(self, customer_ids: list[int]) -> QuerySet:
        notes = CustomerNote.objects.filter(customer_id__in=customer_ids)
        return notes.only("pk", "customer_id", "noted_on", "text", "author")

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
        return self.customer_stand_in(self.customers.find(value))

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

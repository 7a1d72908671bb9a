"""
Customer notes: one row a note, imported by the notes list's own resource (``apps.customers.resources``, on
django-import-export's workflow). A note is known by its customer, date and text, so importing a file twice adds
each note once; a known note whose author differs is updated; a note the file repeats is left out.
"""

from django.db import models

from apps.core.importing import RecordResource
from apps.customers.resources import NOTE_COLUMNS, CustomerNoteResource
from apps.imports.kinds.resource import ResourceKind


class CustomerNoteKind(ResourceKind):
    key = "customer_notes"
    label = "Customer notes"
    noun, noun_plural = "note", "notes"
    sheet_name = "Notes"
    description = "Dated notes on your customers, one row a note."
    changelist = "admin:customers_customernote_changelist"
    resource_class = CustomerNoteResource
    columns = NOTE_COLUMNS

    def record_label(self, resource: RecordResource, instance: models.Model, current: models.Model | None) -> str:
        note = current if current is not None else instance
        return f"{resource.customers.names[note.customer_id]} · {note.noted_on:%Y-%m-%d} · {note.text[:60]}"

"""
Customer writes: a customer together with its service locations and contacts, in one transaction.

A nested list given to ``customer_update`` is the complete set: rows with an ``id`` change that record, rows without
one are added, and records left out are removed. ``None`` leaves the set as it is.

``customers_bulk_upsert`` and ``locations_bulk_upsert`` save many records at once (a pull from QuickBooks): each is
checked by the same rules as one saved alone (``apps.customers.rules``), and the records that pass are written a
batch at a time; one that fails is left out with its error (``apps.core.upserts``).
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import ProtectedError

from apps.core.rules import record_validate
from apps.core.upserts import BULK_BATCH_SIZE, Upsert, bulk_upsert
from apps.customers.filetypes import attachment_file_check
from apps.customers.models import Contact, Customer, CustomerAttachment, CustomerNote, ServiceLocation

Rows = Sequence[Mapping[str, Any]]


@transaction.atomic
def customer_create(
    *, service_locations: Rows | None = None, contacts: Rows | None = None, **fields: Any
) -> Customer:
    customer = Customer(**fields)
    _customer_clean(customer)
    customer.save()
    if service_locations:
        _children_replace(customer=customer, model=ServiceLocation, key="service_locations", rows=service_locations)
    if contacts:
        _children_replace(customer=customer, model=Contact, key="contacts", rows=contacts)
    return customer


@transaction.atomic
def customer_update(
    *, customer: Customer, service_locations: Rows | None = None, contacts: Rows | None = None, **fields: Any
) -> Customer:
    for name, value in fields.items():
        setattr(customer, name, value)
    _customer_clean(customer)
    customer.save()
    if service_locations is not None:
        _children_replace(customer=customer, model=ServiceLocation, key="service_locations", rows=service_locations)
    if contacts is not None:
        _children_replace(customer=customer, model=Contact, key="contacts", rows=contacts)
    return customer


def service_location_create(*, customer: Customer, **fields: Any) -> ServiceLocation:
    location = ServiceLocation(customer=customer, **fields)
    record_validate(location)
    location.save()
    return location


def service_location_update(*, location: ServiceLocation, **fields: Any) -> ServiceLocation:
    for name, value in fields.items():
        setattr(location, name, value)
    record_validate(location)
    location.save()
    return location


def _customer_clean(customer: Customer) -> None:
    # clean() first (the rules run it first): it fills an empty display name, otherwise reported as missing.
    record_validate(customer)


def customers_bulk_upsert(
    *, rows: Sequence[Upsert[Customer]], batch_size: int = BULK_BATCH_SIZE
) -> list[Customer | ValidationError]:
    """
    Create or change many customers (without their locations or contacts), checked as ``customer_create`` and
    ``customer_update`` check one: for each row in order, the customer saved or the error that kept it out.
    """

    def one(row: Upsert[Customer]) -> Customer:
        if row.record is None:
            return customer_create(**row.fields)
        return customer_update(customer=row.record, **row.fields)

    return bulk_upsert(model=Customer, rows=rows, one=one, batch_size=batch_size)


def locations_bulk_upsert(
    *, rows: Sequence[Upsert[ServiceLocation]], batch_size: int = BULK_BATCH_SIZE
) -> list[ServiceLocation | ValidationError]:
    """
    Create or change many service locations, checked as ``service_location_create`` and ``service_location_update``
    check one (a new location's ``fields`` name its ``customer``): for each row in order, the location saved or the
    error that kept it out.
    """

    def one(row: Upsert[ServiceLocation]) -> ServiceLocation:
        if row.record is None:
            return service_location_create(**row.fields)
        return service_location_update(location=row.record, **row.fields)

    return bulk_upsert(model=ServiceLocation, rows=rows, one=one, batch_size=batch_size)


def _children_replace(*, customer: Customer, model: type[models.Model], key: str, rows: Rows) -> None:
    """Make the customer's locations (or contacts) exactly ``rows``."""
    label = model._meta.verbose_name.capitalize()
    existing = {child.pk: child for child in model.objects.filter(customer=customer)}
    wanted_ids = [row["id"] for row in rows if row.get("id") is not None]
    unknown = [pk for pk in wanted_ids if pk not in existing]
    if unknown:
        raise ValidationError({key: [f"{label} {pk} does not belong to this customer." for pk in unknown]})
    if len(set(wanted_ids)) != len(wanted_ids):
        raise ValidationError({key: f"Each {model._meta.verbose_name} may appear only once."})

    # Removals go first, so that a name given up by a removed record can be taken by another one.
    for pk in existing.keys() - set(wanted_ids):
        child = existing[pk]
        try:
            child.delete()
        except ProtectedError as error:
            raise ValidationError(
                {key: f"{label} “{child}” is used by invoices and cannot be removed; set it inactive instead."}
            ) from error

    for position, row in enumerate(rows, start=1):
        values = dict(row)
        pk = values.pop("id", None)
        child = existing[pk] if pk is not None else model(customer=customer)
        for name, value in values.items():
            setattr(child, name, value)
        try:
            if isinstance(child, ServiceLocation):
                record_validate(child)
            else:
                child.full_clean()
        except ValidationError as error:
            raise ValidationError({key: [f"{label} {position}: {message}" for message in error.messages]}) from error
        child.save()


def customer_note_create(
    *, customer: Customer, noted_on: date, text: str, author: str = "", created_by: Any = None
) -> CustomerNote:
    note = CustomerNote(customer=customer, noted_on=noted_on, text=text, author=author, created_by=created_by)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def customer_notes_create(*, notes: Rows, created_by: Any = None, batch_size: int = 1000) -> list[CustomerNote]:
    """
    Store many notes at once (an import): each row gives ``customer_id``, ``noted_on``, ``text`` and ``author``.

    Every note is validated before any is saved; the customers are the caller's, already known to exist.
    """
    instances = [CustomerNote(created_by=created_by, **row) for row in notes]
    for position, note in enumerate(instances, start=1):
        try:
            note.clean_fields(exclude=["customer", "created_by"])
        except ValidationError as error:
            raise ValidationError([f"Note {position}: {message}" for message in error.messages]) from error
    return CustomerNote.objects.bulk_create(instances, batch_size=batch_size)


def customer_note_update(*, note: CustomerNote, **fields: Any) -> CustomerNote:
    for name, value in fields.items():
        setattr(note, name, value)
    note.full_clean()
    note.save()
    return note


def attachment_create(
    *, customer: Customer, file: File, file_name: str, title: str = "", attached_on: date | None = None
) -> CustomerAttachment:
    """
    Keep a file with a customer; ``file_name`` is its original name, shown in lists and given back on download.

    The file is checked by its content first (``attachment_file_check``): nothing is stored when it is refused.
    """
    attachment_file_check(file=file, file_name=file_name, size=file.size)
    attachment = CustomerAttachment(customer=customer, title=title, attached_on=attached_on, file_name=file_name)
    attachment.file.save(file_name, file, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_update(*, attachment: CustomerAttachment, file: File | None = None, **fields: Any) -> CustomerAttachment:
    """Change an attachment's title or date, or replace its file (the old file is removed once committed)."""
    for name, value in fields.items():
        setattr(attachment, name, value)
    old_name = None
    if file is not None:
        attachment_file_check(file=file, file_name=attachment.file_name, size=file.size)
        old_name = attachment.file.name
        attachment.file.save(attachment.file_name, file, save=False)
    try:
        attachment.full_clean()
        attachment.save()
    except Exception:
        if old_name is not None:
            attachment.file.delete(save=False)
        raise
    if old_name and old_name != attachment.file.name:
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return attachment

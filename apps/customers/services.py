"""
Customer writes: a customer together with its service locations and contacts, in one transaction.

A nested list given to ``customer_update`` is the complete set: rows with an ``id`` change that record, rows without
one are added, and records left out are removed. ``None`` leaves the set as it is.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from apps.customers.models import Contact, Customer, ServiceLocation

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


def _customer_clean(customer: Customer) -> None:
    # clean() first: it fills an empty display name, which full_clean() would otherwise report as missing.
    customer.clean()
    customer.full_clean()


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
            child.full_clean()
        except ValidationError as error:
            raise ValidationError({key: [f"{label} {position}: {message}" for message in error.messages]}) from error
        child.save()

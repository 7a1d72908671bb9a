"""
Storage helpers of the entity services, on top of ``apps.qbo_sandbox.store``.

``entity_lock`` reads an object for a write; ``computed_patch`` rewrites values QuickBooks derives from other
objects (a customer's Balance, a job's FullyQualifiedName) without a new version, as QuickBooks does not bump
SyncToken for them.
"""

import copy
from typing import Any

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities.numbers import storable
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity


def company_lock(company: SandboxCompany) -> None:
    """
    Serialize the writes of one company for the rest of the transaction.

    Name, number and balance checks read other objects before writing; one writer per company at a time keeps two
    concurrent requests from both passing them (QuickBooks answers one of them 6240 or 6140).
    """
    SandboxCompany.objects.select_for_update().filter(pk=company.pk).values_list("pk", flat=True).first()


def entity_lock(
    company: SandboxCompany, entity_type: str, entity_id: str, *, include_deleted: bool = False
) -> SandboxEntity | None:
    """The object, its row locked for the rest of the transaction (a no-op on SQLite)."""
    entities = SandboxEntity.objects.select_for_update().filter(
        company=company, entity_type=entity_type, entity_id=str(entity_id)
    )
    if not include_deleted:
        entities = entities.filter(deleted_at__isnull=True)
    entity = entities.first()
    if entity is not None:
        entity.company = company
    return entity


def computed_patch(entity: SandboxEntity, changes: dict[str, Any]) -> SandboxEntity:
    """
    Set derived values of ``entity`` in place: no new SyncToken, no new LastUpdatedTime.

    Only properties no index column is derived from may change here (not names, numbers or Active).
    """
    changes = storable(changes)
    if all(entity.data.get(key) == value for key, value in changes.items()):
        return entity
    data = copy.deepcopy(entity.data)
    data.update(changes)
    SandboxEntity.objects.filter(pk=entity.pk).update(data=data)
    entity.data = data
    return entity


def entity_rewrite(entity: SandboxEntity, changes: dict[str, Any]) -> SandboxEntity:
    """A new version of ``entity`` with ``changes``, stamped by the store (SyncToken + 1)."""
    data = copy.deepcopy(entity.data)
    data.update(storable(changes))
    return store.entity_update(entity, data)


def doc_number_owner(
    company: SandboxCompany, entity_type: str, doc_number: str, *, exclude: SandboxEntity | None = None
) -> SandboxEntity | None:
    """A live transaction of ``entity_type`` already numbered ``doc_number``."""
    entities = SandboxEntity.objects.filter(
        company=company, entity_type=entity_type, doc_number=doc_number, deleted_at__isnull=True
    )
    if exclude is not None:
        entities = entities.exclude(pk=exclude.pk)
    # No ORDER BY (``first()`` adds one): numbers are unique among live transactions, and sorting by id could lead
    # the planner to walk the whole table in id order.
    return next(iter(entities[:1]), None)


def next_doc_number(company: SandboxCompany, entity_type: str) -> str:
    """
    The number QuickBooks gives a new form of ``entity_type`` that carries none.

    Invoices draw from the company's sales-form counter; other forms continue after their highest numeric number.
    A number a form already carries (sent by a client) is skipped rather than repeated.
    """
    if entity_type == "Invoice":
        while True:
            (number,) = store.allocate_doc_numbers(company)
            if doc_number_owner(company, entity_type, number) is None:
                return number
    numbers = SandboxEntity.objects.filter(company=company, entity_type=entity_type).values_list(
        "doc_number", flat=True
    )
    highest = max((int(number) for number in numbers if number.isdigit()), default=1000)
    return str(highest + 1)


ADDRESS_FIELDS = ("BillAddr", "ShipAddr", "ShipFromAddr", "PrimaryAddr", "VendorAddr")


def address_ids(company: SandboxCompany, data: dict[str, Any]) -> None:
    """Give every address of ``data`` the Id QuickBooks gives stored addresses (kept when a client sends it back)."""
    for name in ADDRESS_FIELDS:
        address = data.get(name)
        if isinstance(address, dict) and address and not address.get("Id"):
            data[name] = {**address, "Id": store.allocate_ids(company)[0]}

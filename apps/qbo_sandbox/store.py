"""
Storage of QuickBooks objects: the functions the API layer writes and reads entities through.

Each function keeps ``SandboxEntity``'s columns and its JSON (``Id``, ``SyncToken``, ``MetaData``) in step. Business
rules (required fields, references, duplicate names, stale SyncTokens) belong to the callers; this module only
stores what it is given, the way QuickBooks stamps it. Creates, updates and tombstones are reported to webhooks
(``apps.qbo_sandbox.webhooks.changes``) once their transaction commits; bulk creation (seeding) is not.
"""

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, QuerySet

from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity, WebhookOperation
from apps.qbo_sandbox.timefmt import now, qbo_datetime
from apps.qbo_sandbox.webhooks.changes import change_record, update_operation

# Entities whose display name shares one pool: a Vendor may not take a Customer's name, inactive ones included.
NAME_POOL_PEOPLE = ("Customer", "Vendor", "Employee")


def allocate_ids(company: SandboxCompany, count: int = 1) -> list[str]:
    """Reserve ``count`` consecutive Ids of the company, atomically, and return them as Intuit's strings."""
    if count < 1:
        return []
    # No savepoint inside a write's transaction: the row stays locked until it ends either way.
    with transaction.atomic(savepoint=False):
        SandboxCompany.objects.filter(pk=company.pk).update(next_id=F("next_id") + count)
        end = SandboxCompany.objects.values_list("next_id", flat=True).get(pk=company.pk)
    company.next_id = end
    return [str(number) for number in range(end - count, end)]


def allocate_doc_numbers(company: SandboxCompany, count: int = 1) -> list[str]:
    """Reserve the numbers QuickBooks gives sales forms when ``CustomTxnNumbers`` is off."""
    if count < 1:
        return []
    with transaction.atomic(savepoint=False):
        SandboxCompany.objects.filter(pk=company.pk).update(next_doc_number=F("next_doc_number") + count)
        end = SandboxCompany.objects.values_list("next_doc_number", flat=True).get(pk=company.pk)
    company.next_doc_number = end
    return [str(number) for number in range(end - count, end)]


def name_key_for(data: dict[str, Any]) -> str:
    """The uniqueness key of an object: its DisplayName (people, tax agencies) or Name, lowercased."""
    name = data.get("DisplayName") or data.get("Name") or ""
    return str(name).strip().lower()


def doc_number_for(data: dict[str, Any]) -> str:
    return str(data.get("DocNumber") or "")[:100]


def _active_of(data: dict[str, Any]) -> bool:
    # Transactions have no Active flag: they are live until deleted.
    return data.get("Active", True) is not False


def build_entity(
    company: SandboxCompany,
    entity_type: str,
    data: dict[str, Any],
    *,
    entity_id: str,
    at: datetime | None = None,
) -> SandboxEntity:
    """An unsaved entity stamped as new: ``SyncToken`` "0", both MetaData times ``at`` (for bulk creation)."""
    at = at or now()
    stamp = qbo_datetime(at, company.time_zone)
    payload = copy.deepcopy(data)
    payload.update(
        {
            "domain": payload.get("domain", "QBO"),
            "sparse": False,
            "Id": entity_id,
            "SyncToken": "0",
            "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp},
        }
    )
    return SandboxEntity(
        company=company,
        entity_type=entity_type,
        entity_id=entity_id,
        sync_token=0,
        active=_active_of(payload),
        name_key=name_key_for(payload),
        doc_number=doc_number_for(payload),
        data=payload,
        created_at=at,
        updated_at=at,
    )


def entity_create(
    company: SandboxCompany,
    entity_type: str,
    data: dict[str, Any],
    *,
    entity_id: str | None = None,
    at: datetime | None = None,
) -> SandboxEntity:
    """Store a new object; its Id comes from the company's counter unless given (CompanyInfo's is "1")."""
    entity = build_entity(company, entity_type, data, entity_id=entity_id or allocate_ids(company)[0], at=at)
    entity.save(force_insert=True)
    change_record(entity, WebhookOperation.CREATE)
    return entity


def entities_bulk_create(
    company: SandboxCompany,
    entity_type: str,
    objects: Iterable[dict[str, Any]],
    *,
    batch_size: int = 500,
) -> list[SandboxEntity]:
    """Store many new objects of one type in few queries (seeding); objects that carry an ``Id`` keep it."""
    objects = list(objects)
    ids = iter(allocate_ids(company, sum(1 for data in objects if not data.get("Id"))))
    at = now()
    entities = [
        build_entity(company, entity_type, data, entity_id=data.get("Id") or next(ids), at=at) for data in objects
    ]
    return SandboxEntity.objects.bulk_create(entities, batch_size=batch_size)


def entity_update(
    entity: SandboxEntity,
    data: dict[str, Any],
    *,
    at: datetime | None = None,
    operation: str = "",
    merged_id: str = "",
) -> SandboxEntity:
    """
    Replace the stored object with ``data`` (the caller merges sparse updates) and stamp a new version.

    ``Id``, ``CreateTime`` and ``domain`` are kept; ``SyncToken`` goes up by one; ``LastUpdatedTime`` becomes ``at``.
    Webhooks report it as ``operation`` when given (``Void``, ``Merge`` with ``merged_id``, ``Emailed``), else as
    ``webhooks.changes.update_operation`` reads the change (``Emailed``, ``Delete`` for an inactivation, ``Update``).
    """
    at = at or now()
    previous = entity.data
    payload = copy.deepcopy(data)
    time_zone = entity.company.time_zone
    create_time = entity.data.get("MetaData", {}).get("CreateTime") or qbo_datetime(entity.created_at, time_zone)
    entity.sync_token += 1
    payload.update(
        {
            "domain": entity.data.get("domain", "QBO"),
            "sparse": False,
            "Id": entity.entity_id,
            "SyncToken": str(entity.sync_token),
            "MetaData": {
                **payload.get("MetaData", {}),
                "CreateTime": create_time,
                "LastUpdatedTime": qbo_datetime(at, time_zone),
            },
        }
    )
    entity.data = payload
    entity.active = _active_of(payload)
    entity.name_key = name_key_for(payload)
    entity.doc_number = doc_number_for(payload)
    entity.updated_at = at
    entity.save(update_fields=["data", "sync_token", "active", "name_key", "doc_number", "updated_at"])
    change_record(entity, operation or update_operation(previous, payload), deleted_id=merged_id)
    return entity


def entity_tombstone(entity: SandboxEntity, *, at: datetime | None = None) -> SandboxEntity:
    """
    Delete a transaction the QuickBooks way: it disappears from reads but stays for change data capture.

    The stored object is left as it was; the API answers ``{"Id", "status": "Deleted", "domain"}`` from it.
    """
    at = at or now()
    entity.deleted_at = at
    entity.updated_at = at
    entity.save(update_fields=["deleted_at", "updated_at"])
    change_record(entity, WebhookOperation.DELETE)
    return entity


def entity_get(
    company: SandboxCompany, entity_type: str, entity_id: str, *, include_deleted: bool = False
) -> SandboxEntity | None:
    entities = SandboxEntity.objects.filter(company=company, entity_type=entity_type, entity_id=str(entity_id))
    if not include_deleted:
        entities = entities.filter(deleted_at__isnull=True)
    # Ids are unique per company and type: LIMIT 1 without an ORDER BY, and the company the caller already has.
    entity = next(iter(entities[:1]), None)
    if entity is not None:
        entity.company = company
    return entity


def entity_list(
    company: SandboxCompany,
    entity_type: str,
    *,
    active: bool | None = None,
    include_deleted: bool = False,
    changed_since: datetime | None = None,
) -> QuerySet[SandboxEntity]:
    """The objects of one type in Id order; ``changed_since`` (exclusive) with ``include_deleted`` serves CDC."""
    entities = SandboxEntity.objects.filter(company=company, entity_type=entity_type)
    if not include_deleted:
        entities = entities.filter(deleted_at__isnull=True)
    if active is not None:
        entities = entities.filter(active=active)
    if changed_since is not None:
        entities = entities.filter(updated_at__gt=changed_since)
    return entities.order_by("id")


def entity_payloads(entities: Iterable[SandboxEntity]) -> list[dict[str, Any]]:
    """The JSON objects of entities, as the query engine and the API consume them."""
    return [entity.data for entity in entities]


def name_conflict_find(
    company: SandboxCompany,
    entity_types: Iterable[str],
    name: str,
    *,
    exclude: SandboxEntity | None = None,
) -> SandboxEntity | None:
    """An existing object (active or not) among ``entity_types`` whose name equals ``name`` case-insensitively."""
    key = str(name).strip().lower()
    if not key:
        return None
    entities = SandboxEntity.objects.filter(
        company=company, entity_type__in=list(entity_types), name_key=key, deleted_at__isnull=True
    )
    if exclude is not None:
        entities = entities.exclude(pk=exclude.pk)
    return entities.first()


def entity_counts(company: SandboxCompany) -> dict[str, int]:
    """How many live objects of each type the company holds."""
    rows = (
        SandboxEntity.objects.filter(company=company, deleted_at__isnull=True)
        .values_list("entity_type")
        .annotate(count=Count("id"))
        .order_by("entity_type")
    )
    return dict(rows)

"""
Create, update, delete, void and read, the same for every entity type; each type's rules do the rest.

Every write is one transaction: the checks, the object and its effects on other objects (an invoice's balance, a
job's name, an item's stock) are stored together or not at all. Faults are raised as ``QboFault``.

- An update needs ``Id`` (2020) of a live object (610) and its current ``SyncToken`` (2020 when missing, 5010
  when stale).
- A full update stores what is sent: writable properties left out are gone, except the ones QuickBooks assigned
  (numbers, dates, currency). A sparse update (``"sparse": true``) changes only what is sent; ``""`` empties a
  property. ``Line`` arrays are replaced whole either way.
- Name-list objects are never deleted (500 "Operation Delete is not supported."); transactions become tombstones,
  which change data capture reports as deleted.
"""

import copy
from typing import Any

from django.db import transaction

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults
from apps.qbo_sandbox.entities.base import Data, WriteContext
from apps.qbo_sandbox.entities.numbers import storable
from apps.qbo_sandbox.entities.registry import ENTITY_TYPES, EntitySpec
from apps.qbo_sandbox.entities.schema import clean
from apps.qbo_sandbox.entities.storage import address_ids, company_lock, entity_lock
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity, WebhookOperation

# Kept by the store, never taken from a payload.
SERVER_KEYS = ("Id", "SyncToken", "sparse", "domain", "MetaData", "status")


_BY_FOLDED_NAME = {name.casefold(): spec for name, spec in ENTITY_TYPES.items()}


def spec_for(entity_type: str) -> EntitySpec:
    """The spec of an entity named as Intuit names it (any case); 2000 for a name the sandbox does not serve."""
    spec = _BY_FOLDED_NAME.get(str(entity_type).casefold())
    if spec is None:
        raise faults.QboFault(
            "2000", "Invalid or unsupported object name", f"Object Name: {entity_type} is unsupported or invalid"
        )
    return spec


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _payload(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise faults.unsupported_property()
    return payload


def _stale_check(entity: SandboxEntity, payload: dict[str, Any]) -> None:
    token = payload.get("SyncToken")
    if token is None or str(token).strip() == "":
        raise faults.required_missing("SyncToken")
    if str(token).strip() != str(entity.sync_token):
        user = entity.company.users.order_by("pk").first()
        name = " ".join(part for part in (user.given_name, user.family_name) if part) if user else ""
        raise faults.stale_object(name or "root")


def _target(company: SandboxCompany, spec: EntitySpec, payload: dict[str, Any]) -> SandboxEntity:
    """The stored object an update, delete or void names, locked, with its SyncToken checked."""
    entity_id = payload.get("Id")
    if entity_id is None or str(entity_id).strip() == "":
        raise faults.required_missing("Id")
    entity = entity_lock(company, spec.name, str(entity_id).strip(), include_deleted=True)
    if entity is None:
        raise faults.object_not_found()
    if entity.deleted_at is not None:
        raise faults.deleted_transaction()
    _stale_check(entity, payload)
    return entity


def _checked(spec: EntitySpec, payload: dict[str, Any]) -> Data:
    """The payload checked against the entity's properties, without what the store stamps."""
    return {key: value for key, value in clean(spec.rules.schema, payload).items() if key not in SERVER_KEYS}


def _stored_view(data: Data) -> Data:
    return {key: value for key, value in copy.deepcopy(data).items() if key not in SERVER_KEYS}


def entity_create(
    company: SandboxCompany, entity_type: str, payload: dict[str, Any], *, include: frozenset[str] = frozenset()
) -> SandboxEntity:
    """Create an object from an API payload; raises QboFault as QuickBooks refuses it."""
    spec = spec_for(entity_type)
    if spec.read_only:
        raise faults.unsupported_operation("Create")
    payload = _payload(payload)
    with transaction.atomic():
        company_lock(company)
        given = _checked(spec, payload)
        ctx = WriteContext(company, include, frozenset(given))
        data = spec.rules.prepare(ctx, given, None)
        address_ids(company, data)
        entity = store.entity_create(company, spec.name, storable(data))
        spec.rules.after_write(ctx, entity, None)
    return entity


def entity_update(
    company: SandboxCompany, entity_type: str, payload: dict[str, Any], *, include: frozenset[str] = frozenset()
) -> SandboxEntity:
    """A full update, or a sparse one when the payload says ``"sparse": true``."""
    spec = spec_for(entity_type)
    if spec.read_only or not spec.rules.updatable:
        raise faults.unsupported_operation("Update")
    payload = _payload(payload)
    with transaction.atomic():
        company_lock(company)
        entity = _target(company, spec, payload)
        previous = copy.deepcopy(entity.data)
        given = {key: value for key, value in payload.items() if value is not None}
        if _is_true(payload.get("sparse")):
            # The stored object with what was sent over it, checked as one payload: "" empties a property.
            data = _checked(spec, {**_stored_view(previous), **given})
            sent = frozenset(key for key in given if key not in SERVER_KEYS)
        else:
            data = _checked(spec, given)
            sent = frozenset(data)
            for name in spec.rules.sticky:
                if name not in data and name in previous:
                    data[name] = copy.deepcopy(previous[name])
        ctx = WriteContext(company, include, sent)
        data = spec.rules.prepare(ctx, data, entity)
        address_ids(company, data)
        entity = store.entity_update(entity, storable(data))
        spec.rules.after_write(ctx, entity, previous)
    return entity


def entity_delete(company: SandboxCompany, entity_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Delete a transaction; answers ``{"status": "Deleted", "domain": "QBO", "Id": ...}``."""
    spec = spec_for(entity_type)
    if not spec.transaction:
        raise faults.unsupported_operation("Delete")
    payload = _payload(payload)
    with transaction.atomic():
        company_lock(company)
        entity = _target(company, spec, payload)
        ctx = WriteContext(company)
        spec.rules.before_delete(ctx, entity)
        store.entity_tombstone(entity)
        spec.rules.after_delete(ctx, entity)
    return {"status": "Deleted", "domain": "QBO", "Id": entity.entity_id}


def entity_void(company: SandboxCompany, entity_type: str, payload: dict[str, Any]) -> SandboxEntity:
    """Void an invoice or a payment: it stays, with its amounts zeroed and ``PrivateNote`` "Voided"."""
    spec = spec_for(entity_type)
    if not spec.voidable:
        raise faults.unsupported_operation("Void")
    payload = _payload(payload)
    with transaction.atomic():
        company_lock(company)
        entity = _target(company, spec, payload)
        ctx = WriteContext(company)
        previous = copy.deepcopy(entity.data)
        data = spec.rules.voided(ctx, entity)
        # Webhooks report a void as such, not as an update.
        entity = store.entity_update(entity, storable(_stored_view(data)), operation=WebhookOperation.VOID)
        spec.rules.after_write(ctx, entity, previous)
    return entity


def entity_read(company: SandboxCompany, entity_type: str, entity_id: str) -> SandboxEntity:
    """``GET /<entity>/<id>``: 610 for an Id that does not exist or a deleted transaction."""
    spec = spec_for(entity_type)
    entity = store.entity_get(company, spec.name, str(entity_id), include_deleted=True)
    if entity is None:
        raise faults.object_not_found()
    if entity.deleted_at is not None:
        raise faults.deleted_transaction()
    return entity

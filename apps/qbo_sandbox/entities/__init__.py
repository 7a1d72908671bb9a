"""
The entities of the Accounting API and their rules: what QuickBooks Online checks, computes and changes on a write.

The API views and the batch endpoint call these functions; each one is a single database transaction and raises
``QboFault`` (Intuit's code, message and detail) where QuickBooks would answer with a Fault.

Usage::

    customer = entity_create(company, "Customer", {"DisplayName": "Amy's Bird Sanctuary"})
    customer = entity_update(company, "Customer", {"Id": customer.entity_id, "SyncToken": "0", "sparse": True,
                                                   "Notes": "Prefers e-mail"})
    entity_delete(company, "Invoice", {"Id": "130", "SyncToken": "2"})  # {"status": "Deleted", ...}
"""

from apps.qbo_sandbox.entities.faults import QboFault
from apps.qbo_sandbox.entities.registry import ENTITY_TYPES, EntitySpec
from apps.qbo_sandbox.entities.services import (
    entity_create,
    entity_delete,
    entity_read,
    entity_update,
    entity_void,
)
from apps.qbo_sandbox.entities.tax import taxcode_create

__all__ = [
    "ENTITY_TYPES",
    "EntitySpec",
    "QboFault",
    "entity_create",
    "entity_delete",
    "entity_read",
    "entity_update",
    "entity_void",
    "taxcode_create",
]

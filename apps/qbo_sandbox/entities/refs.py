"""
References between objects (``CustomerRef``, ``ItemRef``...): resolving them as QuickBooks does, and writing them.

A reference to an object that does not exist is 2500 ("Invalid Reference Id : Names element id 583 not found",
Intuit naming the list: Names for customers, vendors and employees, Accounts, ...); one to an inactive name-list
object is 610 ("Object Not Found : Something you're trying to use has been made inactive...").
"""

from typing import Any

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity

# Names Intuit gives its lists in 2500 details; the ones for Names and Accounts are confirmed, the rest follow suit.
LIST_NAMES = {
    "Customer": "Names",
    "Vendor": "Names",
    "Employee": "Names",
    "Account": "Accounts",
    "Item": "Item",
    "Term": "Terms",
    "TaxCode": "TaxCodes",
    "TaxRate": "TaxRates",
    "TaxAgency": "TaxAgencies",
}


def ref_value(ref: Any) -> str:
    return str(ref.get("value", "")).strip() if isinstance(ref, dict) else ""


def resolve(
    company: SandboxCompany,
    entity_type: str,
    ref: Any,
    *,
    require_active: bool = True,
) -> SandboxEntity:
    """The object ``ref`` points at; 2500 if there is none, 610 if it is inactive and ``require_active``."""
    entity_id = ref_value(ref)
    entity = store.entity_get(company, entity_type, entity_id) if entity_id else None
    if entity is None:
        raise faults.invalid_reference(LIST_NAMES.get(entity_type, entity_type), entity_id)
    if require_active and not entity.active:
        raise faults.object_not_found()
    return entity


def resolve_transaction(company: SandboxCompany, entity_type: str, entity_id: str) -> SandboxEntity:
    """A transaction another one links to; a deleted one is 610 "Another user has deleted this transaction"."""
    entity = store.entity_get(company, entity_type, entity_id, include_deleted=True)
    if entity is None:
        raise faults.invalid_reference("Txn", entity_id)
    if entity.deleted_at is not None:
        raise faults.deleted_transaction()
    return entity


def display_name(data: dict[str, Any]) -> str:
    return str(data.get("FullyQualifiedName") or data.get("DisplayName") or data.get("Name") or "")


def ref_to(entity: SandboxEntity) -> dict[str, str]:
    """``{"value": Id, "name": ...}``, the name QuickBooks fills in on every reference it returns."""
    name = display_name(entity.data)
    return {"value": entity.entity_id, "name": name} if name else {"value": entity.entity_id}

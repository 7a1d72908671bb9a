"""
QuickBooks Online's customers and sub-customers (jobs) ↔ the engine's ``CustomerRecord``. What FieldOffice sends for
a customer or a service location, and how each side compares, is ``apps.quickbooks.mapping.customers``.
"""

from typing import Any

from apps.quickbooks.mapping.common import text
from apps.quickbooks.mapping.customers import address_sent
from apps.quickbooks.online.mapping.common import (
    identity,
    is_deleted,
    ref,
    ref_id,
    remote_created_at,
    remote_id,
    remote_updated_at,
)
from apps.quickbooks.sync.records import Address, CustomerRecord

ADDRESS_KEYS = ("Line1", "Line2", "City", "CountrySubDivisionCode", "PostalCode", "Country")
# What places a job in QuickBooks Online: an update that keeps its place there leaves them out.
PLACEMENT_KEYS = ("ParentRef", "Job", "BillWithParent")


def address_read(value: Any) -> Address:
    value = value if isinstance(value, dict) else {}
    return address_sent(*(value.get(key) for key in ADDRESS_KEYS))


def _level(obj: dict[str, Any]) -> int:
    try:
        return int(obj.get("Level") or 0)
    except (TypeError, ValueError):
        return 0


def customer_record(obj: dict[str, Any]) -> CustomerRecord:
    """A QuickBooks Online customer (or sub-customer) as the engine's record; a deleted one says only that."""
    if is_deleted(obj):
        return CustomerRecord(remote_id=remote_id(obj), deleted=True)
    parent = ref_id(obj.get("ParentRef"))
    return CustomerRecord(
        **identity(obj),
        name=text(obj.get("DisplayName")),
        company_name=text(obj.get("CompanyName")),
        first_name=text(obj.get("GivenName")),
        last_name=text(obj.get("FamilyName")),
        phone=text((obj.get("PrimaryPhone") or {}).get("FreeFormNumber")),
        email=text((obj.get("PrimaryEmailAddr") or {}).get("Address")),
        billing=address_read(obj.get("BillAddr")),
        shipping=address_read(obj.get("ShipAddr")),
        active=obj.get("Active", True) is not False,
        taxable=obj.get("Taxable", True) is not False,
        tax_code_id=ref_id(obj.get("DefaultTaxCodeRef")),
        term_id=ref_id(obj.get("SalesTermRef")),
        job=bool(obj.get("Job")) or bool(parent),
        parent_id=parent,
        level=_level(obj),
        created_at=remote_created_at(obj),
        updated_at=remote_updated_at(obj),
    )


def _address_payload(address: Address) -> dict[str, str]:
    return dict(zip(ADDRESS_KEYS, address.parts(), strict=True))


def record_payload(record: CustomerRecord) -> dict[str, Any]:
    """
    A customer record as QuickBooks Online takes it: a customer with its billing details, or a location's
    sub-customer billed with its parent (placed under it unless the update keeps its place); ``Id`` and
    ``SyncToken`` for an update.
    """
    if record.job:
        payload: dict[str, Any] = {
            "DisplayName": record.name,
            "Job": True,
            "ParentRef": ref(record.parent_id),
            "BillWithParent": True,
            "ShipAddr": _address_payload(record.shipping),
        }
        if record.keep_place:
            payload = {key: value for key, value in payload.items() if key not in PLACEMENT_KEYS}
    else:
        payload = {
            "DisplayName": record.name,
            "CompanyName": record.company_name,
            "GivenName": record.first_name,
            "FamilyName": record.last_name,
            "PrimaryPhone": {"FreeFormNumber": record.phone},
            "PrimaryEmailAddr": {"Address": record.email},
            "BillAddr": _address_payload(record.billing),
        }
    payload.update(Active=record.active, Taxable=record.taxable)
    if record.tax_code_id:
        payload["DefaultTaxCodeRef"] = ref(record.tax_code_id)
    if record.term_id:
        payload["SalesTermRef"] = ref(record.term_id)
    if record.remote_id:
        payload.update(Id=record.remote_id, SyncToken=record.version)
    return payload

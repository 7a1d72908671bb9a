"""QuickBooks Online's ``Vendor`` objects → the engine's ``VendorRecord`` (vendors are only read: seed 003)."""

from typing import Any

from apps.quickbooks.mapping.common import text
from apps.quickbooks.online.mapping.common import identity, is_deleted, remote_id
from apps.quickbooks.online.mapping.customers import address_read
from apps.quickbooks.sync.records import VendorRecord


def vendor_record(obj: dict[str, Any]) -> VendorRecord:
    """A ``Vendor`` as the engine's record; a deleted one says only that."""
    if is_deleted(obj):
        return VendorRecord(remote_id=remote_id(obj), deleted=True)
    return VendorRecord(
        **identity(obj),
        name=text(obj.get("DisplayName")),
        company_name=text(obj.get("CompanyName")),
        first_name=text(obj.get("GivenName")),
        last_name=text(obj.get("FamilyName")),
        phone=text((obj.get("PrimaryPhone") or {}).get("FreeFormNumber")),
        email=text((obj.get("PrimaryEmailAddr") or {}).get("Address")),
        billing=address_read(obj.get("BillAddr")),
        active=obj.get("Active", True) is not False,
    )

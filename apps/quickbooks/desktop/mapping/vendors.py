"""
QuickBooks Desktop's vendors → the engine's ``VendorRecord``: read only (seed 003 imports vendors, never sends them).

Every vendor of Desktop's vendor list comes, its sales tax agencies included: Desktop keeps them there (they are paid
through Pay Sales Tax), whereas QuickBooks Online keeps its tax agencies apart from its vendors.
"""

from typing import Any

from apps.quickbooks.desktop.mapping.adapter import ListAdapter, Outcome, Planned, Seen
from apps.quickbooks.desktop.mapping.common import desktop_bool
from apps.quickbooks.desktop.mapping.customers import address_in
from apps.quickbooks.errors import ApiError
from apps.quickbooks.mapping.common import text
from apps.quickbooks.sync.records import VENDOR, VendorRecord

QUERY = "VendorQuery"
READ_ONLY = "FieldOffice reads vendors from QuickBooks Desktop and never writes them."


def vendor_record(ret: dict[str, Any]) -> VendorRecord:
    """A ``VendorRet`` as the engine's vendor record."""
    return VendorRecord(
        remote_id=text(ret.get("ListID")),
        version=text(ret.get("EditSequence")),
        name=text(ret.get("Name")),
        company_name=text(ret.get("CompanyName")),
        first_name=text(ret.get("FirstName")),
        last_name=text(ret.get("LastName")),
        phone=text(ret.get("Phone")),
        email=text(ret.get("Email")),
        billing=address_in(ret.get("VendorAddress")),
        active=desktop_bool(ret.get("IsActive")),
    )


class VendorsAdapter(ListAdapter):
    entity = VENDOR
    deleted_types = ("Vendor",)
    query_kinds = (QUERY,)

    def records(self, ret: dict[str, Any], record_type: str) -> list[VendorRecord]:
        return [vendor_record(ret)]

    def plan(self, writes: list[tuple[int, Any]], seen: Seen) -> tuple[list[Planned], dict[int, Outcome]]:
        return [], {index: (None, ApiError(READ_ONLY)) for index, _ in writes}


ADAPTERS = [VendorsAdapter()]

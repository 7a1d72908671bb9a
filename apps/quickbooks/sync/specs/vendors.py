"""
Vendors: QuickBooks → FieldOffice only (seed 003: "Active Vendors are imported into IntelliTrack"), while the division
syncs them. An active vendor there is created here (one of the same name here is linked to it, never duplicated);
an inactive one is not brought in; a linked vendor made inactive, or deleted, there is made inactive here. A vendor
edited here keeps the edit until QuickBooks changes it (the vendor page says to edit vendors in QuickBooks).
"""

from typing import Any

from apps.purchasing import services as purchasing
from apps.purchasing.models import Vendor
from apps.quickbooks.mapping.common import name_key, text
from apps.quickbooks.models import PrimarySystem
from apps.quickbooks.sync.context import RunContext
from apps.quickbooks.sync.records import VENDOR, VendorRecord
from apps.quickbooks.sync.spec import EntitySpec, MatchKey, PullApplies

# FieldOffice's field sizes.
NAME_MAX = 100
PHONE_MAX = 30
EMAIL_MAX = 254
STREET_MAX = 200
CITY_MAX = 100
POSTAL_CODE_MAX = 20


def vendor_fields(record: VendorRecord) -> dict[str, Any]:
    """The local fields of a QuickBooks vendor."""
    billing = record.billing
    return {
        "display_name": text(record.name, NAME_MAX),
        "company_name": text(record.company_name, NAME_MAX),
        "first_name": text(record.first_name, NAME_MAX),
        "last_name": text(record.last_name, NAME_MAX),
        "phone": text(record.phone, PHONE_MAX),
        "email": _email(record.email),
        "billing_street": text(billing.street, STREET_MAX),
        "billing_street2": text(billing.street2, STREET_MAX),
        "billing_city": text(billing.city, CITY_MAX),
        "billing_state": text(billing.state, CITY_MAX),
        "billing_postal_code": text(billing.postal_code, POSTAL_CODE_MAX),
        "billing_country": text(billing.country, CITY_MAX),
        "active": record.active,
    }


def _email(value: str) -> str:
    # QuickBooks keeps several addresses in one field ("a@x.com, b@x.com"); the first is the vendor's here.
    first = text(value).replace(";", ",").split(",")[0].strip()
    return first[:EMAIL_MAX]


def vendor_comparable(record: VendorRecord) -> dict[str, Any]:
    return vendor_fields(record)


def vendors_master(ctx: RunContext) -> str:
    return PrimarySystem.QUICKBOOKS if ctx.vendors_pull else ""


def _create(*, division: Any, by_master_system: bool, **fields: Any) -> Vendor:
    return purchasing.vendor_create(division=division, **fields)


def _update(*, vendor: Vendor, by_master_system: bool, **fields: Any) -> Vendor:
    return purchasing.vendor_update(vendor=vendor, **fields)


def _deactivate(*, vendor: Vendor, by_master_system: bool) -> Vendor:
    return purchasing.vendor_update(vendor=vendor, active=False)


VENDORS = EntitySpec(
    name="vendors",
    label="vendor",
    stage="Receiving vendors from QuickBooks",
    model=Vendor,
    entity=VENDOR,
    record_type=VendorRecord,
    create=_create,
    update=_update,
    deactivate=_deactivate,
    instance_argument="vendor",
    master=vendors_master,
    fields=vendor_fields,
    remote_comparable=vendor_comparable,
    local_name=lambda vendor: vendor.display_name,
    record_label=lambda vendor: vendor.display_name,
    name_field="display_name",
    reads=(VENDOR,),
    listed=lambda record: not record.deleted,
    match_keys=(MatchKey(lambda record: name_key(record.name), lambda vendor: name_key(vendor.display_name)),),
    pull_applies=PullApplies.WHEN_CHANGED_THERE,
    pulls_inactive=False,
)

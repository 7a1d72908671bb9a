"""
Vendors with QuickBooks, both backends (``side``): active vendors come from QuickBooks with their address (seed 003),
one way; an inactive one is not brought in, one made inactive there becomes inactive here, and a vendor of the same
name here is linked, never duplicated.
"""

import pytest

from apps.purchasing.models import Vendor
from apps.quickbooks.models import SyncRunStatus
from tests.factories import VendorFactory
from tests.quickbooks.scenarios.helpers import link_of

pytestmark = pytest.mark.usefixtures("live_server")

JOHNSTONE = {
    "company": "Johnstone Supply",
    "first": "Mara",
    "last": "Lindgren",
    "phone": "612-555-0190",
    "email": "orders@johnstone.example.com",
    "street": "1400 Industrial Blvd NE",
    "city": "Minneapolis",
    "state": "MN",
    "postal_code": "55413",
}


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def vendors_here(side, division) -> dict[str, bool]:
    """The vendors here, but for those the company had before the test (Desktop's sales tax agency)."""
    vendors = Vendor.objects.filter(division=division).exclude(display_name__in=side.vendors_there_first)
    return dict(vendors.values_list("display_name", "active"))


def test_active_vendors_come_from_quickbooks_with_their_address(side, division):
    side.vendor_add("Johnstone Supply", **JOHNSTONE)
    side.vendor_add("Old Supplier", active=False)
    side.configure("off", lists=False, vendors="to_local")

    run = side.sync()

    assert_clean(run)
    assert vendors_here(side, division) == {"Johnstone Supply": True}
    vendor = Vendor.objects.get(division=division, display_name="Johnstone Supply")
    assert (vendor.company_name, vendor.first_name, vendor.last_name) == ("Johnstone Supply", "Mara", "Lindgren")
    assert (vendor.phone, vendor.email) == ("612-555-0190", "orders@johnstone.example.com")
    assert (vendor.billing_street, vendor.billing_city, vendor.billing_state, vendor.billing_postal_code) == (
        "1400 Industrial Blvd NE",
        "Minneapolis",
        "MN",
        "55413",
    )
    assert link_of(vendor).qbo_id
    assert not side.written

    again = side.sync()
    assert_clean(again)
    assert again.entries.count() == 0


def test_a_vendor_made_inactive_or_changed_there_follows_here(side, division):
    side.vendor_add("Johnstone Supply", **JOHNSTONE)
    side.configure("off", lists=False, vendors="to_local")
    assert_clean(side.sync())

    side.vendor_change("Johnstone Supply", phone="612-555-0199")
    assert_clean(side.sync())
    assert Vendor.objects.get(division=division, display_name="Johnstone Supply").phone == "612-555-0199"

    side.vendor_change("Johnstone Supply", active=False)
    run = side.sync()

    assert_clean(run)
    assert vendors_here(side, division) == {"Johnstone Supply": False}


def test_a_vendor_of_the_same_name_here_is_linked_not_duplicated(side, division):
    local = VendorFactory(division=division, display_name="JOHNSTONE SUPPLY", phone="")
    side.vendor_add("Johnstone Supply", **JOHNSTONE)
    side.configure("off", lists=False, vendors="to_local")

    assert_clean(side.sync())

    assert Vendor.objects.filter(division=division, display_name__iexact="Johnstone Supply").count() == 1
    local.refresh_from_db()
    assert (local.display_name, local.phone) == ("Johnstone Supply", "612-555-0190")
    assert link_of(local).qbo_id


def test_an_edit_here_stands_until_quickbooks_changes_the_vendor(side, division):
    side.vendor_add("Johnstone Supply", **JOHNSTONE)
    side.configure("off", lists=False, vendors="to_local")
    assert_clean(side.sync())
    vendor = Vendor.objects.get(division=division, display_name="Johnstone Supply")
    Vendor.objects.filter(pk=vendor.pk).update(phone="000")

    assert_clean(side.sync())

    assert Vendor.objects.get(pk=vendor.pk).phone == "000"
    assert not side.written


def test_vendors_off_bring_nothing(side, division):
    side.vendor_add("Johnstone Supply", **JOHNSTONE)
    side.configure("off", lists=False)

    assert_clean(side.sync())

    assert vendors_here(side, division) == {}

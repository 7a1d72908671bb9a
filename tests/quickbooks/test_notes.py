"""Seed 003's warning: item, customer and vendor pages say "edit this in QuickBooks" while QuickBooks keeps them."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.core.selectors import division_get_default
from apps.quickbooks.models import ConnectionStatus, DesktopConnection, QuickBooksConnection
from apps.quickbooks.services.sync_settings import sync_settings_update
from tests.factories import CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


def note(kind: str) -> str:
    return escape(
        f"{kind} of Main come from QuickBooks: edit them in QuickBooks. Changes made here are not sent to "
        "QuickBooks, and QuickBooks' next change of the record replaces them."
    )


@pytest.fixture
def online():
    division = division_get_default()
    QuickBooksConnection.objects.create(
        division=division, realm_id="4620816365", company_name="Books", status=ConnectionStatus.CONNECTED
    )
    return division


@pytest.fixture
def desktop():
    division = division_get_default()
    DesktopConnection.objects.create(division=division, username="books", company_first_seen_at=timezone.now())
    sync_settings_update(division=division, integration_type="desktop")
    return division


@pytest.mark.parametrize("linked", ["online", "desktop"])
def test_vendor_and_customer_pages_warn_while_they_come_from_quickbooks(request, owner_client, linked):
    division = request.getfixturevalue(linked)
    sync_settings_update(division=division, vendors_direction="to_local", customers_direction="to_local")
    vendor, customer = VendorFactory(division=division), CustomerFactory(division=division)

    pages = [
        owner_client.get(reverse("admin:purchasing_vendor_changelist")),
        owner_client.get(reverse("admin:purchasing_vendor_change", args=[vendor.pk])),
    ]
    assert all(note("Vendors") in page.content.decode() for page in pages)
    customer_page = owner_client.get(reverse("admin:customers_customer_change", args=[customer.pk])).content.decode()
    assert note("Customers") in customer_page
    assert 'name="display_name"' in customer_page  # A warning only: the page stays editable.


def test_no_warning_while_fieldoffice_keeps_them_or_nothing_is_linked(owner_client, online):
    sync_settings_update(division=online, customers_direction="two_way", customers_primary="quickbooks")
    customer, vendor = CustomerFactory(division=online), VendorFactory(division=online)

    assert "come from QuickBooks" not in owner_client.get(
        reverse("admin:customers_customer_change", args=[customer.pk])
    ).content.decode()
    assert "come from QuickBooks" not in owner_client.get(
        reverse("admin:purchasing_vendor_change", args=[vendor.pk])
    ).content.decode()

    QuickBooksConnection.objects.filter(division=online).update(status=ConnectionStatus.DISCONNECTED)
    sync_settings_update(division=online, vendors_direction="to_local")
    assert "come from QuickBooks" not in owner_client.get(
        reverse("admin:purchasing_vendor_change", args=[vendor.pk])
    ).content.decode()

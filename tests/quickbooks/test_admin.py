"""The QuickBooks pages in the admin: who sees which button, Configure Sync, Sync Now, links from other pages."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.quickbooks.models import QuickBooksConnection, RecordLink, SyncRun, SyncSettings
from tests.factories import CustomerFactory

BUTTONS = {
    "connect": b'id="qbo-connect"',
    "stop": b'id="qbo-stop"',
    "configure": b'id="qbo-configure"',
    "sync": b'id="qbo-sync-now"',
}


def _page(division) -> str:
    return reverse("admin:quickbooks_integration_change", args=[division.pk])


def _buttons(response) -> set[str]:
    return {name for name, marker in BUTTONS.items() if marker in response.content}


@pytest.fixture
def stored_connection(division):
    return QuickBooksConnection.objects.create(
        division=division, realm_id="9341453000000001", company_name="Jorji", status="connected"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_client", "expected"),
    [
        ("owner_client", {"stop", "configure", "sync"}),
        ("office_client", {"sync"}),
        ("read_only_client", set()),
    ],
)
def test_the_page_shows_each_role_its_buttons(request, role_client, expected, division, stored_connection):
    response = request.getfixturevalue(role_client).get(_page(division))

    assert response.status_code == 200
    assert _buttons(response) == expected
    assert b"Integrations &rsaquo; QuickBooks: Main" in response.content
    assert b"QuickBooks Integration Settings" in response.content and b"Jorji" in response.content


@pytest.mark.django_db
def test_a_division_not_connected_offers_connect_to_the_owner(owner_client, division):
    response = owner_client.get(_page(division))

    assert _buttons(response) == {"connect", "configure"}
    assert b"is not connected to QuickBooks" in response.content


@pytest.mark.django_db
def test_a_connection_needing_a_reconnect_says_why(owner_client, office_client, division, stored_connection):
    QuickBooksConnection.objects.filter(pk=stored_connection.pk).update(
        status="needs_reconnect", last_error="QuickBooks no longer accepts FieldOffice's access."
    )

    owner_page = owner_client.get(_page(division)).content.decode()
    office_page = office_client.get(_page(division)).content.decode()

    assert 'id="qbo-needs-reconnect"' in owner_page and "no longer accepts FieldOffice&#x27;s access" in owner_page
    assert "Reconnect to QuickBooks" in owner_page
    assert "Ask an Owner to reconnect" in office_page


@pytest.mark.django_db
def test_configure_sync_saves_the_settings(owner_client, division, stored_connection):
    url = reverse("admin:quickbooks_integration_configure", args=[division.pk])
    form = owner_client.get(url).content.decode()
    assert '<option value="desktop">QuickBooks Desktop</option>' in form
    assert "Two-way sync is not available for inventory." in form
    assert "Invoices go from FieldOffice to QuickBooks only" in form

    data = {
        "integration_type": "online",
        "frequency": "15m",
        "customers_direction": "two_way",
        "customers_primary": "",
        "inventory_direction": "to_local",
        "invoices_direction": "to_quickbooks",
        "vendors_direction": "off",
        "default_service_item": "",
    }
    refused = owner_client.post(url, data)
    assert refused.status_code == 200 and "needs a primary system" in refused.content.decode()

    saved = owner_client.post(url, {**data, "customers_primary": "quickbooks"})

    assert saved.status_code == 302 and saved["Location"] == _page(division)
    settings = SyncSettings.objects.get(division=division)
    assert (settings.frequency, settings.customers_primary, settings.default_service_item_name) == (
        "15m",
        "quickbooks",
        "",
    )
    assert not settings.sync_tax_rates_and_terms  # an unticked box
    page = owner_client.get(_page(division)).content.decode()
    assert "Automated" in page and "15 minutes" in page and "QuickBooks to FieldOffice" in page


@pytest.mark.django_db
def test_office_may_not_configure(office_client, read_only_client, division, stored_connection):
    assert office_client.get(reverse("admin:quickbooks_integration_configure", args=[division.pk])).status_code == 403
    assert read_only_client.post(reverse("admin:quickbooks_integration_sync", args=[division.pk])).status_code == 403
    assert not SyncRun.objects.exists()


def test_office_may_start_a_sync(office_client, division, connection):
    response = office_client.post(reverse("admin:quickbooks_integration_sync", args=[division.pk]))

    assert response.status_code == 302
    assert SyncRun.objects.get().status == "succeeded"


def test_sync_now_runs_a_sync(owner, owner_client, division, connection):
    response = owner_client.post(reverse("admin:quickbooks_integration_sync", args=[division.pk]))

    assert response.status_code == 302
    run = SyncRun.objects.get()
    assert (run.trigger, run.status, run.requested_by.email) == (
        "manual",
        "succeeded",
        "user" + run.requested_by.email[4:],
    )
    assert run.summary == "Nothing to do: both systems already agree."
    assert run.api_calls == 1 and run.started_at and run.finished_at
    page = owner_client.get(_page(division)).content.decode()
    assert "Nothing to do: both systems already agree." in page and "Sync Now" in page
    run_page = owner_client.get(reverse("admin:quickbooks_syncrun_change", args=[run.pk]))
    assert run_page.status_code == 200


@pytest.mark.django_db
def test_sync_now_needs_a_connection(owner_client, division):
    response = owner_client.post(reverse("admin:quickbooks_integration_sync", args=[division.pk]), follow=True)

    assert "QuickBooks is not connected for Main" in response.content.decode()
    assert not SyncRun.objects.exists()


@pytest.mark.django_db
def test_the_index_and_the_division_page_lead_to_the_quickbooks_page(owner_client, read_only_client, division):
    index = owner_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:quickbooks_integration_changelist") in index

    listing = read_only_client.get(reverse("admin:quickbooks_integration_changelist"))
    assert listing.status_code == 200 and _page(division) in listing.content.decode()

    division_page = owner_client.get(reverse("admin:core_division_change", args=[division.pk])).content.decode()
    assert f'href="{_page(division)}" class="qbo-division-link"' in division_page


@pytest.mark.django_db
def test_linked_records_show_the_quickbooks_label(owner_client, division):
    customer = CustomerFactory(division=division)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    assert "Not linked to any integration" in owner_client.get(url).content.decode()

    RecordLink.objects.create(
        division=division,
        content_type=ContentType.objects.get_for_model(customer),
        object_id=customer.pk,
        entity_type="Customer",
        qbo_id="58",
    )

    assert '<span class="integration-label">QuickBooks (ID 58)</span>' in owner_client.get(url).content.decode()
    links = owner_client.get(reverse("admin:quickbooks_recordlink_changelist")).content.decode()
    assert str(customer) in links

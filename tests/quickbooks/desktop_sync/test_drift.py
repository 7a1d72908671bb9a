"""
The drift check against the QuickBooks Desktop emulator: the engine's Desktop backend reads the company file as the
sync keeps it (jobs as customers, ship-to addresses as service locations), the page asks the next Web Connector
update for the check and shows the report it kept, and ``qbo_sync --drift`` prints that report.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.urls import reverse

from apps.quickbooks.desktop import work
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.drift import DifferenceKind, DriftReport, drift_check
from apps.quickbooks.models import DesktopConnection, DesktopSession, SyncRun, SyncRunStatus, SyncSettings
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.desktop_sync import test_invoices, test_web_connector
from tests.quickbooks.desktop_sync.conftest import EmulatorTransport, customer_add

pytestmark = pytest.mark.django_db

# The invoice tests' fixtures: the company file's "Services" item, and invoices to QuickBooks Desktop.
services_item = test_invoices.services_item
desktop_invoices = test_invoices.desktop_invoices


@pytest.fixture
def synced(desktop_invoices, desktop_sync, division):
    """A division and its company file that agree: a customer with a ship-to address and one unpaid invoice."""
    desktop_invoices()
    customer = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    ServiceLocationFactory(customer=customer, name="Building A")
    ServiceLocationFactory(customer=customer, name="Old Shed", active=False)
    CustomerFactory(division=division, display_name="Gone Ltd", active=False)
    invoice = test_invoices.ready(customer, ("Furnace tune-up", "2", "80.00", False))
    run = desktop_sync()
    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    invoice.refresh_from_db()
    return invoice


def check(division, company) -> tuple[DriftReport, EmulatorTransport]:
    transport = EmulatorTransport(company)
    backend = DesktopBackend(transport)
    try:
        return drift_check(division, backend=backend), transport
    finally:
        backend.close()


def _counts(report) -> dict[str, tuple[int, int]]:
    return {count.name: (count.fieldoffice, count.quickbooks) for count in report.counts}


def test_both_sides_agree_in_one_round_trip(synced, division, company):
    report, transport = check(division, company)

    assert report.in_sync, report.invoices
    assert _counts(report) == {
        "customers": (1, 1),
        # Desktop keeps no inactive ship-to address: Old Shed, inactive here, is one there, and counted on both sides.
        "service_locations": (2, 2),
        "items": (0, 1),  # Items are not synced here: the company file's "Services" item is not drift.
        "open_invoices": (1, 1),
    }
    assert not report.count_by_name["items"].is_drift
    assert (report.open_balance.fieldoffice, report.open_balance.quickbooks) == (
        Decimal("160.00"),
        Decimal("160.00"),
    )
    assert report.invoices == []
    assert report.summary == "Main: FieldOffice and QuickBooks agree."
    # Customers with their ship-to addresses, items and unpaid invoices: three queries in one document.
    assert len(transport.documents) == 1
    assert report.api_calls == 3 and report.web_connector
    assert report.calls_text == "3 requests to QuickBooks Desktop"
    # What was counted is said as the sync keeps Desktop's records.
    assert report.count_by_name["customers"].compared == (
        "FieldOffice's active customers against QuickBooks Desktop's active customers and jobs (a job arrives here "
        "as a customer of its own)."
    )
    assert report.count_by_name["service_locations"].compared == (
        "Service locations, active or not, of active customers against the ship-to addresses of QuickBooks "
        "Desktop's active customers and jobs (Desktop keeps no inactive ship-to address: a location made inactive "
        "here is still there)."
    )


def test_a_customer_and_a_job_missing_here(synced, division, company):
    customer_add(company, "Carefree")
    customer_add(company, "Main Office", parent="Carefree")

    report, _ = check(division, company)

    customers = report.count_by_name["customers"]
    # The job arrives as a customer of its own: two customers missing here.
    assert (customers.fieldoffice, customers.quickbooks, customers.is_drift) == (1, 3, True)
    assert customers.message == "QuickBooks has 2 more than FieldOffice."
    assert not report.in_sync
    assert report.summary == "Main: FieldOffice and QuickBooks have drifted apart: 1 count differs."


def test_an_invoice_paid_in_desktop_only(synced, division, company):
    test_invoices.pay(company, synced, "160.00")

    report, transport = check(division, company)

    assert [(item.kind, item.number, item.local_id) for item in report.invoices] == [
        (DifferenceKind.SETTLED_THERE, synced.number, synced.pk)
    ]
    (difference,) = report.invoices
    assert difference.qbo_id == test_invoices.invoice_link(synced).qbo_id
    assert (difference.fieldoffice_balance, difference.quickbooks_total, difference.quickbooks_balance) == (
        Decimal("160.00"),
        Decimal("160.00"),
        Decimal("0.00"),
    )
    assert difference.message == (
        f"Invoice {synced.number} has 160.00 open in FieldOffice, but nothing is open on it in QuickBooks (paid, "
        "credited or voided there)."
    )
    assert _counts(report)["open_invoices"] == (1, 0)
    assert report.open_balance.is_drift and not report.in_sync
    # The invoice no longer unpaid there is read by its TxnID: one more round trip.
    assert len(transport.documents) == 2 and report.api_calls == 4


def test_a_partial_payment_in_desktop_only(synced, division, company):
    test_invoices.pay(company, synced, "60.00")

    report, _ = check(division, company)

    (difference,) = report.invoices
    assert difference.kind == DifferenceKind.AMOUNTS
    assert difference.message == (
        f"Invoice {synced.number}: the balance is 160.00 in FieldOffice and 100.00 in QuickBooks."
    )
    assert report.open_balance.quickbooks == Decimal("100.00")


def test_the_report_kept_reads_back_the_same(synced, division, company):
    test_invoices.pay(company, synced, "160.00")
    report, _ = check(division, company)

    kept = DriftReport.restored(division, json.loads(json.dumps(report.stored())))

    assert kept.as_dict() == report.as_dict()
    assert kept.summary == report.summary and kept.text_lines() == report.text_lines()
    assert [count.url for count in kept.counts] == [count.url for count in report.counts]


# Asking for it, and where it shows.


@pytest.fixture
def desktop_connection(division):
    SyncSettings.objects.update_or_create(
        division=division,
        defaults={
            "integration_type": "desktop",
            "customers_direction": "off",
            "inventory_direction": "off",
            "invoices_direction": "off",
            "sync_tax_rates_and_terms": False,
        },
    )
    return desktop_credentials_set(division=division, username="carefree-qbwc", password="Web-Connector-2026!")


def _page(client, division) -> str:
    response = client.get(reverse("admin:quickbooks_integration_change", args=[division.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_button_asks_the_next_update_and_the_page_says_so(desktop_connection, division, office_client):
    assert 'id="qbd-drift-check"' in _page(office_client, division)
    # Nothing is set to sync: the Web Connector would be told there is nothing to do...
    assert work.work_pending(connection=desktop_connection) is False

    response = office_client.post(reverse("admin:quickbooks_integration_drift", args=[division.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:quickbooks_integration_change", args=[division.pk])
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith("QuickBooks Desktop is reached only through the Web Connector, so the drift check runs")
    assert "This page shows the result once that update ran." in message
    desktop_connection.refresh_from_db()
    assert desktop_connection.drift_next is True
    # ...but a drift check asked for is work: the update opens QuickBooks for it.
    assert work.work_pending(connection=desktop_connection) is True
    page = _page(office_client, division)
    assert 'id="qbd-drift-pending"' in page and 'id="qbd-drift-check" disabled' in page


def test_read_only_may_not_ask(desktop_connection, division, read_only_client):
    assert 'id="qbd-drift-check"' not in _page(read_only_client, division)
    assert read_only_client.post(reverse("admin:quickbooks_integration_drift", args=[division.pk])).status_code == 403


def test_the_page_and_the_command_show_the_report_kept(synced, division, company, office_client):
    desktop_credentials_set(division=division, username="carefree-qbwc", password="Web-Connector-2026!")
    report_url = reverse("admin:quickbooks_integration_desktop_drift", args=[division.pk])
    none_yet = office_client.get(report_url)
    assert none_yet.status_code == 302
    assert [str(message) for message in get_messages(none_yet.wsgi_request)] == [
        "No Web Connector update has run a drift check yet: press Drift check first."
    ]
    with pytest.raises(CommandError, match=r"No drift check has run yet\. .* press Drift check"):
        call_command("qbo_sync", "--division", "main", "--drift", stdout=StringIO(), stderr=StringIO())
    test_invoices.pay(company, synced, "160.00")
    report, _ = check(division, company)
    DesktopConnection.objects.filter(division=division).update(
        drift_report=report.stored(), drift_report_at=report.checked_at
    )

    page = _page(office_client, division)
    assert 'id="qbd-drift-last"' in page and "have drifted apart" in page
    shown = office_client.get(report_url).content.decode()
    assert "Checked during the Web Connector update of" in shown and "4 requests to QuickBooks Desktop" in shown
    assert 'class="qbo-drift-row qbo-drift-row--differs" id="qbo-drift-open_invoices"' in shown
    assert f"Invoice {synced.number} has 160.00 open in FieldOffice" in shown
    assert 'value="Check again at the next update"' in shown

    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("qbo_sync", "--division", "main", "--drift", "--json", stdout=out, stderr=err)
    assert exited.value.code == 1
    printed = json.loads(out.getvalue())
    assert printed["checked_at"] == report.checked_at.isoformat() and printed["web_connector"] is True
    assert [invoice["kind"] for invoice in printed["invoices"]] == [DifferenceKind.SETTLED_THERE]
    assert "press Drift check on its QuickBooks page" in err.getvalue()


def test_a_check_that_could_not_run_says_why(desktop_connection, division, office_client):
    DesktopConnection.objects.filter(pk=desktop_connection.pk).update(
        drift_report={"error": "QuickBooks Desktop did not answer a query."}, drift_report_at="2015-01-05T10:00:00Z"
    )

    assert "could not run: QuickBooks Desktop did not answer a query." in _page(office_client, division)
    with pytest.raises(CommandError, match=r"could not run: QuickBooks Desktop did not answer a query\."):
        call_command("qbo_sync", "--division", "main", "--drift", stdout=StringIO(), stderr=StringIO())


# Whole Web Connector updates (PostgreSQL only, as in ``test_web_connector``).

needs_postgresql = pytest.mark.skipif(
    db_connection.vendor == "sqlite", reason="needs a database whose writers wait for each other (PostgreSQL)"
)
stamped = test_web_connector.stamped


@pytest.mark.preview_unpredictable("a whole update over SOAP: the Web Connector decides what runs")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("task_worker")
@needs_postgresql
def test_the_update_checks_after_its_sync_and_keeps_the_report(
    live_server, desktop_division, stamped, company, division, office_client
):
    desktop_division("to_quickbooks")
    CustomerFactory(division=division, display_name="Benson Farms")
    office_client.post(reverse("admin:quickbooks_integration_drift", args=[division.pk]))

    report = test_web_connector.update(live_server, stamped)

    assert report.outcome == "done", report.errors
    desktop = DesktopConnection.objects.get(division=division)
    assert desktop.drift_next is False and desktop.drift_report_at is not None
    kept = DriftReport.restored(division, desktop.drift_report)
    # Checked after the sync: the customer it sent is there.
    assert kept.in_sync and kept.count_by_name["customers"].quickbooks == 1, kept.text_lines()
    assert kept.web_connector and kept.api_calls == 3
    assert DesktopSession.objects.get().summary.endswith(
        "Drift check: Main: FieldOffice and QuickBooks agree. The report is on the integration page."
    )
    assert "Main: FieldOffice and QuickBooks agree." in _page(office_client, division)


@pytest.mark.preview_unpredictable("a whole update over SOAP: the Web Connector decides what runs")
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("task_worker")
@needs_postgresql
def test_an_update_with_nothing_to_sync_runs_the_check_asked(
    live_server, desktop_connection, stamped, company, division
):
    customer_add(company, "Carefree")
    DesktopConnection.objects.filter(pk=desktop_connection.pk).update(drift_next=True)

    report = test_web_connector.update(live_server, stamped)

    assert report.outcome == "done", report.errors
    assert SyncRun.objects.get().summary.startswith("Nothing is set to sync")
    kept = DriftReport.restored(division, DesktopConnection.objects.get(pk=desktop_connection.pk).drift_report)
    customers = kept.count_by_name["customers"]
    # Customers are not synced: the difference is shown, and is not drift.
    assert (customers.fieldoffice, customers.quickbooks, customers.is_drift) == (0, 1, False)
    assert kept.in_sync
    # Nothing asked of the next update: the Web Connector is told there is nothing to do.
    assert work.work_pending(connection=desktop_connection) is False

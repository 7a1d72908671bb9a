"""
Whole Web Connector updates over real HTTP: the simulated Web Connector (zeep, from the service's WSDL) drives the
SOAP service, the engine runs in a background worker (a thread of the tests here) and its requests travel through
the session to the emulator.

The worker and the live server write to the database at the same time, which the shared in-memory SQLite test
database cannot take: these run on PostgreSQL (CI runs the suite on both).
"""

import pytest
from django.db import connection
from django.urls import reverse

from apps.customers.models import Customer
from apps.qbd_sandbox import services as emulator
from apps.qbd_sandbox.webconnector import EmulatorCompany, webconnector_run
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import desktop_credentials_set, desktop_preview_request
from apps.quickbooks.models import DesktopConnection, DesktopExchange, DesktopSession, RecordLink, SyncRun
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.desktop_sync.conftest import customer_add, qbxml

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("task_worker"),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="needs a database whose writers wait for each other (PostgreSQL)"
    ),
]

USERNAME = "carefree-qbwc"
PASSWORD = "Web-Connector-2026!"


@pytest.fixture
def stamped(division, company):
    desktop = desktop_credentials_set(division=division, username=USERNAME, password=PASSWORD)
    owner = guid_braced(desktop_owner_id())
    emulator.company_file_stamp(company, owner_id=owner, file_id=guid_braced(desktop.file_id))
    return EmulatorCompany(company, owner_id=owner)


def update(live_server, stamped):
    url = f"{live_server.url}{reverse('quickbooks:qbwc')}"
    return webconnector_run(url=url, username=USERNAME, password=PASSWORD, company=stamped, noop_wait_seconds=0.2)


def test_an_update_syncs_both_ways_and_an_idle_one_takes_one_round_trip(
    live_server, desktop_division, stamped, company, division
):
    desktop_division("two_way", "quickbooks")
    customer_add(company, "Carefree", extra="<Phone>918-555-0100</Phone>")
    local = CustomerFactory(division=division, display_name="Benson Farms")
    ServiceLocationFactory(customer=local, name="North Barn")

    report = update(live_server, stamped)

    assert report.outcome == "done", report.errors
    run = SyncRun.objects.get()
    assert run.status == "succeeded", run.error_summary
    assert Customer.objects.get(display_name="Carefree").phone == "918-555-0100"
    assert RecordLink.objects.filter(object_id=local.pk, content_type__model="customer").exclude(qbo_id="").exists()
    session = DesktopSession.objects.get()
    assert session.status == "done" and session.round_trips == report.round_trips
    assert DesktopExchange.objects.filter(session=session, state="answered").count() == report.round_trips

    idle = update(live_server, stamped)

    assert idle.outcome == "done", idle.errors
    assert idle.round_trips == 1
    assert SyncRun.objects.order_by("-pk").first().counts == {}


def test_a_session_that_ends_early_leaves_a_resumable_run(live_server, desktop_division, stamped, company, division):
    desktop_division("to_quickbooks")
    CustomerFactory(division=division, display_name="Cedar Roofing")

    class Crashing(EmulatorCompany):
        def run(self, request: str) -> str:
            if "CustomerAddRq" in request:
                raise RuntimeError("QuickBooks closed")
            return super().run(request)

    with pytest.raises(RuntimeError):
        update(live_server, Crashing(company, owner_id=stamped.owner_id))
    # The Web Connector died with the request: the server gives the session up after its silence.
    DesktopSession.objects.update(last_seen_at="2000-01-01T00:00:00Z")

    report = update(live_server, stamped)

    assert report.outcome == "done", report.errors
    assert SyncRun.objects.order_by("-pk").first().status == "succeeded"
    everyone = qbxml(company, "<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq>")
    names = [ret.findtext("Name") for ret in everyone.iter("CustomerRet")]
    assert names.count("Cedar Roofing") == 1


def test_a_preview_update_writes_nothing_and_reports_the_jobs(
    live_server, desktop_division, stamped, company, division
):
    desktop_division("two_way", "quickbooks")
    customer_add(company, "Carefree")
    customer_add(company, "Main Office", parent="Carefree")
    CustomerFactory(division=division, display_name="Benson Farms")
    desktop_preview_request(division=division)

    report = update(live_server, stamped)

    assert report.outcome == "done", report.errors
    run = SyncRun.objects.get()
    assert run.trigger == "preview" and run.status == "succeeded", run.error_summary
    assert not Customer.objects.filter(display_name="Carefree").exists()
    everyone = qbxml(company, "<CustomerQueryRq><ActiveStatus>All</ActiveStatus></CustomerQueryRq>")
    assert "Benson Farms" not in [ret.findtext("Name") for ret in everyone.iter("CustomerRet")]
    desktop = DesktopConnection.objects.get(division=division)
    assert desktop.preview_next is False
    assert [(job["full_name"], job["arrives_as"]) for job in desktop.jobs_report] == [
        ("Carefree:Main Office", "Carefree - Main Office")
    ]

"""
Customers, jobs and ship-to addresses with QuickBooks Desktop, through the engine and the Desktop backend: what only
Desktop does (jobs as customers of their own, records in use, iterators). What both backends do runs once per
backend in ``tests.quickbooks.scenarios.test_customers``.
"""

import pytest

from apps.customers.models import Customer
from apps.customers.services import customer_update
from apps.qbd_sandbox import services as emulator
from apps.quickbooks.desktop import backend as desktop_backend
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunEntry
from tests.factories import CustomerFactory
from tests.quickbooks.desktop_sync.conftest import customer_add, customer_ret

pytestmark = pytest.mark.django_db

SHIP_TOS = (
    "<ShipToAddress><Name>Main Office</Name><Addr1>1 Main St</Addr1><City>Tulsa</City><State>OK</State>"
    "<DefaultShipTo>true</DefaultShipTo></ShipToAddress>"
    "<ShipToAddress><Name>Warehouse</Name><Addr1>9 Dock Rd</Addr1><City>Tulsa</City></ShipToAddress>"
)
CAREFREE = (
    "<IsActive>true</IsActive><CompanyName>Carefree Homes LLC</CompanyName><FirstName>Ann</FirstName>"
    "<LastName>Lee</LastName><BillAddress><Addr1>1 Main St</Addr1><City>Tulsa</City><State>OK</State>"
    f"</BillAddress>{SHIP_TOS}<Phone>918-555-0100</Phone><Email>ann@carefree.example</Email>"
)


def test_customers_jobs_and_ship_tos_arrive_and_an_idle_session_reads_once(
    desktop_division, desktop_sync, company, division
):
    desktop_division("to_local")
    carefree = customer_add(company, "Carefree", extra=CAREFREE)
    customer_add(company, "Main Office", parent="Carefree")
    customer_add(company, "Dunn Plumbing")

    run = desktop_sync()

    assert run.status == "succeeded", run.error_summary
    names = set(Customer.objects.filter(division=division).values_list("display_name", flat=True))
    assert names == {"Carefree", "Carefree - Main Office", "Dunn Plumbing"}
    customer = Customer.objects.get(display_name="Carefree")
    assert (customer.company_name, customer.first_name, customer.last_name) == ("Carefree Homes LLC", "Ann", "Lee")
    assert (customer.phone, customer.email, customer.billing_state) == ("918-555-0100", "ann@carefree.example", "OK")
    locations = {location.name: location for location in customer.service_locations.all()}
    assert set(locations) == {"Main Office", "Warehouse"}
    assert locations["Warehouse"].street == "9 Dock Rd"
    assert RecordLink.objects.get(object_id=customer.pk, content_type__model="customer").qbo_id == carefree["ListID"]

    job = Customer.objects.get(display_name="Carefree - Main Office")
    job_link = RecordLink.objects.get(object_id=job.pk, content_type__model="customer")
    assert desktop_sync.backend.digests["Customer"] == [
        {
            "list_id": job_link.qbo_id,
            "full_name": "Carefree:Main Office",
            "name": "Main Office",
            "parent": "Carefree",
            "arrives_as": "Carefree - Main Office",
        }
    ]

    idle = desktop_sync()

    assert idle.status == "succeeded" and idle.counts == {}
    assert len(desktop_sync.transport.documents) == 1  # One round trip: changed customers and deletions together.
    assert "<FromModifiedDate>" in desktop_sync.transport.documents[0]


@pytest.mark.preview_unpredictable(
    "QuickBooks Desktop refuses a record someone has open there only when the change arrives"
)
def test_a_record_in_use_waits_for_the_next_session(desktop_division, desktop_sync, company):
    desktop_division("to_quickbooks")
    customer = CustomerFactory(display_name="Delta Storage", phone="555-0001")
    desktop_sync()
    link = RecordLink.objects.get(object_id=customer.pk, content_type__model="customer")
    emulator.record_lock(company, list_id_or_txn_id=link.qbo_id, code=3175)
    customer_update(customer=customer, phone="555-0002")

    locked = desktop_sync()

    assert locked.status == "partial"
    entry = SyncRunEntry.objects.get(run=locked, action=SyncAction.FAILED)
    assert "open in QuickBooks Desktop" in entry.message

    emulator.record_unlock(company, list_id_or_txn_id=link.qbo_id)
    retried = desktop_sync()

    assert retried.status == "succeeded", retried.error_summary
    assert customer_ret(company, link.qbo_id).findtext("Phone") == "555-0002"


def test_a_long_list_is_read_with_iterators(desktop_division, desktop_sync, company, division, monkeypatch):
    # Pages of 50 instead of 500: the same iterator, Start then Continue, over a list a tenth as long.
    monkeypatch.setattr(desktop_backend, "PAGE_SIZE", 50)
    desktop_division("to_local")
    emulator.company_seed(company, customers=120)

    run = desktop_sync()

    assert run.status == "succeeded", run.error_summary
    assert Customer.objects.filter(division=division).count() >= 120
    documents = desktop_sync.transport.documents
    assert len(documents) == 3  # 50 + 50 + 20
    assert "<MaxReturned>50</MaxReturned>" in documents[0]
    assert 'iterator="Start"' in documents[0] and 'iterator="Continue"' in documents[1]

"""QuickBooks → FieldOffice: customers, sub-customers as service locations, tax rates and terms."""

from apps.customers.models import Customer, ServiceLocation
from apps.quickbooks.models import RecordLink, SyncRunStatus
from tests.factories import CustomerFactory
from tests.quickbooks.sync.conftest import configure, entries, remote_create, sync


def test_first_pull_creates_customers_and_locations(division, connection, company):
    parent = remote_create(
        company,
        "Customer",
        {
            "DisplayName": "Acme Heating",
            "CompanyName": "Acme Heating LLC",
            "PrimaryPhone": {"FreeFormNumber": "555-0100"},
        },
    )
    remote_create(
        company,
        "Customer",
        {
            "DisplayName": "Warehouse",
            "Job": True,
            "ParentRef": {"value": parent.entity_id},
            "ShipAddr": {"Line1": "1 Dock St", "City": "Duluth"},
        },
    )
    configure(division, customers_direction="to_local")

    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    customer = Customer.objects.get(division=division, display_name="Acme Heating")
    assert customer.company_name == "Acme Heating LLC"
    assert customer.phone == "555-0100"
    location = ServiceLocation.objects.get(customer=customer)
    assert (location.name, location.street, location.city) == ("Warehouse", "1 Dock St", "Duluth")
    assert ("customer", "created", "Acme Heating") in entries(run)
    assert RecordLink.objects.filter(division=division).count() >= 2


def test_one_way_pull_skips_an_unlinked_local_namesake(division, connection, company):
    CustomerFactory(division=division, display_name="Cedar Roofing")
    remote_create(company, "Customer", {"DisplayName": "Cedar Roofing"})
    configure(division, customers_direction="to_local")

    run = sync(division)

    assert Customer.objects.filter(division=division, display_name__iexact="cedar roofing").count() == 1
    assert entries(run, action="skipped") == [("customer", "skipped", "Cedar Roofing")]
    assert not RecordLink.objects.filter(division=division, entity_type="Customer").exists()

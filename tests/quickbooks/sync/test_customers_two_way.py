"""
Two-way customer sync with QuickBooks Online: sub-customers, inactivity and echoes. Namesakes linked, conflicts and
one-sided changes run once per backend in ``tests.quickbooks.scenarios.test_customers``.
"""

from datetime import timedelta

from django.utils import timezone

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_update, service_location_create, service_location_update
from apps.quickbooks.models import RecordLink, SyncRunStatus
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.scenarios.helpers import last_run_was, local_edited_at
from tests.quickbooks.sync.conftest import (
    configure,
    entries,
    remote_by_name,
    remote_create,
    remote_customers,
    remote_update,
    sync,
)


def two_way(division, primary: str):
    return configure(division, customers_direction="two_way", customers_primary=primary)


def messages(run) -> list[str]:
    return list(run.entries.values_list("message", flat=True))


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, messages(run))


# A customer's tax setting and its sub-customers'.


def test_a_customer_made_exempt_here_while_quickbooks_edits_its_location_exempts_the_location(
    division, connection, company
):
    customer = CustomerFactory(division=division, display_name="Dune Dental", taxable=True)
    location = ServiceLocationFactory(customer=customer, name="Clinic", street="1 Old St")
    two_way(division, "local")
    assert_clean(sync(division))
    last_run_was(division, timedelta(hours=1))
    local_edited_at(location, timezone.now() - timedelta(hours=2))
    customer_update(customer=customer, taxable=False)
    remote_update(company, "Customer", remote_by_name(company, "Clinic"), {"ShipAddr": {"Line1": "3 Remote St"}})

    run = sync(division)

    assert_clean(run)
    location.refresh_from_db()
    assert location.street == "3 Remote St"
    # QuickBooks' edit of the address is taken; its sub-customer still taxable is not what FieldOffice sends.
    clinic = remote_by_name(company, "Clinic")
    assert (clinic.data["ShipAddr"]["Line1"], clinic.data["Taxable"]) == ("3 Remote St", False)
    assert sync(division).entries.count() == 0


# Sub-customers: how QuickBooks Online keeps service locations.


def test_sub_customers_at_any_depth_become_locations_of_the_top_level_customer(division, connection, company):
    top = remote_create(company, "Customer", {"DisplayName": "Iris Irrigation"})
    job = remote_create(
        company,
        "Customer",
        {
            "DisplayName": "North Field",
            "Job": True,
            "ParentRef": {"value": top.entity_id},
            "ShipAddr": {"Line1": "10 North Rd", "City": "Fargo"},
        },
    )
    remote_create(
        company,
        "Customer",
        {
            "DisplayName": "North Field Pump House",
            "Job": True,
            "ParentRef": {"value": job.entity_id},
            "ShipAddr": {"Line1": "12 North Rd", "City": "Fargo"},
        },
    )
    two_way(division, "quickbooks")

    run = sync(division)

    assert_clean(run)
    customer = Customer.objects.get(division=division)
    assert customer.display_name == "Iris Irrigation"
    locations = {location.name: location for location in customer.service_locations.all()}
    assert set(locations) == {"North Field", "North Field Pump House"}
    assert locations["North Field Pump House"].street == "12 North Rd"
    assert ServiceLocation.objects.filter(customer__division=division).count() == 2
    assert len(remote_customers(company)) == 3
    assert sync(division).entries.count() == 0

    # A job of the job added later (an incremental run) lands on the same top-level customer.
    deeper = remote_create(
        company,
        "Customer",
        {
            "DisplayName": "Pump House Annex",
            "Job": True,
            "ParentRef": {"value": remote_by_name(company, "North Field Pump House").entity_id},
        },
    )
    run = sync(division)
    assert_clean(run)
    assert customer.service_locations.filter(name="Pump House Annex").exists()
    assert RecordLink.objects.filter(division=division, qbo_id=deeper.entity_id).count() == 1


def test_editing_a_nested_location_here_leaves_it_where_it_sits_in_quickbooks(division, connection, company):
    top = remote_create(company, "Customer", {"DisplayName": "Jade Jetty"})
    job = remote_create(
        company, "Customer", {"DisplayName": "Dock A", "Job": True, "ParentRef": {"value": top.entity_id}}
    )
    remote_create(
        company, "Customer", {"DisplayName": "Dock A Crane", "Job": True, "ParentRef": {"value": job.entity_id}}
    )
    two_way(division, "quickbooks")
    sync(division)
    crane = ServiceLocation.objects.get(name="Dock A Crane")

    service_location_update(location=crane, street="1 Crane Way")
    run = sync(division)

    assert_clean(run)
    remote = remote_by_name(company, "Dock A Crane")
    assert remote.data["ParentRef"]["value"] == job.entity_id
    assert remote.data["ShipAddr"]["Line1"] == "1 Crane Way"


def test_a_new_local_location_becomes_a_sub_customer(division, connection, company):
    top = remote_create(company, "Customer", {"DisplayName": "Juniper Joinery"})
    two_way(division, "quickbooks")
    assert_clean(sync(division))
    customer = Customer.objects.get(division=division, display_name="Juniper Joinery")

    location = service_location_create(customer=customer, name="Workshop", street="5 Saw Ln", city="Ely")
    run = sync(division)

    assert_clean(run)
    assert entries(run) == [("service location", "created", "Juniper Joinery: Workshop")]
    job = remote_by_name(company, "Workshop")
    assert job.data["Job"] is True and job.data["ParentRef"]["value"] == top.entity_id
    assert (job.data["ShipAddr"]["Line1"], job.data["ShipAddr"]["City"]) == ("5 Saw Ln", "Ely")
    link = RecordLink.objects.get(division=division, qbo_id=job.entity_id)
    assert link.object_id == location.pk
    assert ServiceLocation.objects.filter(customer=customer).count() == 1
    assert sync(division).entries.count() == 0


# Inactive on one side becomes inactive on the other.


def test_made_inactive_here_becomes_inactive_in_quickbooks(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Kale Kitchens")
    location = ServiceLocationFactory(customer=customer, name="Kale Central Kitchen")
    other = ServiceLocationFactory(
        customer=CustomerFactory(division=division, display_name="Lark Lofts"), name="Loft 1"
    )
    two_way(division, "quickbooks")
    assert_clean(sync(division))

    customer_update(customer=customer, active=False)
    service_location_update(location=other, active=False)
    run = sync(division)

    assert_clean(run)
    assert remote_by_name(company, "Kale Kitchens").data["Active"] is False
    assert remote_by_name(company, "Loft 1").data["Active"] is False
    assert remote_by_name(company, "Lark Lofts").data["Active"] is True
    # QuickBooks makes a customer's jobs inactive with it; the runs that follow settle without echoes.
    assert remote_by_name(company, "Kale Central Kitchen").data["Active"] is False
    sync(division)
    location.refresh_from_db()
    assert location.active is False
    assert sync(division).entries.count() == 0
    customer.refresh_from_db()
    assert customer.active is False


def test_made_inactive_in_quickbooks_becomes_inactive_here(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Maple Motors")
    location = ServiceLocationFactory(customer=customer, name="Maple Garage")
    other = ServiceLocationFactory(
        customer=CustomerFactory(division=division, display_name="Nettle Nursery"), name="Greenhouse"
    )
    two_way(division, "local")
    assert_clean(sync(division))

    remote_update(company, "Customer", remote_by_name(company, "Maple Motors"), {"Active": False})
    remote_update(company, "Customer", remote_by_name(company, "Greenhouse"), {"Active": False})
    run = sync(division)

    assert_clean(run)
    customer.refresh_from_db()
    location.refresh_from_db()
    other.refresh_from_db()
    assert customer.active is False
    assert location.active is False
    assert other.active is False
    assert Customer.objects.get(division=division, display_name="Nettle Nursery").active is True
    assert ("customer", "deactivated", "Maple Motors") in entries(run)
    assert ("service location", "deactivated", "Nettle Nursery: Greenhouse") in entries(run)
    assert remote_by_name(company, "Maple Motors").data["Active"] is False
    assert sync(division).entries.count() == 0


# Echo: what a run wrote does not come back at the next one.


def test_an_idle_run_after_a_two_way_run_makes_at_most_two_calls_and_logs_nothing(division, connection, company):
    for index in range(3):
        customer = CustomerFactory(division=division, display_name=f"Local Customer {index}")
        ServiceLocationFactory(customer=customer, name=f"Local Site {index}")
    for index in range(3):
        parent = remote_create(company, "Customer", {"DisplayName": f"Remote Customer {index}"})
        remote_create(
            company,
            "Customer",
            {"DisplayName": f"Remote Site {index}", "Job": True, "ParentRef": {"value": parent.entity_id}},
        )
    CustomerFactory(division=division, display_name="Shared Customer", phone="555-0001")
    remote_create(company, "Customer", {"DisplayName": "shared customer", "PrimaryPhone": {"FreeFormNumber": "1"}})
    two_way(division, "local")

    first = sync(division)
    assert_clean(first)
    assert Customer.objects.filter(division=division).count() == 7
    assert ServiceLocation.objects.filter(customer__division=division).count() == 6
    assert len(remote_customers(company)) == 13

    idle = sync(division)
    assert idle.status == SyncRunStatus.SUCCEEDED
    assert idle.entries.count() == 0
    assert idle.api_calls <= 2

    # Edits on both sides, then the run that applies them, then again nothing.
    customer_update(customer=Customer.objects.get(display_name="Local Customer 0"), phone="555-9999")
    remote_update(company, "Customer", remote_by_name(company, "Remote Site 1"), {"ShipAddr": {"Line1": "1 New St"}})
    assert_clean(sync(division))
    idle = sync(division)
    assert idle.entries.count() == 0
    assert idle.api_calls <= 2

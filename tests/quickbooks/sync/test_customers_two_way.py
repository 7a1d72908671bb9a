"""
Two-way customer sync with QuickBooks Online, what only Online does: its sub-customers (at any depth, their own tax
setting) as service locations. What both backends do (namesakes linked, conflicts, one-sided changes, inactivity,
echoes) runs once per backend in ``tests.quickbooks.scenarios.test_customers``.
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

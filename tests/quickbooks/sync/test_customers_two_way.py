"""Two-way customer sync: matching by name, conflicts, one-sided changes, sub-customers, inactivity and echoes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_update, service_location_create, service_location_update
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.timefmt import qbo_datetime
from apps.quickbooks.models import RecordLink, SyncRunStatus, SyncState
from tests.factories import CustomerFactory, ServiceLocationFactory
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


def last_run_was(division, ago: timedelta) -> None:
    """As if the last sync had run ``ago`` before now: edits made since are then datable in between."""
    SyncState.objects.filter(division=division).update(local_cursor=timezone.now() - ago)


def local_edited_at(record, at) -> None:
    type(record).objects.filter(pk=record.pk).update(updated_at=at)


def remote_edited_at(company, record: SandboxEntity, at) -> None:
    """Set QuickBooks' ``MetaData.LastUpdatedTime`` of ``record`` (change data capture still reports it)."""
    record.refresh_from_db()
    record.data["MetaData"]["LastUpdatedTime"] = qbo_datetime(at, company.time_zone)
    record.save(update_fields=["data"])


def customer_links(division) -> RecordLink:
    return RecordLink.objects.filter(division=division, entity_type="Customer").exclude(qbo_id="")


# (a) First sync: records on both sides under the same name are linked, and the primary's values win.


def _namesakes(division, company):
    local = CustomerFactory(division=division, display_name="Acme Heating", phone="612-555-0101", email="")
    ServiceLocationFactory(customer=local, name="Main Plant", street="1 Local St", city="Minneapolis")
    remote = remote_create(
        company,
        "Customer",
        {"DisplayName": "ACME  heating", "PrimaryPhone": {"FreeFormNumber": "218-555-0202"}},
    )
    remote_create(
        company,
        "Customer",
        {
            "DisplayName": "main PLANT",
            "Job": True,
            "ParentRef": {"value": remote.entity_id},
            "ShipAddr": {"Line1": "2 Remote Rd", "City": "Duluth"},
        },
    )
    return local, remote


def test_first_sync_with_fieldoffice_primary_links_namesakes_and_sends_local_values(division, connection, company):
    local, remote = _namesakes(division, company)
    two_way(division, "local")

    run = sync(division)

    assert_clean(run)
    assert len(remote_customers(company)) == 2
    assert Customer.objects.filter(division=division).count() == 1
    assert ServiceLocation.objects.filter(customer__division=division).count() == 1
    remote.refresh_from_db()
    assert remote.data["DisplayName"] == "Acme Heating"
    assert remote.data["PrimaryPhone"]["FreeFormNumber"] == "612-555-0101"
    job = remote_by_name(company, "Main Plant")
    assert job.data["ParentRef"]["value"] == remote.entity_id
    assert (job.data["ShipAddr"]["Line1"], job.data["ShipAddr"]["City"]) == ("1 Local St", "Minneapolis")
    local.refresh_from_db()
    assert (local.display_name, local.phone) == ("Acme Heating", "612-555-0101")
    location = local.service_locations.get()
    assert (location.name, location.street) == ("Main Plant", "1 Local St")
    assert sorted((entity, action) for entity, action, _ in entries(run)) == [
        ("customer", "linked"),
        ("customer", "updated"),
        ("service location", "linked"),
        ("service location", "updated"),
    ]
    assert customer_links(division).count() == 2
    assert sync(division).entries.count() == 0


def test_first_sync_with_quickbooks_primary_links_namesakes_and_takes_quickbooks_values(division, connection, company):
    local, remote = _namesakes(division, company)
    remote_sync_token = remote.sync_token
    two_way(division, "quickbooks")

    run = sync(division)

    assert_clean(run)
    assert len(remote_customers(company)) == 2
    assert Customer.objects.filter(division=division).count() == 1
    local.refresh_from_db()
    assert local.display_name == remote.data["DisplayName"]
    assert local.phone == "218-555-0202"
    location = local.service_locations.get()
    assert (location.name, location.street, location.city) == ("main PLANT", "2 Remote Rd", "Duluth")
    remote.refresh_from_db()
    assert remote.sync_token == remote_sync_token, "QuickBooks' values won: nothing is sent back"
    assert remote.data["PrimaryPhone"]["FreeFormNumber"] == "218-555-0202"
    assert {(entity, action) for entity, action, _ in entries(run)} == {
        ("customer", "linked"),
        ("service location", "linked"),
    }
    assert customer_links(division).count() == 2
    assert sync(division).entries.count() == 0


# (b) Both sides edited since the last run: the later edit wins; the losing version is kept in the log.


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_conflict_quickbooks_edit_later_wins(division, connection, company, primary):
    customer = CustomerFactory(division=division, display_name="Birch Boilers", phone="555-0000")
    two_way(division, primary)
    assert_clean(sync(division))
    last_run_was(division, timedelta(hours=1))
    customer_update(customer=customer, phone="555-1111", email="local@birch.example")
    local_edited_at(customer, timezone.now() - timedelta(minutes=30))
    remote_update(
        company, "Customer", remote_by_name(company, "Birch Boilers"), {"PrimaryPhone": {"FreeFormNumber": "555-2222"}}
    )

    run = sync(division)

    assert_clean(run)
    customer.refresh_from_db()
    remote = remote_by_name(company, "Birch Boilers")
    assert customer.phone == "555-2222"
    assert customer.email == remote.data["PrimaryEmailAddr"]["Address"]
    assert remote.data["PrimaryPhone"]["FreeFormNumber"] == "555-2222"
    (entry,) = run.entries.filter(entity="customer")
    assert entry.action == "updated"
    assert entry.details["kept"] == "QuickBooks"
    assert entry.details["losing_version"]["Phone"] == "555-1111"
    assert entry.details["losing_version"]["Email"] == "local@birch.example"
    assert "later edit" in entry.message
    assert sync(division).entries.count() == 0


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_conflict_fieldoffice_edit_later_wins(division, connection, company, primary):
    customer = CustomerFactory(division=division, display_name="Cobalt Cooling", phone="555-0000")
    two_way(division, primary)
    assert_clean(sync(division))
    last_run_was(division, timedelta(hours=1))
    remote = remote_update(
        company,
        "Customer",
        remote_by_name(company, "Cobalt Cooling"),
        {"PrimaryPhone": {"FreeFormNumber": "555-2222"}, "CompanyName": "Cobalt Remote Inc"},
    )
    remote_edited_at(company, remote, timezone.now() - timedelta(minutes=30))
    customer_update(customer=customer, phone="555-1111")

    run = sync(division)

    assert_clean(run)
    customer.refresh_from_db()
    remote = remote_by_name(company, "Cobalt Cooling")
    assert customer.phone == "555-1111"
    assert remote.data["PrimaryPhone"]["FreeFormNumber"] == "555-1111"
    assert remote.data["CompanyName"] == customer.company_name
    (kept,) = run.entries.filter(entity="customer", action="skipped")
    assert kept.details["kept"] == "FieldOffice"
    assert kept.details["losing_version"]["Phone"] == "555-2222"
    assert kept.details["losing_version"]["CompanyName"] == "Cobalt Remote Inc"
    assert ("customer", "updated", "Cobalt Cooling") in entries(run)
    assert sync(division).entries.count() == 0


def test_conflict_on_a_location_later_quickbooks_edit_wins(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Dune Dental")
    location = ServiceLocationFactory(customer=customer, name="Clinic", street="1 Old St")
    two_way(division, "local")
    assert_clean(sync(division))
    last_run_was(division, timedelta(hours=1))
    service_location_update(location=location, street="2 Local St")
    local_edited_at(location, timezone.now() - timedelta(minutes=30))
    remote_update(company, "Customer", remote_by_name(company, "Clinic"), {"ShipAddr": {"Line1": "3 Remote St"}})

    run = sync(division)

    assert_clean(run)
    location.refresh_from_db()
    assert location.street == "3 Remote St"
    assert remote_by_name(company, "Clinic").data["ShipAddr"]["Line1"] == "3 Remote St"
    (entry,) = run.entries.filter(entity="service location")
    assert entry.details["kept"] == "QuickBooks"
    assert "2 Local St" in entry.details["losing_version"]["address"]


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


# (c) A change on one side only flows to the other.


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_a_change_on_one_side_only_flows_to_the_other(division, connection, company, primary):
    fieldoffice_side = CustomerFactory(division=division, display_name="Elm Estates", phone="555-0001")
    quickbooks_side = CustomerFactory(division=division, display_name="Fern Farms", phone="555-0002")
    two_way(division, primary)
    assert_clean(sync(division))

    customer_update(customer=fieldoffice_side, phone="555-1001", billing_city="St Paul")
    remote_update(
        company, "Customer", remote_by_name(company, "Fern Farms"), {"PrimaryPhone": {"FreeFormNumber": "555-2002"}}
    )
    run = sync(division)

    assert_clean(run)
    assert sorted(entries(run)) == [("customer", "updated", "Elm Estates"), ("customer", "updated", "Fern Farms")]
    assert not run.entries.exclude(details={}).exists(), "no conflict"
    remote = remote_by_name(company, "Elm Estates")
    assert remote.data["PrimaryPhone"]["FreeFormNumber"] == "555-1001"
    assert remote.data["BillAddr"]["City"] == "St Paul"
    quickbooks_side.refresh_from_db()
    assert quickbooks_side.phone == "555-2002"
    fieldoffice_side.refresh_from_db()
    assert fieldoffice_side.phone == "555-1001"
    assert remote_by_name(company, "Fern Farms").data["PrimaryPhone"]["FreeFormNumber"] == "555-2002"
    assert len(remote_customers(company)) == 2
    assert sync(division).entries.count() == 0


def test_a_customer_created_on_each_side_appears_on_the_other(division, connection, company):
    two_way(division, "quickbooks")
    assert_clean(sync(division))
    CustomerFactory(division=division, display_name="Gale Glass", phone="555-0303")
    remote_create(company, "Customer", {"DisplayName": "Hazel Homes", "PrimaryPhone": {"FreeFormNumber": "555-0404"}})

    run = sync(division)

    assert_clean(run)
    assert sorted(entries(run)) == [("customer", "created", "Gale Glass"), ("customer", "created", "Hazel Homes")]
    assert remote_by_name(company, "Gale Glass").data["PrimaryPhone"]["FreeFormNumber"] == "555-0303"
    assert Customer.objects.get(division=division, display_name="Hazel Homes").phone == "555-0404"
    assert len(remote_customers(company)) == 2
    assert sync(division).entries.count() == 0


# (d) Sub-customers and service locations.


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


# (e) Inactive on one side becomes inactive on the other.


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


# (f) Echo: what a run wrote does not come back at the next one.


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

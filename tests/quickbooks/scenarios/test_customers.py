"""
Customers and their service locations with QuickBooks, the scenarios both backends share, each run once per backend
(``side``): what QuickBooks changes comes back, what FieldOffice changes goes once and only once, a name another
QuickBooks list holds is explained, and a record changed in QuickBooks while it was being sent is sent again. One
way, what the other side does is left alone; two way, the first sync links namesakes and the primary system's values
win, an edit on one side flows to the other, both sides edited means the later edit wins (the losing version kept in
the log), inactive on one side becomes inactive on the other, and what a run wrote does not come back.

How each QuickBooks keeps a location differs (Online: a sub-customer; Desktop: a ship-to address of the customer,
known by its name, with no inactive flag of its own); ``side.locations_there`` and ``side.location_there`` read
either. What only one backend does has its own tests (``tests/quickbooks/sync``, ``tests/quickbooks/desktop_sync``).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_update, service_location_update
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunStatus
from tests.factories import CustomerFactory, PaymentTermFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.scenarios.faults import LostAnswers
from tests.quickbooks.scenarios.helpers import last_run_was, link_of, local_edited_at

pytestmark = pytest.mark.usefixtures("live_server")


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run) -> list[tuple[str, str, str]]:
    return sorted(run.entries.values_list("entity", "action", "record_label"))


def customer_links(division):
    return RecordLink.objects.filter(division=division, entity_type="Customer").exclude(qbo_id="")


def test_an_edit_in_quickbooks_comes_back_and_an_idle_run_costs_little(side, division):
    side.customer_add("Birch Plumbing", phone="555-0001")
    side.configure("to_local", lists=False)
    assert_clean(side.sync())

    idle = side.sync()

    assert_clean(idle)
    assert idle.entries.count() == 0 and side.calls(idle) <= 2

    side.customer_change("Birch Plumbing", phone="555-0199", active=False)
    run = side.sync()

    assert_clean(run)
    customer = Customer.objects.get(division=division, display_name="Birch Plumbing")
    assert (customer.phone, customer.active) == ("555-0199", False)
    assert entries(run) == [("customer", "deactivated", "Birch Plumbing")]


def test_customers_and_locations_go_once_and_only_their_changes_follow(side, division):
    customer = CustomerFactory(division=division, display_name="Benson Farms", phone="555-0101")
    ServiceLocationFactory(customer=customer, name="North Barn", street="1 Farm Rd")
    ServiceLocationFactory(customer=customer, name="South Barn", street="2 Farm Rd")
    side.configure("to_quickbooks", lists=False)

    run = side.sync()

    assert_clean(run)
    assert side.customer_there("Benson Farms")["phone"] == "555-0101"
    assert side.locations_there("Benson Farms") == {"North Barn": "1 Farm Rd", "South Barn": "2 Farm Rd"}
    assert {("customer", "created"), ("service location", "created")} <= {(e, a) for e, a, _ in entries(run)}

    idle = side.sync()

    assert_clean(idle)
    assert idle.entries.count() == 0 and side.calls(idle) <= 2 and not side.written

    service_location_update(location=customer.service_locations.get(name="North Barn"), street="1A Farm Rd")
    side.sync()

    assert side.locations_there("Benson Farms") == {"North Barn": "1A Farm Rd", "South Barn": "2 Farm Rd"}

    customer_update(customer=customer, phone="555-0199", active=False)
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("customer", "updated", "Benson Farms")]
    assert {key: side.customer_there("Benson Farms")[key] for key in ("phone", "active")} == {
        "phone": "555-0199",
        "active": False,
    }
    assert side.customers_there() == 1


@pytest.mark.preview_unpredictable(
    "QuickBooks refuses the name when the customer arrives; a preview looks names up among customers only, not "
    "vendors and employees"
)
def test_a_name_a_vendor_holds_is_explained_and_the_rest_goes_on(side, division):
    side.vendor_add("Grove Supply")
    CustomerFactory(division=division, display_name="Grove Supply")
    CustomerFactory(division=division, display_name="Brightside Dental")
    side.configure("to_quickbooks", lists=False)

    run = side.sync()

    assert run.status == SyncRunStatus.PARTIAL
    (failed,) = run.entries.filter(action=SyncAction.FAILED)
    assert "A vendor or employee in QuickBooks already uses the name Grove Supply" in failed.message
    linked = RecordLink.objects.filter(division=division, entity_type="Customer").exclude(qbo_id="")
    assert [link.object_id for link in linked] == [Customer.objects.get(display_name="Brightside Dental").pk]


def test_a_record_changed_in_quickbooks_while_it_is_sent_is_read_again_and_sent_once_more(side, division):
    customer = CustomerFactory(division=division, display_name="Kiln Works", phone="555-0001")
    side.configure("to_quickbooks", lists=False)
    assert_clean(side.sync())
    # Someone edits it in QuickBooks: the version FieldOffice holds is now out of date.
    side.customer_change("Kiln Works", notes="Gate code 1234")
    customer_update(customer=customer, phone="555-0002")

    run = side.sync()

    assert_clean(run)
    there = side.customer_there("Kiln Works")
    assert (there["phone"], there["notes"]) == ("555-0002", "Gate code 1234")
    assert side.customers_there() == 1


def test_a_location_whose_customer_changed_in_quickbooks_while_it_is_sent_is_sent_once_more(side, division):
    customer = CustomerFactory(division=division, display_name="Kiln Works", phone="555-0001")
    location = ServiceLocationFactory(customer=customer, name="Yard", street="1 Clay Rd")
    side.configure("to_quickbooks", lists=False)
    assert_clean(side.sync())
    # Someone edits the customer in QuickBooks: its version (a Desktop ship-to's too) is now out of date.
    side.customer_change("Kiln Works", notes="Gate code 1234")
    service_location_update(location=location, street="1A Clay Rd")

    run = side.sync()

    assert_clean(run)
    assert side.locations_there("Kiln Works") == {"Yard": "1A Clay Rd"}
    assert side.customer_there("Kiln Works")["notes"] == "Gate code 1234"
    assert [(entity, action) for entity, action, _ in entries(run)] == [("service location", "updated")]


# One way: what the other side does is left alone.


@pytest.mark.preview_unpredictable(
    "a preview does not send the customer's change, so it does not learn that QuickBooks no longer has the customer"
)
@pytest.mark.parametrize("direction", ["to_quickbooks", "two_way"])
def test_a_customer_quickbooks_lost_is_created_there_again_with_its_locations_when_it_changes(
    side, division, direction
):
    customer = CustomerFactory(division=division, display_name="Pike Orchards", phone="555-0001")
    ServiceLocationFactory(customer=customer, name="Packing Shed", street="4 Orchard Ln")
    ServiceLocationFactory(customer=customer, name="Cold Store", street="6 Orchard Ln")
    CustomerFactory(division=division, display_name="Quarry Stone", phone="555-0002")
    side.configure(direction, lists=False, primary="local")
    assert_clean(side.sync())
    side.customer_lost("Pike Orchards")
    customer_update(customer=customer, phone="555-0101")

    run = side.sync()

    assert_clean(run)
    assert entries(run) == [
        ("customer", "created", "Pike Orchards"),
        ("service location", "created", "Pike Orchards: Cold Store"),
        ("service location", "created", "Pike Orchards: Packing Shed"),
    ]
    again = run.entries.get(entity="customer")
    assert again.message == "QuickBooks no longer has it (deleted there, or a restored backup): created there again."
    assert again.qbo_id == link_of(customer).qbo_id
    assert side.customer_there("Pike Orchards")["phone"] == "555-0101"
    assert side.locations_there("Pike Orchards") == {"Packing Shed": "4 Orchard Ln", "Cold Store": "6 Orchard Ln"}
    assert side.customers_there() == 2

    idle = side.sync()

    assert_clean(idle)
    assert idle.entries.count() == 0


def test_first_pull_creates_customers_and_locations(side, division):
    side.customer_add("Acme Heating", company_name="Acme Heating LLC", phone="555-0100")
    side.location_add("Acme Heating", "Warehouse", street="1 Dock St", city="Duluth")
    side.configure("to_local", lists=False)

    run = side.sync()

    assert_clean(run)
    customer = Customer.objects.get(division=division, display_name="Acme Heating")
    assert customer.company_name == "Acme Heating LLC"
    assert customer.phone == "555-0100"
    location = ServiceLocation.objects.get(customer=customer)
    assert (location.name, location.street, location.city) == ("Warehouse", "1 Dock St", "Duluth")
    assert ("customer", "created", "Acme Heating") in entries(run)
    assert RecordLink.objects.filter(division=division).count() >= 2


def test_an_edit_of_a_customer_and_its_location_in_quickbooks_comes_back_at_the_next_run(side, division):
    side.customer_add("Carefree", phone="918-555-0100")
    side.location_add("Carefree", "Warehouse", street="9 Dock Rd", city="Tulsa")
    side.configure("to_local", lists=False)
    assert_clean(side.sync())

    side.customer_change("Carefree", phone="918-555-0199")
    side.location_change("Carefree", "Warehouse", street="10 Dock Rd")
    run = side.sync()

    assert_clean(run)
    customer = Customer.objects.get(division=division, display_name="Carefree")
    assert customer.phone == "918-555-0199"
    assert customer.service_locations.get(name="Warehouse").street == "10 Dock Rd"


def test_one_way_pull_skips_an_unlinked_local_namesake(side, division):
    CustomerFactory(division=division, display_name="Cedar Roofing")
    side.customer_add("Cedar Roofing")
    side.configure("to_local", lists=False)

    run = side.sync()

    assert Customer.objects.filter(division=division, display_name__iexact="cedar roofing").count() == 1
    assert entries(run) == [("customer", "skipped", "Cedar Roofing")]
    assert not RecordLink.objects.filter(division=division, entity_type="Customer").exists()


def test_first_push_creates_terms_and_tax_rates_then_customers_then_locations(side, division):
    term = PaymentTermFactory(division=division, name="Net 45", due_days=45)
    rate = TaxRateFactory(division=division, name="Duluth 8.875%", percent="8.8750", agency="MN Revenue")
    customer = CustomerFactory(division=division, display_name="Delta Dairy", payment_term=term, tax_rate=rate)
    ServiceLocationFactory(customer=customer, name="Barn 2", street="9 Farm Rd")
    side.configure("to_quickbooks")

    run = side.sync()

    assert_clean(run)
    assert side.locations_there("Delta Dairy") == {"Barn 2": "9 Farm Rd"}
    assert side.location_there("Delta Dairy", "Barn 2")["street"] == "9 Farm Rd"  # Online: a job under it.
    there = side.customer_there("Delta Dairy")
    assert there["term"] == side.term_id("Net 45")
    assert there["tax"] == side.tax_id("Duluth 8.875%")
    assert {
        ("payment term", "created"),
        ("tax rate", "created"),
        ("customer", "created"),
        ("service location", "created"),
    } <= {(entity, action) for entity, action, _ in entries(run)}


def test_edits_in_quickbooks_are_not_pulled_in_one_way_push(side, division):
    customer = CustomerFactory(division=division, display_name="Juniper Lofts", phone="555-0001")
    side.configure("to_quickbooks", lists=False)
    assert_clean(side.sync())
    side.customer_change("Juniper Lofts", phone="555-0002")

    side.sync()

    customer.refresh_from_db()
    assert customer.phone == "555-0001"


def test_a_push_only_run_without_tax_and_terms_reads_nothing_and_still_sends_edits(side, division):
    customer = CustomerFactory(division=division, display_name="Fir Fencing", phone="555-0100")
    side.configure("to_quickbooks", lists=False)
    side.sync()
    side.sync()  # Sets the cursor: from now on nothing needs reading from QuickBooks.
    customer_update(customer=customer, phone="555-0199")

    run = side.sync()

    assert_clean(run)
    assert side.calls(run) == 1  # The write alone: Desktop's edit sequence is the one the link keeps.
    assert side.customer_there("Fir Fencing")["phone"] == "555-0199"


# Two way, first sync: records on both sides under the same name are linked, and the primary's values win.


def _namesakes(side, division):
    local = CustomerFactory(division=division, display_name="Acme Heating", phone="612-555-0101", email="")
    ServiceLocationFactory(customer=local, name="Main Plant", street="1 Local St", city="Minneapolis")
    side.customer_add("ACME  heating", phone="218-555-0202")
    side.location_add("ACME  heating", "main PLANT", street="2 Remote Rd", city="Duluth")
    return local


def test_first_sync_with_fieldoffice_primary_links_namesakes_and_sends_local_values(side, division):
    local = _namesakes(side, division)
    side.configure("two_way", lists=False, primary="local")

    run = side.sync()

    assert_clean(run)
    assert side.customer_names_there() == ["Acme Heating"]
    assert Customer.objects.filter(division=division).count() == 1
    assert ServiceLocation.objects.filter(customer__division=division).count() == 1
    assert side.customer_there("Acme Heating")["phone"] == "612-555-0101"
    name_there = "Main Plant" if side.renames_locations else "main PLANT"
    assert side.locations_there("Acme Heating") == {name_there: "1 Local St"}
    assert side.location_there("Acme Heating", name_there)["city"] == "Minneapolis"
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
    assert side.sync().entries.count() == 0


def test_first_sync_with_quickbooks_primary_links_namesakes_and_takes_quickbooks_values(side, division):
    local = _namesakes(side, division)
    version = side.customer_there("ACME  heating")["version"]
    side.configure("two_way", lists=False, primary="quickbooks")

    run = side.sync()

    assert_clean(run)
    assert side.customer_names_there() == ["ACME  heating"]
    assert Customer.objects.filter(division=division).count() == 1
    local.refresh_from_db()
    assert local.display_name == "ACME  heating"
    assert local.phone == "218-555-0202"
    location = local.service_locations.get()
    assert (location.name, location.street, location.city) == ("main PLANT", "2 Remote Rd", "Duluth")
    there = side.customer_there("ACME  heating")
    assert there["version"] == version, "QuickBooks' values won: nothing is sent back"
    assert there["phone"] == "218-555-0202"
    assert {(entity, action) for entity, action, _ in entries(run)} == {
        ("customer", "linked"),
        ("service location", "linked"),
    }
    assert customer_links(division).count() == 2
    assert side.sync().entries.count() == 0


# Two way, both sides edited since the last run: the later edit wins; the losing version is kept in the log.


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_conflict_quickbooks_edit_later_wins(side, division, primary):
    customer = CustomerFactory(division=division, display_name="Birch Boilers", phone="555-0000")
    side.configure("two_way", lists=False, primary=primary)
    assert_clean(side.sync())
    last_run_was(division, timedelta(hours=1))
    customer_update(customer=customer, phone="555-1111", email="local@birch.example")
    local_edited_at(customer, timezone.now() - timedelta(minutes=30))
    side.customer_change("Birch Boilers", phone="555-2222")

    run = side.sync()

    assert_clean(run)
    customer.refresh_from_db()
    there = side.customer_there("Birch Boilers")
    assert customer.phone == "555-2222"
    assert customer.email == there["email"]
    assert there["phone"] == "555-2222"
    (entry,) = run.entries.filter(entity="customer")
    assert entry.action == "updated"
    assert entry.details["kept"] == "QuickBooks"
    assert entry.details["losing_version"]["Phone"] == "555-1111"
    assert entry.details["losing_version"]["Email"] == "local@birch.example"
    assert "later edit" in entry.message
    assert side.sync().entries.count() == 0


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_conflict_fieldoffice_edit_later_wins(side, division, primary):
    customer = CustomerFactory(division=division, display_name="Cobalt Cooling", phone="555-0000")
    side.configure("two_way", lists=False, primary=primary)
    assert_clean(side.sync())
    last_run_was(division, timedelta(hours=1))
    side.customer_change(
        "Cobalt Cooling",
        phone="555-2222",
        company_name="Cobalt Remote Inc",
        at=timezone.now() - timedelta(minutes=30),
    )
    customer_update(customer=customer, phone="555-1111")

    run = side.sync()

    assert_clean(run)
    customer.refresh_from_db()
    there = side.customer_there("Cobalt Cooling")
    assert customer.phone == "555-1111"
    assert there["phone"] == "555-1111"
    assert there["company"] == customer.company_name
    (kept,) = run.entries.filter(entity="customer", action="skipped")
    assert kept.details["kept"] == "FieldOffice"
    assert kept.details["losing_version"]["Phone"] == "555-2222"
    assert kept.details["losing_version"]["CompanyName"] == "Cobalt Remote Inc"
    assert ("customer", "updated", "Cobalt Cooling") in entries(run)
    assert side.sync().entries.count() == 0


def test_conflict_on_a_location_later_quickbooks_edit_wins(side, division):
    customer = CustomerFactory(division=division, display_name="Dune Dental")
    location = ServiceLocationFactory(customer=customer, name="Clinic", street="1 Old St")
    side.configure("two_way", lists=False, primary="local")
    assert_clean(side.sync())
    last_run_was(division, timedelta(hours=1))
    service_location_update(location=location, street="2 Local St")
    local_edited_at(location, timezone.now() - timedelta(minutes=30))
    side.location_change("Dune Dental", "Clinic", street="3 Remote St")

    run = side.sync()

    assert_clean(run)
    location.refresh_from_db()
    assert location.street == "3 Remote St"
    assert side.location_there("Dune Dental", "Clinic")["street"] == "3 Remote St"
    (entry,) = run.entries.filter(entity="service location")
    assert entry.details["kept"] == "QuickBooks"
    assert "2 Local St" in entry.details["losing_version"]["address"]


# Two way: a change on one side only flows to the other.


@pytest.mark.parametrize("primary", ["local", "quickbooks"])
def test_a_change_on_one_side_only_flows_to_the_other(side, division, primary):
    fieldoffice_side = CustomerFactory(division=division, display_name="Elm Estates", phone="555-0001")
    quickbooks_side = CustomerFactory(division=division, display_name="Fern Farms", phone="555-0002")
    side.configure("two_way", lists=False, primary=primary)
    assert_clean(side.sync())

    customer_update(customer=fieldoffice_side, phone="555-1001", billing_city="St Paul")
    side.customer_change("Fern Farms", phone="555-2002")
    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("customer", "updated", "Elm Estates"), ("customer", "updated", "Fern Farms")]
    assert not run.entries.exclude(details={}).exists(), "no conflict"
    there = side.customer_there("Elm Estates")
    assert (there["phone"], there["city"]) == ("555-1001", "St Paul")
    quickbooks_side.refresh_from_db()
    assert quickbooks_side.phone == "555-2002"
    fieldoffice_side.refresh_from_db()
    assert fieldoffice_side.phone == "555-1001"
    assert side.customer_there("Fern Farms")["phone"] == "555-2002"
    assert side.customers_there() == 2
    assert side.sync().entries.count() == 0


def test_a_customer_created_on_each_side_appears_on_the_other(side, division):
    side.configure("two_way", lists=False, primary="quickbooks")
    assert_clean(side.sync())
    CustomerFactory(division=division, display_name="Gale Glass", phone="555-0303")
    side.customer_add("Hazel Homes", phone="555-0404")

    run = side.sync()

    assert_clean(run)
    assert entries(run) == [("customer", "created", "Gale Glass"), ("customer", "created", "Hazel Homes")]
    assert side.customer_there("Gale Glass")["phone"] == "555-0303"
    assert Customer.objects.get(division=division, display_name="Hazel Homes").phone == "555-0404"
    assert side.customers_there() == 2
    assert side.sync().entries.count() == 0


# Two way: inactive on one side becomes inactive on the other (as far as QuickBooks keeps a location inactive).


def test_made_inactive_here_becomes_inactive_in_quickbooks(side, division):
    customer = CustomerFactory(division=division, display_name="Kale Kitchens")
    location = ServiceLocationFactory(customer=customer, name="Kale Central Kitchen")
    other = ServiceLocationFactory(
        customer=CustomerFactory(division=division, display_name="Lark Lofts"), name="Loft 1"
    )
    side.configure("two_way", lists=False, primary="quickbooks")
    assert_clean(side.sync())

    customer_update(customer=customer, active=False)
    service_location_update(location=other, active=False)
    run = side.sync()

    assert_clean(run)
    assert side.customer_there("Kale Kitchens")["active"] is False
    # Desktop keeps no inactive flag on a ship-to address: the location stays in use there.
    assert side.location_there("Lark Lofts", "Loft 1")["active"] is not side.locations_go_inactive
    assert side.customer_there("Lark Lofts")["active"] is True
    # QuickBooks makes a customer's locations inactive with it; the runs that follow settle without echoes.
    assert side.location_there("Kale Kitchens", "Kale Central Kitchen")["active"] is False
    side.sync()
    location.refresh_from_db()
    assert location.active is False
    assert side.sync().entries.count() == 0
    customer.refresh_from_db()
    assert customer.active is False
    other.refresh_from_db()
    assert other.active is False


def test_made_inactive_in_quickbooks_becomes_inactive_here(side, division):
    customer = CustomerFactory(division=division, display_name="Maple Motors")
    location = ServiceLocationFactory(customer=customer, name="Maple Garage")
    other = ServiceLocationFactory(
        customer=CustomerFactory(division=division, display_name="Nettle Nursery"), name="Greenhouse"
    )
    side.configure("two_way", lists=False, primary="local")
    assert_clean(side.sync())

    side.customer_change("Maple Motors", active=False)
    if side.locations_go_inactive:  # Desktop's ship-to addresses cannot be made inactive on their own.
        side.location_change("Nettle Nursery", "Greenhouse", active=False)
    run = side.sync()

    assert_clean(run)
    customer.refresh_from_db()
    location.refresh_from_db()
    other.refresh_from_db()
    assert customer.active is False
    assert location.active is False
    assert other.active is not side.locations_go_inactive
    assert Customer.objects.get(division=division, display_name="Nettle Nursery").active is True
    assert ("customer", "deactivated", "Maple Motors") in entries(run)
    greenhouse = ("service location", "deactivated", "Nettle Nursery: Greenhouse")
    assert (greenhouse in entries(run)) is side.locations_go_inactive
    assert side.customer_there("Maple Motors")["active"] is False
    assert side.sync().entries.count() == 0


# Two way, echoes: what a run wrote does not come back at the next one.


def test_an_idle_run_after_a_two_way_run_makes_at_most_two_calls_and_logs_nothing(side, division):
    for index in range(3):
        customer = CustomerFactory(division=division, display_name=f"Local Customer {index}")
        ServiceLocationFactory(customer=customer, name=f"Local Site {index}")
    for index in range(3):
        side.customer_add(f"Remote Customer {index}")
        side.location_add(f"Remote Customer {index}", f"Remote Site {index}")
    CustomerFactory(division=division, display_name="Shared Customer", phone="555-0001")
    side.customer_add("shared customer", phone="1")
    side.configure("two_way", lists=False, primary="local")

    first = side.sync()
    assert_clean(first)
    assert Customer.objects.filter(division=division).count() == 7
    assert ServiceLocation.objects.filter(customer__division=division).count() == 6
    assert side.customers_there() == 7
    assert sum(len(side.locations_there(name)) for name in side.customer_names_there()) == 6

    idle = side.sync()
    assert idle.status == SyncRunStatus.SUCCEEDED
    assert idle.entries.count() == 0
    assert side.calls(idle) <= 2

    # Edits on both sides, then the run that applies them, then again nothing.
    customer_update(customer=Customer.objects.get(display_name="Local Customer 0"), phone="555-9999")
    side.location_change("Remote Customer 1", "Remote Site 1", street="1 New St")
    assert_clean(side.sync())
    idle = side.sync()
    assert idle.entries.count() == 0
    assert side.calls(idle) <= 2


@pytest.mark.parametrize("direction", ["to_quickbooks", "two_way"])
def test_an_interrupted_create_of_a_customer_then_of_a_location_is_linked_not_made_twice(side, division, direction):
    """One way, the next push finds what the lost creates made; two ways, the pull before it does."""
    customer = CustomerFactory(division=division, display_name="Benson Farms", phone="555-0101")
    side.configure(direction, lists=False, **({"primary": "local"} if direction == "two_way" else {}))

    failed = side.sync_through(lambda backend: LostAnswers(backend, "Customer"))

    assert failed.status == SyncRunStatus.FAILED
    assert link_of(customer).pending_since is not None and link_of(customer).qbo_id == ""
    assert side.customers_there() == 1

    run = side.sync()

    assert_clean(run)
    assert side.customers_there() == 1 and link_of(customer).qbo_id and link_of(customer).pending_since is None
    linked = run.entries.get(entity="customer", action=SyncAction.LINKED)
    assert "interrupted" in linked.message

    # Its location's create is lost the same way: found under its customer, not added twice.
    location = ServiceLocationFactory(customer=customer, name="North Barn", street="1 Farm Rd")

    failed = side.sync_through(lambda backend: LostAnswers(backend, "Customer"))

    assert failed.status == SyncRunStatus.FAILED
    assert link_of(location).pending_since is not None
    assert side.locations_there("Benson Farms") == {"North Barn": "1 Farm Rd"}

    run = side.sync()

    assert_clean(run)
    assert side.locations_there("Benson Farms") == {"North Barn": "1 Farm Rd"}
    assert link_of(location).qbo_id and link_of(location).pending_since is None
    assert run.entries.filter(entity="service location", action=SyncAction.LINKED).exists()
    assert not side.sync().entries.exists()


def test_a_location_renamed_here_goes_under_its_new_name_and_its_changes_follow(side, division):
    customer = CustomerFactory(division=division, display_name="Kiln Works")
    location = ServiceLocationFactory(customer=customer, name="Yard", street="1 Clay Rd")
    side.configure("to_quickbooks", lists=False)
    assert_clean(side.sync())

    service_location_update(location=location, name="Back Yard")
    run = side.sync()

    assert_clean(run)
    # QuickBooks Desktop cannot rename a ship-to address: the new name is added, the old one stays there.
    left_behind = {} if side.renames_locations else {"Yard": "1 Clay Rd"}
    assert side.locations_there("Kiln Works") == {"Back Yard": "1 Clay Rd", **left_behind}
    assert [(entity, action) for entity, action, _ in entries(run)] == [("service location", "updated")]

    service_location_update(location=location, street="2 Clay Rd")
    assert_clean(side.sync())
    assert side.locations_there("Kiln Works") == {"Back Yard": "2 Clay Rd", **left_behind}
    assert not side.sync().entries.exists()


def test_two_way_a_location_renamed_here_does_not_come_back_under_its_old_name(side, division):
    customer = CustomerFactory(division=division, display_name="Kiln Works")
    location = ServiceLocationFactory(customer=customer, name="Yard", street="1 Clay Rd")
    side.configure("two_way", lists=False, primary="local")
    assert_clean(side.sync())

    service_location_update(location=location, name="Back Yard")
    renamed = side.sync()
    run = side.sync()

    assert_clean(renamed)
    assert_clean(run)
    assert list(ServiceLocation.objects.filter(customer=customer).values_list("name", flat=True)) == ["Back Yard"]
    assert not run.entries.exists()
    if not side.renames_locations:
        # QuickBooks Desktop keeps the old ship-to address; it is said once, and no longer synced.
        assert side.locations_there("Kiln Works") == {"Back Yard": "1 Clay Rd", "Yard": "1 Clay Rd"}
        [updated] = renamed.entries.filter(entity="service location")
        assert "cannot rename it" in updated.message and "(Yard)" in updated.message
        # Edited there later, it still does not come back.
        side.location_change("Kiln Works", "Yard", street="9 Old Rd")
        assert not side.sync().entries.filter(action=SyncAction.CREATED).exists()
    assert ServiceLocation.objects.filter(customer=customer).count() == 1

    # Taking its old name back, it is linked to the old ship-to again, which is synced again.
    service_location_update(location=location, name="Yard", street="3 Clay Rd")
    assert_clean(side.sync())
    assert side.locations_there("Kiln Works")["Yard"] == "3 Clay Rd"
    assert ServiceLocation.objects.filter(customer=customer).count() == 1
    assert not side.sync().entries.exists()

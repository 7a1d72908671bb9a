"""
Customers and their service locations with QuickBooks, the scenarios both backends share, each run once per backend
(``side``): what QuickBooks changes comes back, what FieldOffice changes goes once and only once, a name another
QuickBooks list holds is explained, and a record changed in QuickBooks while it was being sent is sent again.

How each QuickBooks keeps a location differs (Online: a sub-customer; Desktop: a ship-to address of the customer);
``side.locations_there`` reads either as name → street. What only one backend does has its own tests
(``tests/quickbooks/sync``, ``tests/quickbooks/desktop_sync``).
"""

import pytest

from apps.customers.models import Customer, ServiceLocation
from apps.customers.services import customer_update, service_location_update
from apps.quickbooks.models import RecordLink, SyncAction, SyncRunStatus
from tests.factories import CustomerFactory, PaymentTermFactory, ServiceLocationFactory, TaxRateFactory

pytestmark = pytest.mark.usefixtures("live_server")


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def entries(run) -> list[tuple[str, str, str]]:
    return sorted(run.entries.values_list("entity", "action", "record_label"))


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


# One way: what the other side does is left alone.


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

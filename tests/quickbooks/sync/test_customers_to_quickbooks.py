"""
FieldOffice → QuickBooks Online, what only Online does: locations as sub-customers, named apart from other customers.
What both backends do runs once per backend in ``tests.quickbooks.scenarios.test_customers``; a sub-customer QuickBooks
lost is made again under its customer (Desktop adds a ship-to address by its name whether it has it or not).
"""

import pytest

from apps.customers.services import service_location_update
from apps.quickbooks.models import SyncRunStatus
from apps.quickbooks.sync.plan import LOST_THERE
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.sync.conftest import (
    configure,
    remote_by_name,
    remote_customers,
    sync,
)


def test_locations_with_a_common_name_get_their_customer_in_front(division, connection, company):
    first = CustomerFactory(division=division, display_name="Hill Hotel")
    second = CustomerFactory(division=division, display_name="Ivy Inn")
    ServiceLocationFactory(customer=first, name="Main Office")
    ServiceLocationFactory(customer=second, name="Main Office")
    configure(division, customers_direction="to_quickbooks")

    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    names = sorted(record.data["DisplayName"] for record in remote_customers(company, data__Job=True))
    assert len(names) == 2 and "Main Office" in names
    assert any(name in ("Hill Hotel - Main Office", "Ivy Inn - Main Office") for name in names)
    assert sync(division).entries.count() == 0


@pytest.mark.preview_unpredictable(
    "a preview does not send the location's change, so it does not learn that QuickBooks no longer has its job"
)
def test_a_sub_customer_quickbooks_lost_is_made_again_under_its_customer_when_its_location_changes(
    division, connection, company
):
    customer = CustomerFactory(division=division, display_name="Kestrel Kennels")
    location = ServiceLocationFactory(customer=customer, name="Run B", street="2 Dog Ln")
    configure(division, customers_direction="to_quickbooks")
    assert sync(division).status == SyncRunStatus.SUCCEEDED
    parent = remote_by_name(company, "Kestrel Kennels")
    # An older backup restored: the sub-customer is gone, its customer is not.
    remote_by_name(company, "Run B").delete()

    service_location_update(location=location, street="4 Dog Ln")
    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    assert list(run.entries.values_list("action", "message")) == [("created", LOST_THERE)]
    job = remote_by_name(company, "Run B")
    assert job.data["Job"] is True and job.data["ParentRef"]["value"] == parent.entity_id
    assert job.data["ShipAddr"]["Line1"] == "4 Dog Ln"
    assert sync(division).entries.count() == 0

"""
FieldOffice → QuickBooks Online, what only Online does: locations as sub-customers (named apart from other
customers), and how few calls a push costs. What both backends do runs once per backend in
``tests.quickbooks.scenarios.test_customers``.
"""

from apps.customers.services import customer_update
from apps.quickbooks.models import SyncRunStatus
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


def test_a_push_only_run_without_tax_and_terms_reads_nothing_and_still_sends_edits(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Fir Fencing", phone="555-0100")
    configure(division, customers_direction="to_quickbooks", sync_tax_rates_and_terms=False)
    sync(division)
    sync(division)  # Sets the cursor: from now on nothing needs reading from QuickBooks.
    customer_update(customer=customer, phone="555-0199")

    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    assert run.api_calls == 1
    assert remote_by_name(company, "Fir Fencing").data["PrimaryPhone"]["FreeFormNumber"] == "555-0199"

"""
FieldOffice → QuickBooks Online, what only Online does: locations as sub-customers, named apart from other customers.
What both backends do runs once per backend in ``tests.quickbooks.scenarios.test_customers``.
"""

from apps.quickbooks.models import SyncRunStatus
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.sync.conftest import (
    configure,
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

"""FieldOffice → QuickBooks: customers, locations as sub-customers, terms and tax rates pushed."""

from apps.customers.services import customer_update
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncRunStatus
from tests.factories import CustomerFactory, PaymentTermFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import (
    configure,
    entries,
    remote_by_name,
    remote_customers,
    remote_update,
    sync,
)


def test_first_push_creates_customers_then_locations(division, connection, company):
    term = PaymentTermFactory(division=division, name="Net 15", due_days=15)
    rate = TaxRateFactory(division=division, name="Duluth 8.875%", percent="8.8750", agency="MN Revenue")
    customer = CustomerFactory(division=division, display_name="Delta Dairy", payment_term=term, tax_rate=rate)
    ServiceLocationFactory(customer=customer, name="Barn 2", street="9 Farm Rd")
    configure(division, customers_direction="to_quickbooks")

    run = sync(division)

    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))
    remote = remote_by_name(company, "Delta Dairy")
    job = remote_by_name(company, "Barn 2")
    assert job.data["ParentRef"]["value"] == remote.entity_id and job.data["Job"] is True
    assert job.data["ShipAddr"]["Line1"] == "9 Farm Rd"
    term_remote = SandboxEntity.objects.get(company=company, entity_type="Term", data__Name="Net 15")
    assert remote.data["SalesTermRef"]["value"] == term_remote.entity_id
    code = SandboxEntity.objects.get(company=company, entity_type="TaxCode", data__Name="Duluth 8.875%")
    assert remote.data["DefaultTaxCodeRef"]["value"] == code.entity_id
    assert {
        ("payment term", "created"),
        ("tax rate", "created"),
        ("customer", "created"),
        ("service location", "created"),
    } <= {(entity, action) for entity, action, _ in entries(run)}


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


def test_edits_in_quickbooks_are_not_pulled_in_one_way_push(division, connection, company):
    customer = CustomerFactory(division=division, display_name="Juniper Lofts", phone="555-0001")
    configure(division, customers_direction="to_quickbooks")
    sync(division)
    remote_update(
        company, "Customer", remote_by_name(company, "Juniper Lofts"), {"PrimaryPhone": {"FreeFormNumber": "1"}}
    )

    sync(division)

    customer.refresh_from_db()
    assert customer.phone == "555-0001"


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

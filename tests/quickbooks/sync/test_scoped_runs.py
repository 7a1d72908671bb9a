"""
Scoped runs against the sandbox over real HTTP (issue 15): a run of some lists writes those lists and nothing else on
either side, reads what they refer to as it is linked, and leaves the cursors alone, so that nothing the other lists
changed meanwhile is lost. Every scenario also runs with a scoped preview first, which must count the scoped run.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounting.models import PaymentTerm
from apps.catalog.models import Item
from apps.customers.models import Customer
from apps.customers.services import customer_update
from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import invoice_approve, invoice_mark_for_sync
from apps.invoicing.services.writes import invoice_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import RecordLink, SyncRunStatus, SyncState
from tests.factories import CustomerFactory, PaymentTermFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure, remote_by_name, remote_create, remote_customers, sync


def assert_clean(run) -> None:
    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))


def ready(customer, **fields):
    """An invoice of one line without an item (QuickBooks bills it to its default service item), ready for sync."""
    line = {"item": None, "description": "Service call", "quantity": Decimal(1), "unit_price": Decimal(90)}
    taxable = fields.get("tax_rate") is not None
    rows = [{**line, "taxable": taxable}]
    invoice = invoice_create(division=customer.division, customer=customer, lines=rows, **fields)
    invoice_approve(invoice=invoice)
    return invoice_mark_for_sync(invoice=invoice)


def remote_of(company, entity: str) -> list[SandboxEntity]:
    return list(SandboxEntity.objects.filter(company=company, entity_type=entity).order_by("id"))


def cursors(division) -> tuple:
    state = SyncState.objects.get(division=division)
    return state.remote_cursor, state.local_cursor


@pytest.fixture
def services_item(company) -> SandboxEntity:
    """The default service item QuickBooks bills invoice lines without an item to."""
    income = remote_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
    return remote_create(
        company, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
    )


def test_a_run_of_customers_writes_customers_and_locations_only(division, connection, company, services_item):
    configure(
        division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks", sync_tax_rates_and_terms=True
    )
    assert_clean(sync(division))  # both sides empty: the cursors are set
    before = cursors(division)
    aspen = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    ServiceLocationFactory(customer=aspen, name="Back Lot")
    invoice = ready(aspen)
    PaymentTermFactory(division=division, name="Net 45", due_days=45)

    run = sync(division, scope=["customers"])

    assert_clean(run)
    assert run.entity_counts == {"customer": {"created": 1}, "service location": {"created": 1}}
    assert [record.data["DisplayName"] for record in remote_customers(company)] == ["Aspen Apartments", "Back Lot"]
    # Neither the invoice nor the new term was sent, and no cursor moved past their changes.
    assert remote_of(company, "Invoice") == []
    assert not SandboxEntity.objects.filter(company=company, entity_type="Term", data__Name="Net 45").exists()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.READY_FOR_SYNC
    assert cursors(division) == before
    assert run.summary.endswith(
        "Only Customers were synchronized; the payment terms and tax rates they refer to were used as last "
        "synchronized."
    )

    # Sync Now does the rest, and sends no customer again.
    full = sync(division)

    assert_clean(full)
    assert full.entity_counts == {"payment term": {"created": 1}, "invoice": {"created": 1}}
    (remote_invoice,) = remote_of(company, "Invoice")
    assert remote_invoice.data["CustomerRef"]["value"] == remote_by_name(company, "Aspen Apartments").entity_id


def test_customers_from_quickbooks_bring_the_terms_and_tax_rates_quickbooks_keeps(
    division, connection, company, services_item
):
    aspen = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    configure(
        division,
        customers_direction="two_way",
        customers_primary="quickbooks",
        invoices_direction="to_quickbooks",
        sync_tax_rates_and_terms=True,
    )
    assert_clean(sync(division))
    before = cursors(division)
    invoice = ready(aspen)
    term = remote_create(company, "Term", {"Name": "Net 45", "DueDays": 45})
    remote_create(company, "Customer", {"DisplayName": "Oak Offices", "SalesTermRef": {"value": term.entity_id}})

    run = sync(division, scope=["customers"])

    assert_clean(run)
    # Without the term, Oak Offices would arrive without it and keep it so until QuickBooks changes it again.
    assert run.entity_counts == {"payment term": {"created": 1}, "customer": {"created": 1}}
    oak = Customer.objects.get(division=division, display_name="Oak Offices")
    assert oak.payment_term == PaymentTerm.objects.get(division=division, name="Net 45")
    assert remote_of(company, "Invoice") == []
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.READY_FOR_SYNC
    assert cursors(division) == before
    assert run.summary.endswith(
        "Only Customers were synchronized, with the payment terms and tax rates they refer to, which QuickBooks keeps."
    )

    full = sync(division)

    assert_clean(full)
    assert full.entity_counts == {"invoice": {"created": 1}}


def test_a_run_of_invoices_reads_customers_and_writes_invoices_only(division, connection, company, services_item):
    aspen = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False, phone="555-0100")
    configure(
        division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks", sync_tax_rates_and_terms=True
    )
    assert_clean(sync(division))
    before = cursors(division)
    customer_update(customer=aspen, phone="555-0199")
    birch = CustomerFactory(division=division, display_name="Birch Bakery", taxable=False)
    sent = ready(aspen)
    waiting = ready(birch)
    PaymentTermFactory(division=division, name="Net 45", due_days=45)
    metro = TaxRateFactory(division=division, name="Metro", percent=Decimal("8.5"))
    taxed = ready(aspen, tax_rate=metro)

    run = sync(division, scope=["invoices"])

    assert_clean(run)
    assert run.entity_counts == {"invoice": {"created": 1, "skipped": 2}}
    (remote_invoice,) = remote_of(company, "Invoice")
    assert remote_invoice.data["DocNumber"] == sent.number
    assert remote_invoice.data["CustomerRef"]["value"] == remote_by_name(company, "Aspen Apartments").entity_id
    assert run.entries.get(object_id=waiting.pk).message == (
        f"Invoice {waiting.number} waits: the customer Birch Bakery is not in QuickBooks yet. This sync was of "
        "Invoices only: run Customers first (Synchronize Customers, or Sync Now)."
    )
    assert run.entries.get(object_id=taxed.pk).message == (
        f"Invoice {taxed.number} waits: its tax rate Metro (8.5 %) is not in QuickBooks yet, so QuickBooks would "
        "charge its own tax. This sync was of Invoices only: run Tax rates first (Synchronize Tax rates, or Sync Now)."
    )
    # Customers were read (Aspen's link), never written: Birch is not sent, Aspen's new phone is not either.
    assert [record.data["DisplayName"] for record in remote_customers(company)] == ["Aspen Apartments"]
    assert remote_by_name(company, "Aspen Apartments").data["PrimaryPhone"]["FreeFormNumber"] == "555-0100"
    assert not SandboxEntity.objects.filter(company=company, entity_type="Term", data__Name="Net 45").exists()
    assert not SandboxEntity.objects.filter(company=company, entity_type="TaxCode", data__Name="Metro").exists()
    assert cursors(division) == before

    full = sync(division)

    assert_clean(full)
    assert full.entity_counts["customer"] == {"created": 1, "updated": 1}
    assert full.entity_counts["invoice"] == {"created": 2}
    assert full.entity_counts["payment term"] == {"created": 1}
    assert full.entity_counts["tax rate"] == {"created": 1}
    assert remote_by_name(company, "Aspen Apartments").data["PrimaryPhone"]["FreeFormNumber"] == "555-0199"
    assert len(remote_of(company, "Invoice")) == 3


def test_changes_of_the_lists_a_scoped_run_left_out_are_not_lost(division, connection, company):
    income = remote_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
    configure(division, customers_direction="to_local", inventory_direction="to_local", sync_tax_rates_and_terms=False)
    assert_clean(sync(division))
    # As if the last sync had run an hour ago, and QuickBooks had changed a customer and an item half an hour ago:
    # a cursor moved to the scoped run's time would skip the customer for good.
    an_hour_ago, half_an_hour_ago = timezone.now() - timedelta(hours=1), timezone.now() - timedelta(minutes=30)
    SyncState.objects.filter(division=division).update(remote_cursor=an_hour_ago)
    cedar = remote_create(company, "Customer", {"DisplayName": "Cedar Cafe"})
    gutters = remote_create(
        company, "Item", {"Name": "Gutter Cleaning", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
    )
    SandboxEntity.objects.filter(pk__in=[cedar.pk, gutters.pk]).update(updated_at=half_an_hour_ago)

    items_run = sync(division, scope=["items"])

    assert_clean(items_run)
    assert items_run.entity_counts == {"item": {"created": 1}}
    assert Item.objects.filter(division=division, name="Gutter Cleaning").exists()
    assert not Customer.objects.filter(division=division, display_name="Cedar Cafe").exists()
    assert SyncState.objects.get(division=division).remote_cursor == an_hour_ago

    full = sync(division)

    assert_clean(full)
    assert full.entity_counts == {"customer": {"created": 1}}  # the item, applied already, is not applied twice
    assert Customer.objects.filter(division=division, display_name="Cedar Cafe").exists()
    assert SyncState.objects.get(division=division).remote_cursor > half_an_hour_ago
    assert RecordLink.objects.filter(division=division, entity_type="Item").count() == 1

"""The default service item: found by name and kept in the settings, or its absence said with what was looked for."""

from decimal import Decimal

from apps.invoicing.services import invoice_approve, invoice_mark_for_sync
from apps.invoicing.services.writes import invoice_create
from apps.quickbooks.models import SyncSettings, SyncTrigger
from tests.factories import CustomerFactory, ItemFactory
from tests.quickbooks.sync.conftest import configure, remote_create, sync


def _ready(division, item):
    customer = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    line = {"item": item, "description": "Visit", "quantity": Decimal(1), "unit_price": Decimal(80), "taxable": False}
    invoice = invoice_create(division=division, customer=customer, lines=[line])
    invoice_approve(invoice=invoice)
    return invoice_mark_for_sync(invoice=invoice)


def _income(company):
    return remote_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})


def test_without_one_the_invoice_waits_and_the_log_names_what_was_looked_for(division, connection, company):
    _ready(division, ItemFactory(division=division, name="Filter kit"))
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    run = sync(division)

    (entry,) = run.entries.filter(entity="invoice")
    assert entry.action == "skipped"
    assert "no QuickBooks item is named Filter kit or linked to it" in entry.message
    assert "there is no default service item (QuickBooks has no item named 'Services')" in entry.message
    assert "Configure Sync" in entry.message


def test_an_item_named_services_that_is_not_a_service_item_is_not_taken(division, connection, company):
    remote_create(
        company,
        "Item",
        {"Name": "Services", "Type": "NonInventory", "IncomeAccountRef": {"value": _income(company).entity_id}},
    )
    _ready(division, ItemFactory(division=division, name="Filter kit"))
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    run = sync(division)

    (entry,) = run.entries.filter(entity="invoice")
    assert entry.action == "skipped"
    assert "QuickBooks' item 'Services' is not an active service item" in entry.message


def test_the_service_item_found_by_name_is_used_and_kept_in_the_settings(division, connection, company):
    income = {"value": _income(company).entity_id}
    services = remote_create(company, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": income})
    _ready(division, ItemFactory(division=division, name="Filter kit"))
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    preview = sync(division, SyncTrigger.PREVIEW)
    assert SyncSettings.objects.get(division=division).default_service_item_qbo_id == ""
    run = sync(division)

    assert run.entries.get(entity="invoice").action == preview.entries.get(entity="invoice").action == "created"
    settings = SyncSettings.objects.get(division=division)
    assert (settings.default_service_item_qbo_id, settings.default_service_item_name) == (
        services.entity_id,
        "Services",
    )

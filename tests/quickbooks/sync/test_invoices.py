"""Invoices to QuickBooks, and payments, voids and deletions coming back."""

from decimal import Decimal

import pytest

from apps.invoicing.services import invoice_approve, invoice_mark_for_sync
from apps.invoicing.services.writes import invoice_create
from apps.qbo_sandbox.entities import entity_delete
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncRunStatus
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.quickbooks.sync.conftest import configure, remote_by_name, remote_create, sync


@pytest.fixture
def books(company):
    """What a QuickBooks company has before FieldOffice sends invoices: an income account and a Services item."""
    income = remote_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
    services = remote_create(
        company, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
    )
    return {"income": income, "services": services}


def ready(customer, *lines, location=None, number=None, **fields):
    rows = [
        {
            "item": item,
            "description": description,
            "quantity": Decimal(quantity),
            "unit_price": Decimal(price),
            "taxable": taxable,
        }
        for item, description, quantity, price, taxable in lines
    ]
    extra = {"number": number} if number else {}
    invoice = invoice_create(
        division=customer.division, customer=customer, service_location=location, lines=rows, **extra, **fields
    )
    invoice_approve(invoice=invoice)
    return invoice_mark_for_sync(invoice=invoice)


def remote_invoices(company):
    return list(SandboxEntity.objects.filter(company=company, entity_type="Invoice").order_by("id"))


def test_a_location_invoice_is_billed_to_its_sub_customer(division, connection, company, books):
    customer = CustomerFactory(division=division, display_name="Birch Bank", taxable=False)
    branch = ServiceLocationFactory(customer=customer, name="Branch 7")
    ready(customer, (None, "Alarm check", "1", "60", False), location=branch)
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    sync(division)

    (remote,) = remote_invoices(company)
    assert remote.data["CustomerRef"]["value"] == remote_by_name(company, "Branch 7").entity_id


def test_the_setting_and_quickbooks_disagreeing_is_said(division, connection, company, books):
    preferences = SandboxEntity.objects.get(company=company, entity_type="Preferences")
    preferences.data.setdefault("SalesFormsPrefs", {})["CustomTxnNumbers"] = True
    preferences.save()
    customer = CustomerFactory(division=division, display_name="Elm Eatery", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False), number="FO-78")
    configure(
        division,
        customers_direction="to_quickbooks",
        invoices_direction="to_quickbooks",
        quickbooks_controls_invoice_numbers=True,
    )

    run = sync(division)

    assert "custom transaction numbers" in run.summary
    (remote,) = remote_invoices(company)
    assert remote.data["DocNumber"] == invoice.number == "FO-78"


def test_historical_invoices_are_never_sent(division, connection, company, books):
    customer = CustomerFactory(division=division, display_name="Lime Lofts", taxable=False)
    invoice = ready(customer, (None, "Repair", "1", "50", False))
    type(invoice).objects.filter(pk=invoice.pk).update(is_history=True)
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    sync(division)

    assert not remote_invoices(company)


def test_quickbooks_tax_is_taken_and_the_difference_noted(division, connection, company, books):
    from apps.accounting.services import tax_rate_update
    from tests.factories import TaxRateFactory

    rate = TaxRateFactory(division=division, name="County 8%", percent=Decimal("8.0000"), agency="County")
    customer = CustomerFactory(division=division, display_name="Maple Market", taxable=True, tax_rate=rate)
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")
    sync(division)  # the tax rate becomes a QuickBooks tax code at 8 %
    tax_rate_update(tax_rate=rate, percent=Decimal("7.0000"))  # changed here only: QuickBooks keeps 8 %
    invoice = ready(customer, (None, "Parts", "1", "100", True), tax_rate=rate)
    assert invoice.tax == Decimal("7.00")

    sync(division)

    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total, invoice.balance) == (Decimal("8.00"), Decimal("108.00"), Decimal("108.00"))
    note = invoice.notes.get()
    assert "charged 8.00 tax" in note.text and "computed 7.00" in note.text


def test_resend_all_repairs_invoices_quickbooks_lost_or_changed_and_leaves_the_rest(
    division, connection, company, books
):
    from apps.quickbooks.models import SyncTrigger

    customer = CustomerFactory(division=division, display_name="Nettle Nursery", taxable=False)
    kept, changed, lost = (ready(customer, (None, f"Visit {n}", "1", "40", False)) for n in range(3))
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")
    sync(division)
    remote = {record.data["DocNumber"]: record for record in remote_invoices(company)}
    kept_token = remote[kept.number].sync_token
    record = remote[changed.number]
    record.data["Line"][0]["Description"] = "changed by a restore"
    record.save()
    entity_delete(
        company, "Invoice", {"Id": remote[lost.number].entity_id, "SyncToken": str(remote[lost.number].sync_token)}
    )

    run = sync(division, SyncTrigger.RESEND)

    assert run.status == SyncRunStatus.SUCCEEDED, list(run.entries.values_list("message"))
    assert sorted(run.entries.filter(entity="invoice").values_list("action", flat=True)) == ["created", "updated"]
    now = {record.data["DocNumber"]: record for record in remote_invoices(company) if not record.deleted_at}
    assert set(now) == {kept.number, changed.number, lost.number}
    assert now[kept.number].sync_token == kept_token
    assert now[changed.number].data["Line"][0]["Description"] == "Visit 1"
    assert sync(division, SyncTrigger.RESEND).entries.filter(entity="invoice").count() == 0

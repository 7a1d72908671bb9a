"""
An Owner marks two invoices for sync, presses Sync Now and sees QuickBooks' numbers and "Unpaid" in the invoice list;
a payment recorded in QuickBooks comes back at the next Sync Now as "Paid", in a real browser.

The division is connected to the live server's sandbox at the service level (the Connect flow itself is covered by
``test_quickbooks_sync.py``), with "QuickBooks numbers invoices" on so that the numbers visibly change.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.invoicing.services import invoice_approve
from apps.invoicing.services.writes import invoice_create
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.mapping.invoices import marked_invoice_id
from apps.quickbooks.models import SyncRun, SyncRunStatus
from tests.browser.test_quickbooks_sync import EMAIL, PASSWORD, SYNC_TIMEOUT_MS, qbo  # noqa: F401
from tests.factories import CustomerFactory, ItemFactory, ServiceLocationFactory, UserFactory
from tests.quickbooks.conftest import connect
from tests.quickbooks.sync.conftest import configure

# ``qbo`` (imported above): FieldOffice pointed at the live server's sandbox, with fast retries.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("qbo")]

INVOICES_PATH = "/admin/invoicing/invoice/"


def _books(company) -> None:
    """What a QuickBooks company has before invoices come: an income account and a "Services" item."""
    income = entity_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
    entity_create(
        company, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
    )


def _approved(customer, number: str, lines, location=None) -> Invoice:
    rows = [
        {"item": item, "description": description, "quantity": Decimal(quantity), "unit_price": Decimal(price)}
        for item, description, quantity, price in lines
    ]
    invoice = invoice_create(
        division=customer.division, customer=customer, service_location=location, number=number, lines=rows
    )
    return invoice_approve(invoice=invoice)


def _remote_invoices(company) -> dict[int, SandboxEntity]:
    """QuickBooks' invoices by the FieldOffice invoice each was created from."""
    found = SandboxEntity.objects.filter(company=company, entity_type="Invoice", deleted_at__isnull=True)
    return {marked_invoice_id(entity.data.get("PrivateNote")): entity for entity in found}


def _row(page, number: str):
    """The invoice list's row of the invoice numbered ``number`` (that exact number, not one containing it)."""
    cell = page.locator("td.field-number", has_text=re.compile(rf"^\s*{re.escape(number)}\s*$"))
    return page.locator("#result_list tbody tr").filter(has=cell)


def _sync_now(page, division) -> None:
    page.goto(f"/admin/quickbooks/integration/{division.pk}/change/")
    expect(page.locator("h1")).to_contain_text("Integrations \u203a QuickBooks")
    runs_before = SyncRun.objects.filter(division=division).count()
    # The page that comes back after the sync, not the one still showing the run before.
    with page.expect_navigation(timeout=SYNC_TIMEOUT_MS):
        page.get_by_role("button", name="Sync Now").click()
    expect(page.locator("#qbo-live [data-qbo='label']")).to_have_text("Sync completed", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#qbo-live [data-qbo='error']")).to_be_hidden()
    runs = SyncRun.objects.filter(division=division).order_by("-pk")
    assert runs.count() == runs_before + 1
    assert runs.first().status == SyncRunStatus.SUCCEEDED, runs.first().error_summary


def test_owner_marks_invoices_for_sync_and_sees_quickbooks_numbers_then_paid(transactional_db, page):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    company = company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))
    _books(company)
    connect(division, company)
    configure(
        division,
        customers_direction="to_quickbooks",
        invoices_direction="to_quickbooks",
        quickbooks_controls_invoice_numbers=True,
    )
    services = ItemFactory(division=division, name="Services")  # QuickBooks has an item of that name
    aspen = CustomerFactory(division=division, display_name="Aspen Apartments", taxable=False)
    birch = CustomerFactory(division=division, display_name="Birch Bank", taxable=False)
    branch = ServiceLocationFactory(customer=birch, name="Branch 7")
    first = _approved(aspen, "FO-1001", [(services, "Furnace tune-up", "2", "80.00"), (None, "Trip charge", "1", "25")])
    second = _approved(birch, "FO-1002", [(None, "Alarm check", "1", "60")], location=branch)

    page.goto(f"/accounts/login/?next={INVOICES_PATH}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(INVOICES_PATH) + "$"))
    for number in ("FO-1001", "FO-1002"):
        expect(_row(page, number).locator(".invoice-status")).to_have_text("Approved")

    # Mark for sync from the list's actions, through the confirmation page.
    page.check(f'input[name="_selected_action"][value="{first.pk}"]')
    page.check(f'input[name="_selected_action"][value="{second.pk}"]')
    page.select_option('select[name="action"]', "mark_for_sync")
    page.locator('button[name="index"]').first.click()
    expect(page.locator("h1")).to_contain_text("Mark invoices for sync")
    will_change = page.locator("#invoices-will-change")
    expect(will_change).to_contain_text("FO-1001")
    expect(will_change).to_contain_text("FO-1002")
    expect(page.locator("#invoices-will-not-change")).to_have_count(0)
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("2 invoices are now Ready for Sync.")
    for number in ("FO-1001", "FO-1002"):
        expect(_row(page, number).locator(".invoice-status")).to_have_text("Ready for Sync")

    # Sync Now: QuickBooks numbers the invoices, and FieldOffice takes its numbers.
    _sync_now(page, division)
    remote = _remote_invoices(company)
    assert sorted(remote) == sorted([first.pk, second.pk])
    numbers = {pk: entity.data["DocNumber"] for pk, entity in remote.items()}
    assert all(numbers.values()) and not set(numbers.values()) & {"FO-1001", "FO-1002"}
    assert numbers[first.pk] != numbers[second.pk]

    page.goto(INVOICES_PATH)
    expect(_row(page, "FO-1001")).to_have_count(0)
    expect(_row(page, "FO-1002")).to_have_count(0)
    for invoice, total in ((first, "$185.00"), (second, "$60.00")):
        row = _row(page, numbers[invoice.pk])
        expect(row).to_have_count(1)
        expect(row.locator(".invoice-status")).to_have_text("Unpaid")
        expect(row.locator("td.field-balance_amount")).to_have_text(total)

    # A payment of the first invoice's whole amount is recorded in QuickBooks.
    paid = remote[first.pk]
    paid.refresh_from_db()
    amount = Decimal(str(paid.data["Balance"]))
    assert amount == Decimal("185.00")
    entity_create(
        company,
        "Payment",
        {
            "CustomerRef": paid.data["CustomerRef"],
            "TotalAmt": amount,
            "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": paid.entity_id, "TxnType": "Invoice"}]}],
        },
    )

    # Sync Now again: the payment comes back, and the invoice is paid.
    _sync_now(page, division)
    expect(page.locator("#qbo-live [data-qbo='entities'] tr[data-entity='payment']")).to_be_visible()

    page.goto(INVOICES_PATH)
    row = _row(page, numbers[first.pk])
    expect(row.locator(".invoice-status")).to_have_text("Paid")
    expect(row.locator("td.field-balance_amount")).to_have_text("$0.00")
    expect(_row(page, numbers[second.pk]).locator(".invoice-status")).to_have_text("Unpaid")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, first.status, first.balance) == (numbers[first.pk], InvoiceStatus.PAID, Decimal("0.00"))
    assert (second.number, second.status) == (numbers[second.pk], InvoiceStatus.UNPAID)
    assert first.payments.get().amount == Decimal("185.00")

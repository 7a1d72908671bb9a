"""An office user signs in, edits an invoice's lines, approves it and marks it for sync, in a real browser."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.invoicing.models import Invoice, InvoiceStatus
from apps.invoicing.services import invoice_recalculate
from tests.factories import (
    InvoiceFactory,
    InvoiceLineFactory,
    ItemFactory,
    ServiceLocationFactory,
    TaxRateFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"


def test_office_user_edits_approves_and_marks_an_invoice_for_sync(transactional_db, live_server, page):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    invoice = InvoiceFactory(number="1044", customer__display_name="Basement Bar", tax_rate=TaxRateFactory(percent=10))
    InvoiceLineFactory(invoice=invoice, description="Service call", quantity=Decimal("1"), unit_price=Decimal("100"))
    invoice_recalculate(invoice=invoice)
    total = page.locator('[data-invoice-total="total"]')

    # The admin sends a stranger to the sign-in page, and back to the admin once signed in.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The totals follow the lines as they are edited: 10 % tax on the taxable lines.
    page.goto(f"/admin/invoicing/invoice/{invoice.pk}/change/")
    expect(total).to_have_text("$110.00")
    page.fill('input[name="lines-0-quantity"]', "3")
    expect(page.locator("#lines-0 [data-line-amount]")).to_have_text("$300.00")
    expect(total).to_have_text("$330.00")
    page.fill('input[name="lines-1-description"]', "Filter")
    page.fill('input[name="lines-1-quantity"]', "2")
    page.fill('input[name="lines-1-unit_price"]', "12.345")
    page.uncheck('input[name="lines-1-taxable"]')
    expect(total).to_have_text("$354.69")
    page.locator("#lines-group .add-row a").click()
    page.fill('input[name="lines-2-unit_price"]', "50")
    expect(total).to_have_text("$409.69")
    page.locator("#lines-2 .inline-deletelink").click()
    expect(total).to_have_text("$354.69")
    page.click('input[name="_continue"]')
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(total).to_have_text("$354.69")

    # Approve from the form's button, answering Yes.
    page.get_by_role("link", name="Approve", exact=True).click()
    expect(page.locator("#content-main")).to_contain_text("Are you sure?")
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("1 invoice was approved.")

    # Mark for sync from the list's actions, answering Yes.
    page.goto("/admin/invoicing/invoice/")
    page.check(f'input[name="_selected_action"][value="{invoice.pk}"]')
    page.select_option('select[name="action"]', "mark_for_sync")
    page.locator('button[name="index"]').first.click()
    expect(page.locator("#invoices-will-change")).to_contain_text("1044")
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("1 invoice is now Ready for Sync.")
    row = page.locator("#result_list tbody tr", has_text="1044")
    expect(row.locator(".invoice-status")).to_have_text("Ready for Sync")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.total) == (InvoiceStatus.READY_FOR_SYNC, Decimal("354.69"))
    assert Invoice.objects.get(pk=invoice.pk).lines.count() == 2


def _pick(page, field: str, text: str) -> None:
    """Choose ``text`` in the admin's autocomplete (select2) box of ``field``."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_new_invoice_offers_the_customers_locations_and_fills_lines_from_items(transactional_db, live_server, page):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    bar = ServiceLocationFactory(name="BB_1", customer__display_name="Basement Bar").customer
    ServiceLocationFactory(name="Other customer's site", customer__display_name="2 wheels club")
    ItemFactory(name="Furnace tune-up", description="Annual furnace tune-up", sales_price=Decimal("129.50"))

    page.goto("/accounts/login/?next=/admin/invoicing/invoice/add/")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/invoicing/invoice/add/$"))

    _pick(page, "customer", "Basement Bar")
    page.locator("#id_service_location + .select2 .select2-selection").click()
    options = page.locator(".select2-results__option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("BB_1")
    options.first.click()

    page.locator("#id_lines-0-item + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Furnace")
    page.locator(".select2-results__option", has_text="Furnace tune-up").first.click()
    expect(page.locator('input[name="lines-0-unit_price"]')).to_have_value("129.50")
    expect(page.locator('input[name="lines-0-description"]')).to_have_value("Annual furnace tune-up")
    expect(page.locator('[data-invoice-total="subtotal"]')).to_have_text("$129.50")
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    invoice = Invoice.objects.get(customer=bar)
    assert (invoice.service_location.name, invoice.subtotal) == ("BB_1", Decimal("129.50"))

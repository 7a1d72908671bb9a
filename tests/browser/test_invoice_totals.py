"""
An invoice QuickBooks totalled differently, in a real browser at 1366 x 768: its page shows the server's figures (what
QuickBooks billed) on load and a banner saying why, recomputes only while lines are edited, and the invoice list
flags it and filters on it.
"""

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.invoicing.models import InvoiceStatus
from apps.invoicing.services import invoice_recalculate, invoice_sent_apply
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import CustomerFactory, InvoiceFactory, InvoiceLineFactory, TaxRateFactory, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"
WINDOW = {"width": 1366, "height": 768}
REASON = (
    "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own, California "
    "(7.25 %). Give the customer a rate QuickBooks has."
)


@pytest.fixture
def laptop(browser, live_server) -> Iterator:
    """A page in a common office laptop's window."""
    context = browser.new_context(base_url=live_server.url, viewport=WINDOW)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def _sign_in(page) -> None:
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    page.goto("/accounts/login/")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def _invoice(number: str, *, changed_by_quickbooks: bool):
    """The issue's invoice 1017: 319.00 not taxed and a 189.00 thermostat taxed at 8.025 %: 15.17, total 523.17."""
    rate = TaxRateFactory(name=f"Minneapolis {number}", percent=Decimal("8.025"))
    customer = CustomerFactory(display_name=f"Basement Bar {number}", tax_rate=rate, taxable=True)
    invoice = InvoiceFactory(number=number, customer=customer, tax_rate=rate, status=InvoiceStatus.READY_FOR_SYNC)
    InvoiceLineFactory(invoice=invoice, description="Service call and labour", unit_price=Decimal("319"), taxable=False)
    InvoiceLineFactory(invoice=invoice, description="Thermostat", unit_price=Decimal("189"), taxable=True)
    invoice = invoice_recalculate(invoice=invoice)
    if changed_by_quickbooks:
        invoice_sent_apply(
            invoice=invoice,
            tax=Decimal("13.70"),
            total=Decimal("521.70"),
            balance=Decimal("521.70"),
            source="QuickBooks sync",
            charged_by="QuickBooks",
            tax_reason=REASON,
        )
    return invoice


def test_the_page_shows_what_quickbooks_billed_and_why_and_recomputes_only_while_editing(
    transactional_db, live_server, laptop
):
    invoice = _invoice("1017", changed_by_quickbooks=True)
    _sign_in(laptop)
    tax = laptop.locator('[data-invoice-total="tax"]')
    total = laptop.locator('[data-invoice-total="total"]')

    laptop.goto(f"/admin/invoicing/invoice/{invoice.pk}/change/")

    # The server's figures, never recomputed on load, and the banner saying both figures and why.
    banner = laptop.locator(".invoice-total-changed-notice")
    expect(banner).to_have_text(
        f"QuickBooks charged $13.70 tax where FieldOffice computed $15.17: {REASON} The invoice shows QuickBooks' "
        "figures, as billed: total $521.70 (FieldOffice computed $523.17)."
    )
    expect(banner).to_be_in_viewport()
    laptop.wait_for_load_state("load")
    expect(tax).to_have_text("$13.70")
    expect(total).to_have_text("$521.70")

    # Editing a line recomputes with FieldOffice's rate; putting it back shows the saved figures again.
    laptop.fill('input[name="lines-1-quantity"]', "2")
    expect(tax).to_have_text("$30.33")  # 378.00 at 8.025 %
    expect(total).to_have_text("$727.33")
    laptop.fill('input[name="lines-1-quantity"]', "1")
    expect(tax).to_have_text("$13.70")
    expect(total).to_have_text("$521.70")
    # Typing in the memo changes nothing the totals depend on.
    laptop.fill('textarea[name="memo"]', "New thermostat for the lower level.")
    expect(total).to_have_text("$521.70")


def test_the_list_flags_invoices_quickbooks_totalled_differently_and_filters_them(
    transactional_db, live_server, laptop
):
    changed = _invoice("1017", changed_by_quickbooks=True)
    _invoice("1020", changed_by_quickbooks=False)
    _sign_in(laptop)

    laptop.goto("/admin/invoicing/invoice/")

    flag = laptop.locator("#result_list tbody tr", has_text="1017").locator(".invoice-total-changed")
    expect(flag).to_have_text("By QuickBooks")
    expect(flag).to_have_attribute(
        "title", "QuickBooks charged $13.70 tax; FieldOffice computed $15.17 (total $523.17)."
    )
    expect(laptop.locator("#result_list tbody tr", has_text="1020").locator(".invoice-total-changed")).to_have_count(0)
    # The flag is on screen, no horizontal scrolling needed.
    box = flag.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WINDOW["width"]
    assert laptop.evaluate("document.documentElement.scrollWidth") <= WINDOW["width"]

    laptop.locator("#changelist-filter").get_by_role("link", name="Total changed by QuickBooks").click()

    rows = laptop.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(changed.number)

"""
The demo company on a 1366x768 office laptop, as Owner, Office and Read-only: no page is wider than the window, the
invoice list shows its main columns without scrolling, statuses keep their sync state, records of the two divisions
are told apart, and the home is a dashboard.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from playwright.sync_api import expect

from apps.core.models import Division
from apps.core.selectors import division_get_default
from apps.customers.models import Customer
from apps.invoicing.models import Invoice, InvoiceStatus
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import InvoiceFactory, days_from_today

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1366, 768
PASSWORD = "fieldoffice-demo"
ROLES = {"Owner": "admin@example.com", "Office": "office@example.com", "Read-only": "readonly@example.com"}
INVOICE_COLUMNS = ["Date", "Number", "Customer", "Total", "Balance", "Status"]
MONEY = re.compile(r"^\$[\d,]+\.\d\d$")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", stdout=StringIO())


@pytest.fixture
def laptop(browser, live_server):
    """Signs a role in, in a browser window of an office laptop's size."""
    contexts = []

    def open_as(role: str):
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill('input[name="login"]', ROLES[role])
        page.fill('input[name="password"]', PASSWORD)
        page.locator('form button[type="submit"]').first.click()
        expect(page.locator("#site-name")).to_be_visible()
        return page

    yield open_as
    for context in contexts:
        context.close()


def _main_pages() -> dict[str, str]:
    invoice = Invoice.objects.annotate(lines_count=Count("lines")).order_by("-lines_count", "pk").first()
    # The customer with the most locations, contacts and notes: the widest change page.
    customer = (
        Customer.objects.annotate(
            rows=Count("service_locations", distinct=True) + Count("contacts", distinct=True)
            + Count("notes", distinct=True)
        )
        .order_by("-rows", "pk")
        .first()
    )
    return {
        "dashboard": "/admin/",
        "invoice list": "/admin/invoicing/invoice/",
        "invoice": f"/admin/invoicing/invoice/{invoice.pk}/change/",
        "customer list": "/admin/customers/customer/",
        "customer": f"/admin/customers/customer/{customer.pk}/change/",
        "item list": "/admin/catalog/item/",
        "integration": f"/admin/quickbooks/integration/{division_get_default().pk}/change/",
    }


def _overflows(page) -> dict:
    """How wide the page is, and any list or inline table that scrolls sideways inside it."""
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            boxes: [...document.querySelectorAll('#changelist-form .results, .inline-group .tabular')]
                .filter(box => box.scrollWidth > box.clientWidth + 1)
                .map(box => `${box.closest('[id]').id}: ${box.scrollWidth} > ${box.clientWidth}`),
        })"""
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_no_main_page_is_wider_than_the_window(demo, laptop, role):
    page = laptop(role)
    for name, url in _main_pages().items():
        page.goto(url)
        measured = _overflows(page)
        assert measured == {"page": WIDTH, "boxes": []}, f"{name} ({url}) as {role}"


def test_the_customer_page_fits_with_its_locations_contacts_and_notes(demo, laptop):
    page = laptop("Office")
    page.goto(_main_pages()["customer"])
    for group in ("#service_locations-group", "#contacts-group", "#notes-group"):
        box = page.locator(group).bounding_box()
        assert box["x"] + box["width"] <= WIDTH, group
    assert page.evaluate("document.documentElement.scrollWidth") == WIDTH


def test_the_invoice_list_shows_its_main_columns_without_scrolling(demo, laptop):
    page = laptop("Owner")
    page.goto("/admin/invoicing/invoice/")
    results = page.locator("#changelist-form .results").bounding_box()
    for column in INVOICE_COLUMNS:
        header = page.locator("#result_list thead th", has_text=column).first.bounding_box()
        assert header["x"] >= results["x"] and header["x"] + header["width"] <= results["x"] + results["width"], column
        assert header["x"] + header["width"] <= WIDTH, column
    # With two divisions the list says which each invoice belongs to.
    expect(page.locator("#result_list thead th.column-division")).to_be_visible()
    # Room is left for one more narrow column.
    last = page.locator("#result_list thead th").last.bounding_box()
    assert last["x"] + last["width"] <= results["x"] + results["width"]


def test_a_late_ready_for_sync_invoice_keeps_its_sync_state(demo, laptop):
    InvoiceFactory(
        number="L-1",
        status=InvoiceStatus.READY_FOR_SYNC,
        invoice_date=days_from_today(-40),
        due_date=days_from_today(-10),
        total="120.00",
        balance="120.00",
    )
    page = laptop("Office")
    page.goto("/admin/invoicing/invoice/?q=L-1")
    badge = page.locator("#result_list tbody tr", has_text="L-1").locator(".invoice-status")
    expect(badge).to_have_text("Ready for Sync · Overdue")
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= WIDTH


def test_records_of_the_two_divisions_are_told_apart(demo, laptop):
    snow = Division.objects.exclude(pk=division_get_default().pk).get()
    page = laptop("Office")
    page.goto("/admin/customers/customer/?q=Lakeside+Dental")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("td.field-division")).to_have_text(["Main", snow.name])
    filters = page.locator("#changelist-filter")
    expect(filters.get_by_role("link", name="Net 15 (Main)", exact=True)).to_be_visible()
    expect(filters.get_by_role("link", name=f"Net 15 ({snow.name})", exact=True)).to_be_visible()


def test_the_home_is_a_dashboard_for_each_role(demo, laptop):
    office = laptop("Office")
    office.goto("/admin/")
    ready = office.locator("#dashboard-ready_for_sync")
    expect(ready).to_contain_text("Ready for Sync")
    expect(office.locator("#dashboard-overdue .fo-figure__value")).to_have_text(MONEY)
    expect(office.locator("#dashboard-open .fo-figure__value")).to_have_text(MONEY)
    expect(office.locator("#dashboard-actions")).to_contain_text("Add invoice")
    expect(office.locator("#dashboard-syncs tbody tr")).to_have_count(Division.objects.count())
    expect(office.locator("#dashboard-nav caption")).to_have_text(
        ["Customers", "Invoicing", "Catalog", "Purchasing", "Inventory", "Accounting", "QuickBooks", "Administration"]
    )
    expect(office.locator("#user-tools")).not_to_contain_text("View site")
    assert office.locator('link[rel="icon"]').count() == 1
    ready_count = Invoice.objects.filter(status=InvoiceStatus.READY_FOR_SYNC).count()
    expect(ready.locator(".fo-figure__value")).to_have_text(str(ready_count))
    ready.click()
    expect(office.locator("#result_list tbody tr")).to_have_count(ready_count)

    read_only = laptop("Read-only")
    read_only.goto("/admin/")
    expect(read_only.locator("#dashboard-ready_for_sync")).to_be_visible()
    expect(read_only.locator("#dashboard-actions")).to_have_count(0)

    owner = laptop("Owner")
    owner.goto("/admin/")
    expect(owner.locator("#dashboard-nav caption", has_text="System").first).to_be_visible()

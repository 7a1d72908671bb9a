"""
An office user at a 1366x768 window downloads the customers template and uploads it as it is: the preview says the
example row was skipped and there is nothing to import. Then a real change: the preview shows each field as
old → new, open on the page, and the import writes exactly that.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.customers.models import Customer
from apps.imports.kinds import kind_get
from tests.browser.conftest import WIDTH
from tests.factories import CustomerFactory, ServiceLocationFactory, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"


def _fits_the_window(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _check_the_file(page, path) -> None:
    page.goto("/admin/imports/excelimport/?kind=customers")
    expect(page.locator('input[name="kind"][value="customers"]')).to_be_checked()
    page.set_input_files('input[name="file"]', str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-counts")).to_be_visible()


def _with_a_real_change(template, path):
    """The template as downloaded (example row kept), plus a row that changes a real customer."""
    workbook = load_workbook(template)
    sheet = workbook["Customers"]
    headers = [column.header for column in kind_get("customers").sheet_columns]
    values = {
        "Customer number": "C-1001",
        "Display name": "Basement Bar",
        "First name": "Kelsey",
        "Phone": "612-555-0144",
        "Email": "kelsey@basementbar.example.com",
    }
    sheet.append([values.get(header) for header in headers])
    workbook.save(path)
    return path


def test_the_template_as_downloaded_changes_nothing_and_a_real_update_shows_each_field(
    transactional_db, live_server, laptop_page, tmp_path
):
    page = laptop_page
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    bar = CustomerFactory(
        number="C-1001",
        display_name="Basement Bar",
        first_name="Tony",
        phone="612-555-0142",
        email="manager@basementbar.example.com",
    )
    ServiceLocationFactory(customer=bar, name="BB_1")

    page.goto("/accounts/login/?next=/admin/imports/excelimport/")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page.locator("h1")).to_have_text("Import from Excel")

    page.check('input[name="kind"][value="customers"]')
    with page.expect_download() as download:
        page.locator('.import-template-link[data-kind="customers"]').click()
    template = tmp_path / "customers template.xlsx"
    download.value.save_as(template)

    # Uploaded as it is: the example row is skipped, said plainly, and there is nothing to import.
    _check_the_file(page, template)
    expect(page.locator('[data-count="create"]')).to_have_text("0 customers to create")
    expect(page.locator('[data-count="update"]')).to_have_text("0 customers to update")
    examples = page.locator('[data-count="examples"]')
    expect(examples).to_be_visible()
    expect(examples).to_contain_text("1 example row skipped (row 3)")
    expect(page.locator("#import-nothing")).to_contain_text(
        "There is nothing to import: the file holds only the template's example, which is never imported."
    )
    expect(page.locator("#import-confirm")).to_have_count(0)
    expect(page.locator("#import-errors")).to_have_count(0)
    _fits_the_window(page)
    bar.refresh_from_db()
    assert (bar.first_name, bar.phone, bar.email) == ("Tony", "612-555-0142", "manager@basementbar.example.com")

    # A real change: every field as old → new, open on the page, the example row still skipped.
    _check_the_file(page, _with_a_real_change(template, tmp_path / "customers.xlsx"))
    expect(page.locator('[data-count="update"]')).to_have_text("1 customer to update")
    expect(page.locator('[data-count="examples"]')).to_contain_text("1 example row skipped (row 3)")
    update = page.locator("#import-update")
    expect(update.locator("h3")).to_have_text("To update: 1 customer")
    expected = {
        "First name": "First name: Tony → Kelsey",
        "Phone": "Phone: 612-555-0142 → 612-555-0144",
        "Email": "Email: manager@basementbar.example.com → kelsey@basementbar.example.com",
    }
    for field, text in expected.items():
        change = update.locator(f'li[data-field="{field}"]')
        expect(change).to_be_visible()
        expect(change).to_have_text(re.compile(r"\s*".join(re.escape(word) for word in text.split())))
    expect(update.locator("li")).to_have_count(len(expected))
    expect(update.locator("tbody tr td").first).to_have_text("4")
    _fits_the_window(page)

    page.locator("#import-confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported: 0 created, 1 updated, 0 left as they were.")
    expect(page.locator("#import-update h3")).to_have_text("Updated: 1 customer")
    expect(page.locator('#import-update li[data-field="Phone"]')).to_be_visible()
    bar.refresh_from_db()
    assert (bar.first_name, bar.phone, bar.email) == ("Kelsey", "612-555-0144", "kelsey@basementbar.example.com")
    assert Customer.objects.count() == 1

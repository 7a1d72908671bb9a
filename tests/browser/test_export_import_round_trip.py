"""
An office user exports the invoices with their lines, uploads the file again from the list's Import button (nothing
to change), then corrects a price in it and imports the correction: the preview and the finished import say the
same, old → new.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.invoicing.models import Invoice
from apps.invoicing.resources import HistoricalInvoiceResource
from tests.factories import CustomerFactory, UserFactory
from tests.imports.helpers import run, start, xlsx_bytes

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"
HISTORY = [
    ["Invoice number", "Customer", "Invoice date", "Description", "Quantity", "Unit price", "Status"],
    ["H-1", "Basement Bar", date(2022, 8, 15), "Service call", 1, 100, "Unpaid"],
    ["H-1", None, None, "Filter", 2, Decimal("12.50"), None],
    ["H-2", "Basement Bar", date(2022, 9, 15), "Repair", 1, 80, "Paid"],
]


def _export_with_lines(page, path):
    page.goto("/admin/invoicing/invoice/")
    page.get_by_role("link", name="Export").click()
    page.select_option('select[name="resource"]', label=HistoricalInvoiceResource.get_display_name())
    page.select_option('select[name="format"]', label="xlsx")
    with page.expect_download() as download:
        page.locator('.submit-row input[type="submit"]').click()
    download.value.save_as(path)
    return path


def _upload_from_the_list(page, path):
    page.goto("/admin/invoicing/invoice/")
    page.locator('a[href*="kind=invoices"]').click()
    expect(page.locator('input[name="kind"][value="invoices"]')).to_be_checked()
    page.set_input_files('input[name="file"]', str(path))
    page.get_by_role("button", name="Check the file").click()


def test_exported_invoices_import_again_unchanged_then_a_correction(transactional_db, live_server, page, tmp_path):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    CustomerFactory(display_name="Basement Bar")
    assert run(start("invoices", xlsx_bytes(HISTORY), division=division_get_default())).created == 2

    page.goto("/accounts/login/?next=/admin/")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    exported = _export_with_lines(page, tmp_path / "invoices.xlsx")
    _upload_from_the_list(page, exported)
    expect(page.locator('[data-count="skip"]')).to_contain_text("2 invoices")
    expect(page.locator('[data-count="update"]')).to_contain_text("0 invoices")
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator("#import-nothing")).to_contain_text("already in FieldOffice")

    # A corrected price: one invoice to update, its line and totals old → new, before and after the import.
    workbook = load_workbook(exported)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    filter_row = next(row for row in sheet.iter_rows(min_row=2) if row[headers.index("Description")].value == "Filter")
    filter_row[headers.index("Unit price")].value = 15
    workbook.save(tmp_path / "corrected.xlsx")
    _upload_from_the_list(page, tmp_path / "corrected.xlsx")
    expect(page.locator('[data-count="update"]')).to_contain_text("1 invoice")
    expect(page.locator("body")).to_contain_text("Filter · 2 at 15.00")

    page.locator("#import-confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported: 0 created, 1 updated, 1 left as they were.")
    expect(page.locator("body")).to_contain_text("Filter · 2 at 12.50")
    expect(page.locator("body")).to_contain_text("Filter · 2 at 15.00")
    assert Invoice.objects.get(number="H-1").subtotal == Decimal("130.00")

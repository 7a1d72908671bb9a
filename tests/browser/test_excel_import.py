"""An office user downloads a template, uploads it filled with a mistake, sees the error, fixes it and imports."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.customers.models import CustomerNote
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"


def _fill(template, path, customer_of_second_row: str):
    """
    The template with its example replaced by two notes (row 2, the notes row, stays: it is skipped). The first
    column, "Example", stays empty on rows to import.
    """
    workbook = load_workbook(template)
    sheet = workbook["Notes"]
    sheet.delete_rows(3)
    sheet.append([None, "Basement Bar", date(2022, 8, 15), "Jorji", "Side door code 4411"])
    sheet.append([None, customer_of_second_row, "08/16/2022", None, "Dog on site"])
    workbook.save(path)
    return path


def test_upload_preview_with_an_error_fix_and_confirm(transactional_db, live_server, page, tmp_path):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    bar = CustomerFactory(display_name="Basement Bar")

    page.goto("/accounts/login/?next=/admin/")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # The admin index links the import page.
    page.get_by_role("link", name="Import from Excel").first.click()
    expect(page.locator("h1")).to_have_text("Import from Excel")

    # The zip field shows only for attachments.
    page.check('input[name="kind"][value="customer_attachments"]')
    expect(page.locator("#import-archive-row")).to_be_visible()
    page.check('input[name="kind"][value="customer_notes"]')
    expect(page.locator("#import-archive-row")).to_be_hidden()

    with page.expect_download() as download:
        page.locator('.import-template-link[data-kind="customer_notes"]').click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # A misspelt customer: the preview names the row, the column and the problem, and writes nothing.
    page.set_input_files('input[name="file"]', str(_fill(template, tmp_path / "notes.xlsx", "Basment Bar")))
    page.get_by_role("button", name="Check the file").click()
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("4")
    expect(errors.first).to_contain_text("Customer")
    expect(errors.first).to_contain_text("No customer has the name or number “Basment Bar”")
    expect(page.locator('[data-count="create"]')).to_contain_text("1 note")
    expect(page.locator("#import-confirm")).to_have_count(0)
    assert not CustomerNote.objects.exists()

    # Fix the file and upload it again: the page remembers what was being imported.
    page.locator("#import-upload-again").click()
    expect(page.locator('input[name="kind"][value="customer_notes"]')).to_be_checked()
    page.set_input_files('input[name="file"]', str(_fill(template, tmp_path / "fixed.xlsx", "Basement Bar")))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_have_count(0)
    expect(page.locator('[data-count="create"]')).to_contain_text("2 notes")

    page.locator("#import-confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported: 2 created, 0 updated, 0 left as they were.")
    expect(page.locator("#import-status")).to_contain_text("Imported")

    notes = CustomerNote.objects.filter(customer=bar).order_by("noted_on")
    assert [(note.noted_on, note.text) for note in notes] == [
        (date(2022, 8, 15), "Side door code 4411"),
        (date(2022, 8, 16), "Dog on site"),
    ]

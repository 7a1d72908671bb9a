"""
The first hour of an office manager, in a real browser at 1366x768: the demo company, signed in as its Owner, is
connected to the local QuickBooks sandbox through the sandbox's consent page (which makes its first company then),
configured as the README suggests (customers two ways with QuickBooks primary, invoices to QuickBooks), previewed and
synced. The sync completes with nothing failed or skipped, the preview counted what it did, list by list, and no
invoice's total changed.
"""

import re

import pytest
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.demo.services import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, demo_seed
from apps.invoicing.models import Invoice
from apps.quickbooks.models import SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.online.local_consent import DEFAULT_EMAIL, DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

WINDOW = {"width": 1366, "height": 768}
# The run happens inside the request that presses the button (tasks are synchronous in tests): allow it time.
SYNC_TIMEOUT_MS = 60_000


@pytest.fixture
def qbo(settings, live_server):
    """FieldOffice pointed at the sandbox of the live server, with fast retries."""
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    settings.QBO_MAX_ATTEMPTS = 4
    settings.QBO_BACKOFF_SECONDS = 0.01
    settings.QBO_BACKOFF_MAX_SECONDS = 0.05
    settings.QBO_THROTTLE_WAIT_SECONDS = 0.05
    return live_server


def _counts_shown(page) -> dict[str, list[str]]:
    """The Realtime Sync Status' table: per list, the counts in its columns (created, updated, linked, ...)."""
    table = page.locator("#qbo-live [data-qbo='entities'] table")
    expect(table).to_be_visible()
    rows = {}
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").all_text_contents()
        rows[row.locator("th").text_content().strip()] = [cell.strip() for cell in cells]
    return rows


def _columns_shown(page) -> list[str]:
    return page.locator("#qbo-live [data-qbo='entities'] thead th").all_text_contents()[1:]


def _first_sync(page, live_server) -> tuple[dict, dict, list[str], list[str]]:
    """Everything the user does, from signing in to the end of Sync Now; the preview's and the sync's tables."""
    page.set_viewport_size(WINDOW)
    division = division_get_default()
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', DEMO_ADMIN_EMAIL)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))

    # Connect to QuickBooks: the sandbox's consent page, whose first company is made now.
    page.get_by_role("button", name="Connect to QuickBooks").click()
    expect(page).to_have_url(re.compile(r"/qbo-sandbox/connect/oauth2\?"))
    page.fill('input[name="email"]', DEFAULT_EMAIL)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Connect", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator("#qbo-connection .qbo-status--connected")).to_have_text("Connected")

    # Configure Sync as the README suggests (qbo_configure --customers two-way --primary quickbooks
    # --invoices to-quickbooks).
    page.locator("#qbo-configure").click()
    page.select_option('select[name="customers_direction"]', label="Two ways")
    page.select_option('select[name="customers_primary"]', label="QuickBooks")
    page.select_option('select[name="invoices_direction"]', label="FieldOffice to QuickBooks")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("The sync settings have been saved.")

    # Preview, and what it says a sync would do.
    page.locator("#qbo-preview").click()
    label = page.locator("#qbo-live [data-qbo='label']")
    expect(label).to_have_text("Preview ready", timeout=SYNC_TIMEOUT_MS)
    predicted, predicted_columns = _counts_shown(page), _columns_shown(page)

    # Sync Now.
    page.locator("#qbo-sync-now").click()
    expect(label).to_have_text("Sync completed", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#qbo-live [data-qbo='error']")).to_be_hidden()
    done, done_columns = _counts_shown(page), _columns_shown(page)
    expect(page.locator("#qbo-runs")).to_contain_text("Preview")
    return predicted, done, predicted_columns, done_columns


def test_the_first_demo_sync_completes_as_its_preview_said(transactional_db, qbo, page):
    demo_seed()

    predicted, done, predicted_columns, done_columns = _first_sync(page, qbo)

    run = SyncRun.objects.exclude(trigger=SyncTrigger.PREVIEW).get()
    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    assert done_columns == ["Created", "Updated", "Linked", "Skipped", "Failed"]
    assert predicted_columns == ["Would create", "Would update", "Would link", "Would skip", "Would fail"]
    assert all(cells[3:] == ["0", "0"] for cells in done.values()), done  # nothing skipped, nothing failed
    assert predicted == done
    assert {"Customers", "Service locations", "Invoices"} <= set(done)
    assert int(done["Invoices"][0]) > 0


def test_the_first_demo_sync_keeps_every_invoice_total(transactional_db, qbo, page):
    demo_seed()
    before = dict(Invoice.objects.values_list("pk", "total"))

    _first_sync(page, qbo)

    after = dict(Invoice.objects.values_list("pk", "total"))
    changed = {pk: (before[pk], total) for pk, total in after.items() if total != before[pk]}
    assert changed == {}

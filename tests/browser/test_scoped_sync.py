"""
Synchronize <list> on the QuickBooks page (issue 15): an Office user presses Synchronize Customers and follows the
scoped run in the Realtime Sync Status to its end, as for Sync Now, at a 1366 x 768 window. The test plays the
worker: the button only queues the run, then the test runs its task.
"""

import re

import pytest
from playwright.sync_api import expect

from apps.catalog.models import Item
from apps.core.selectors import division_get_default
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import SyncRun, SyncRunStatus
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.tasks import sync_division
from tests.browser.conftest import WIDTH
from tests.factories import UserFactory
from tests.quickbooks.conftest import connect

pytestmark = pytest.mark.browser

EMAIL = "office@example.com"
PASSWORD = "correct-horse-battery"
# The page asks every 2 seconds while a run is under way, and at first every 5 seconds otherwise.
POLL_TIMEOUT_MS = 12_000


def test_synchronize_customers_runs_customers_only_and_the_page_follows_it(
    transactional_db, live_server, settings, laptop_page, monkeypatch
):
    page = laptop_page
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    queued = []
    # No worker: the button leaves its run queued; the test runs the task when it chooses.
    monkeypatch.setattr("apps.quickbooks.services.runs.async_task", lambda *args, **kwargs: queued.append(kwargs))
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Office"])
    division = division_get_default()
    company = company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))
    income = entity_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
    entity_create(company, "Customer", {"DisplayName": "Acme Heating"})
    entity_create(company, "Customer", {"DisplayName": "Birch Plumbing"})
    entity_create(
        company, "Item", {"Name": "Gutter Cleaning", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
    )
    connect(division, company)
    sync_settings_update(
        division=division,
        customers_direction="to_local",
        customers_primary="",
        inventory_direction="to_local",
        sync_tax_rates_and_terms=False,
    )
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    buttons = page.locator("#qbo-scoped-actions input[type=submit]")
    expect(buttons).to_have_count(3)
    names = buttons.evaluate_all("buttons => buttons.map((button) => button.value)")
    assert names == ["Synchronize Accounts", "Synchronize Items", "Synchronize Customers"]
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= WIDTH

    page.get_by_role("button", name="Synchronize Customers").click()
    expect(page.locator(".messagelist")).to_contain_text(f"A sync of Customers for {division} has been queued")
    run = SyncRun.objects.get(division=division)
    assert run.scope == ["customers"]
    label = page.locator("#qbo-status [data-qbo='label']")
    meta = page.locator("#qbo-status [data-qbo='meta']")
    latest_row = page.locator("#qbo-runs .qbo-runs-table tbody tr").first
    expect(label).to_have_text("Waiting for a worker")
    expect(meta).to_contain_text("Sync Now — Customers, by ")
    expect(latest_row).to_contain_text("Sync Now — Customers")
    page.evaluate("window.qboNotReloaded = true")  # survives only as long as the page is not loaded again

    assert sync_division(division.pk, trigger="manual", run_id=run.pk) == run.pk
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.SUCCEEDED
    expect(label).to_have_text("Sync completed", timeout=POLL_TIMEOUT_MS)
    expect(page.locator("#qbo-status [data-qbo='counts']")).to_have_text("2 created")
    expect(page.locator("#qbo-status [data-qbo='entities'] tbody tr")).to_have_count(1)
    expect(page.locator("#qbo-status [data-qbo='entities'] tbody th")).to_have_text("Customers")
    expect(latest_row).to_contain_text("Succeeded", timeout=POLL_TIMEOUT_MS)
    expect(latest_row).to_contain_text("Sync Now — Customers")
    expect(page.get_by_role("button", name="Synchronize Items")).to_be_visible()  # the buttons follow the page
    assert page.evaluate("window.qboNotReloaded") is True
    assert not Item.objects.filter(division=division).exists()  # items were not synchronized
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

"""
The QuickBooks page keeps itself current (issue 14, part 6): when a run ends, its status, counts, Recent syncs and
the chart change in place, without a reload; a run whose worker stopped shows as "Lost (worker stopped)". At a
1366 x 768 window. This test plays the worker: Sync Now only queues the run, then the test runs the task itself.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import SyncRun, SyncRunStatus
from apps.quickbooks.services.runs import sync_runs_reconcile
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.tasks import sync_division
from tests.browser.conftest import WIDTH
from tests.factories import UserFactory
from tests.quickbooks.conftest import connect

pytestmark = pytest.mark.browser

EMAIL = "owner@example.com"
PASSWORD = "correct-horse-battery"
# The page asks every 2 seconds while a run is under way, and at first every 5 seconds otherwise.
POLL_TIMEOUT_MS = 12_000


def test_the_page_follows_a_run_to_its_end_and_shows_a_lost_one_without_reloading(
    transactional_db, live_server, settings, laptop_page, monkeypatch
):
    page = laptop_page
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    queued = []
    # No worker: Sync Now leaves its run queued; the test runs the task when it chooses.
    monkeypatch.setattr("apps.quickbooks.services.runs.async_task", lambda *args, **kwargs: queued.append(kwargs))
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    company = company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))
    entity_create(company, "Customer", {"DisplayName": "Acme Heating"})
    entity_create(company, "Customer", {"DisplayName": "Birch Plumbing"})
    connect(division, company)
    sync_settings_update(division=division, customers_direction="to_local", customers_primary="")
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator("#qbo-status-none")).to_be_visible()

    page.get_by_role("button", name="Sync Now").click()
    expect(page.locator(".messagelist")).to_contain_text(f"A sync of {division} has been queued")
    run = SyncRun.objects.get(division=division)
    label = page.locator("#qbo-status [data-qbo='label']")
    latest_row = page.locator("#qbo-runs .qbo-runs-table tbody tr").first
    expect(label).to_have_text("Waiting for a worker")
    expect(latest_row).to_contain_text("Queued")
    page.evaluate("window.qboNotReloaded = true")  # survives only as long as the page is not loaded again

    # The worker runs it: the status, its counts, Recent syncs and the chart change by themselves.
    assert sync_division(division.pk, trigger="manual", run_id=run.pk) == run.pk
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.SUCCEEDED
    expect(label).to_have_text("Sync completed", timeout=POLL_TIMEOUT_MS)
    expect(page.locator("#qbo-status [data-qbo='counts']")).to_have_text("2 created")
    expect(latest_row).to_contain_text("Succeeded", timeout=POLL_TIMEOUT_MS)
    expect(latest_row).not_to_contain_text("Queued")
    expect(page.locator(f"#qbo-chart .qbo-chart__run[data-run='{run.pk}'] .qbo-chart__bar--synced title")).to_have_text(
        re.compile(r"\(Sync completed\): 2 records synced$")
    )
    expect(page.locator("#qbo-download-errors")).to_be_visible()  # the buttons follow too
    expect(page.get_by_text("reload the page")).to_have_count(0)
    assert page.evaluate("window.qboNotReloaded") is True

    # The next run's worker stops mid-run: once its lease ran out, the reconciler closes it, and the page shows it.
    page.get_by_role("button", name="Sync Now").click()
    expect(label).to_have_text("Waiting for a worker")
    page.evaluate("window.qboNotReloaded = true")
    second = SyncRun.objects.filter(division=division).first()
    SyncRun.objects.filter(pk=second.pk).update(
        status=SyncRunStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=6), lock_owner="gone"
    )
    expect(label).to_have_text("Syncing\u2026", timeout=POLL_TIMEOUT_MS)
    monkeypatch.setattr("apps.quickbooks.services.runs.async_task", lambda *args, **kwargs: None)
    reconciled = sync_runs_reconcile()
    assert reconciled.lost == [second.pk] and len(reconciled.requeued) == 1

    lost_row = page.locator("#qbo-runs .qbo-runs-table tbody tr").nth(1)
    expect(lost_row).to_contain_text("Lost (worker stopped)", timeout=POLL_TIMEOUT_MS)
    expect(latest_row).to_contain_text("Queued")  # queued again: Sync Now had been pressed
    expect(label).to_have_text("Waiting for a worker")
    assert page.evaluate("window.qboNotReloaded") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

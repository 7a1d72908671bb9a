"""
An Owner connects a division to the local QuickBooks sandbox, sets customers to come from QuickBooks, presses Sync
Now and watches the Realtime Sync Status until the sandbox's customers are FieldOffice's, in a real browser.

FieldOffice reaches the sandbox on the live server itself (``QBO_ENVIRONMENT=local``), as ``tests/quickbooks`` does.
The live server listens on a loopback host (``localhost``), so the callback address FieldOffice builds from the
request is one the sandbox's development app accepts on any port; the state round trip is the real one, kept in
the browser's session.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.selectors import division_get_default
from apps.customers.models import Customer
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import ConnectionStatus, CustomersDirection, QuickBooksConnection, SyncRun, SyncRunStatus
from apps.quickbooks.online.local_consent import DEFAULT_EMAIL, DEFAULT_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

EMAIL = "owner@example.com"
PASSWORD = "correct-horse-battery"
# The sync runs inside the request that presses Sync Now (tasks are synchronous in tests): allow it time.
SYNC_TIMEOUT_MS = 30_000


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


def test_owner_connects_configures_and_syncs_customers_from_quickbooks(transactional_db, qbo, page):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    company = company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))
    entity_create(company, "Customer", {"DisplayName": "Acme Heating", "CompanyName": "Acme Heating LLC"})
    entity_create(
        company, "Customer", {"DisplayName": "Birch Plumbing", "PrimaryPhone": {"FreeFormNumber": "555-0100"}}
    )
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator("h1")).to_contain_text("Integrations \u203a QuickBooks")
    expect(page.locator("#qbo-connection")).to_contain_text("is not connected to QuickBooks")

    # Connect to QuickBooks: off to the sandbox's consent page, on the same server.
    page.get_by_role("button", name="Connect to QuickBooks").click()
    expect(page).to_have_url(re.compile(r"/qbo-sandbox/connect/oauth2\?"))
    expect(page.locator("h1")).to_have_text("Sign in")
    page.fill('input[name="email"]', DEFAULT_EMAIL)
    page.fill('input[name="password"]', DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_contain_text("Connect")
    page.select_option('select[name="realm_id"]', company.realm_id)
    page.get_by_role("button", name="Connect", exact=True).click()

    # Back through the callback to the division's page, connected.
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator(".messagelist")).to_contain_text(
        f"{division} is connected to the QuickBooks company Fieldwork Plumbing."
    )
    expect(page.locator("#qbo-connection .qbo-status--connected")).to_have_text("Connected")
    expect(page.locator("#qbo-connection")).to_contain_text(company.realm_id)

    # Configure Sync: customers come from QuickBooks.
    page.locator("#qbo-configure").click()
    expect(page.locator("h1")).to_contain_text("Configure Sync")
    page.select_option('select[name="customers_direction"]', label="QuickBooks to FieldOffice")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator(".messagelist")).to_contain_text("The sync settings have been saved.")

    # Sync Now, then the Realtime Sync Status says it is done.
    page.get_by_role("button", name="Sync Now").click()
    expect(page.locator("#qbo-live [data-qbo='label']")).to_have_text("Sync completed", timeout=SYNC_TIMEOUT_MS)
    expect(page.locator("#qbo-live [data-qbo='error']")).to_be_hidden()

    connection = QuickBooksConnection.objects.get(division=division)
    assert (connection.status, connection.realm_id) == (ConnectionStatus.CONNECTED, company.realm_id)
    assert division.quickbooks_sync_settings.customers_direction == CustomersDirection.TO_LOCAL
    run = SyncRun.objects.get(division=division)
    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    customers = {customer.display_name: customer for customer in Customer.objects.filter(division=division)}
    assert sorted(customers) == ["Acme Heating", "Birch Plumbing"]
    assert customers["Acme Heating"].company_name == "Acme Heating LLC"
    assert customers["Birch Plumbing"].phone == "555-0100"


# The page asks the status endpoint every 2 seconds: a change shows within two polls.
POLL_TIMEOUT_MS = 6_000


def test_owner_watches_a_queued_run_progress_and_finish_without_reloading(
    transactional_db, live_server, page, monkeypatch
):
    # No worker: Sync Now leaves the run queued, and this test plays the worker by writing the run row.
    monkeypatch.setattr("apps.quickbooks.services.runs.async_task", lambda *args, **kwargs: None)
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    QuickBooksConnection.objects.create(
        division=division, status=ConnectionStatus.CONNECTED, realm_id="9130350000000001", company_name="Fieldwork"
    )
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    expect(page.locator("#qbo-connection .qbo-status--connected")).to_have_text("Connected")

    page.get_by_role("button", name="Sync Now").click()
    expect(page.locator(".messagelist")).to_contain_text(f"A sync of {division} has been queued")
    status = page.locator("#qbo-status")
    label = status.locator("[data-qbo='label']")
    bar = status.locator("[data-qbo='bar']")
    progress_text = status.locator("[data-qbo='progress-text']")
    expect(label).to_have_text("Waiting for a worker")
    expect(status).to_have_attribute("data-poll", "1")
    expect(status.locator("[data-qbo='waiting']")).to_be_visible()
    expect(bar).to_have_js_property("value", 0)
    run = SyncRun.objects.get(division=division)
    assert run.status == SyncRunStatus.QUEUED
    # Survives only as long as the page is not loaded again.
    page.evaluate("window.qboNotReloaded = true")

    # The worker picks the run up and gets half way.
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRunStatus.RUNNING,
        started_at=timezone.now(),
        stage="Sending customers",
        progress_done=5,
        progress_total=10,
    )
    expect(label).to_have_text("Syncing\u2026", timeout=POLL_TIMEOUT_MS)
    expect(status).to_have_attribute("data-run-status", "running")
    expect(status.locator("[data-qbo='waiting']")).to_be_hidden()
    expect(bar).to_be_visible()
    expect(bar).to_have_js_property("value", 50)
    expect(progress_text).to_have_text("Sending customers: 5 of 10 (50%)")
    expect(status.locator("[data-qbo='meta']")).to_contain_text("started")

    # The worker is done: the page says so, and stops asking.
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        stage="",
        progress_done=10,
        counts={"created": 3, "updated": 1},
        entity_counts={"customer": {"created": 3, "updated": 1}},
        summary="4 customers synced.",
    )
    expect(label).to_have_text("Sync completed", timeout=POLL_TIMEOUT_MS)
    expect(status).to_have_attribute("data-poll", "0")
    expect(status.locator("[data-qbo='progress']")).to_be_hidden()
    expect(status.locator("[data-qbo='counts']")).to_have_text("3 created \u00b7 1 updated")
    expect(status.locator("[data-qbo='summary']")).to_have_text("4 customers synced.")
    expect(status.locator("[data-qbo='error']")).to_be_hidden()
    expect(status.locator("[data-qbo='entities'] tr[data-entity='customer'] th")).to_have_text("Customers")
    expect(status.locator("[data-qbo='meta']")).to_contain_text("finished")
    # No "reload the page": the recent syncs follow by themselves.
    expect(page.locator("#qbo-runs .qbo-runs-table tbody tr").first).to_contain_text("Succeeded")
    assert page.evaluate("window.qboNotReloaded") is True

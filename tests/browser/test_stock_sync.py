"""
The Synchronization buttons for stock (seed 003), at 1366 x 768: an Owner presses Import Inventory and sees
QuickBooks' count arrive on the item, marks an adjustment ready, then presses Export Inventory Adjustments and sees
QuickBooks' quantity move by it. The test plays the worker: a button only queues its run.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.catalog.models import Item
from apps.core.selectors import division_get_default
from apps.inventory import services as inventory
from apps.inventory.models import AdjustmentStatus
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import SyncRun, SyncRunStatus
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.tasks import sync_division
from tests.browser.conftest import WIDTH
from tests.factories import UserFactory
from tests.quickbooks.conftest import connect

pytestmark = pytest.mark.browser

EMAIL = "owner@example.com"
PASSWORD = "correct-horse-battery"
POLL_TIMEOUT_MS = 12_000


def quantity_there(company, name: str) -> Decimal:
    item = SandboxEntity.objects.get(company=company, entity_type="Item", data__Name=name)
    return Decimal(str(item.data["QtyOnHand"]))


def press_and_run(page, button: str, division, step: str) -> None:
    """Press a Synchronization button, run its queued run as the worker would, and wait for the page to say so."""
    page.get_by_role("button", name=button).click()
    expect(page.locator(".messagelist")).to_contain_text("has been queued")
    run = SyncRun.objects.filter(division=division).latest("id")
    assert run.scope == [step]
    sync_division(division.pk, trigger="manual", run_id=run.pk)
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.SUCCEEDED, run.error_summary
    expect(page.locator("#qbo-status [data-qbo='label']")).to_have_text("Sync completed", timeout=POLL_TIMEOUT_MS)


def test_import_inventory_then_export_an_adjustment_from_the_synchronization_buttons(
    transactional_db, live_server, settings, laptop_page, monkeypatch
):
    page = laptop_page
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_LOCAL_BASE_URL = live_server.url
    monkeypatch.setattr("apps.quickbooks.services.runs.async_task", lambda *args, **kwargs: None)
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    company = company_create(name="Fieldwork Plumbing", options=SeedOptions(seed="empty"))
    accounts = {
        name: entity_create(company, "Account", {"Name": name, "AccountType": kind}).entity_id
        for name, kind in (
            ("Sales of Product Income", "Income"),
            ("Cost of Goods Sold", "Cost of Goods Sold"),
            ("Inventory Shrinkage", "Cost of Goods Sold"),
            ("Inventory Asset", "Other Current Asset"),
        )
    }
    entity_create(
        company,
        "Item",
        {
            "Name": "Furnace filter",
            "Type": "Inventory",
            "TrackQtyOnHand": True,
            "QtyOnHand": 48,
            "InvStartDate": "2015-03-01",
            "IncomeAccountRef": {"value": accounts["Sales of Product Income"]},
            "ExpenseAccountRef": {"value": accounts["Cost of Goods Sold"]},
            "AssetAccountRef": {"value": accounts["Inventory Asset"]},
        },
    )
    connect(division, company)
    sync_settings_update(division=division, inventory_direction="to_local", sync_tax_rates_and_terms=False)
    assert run_division_sync(division.pk, "manual").status == SyncRunStatus.SUCCEEDED
    item = Item.objects.get(division=division, name="Furnace filter")
    # Counted here since: QuickBooks' count is the one Import Inventory takes.
    Item.objects.filter(pk=item.pk).update(quantity_on_hand=Decimal("40"))
    sync_settings_update(division=division, import_inventory=True, export_inventory_adjustments=True)
    page_path = f"/admin/quickbooks/integration/{division.pk}/change/"

    page.goto(f"/accounts/login/?next={page_path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(page_path) + "$"))
    names = page.locator("#qbo-scoped-actions input[type=submit]").evaluate_all(
        "buttons => buttons.map((button) => button.value)"
    )
    assert names == ["Synchronize Accounts", "Synchronize Items", "Import Inventory", "Export Inventory Adjustments"]

    press_and_run(page, "Import Inventory", division, "inventory")
    expect(page.locator("#qbo-status [data-qbo='counts']")).to_contain_text("1 updated")
    page.goto(f"/admin/catalog/item/{item.pk}/change/")
    stock = page.locator(".field-stock_history")
    expect(stock).to_contain_text("QuickBooks count")
    expect(stock).to_contain_text("QuickBooks inventory import")
    expect(page.locator(".field-quantity_on_hand input")).to_have_value("48")

    adjustment = inventory.adjustment_create(
        division=division, reason="damaged", lines=[{"item": item, "quantity_change": Decimal("-2")}]
    )
    page.goto(f"/admin/inventory/inventoryadjustment/{adjustment.pk}/change/")
    page.locator("#document-mark_ready").click()
    page.get_by_role("button", name="Mark ready").click()
    expect(page.locator(".messagelist")).to_contain_text("is ready: the stock has moved")
    assert quantity_there(company, "Furnace filter") == Decimal("48")

    page.goto(page_path)
    press_and_run(page, "Export Inventory Adjustments", division, "inventory adjustments")
    expect(page.locator("#qbo-status [data-qbo='counts']")).to_contain_text("1 created")
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.EXPORTED
    assert quantity_there(company, "Furnace filter") == Decimal("46")
    assert Item.objects.get(pk=item.pk).quantity_on_hand == Decimal("46")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

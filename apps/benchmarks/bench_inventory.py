"""
The inventory scenario of ``bench_sync``: a sandbox company whose inventory items come here, then ``--adjustments``
inventory adjustments marked ready here exported with Intuit's limits on (30 to a batch: calls against the bound
1.05 * ceil(n / 30), and no answer 429), then an idle run with every stock list on (items, Import Inventory, Export
Inventory Adjustments, vendors), whose calls must stay at 2 or fewer.

The adjustments are written in bulk as if marked ready one by one (their stock movements are left out: what is
measured is the export).
"""

import math
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.accounting.models import Account
from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.catalog.models import Item
from apps.inventory.models import AdjustmentStatus, InventoryAdjustment, InventoryAdjustmentLine
from apps.qbo_sandbox import companies, store
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import SyncRun
from apps.quickbooks.online.backend import CURSOR_OVERLAP
from apps.quickbooks.services.sync_settings import sync_settings_update

BATCH = 30
ON_HAND = 1_000_000
CHUNK = 2_000
VENDORS = 200
LIMITS = {"rate_limit_per_minute": 500, "batch_rate_limit_per_minute": 40, "rate_limit_concurrent": 10}


def _company_seed(company: SandboxCompany, items: int) -> None:
    """The accounts inventory items need, ``items`` inventory parts with plenty on hand, and some vendors."""
    accounts = {
        name: store.entities_bulk_create(company, "Account", [{"Name": name, "AccountType": kind}])[0]
        for name, kind in (
            ("Sales of Product Income", "Income"),
            ("Cost of Goods Sold", "Cost of Goods Sold"),
            ("Inventory Shrinkage", "Cost of Goods Sold"),
            ("Inventory Asset", "Other Current Asset"),
        )
    }

    def ref(name: str) -> dict[str, str]:
        return {"value": accounts[name].entity_id, "name": name}

    store.entities_bulk_create(
        company,
        "Item",
        (
            {
                "Name": f"Part {number:05d}",
                "Type": "Inventory",
                "TrackQtyOnHand": True,
                "QtyOnHand": ON_HAND,
                "InvStartDate": "2015-01-01",
                "UnitPrice": 10,
                "PurchaseCost": 4,
                "IncomeAccountRef": ref("Sales of Product Income"),
                "ExpenseAccountRef": ref("Cost of Goods Sold"),
                "AssetAccountRef": ref("Inventory Asset"),
            }
            for number in range(1, items + 1)
        ),
    )
    store.entities_bulk_create(
        company, "Vendor", ({"DisplayName": f"Supplier {number:04d}"} for number in range(1, VENDORS + 1))
    )


def _adjustments_create(division, count: int) -> None:
    items = list(Item.objects.filter(division=division).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    for start in range(0, count, CHUNK):
        adjustments = InventoryAdjustment.objects.bulk_create(
            InventoryAdjustment(
                division=division,
                number=f"A{number:06d}",
                reason="count",
                status=AdjustmentStatus.READY,
                marked_ready_at=now,
            )
            for number in range(start + 1, min(start + CHUNK, count) + 1)
        )
        InventoryAdjustmentLine.objects.bulk_create(
            InventoryAdjustmentLine(
                adjustment=adjustment,
                position=1,
                item_id=items[index % len(items)],
                quantity_change=Decimal(-1),
            )
            for index, adjustment in enumerate(adjustments, start=start)
        )


def inventory_scenario(
    options: dict[str, Any],
    *,
    connect: Callable[[Any, SandboxCompany], None],
    run: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    count = options["adjustments"]
    items = options["stock_items"]
    company = companies.company_create(name="Inventory benchmark", options=SeedOptions(seed="empty"))
    companies.company_update_settings(company, {"webhooks_enabled": False})
    division, _ = benchmark_division_prepare(rows=10**9)
    try:
        _company_seed(company, items)
        connect(division, company)
        time.sleep(CURSOR_OVERLAP.total_seconds() + 1)
        sync_settings_update(division=division, inventory_direction="to_local", vendors_direction="to_local")
        setup = run(division)
        if setup["status"] != "succeeded":
            raise RuntimeError(f"Bringing the benchmark's items here failed: {setup['error']}")
        _adjustments_create(division, count)
        shrinkage = Account.objects.get(division=division, name="Inventory Shrinkage")
        sync_settings_update(
            division=division,
            import_inventory=True,
            export_inventory_adjustments=True,
            inventory_adjustment_account=shrinkage,
        )
        limits = {**LIMITS, "time_scale": options["time_scale"]} if options["limits"] else {}
        companies.company_update_settings(company, {**limits, "webhooks_enabled": False})
        batches = math.ceil(count / BATCH)
        export = run(division, scope=["inventory adjustments"])
        bound = round(1.05 * batches, 2)
        export.update(
            adjustments=count,
            batches=batches,
            api_calls_bound=bound,
            within_bound=export["api_calls"] <= bound and export["throttled_answers"] == 0,
            exported=InventoryAdjustment.objects.filter(division=division, status=AdjustmentStatus.EXPORTED).count(),
            quickbooks_adjustments=store.entity_list(company, "InventoryAdjustment").count(),
        )
        export["records_per_second"] = round(count / export["seconds"], 1) if export["seconds"] else None
        time.sleep(CURSOR_OVERLAP.total_seconds() + 1)
        settle = run(division)
        idle = run(division)
        idle.update(within_bound=idle["api_calls"] <= 2, after_export_run=settle["counts"])
        return {"export": export, "idle": idle, "items": items}
    finally:
        SyncRun.objects.filter(division=division).delete()
        benchmark_division_remove(division)
        company.delete()

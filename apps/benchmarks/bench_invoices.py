"""
The invoices scenario of ``bench_sync``: push N new invoices of 3 lines to a sandbox company answering with Intuit's
latency and limits, and compare the time with the floor those limits allow.

The measured run is a child process (``qbo_sync --json``), so that its peak memory is its own, not the benchmark's
(which builds the invoices): ``RUSAGE_CHILDREN`` reports the largest child that ended.
"""

import json
import math
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.customers.models import Customer
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus
from apps.qbo_sandbox import companies
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.seeding import SeedOptions
from apps.quickbooks.models import SyncRun, SyncTrigger
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync import run_division_sync

LINES_PER_INVOICE = 3
BATCH = 30
CUSTOMERS = 200
CHUNK = 2000


def _invoices_create(division, count: int) -> None:
    customers = list(Customer.objects.filter(division=division).values_list("pk", flat=True))
    today = date(2026, 11, 1)
    for start in range(0, count, CHUNK):
        invoices = Invoice.objects.bulk_create(
            Invoice(
                division=division,
                number=f"B{number:06d}",
                customer_id=customers[number % len(customers)],
                invoice_date=today,
                due_date=today + timedelta(days=30),
                status=InvoiceStatus.READY_FOR_SYNC,
                subtotal=Decimal("135.00"),
                total=Decimal("135.00"),
                balance=Decimal("135.00"),
            )
            for number in range(start + 1, min(start + CHUNK, count) + 1)
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                description=f"Work item {position}",
                quantity=Decimal("1"),
                unit_price=Decimal(45),
                taxable=False,
                amount=Decimal("45.00"),
            )
            for invoice in invoices
            for position in range(1, LINES_PER_INVOICE + 1)
        )


def floor_seconds(*, batches: int, singles: int, window: float, latency: float, options: dict[str, int]) -> float:
    """
    The shortest time Intuit's limits allow: every limit gives a lower bound, the largest one binds. ``window`` is
    the (compressed) minute; the first window's allowance goes at once, each later one a window later.
    """
    per_minute, batch_per_minute, concurrent = options["per_minute"], options["batch_per_minute"], options["concurrent"]
    requests = batches + singles
    bounds = [
        (math.ceil(batches / batch_per_minute) - 1) * window + latency,
        (math.ceil(requests / per_minute) - 1) * window + latency,
        math.ceil(batches / concurrent) * latency + singles * latency,
    ]
    return max(bounds)


def invoices_scenario(command, options: dict[str, Any], connect, base_url: str) -> dict[str, Any]:
    count = options["invoices"]
    scale = options["time_scale"]
    window = 60.0 / scale
    latency = options["latency_ms"] / 1000
    company = companies.company_create(name="Invoice benchmark", options=SeedOptions(seed="empty"))
    # Nobody listens to this company's change notices: none are recorded or sent, from the setup on.
    companies.company_update_settings(company, {"webhooks_enabled": False})
    division, _ = benchmark_division_prepare(rows=10**9)
    try:
        income = entity_create(company, "Account", {"Name": "Services Income", "AccountType": "Income"})
        entity_create(
            company, "Item", {"Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": income.entity_id}}
        )
        Customer.objects.bulk_create(
            Customer(division=division, display_name=f"Invoice Customer {n:04d}", taxable=False)
            for n in range(1, CUSTOMERS + 1)
        )
        connect(division, company)
        sync_settings_update(division=division, customers_direction="to_quickbooks", customers_primary="")
        setup = run_division_sync(division.pk, SyncTrigger.MANUAL)
        if setup.status != "succeeded":
            raise RuntimeError(f"Pushing the benchmark's customers failed: {setup.error_summary}")
        _invoices_create(division, count)
        sync_settings_update(division=division, invoices_direction="to_quickbooks")
        companies.company_update_settings(
            company,
            {
                "rate_limit_per_minute": 500,
                "batch_rate_limit_per_minute": 40,
                "rate_limit_concurrent": 10,
                "time_scale": scale,
                "latency_ms": options["latency_ms"],
                "webhooks_enabled": False,
            },
        )
        report, throttles = _measured_run(division, base_url, window)
        batches = math.ceil(count / BATCH)
        # Besides the batches: the change-data-capture call, the list batch, the preferences and the item lookup.
        singles = max(report["api_calls"] - batches, 0)
        floor = floor_seconds(
            batches=batches,
            singles=singles,
            window=window,
            latency=latency,
            options={"per_minute": 500, "batch_per_minute": 40, "concurrent": 10},
        )
        sent = Invoice.objects.filter(division=division, status=InvoiceStatus.UNPAID).count()
        return {
            "invoices": count,
            "lines_per_invoice": LINES_PER_INVOICE,
            "status": report["status"],
            "error": report["error"],
            "sent": sent,
            "api_calls": report["api_calls"],
            "api_calls_bound": round(1.05 * batches + singles, 2),
            "within_calls_bound": report["api_calls"] <= 1.05 * batches + singles,
            "seconds": report["seconds"],
            "floor_seconds": round(floor, 2),
            "ratio_to_floor": round(report["seconds"] / floor, 3) if floor else None,
            "within_time_bound": report["seconds"] <= 1.25 * floor,
            "throttled_answers": throttles,
            "sql_queries": report["sql_queries"],
            "peak_memory_mb": report["peak_memory_mb"],
            "window_seconds": window,
            "latency_ms": options["latency_ms"],
        }
    finally:
        SyncRun.objects.filter(division=division).delete()
        benchmark_division_remove(division)
        company.delete()


def _measured_run(division, base_url: str, window: float) -> tuple[dict[str, Any], int]:
    env = {
        **os.environ,
        "QBO_ENVIRONMENT": "local",
        "QBO_LOCAL_BASE_URL": base_url,
        "QBO_LIMIT_WINDOW_SECONDS": str(window),
        "QBO_THROTTLE_WAIT_SECONDS": str(window),
    }
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, sys.argv[0], "qbo_sync", "--division", division.slug, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if not child.stdout.strip().startswith("{"):
        raise RuntimeError(f"qbo_sync did not report: {child.stderr[-2000:]}")
    report = json.loads(child.stdout)
    report["wall_seconds"] = round(wall, 2)
    report["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    throttles = sum(1 for line in child.stderr.splitlines() if "answered 429" in line)
    return report, throttles

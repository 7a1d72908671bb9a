"""
``manage.py bench_sync``: what a QuickBooks sync costs, against the local sandbox served over real HTTP.

Scenarios (``--scenario``, default all):

- ``pull``: a QuickBooks company with ``--customers`` customers, ``--with-jobs`` of them with ``--jobs-per-customer``
  sub-customers, pulled into an empty division (QuickBooks → FieldOffice). Bound: API calls ≤ 1.1 times the number of
  1,000-record query pages.
- ``push``: as many local customers pushed into an empty company (FieldOffice → QuickBooks). Bound: API calls ≤
  1.05 * ceil(n / 30).
- ``items``: a QuickBooks company with its chart of accounts and ``--items`` items, pulled into an empty division
  (inventory QuickBooks → FieldOffice). Bound: API calls ≤ 1.1 times the number of 1,000-record query pages of the
  items and the chart (the chart rides in the first batch of queries, so the run needs no call of its own for it).
- ``inventory`` (``apps.benchmarks.bench_inventory``): ``--stock-items`` inventory items and 200 vendors brought
  here, then ``--adjustments`` (3,000) inventory adjustments marked ready exported (Export Inventory Adjustments,
  a scoped run). Bound: API calls ≤ 1.05 * ceil(n / 30) and no answer 429 (with ``--limits``); then an idle run with
  items, Import Inventory, Export Inventory Adjustments and vendors on: ≤ 2 API calls.
- ``desktop``: a first sync with QuickBooks Desktop through the simulated Web Connector
  (``apps.benchmarks.bench_desktop``): ``--customers`` (default 5,000) customers, one in five with a job and ship-to
  addresses, and ``--items`` (2,000) items pulled, then ``--invoices`` (10,000) invoices pushed, then an idle update
  (bound: ≤ 3 round trips). It starts a web server and a background worker (``manage.py workers``, which runs the
  sync) of its own.
- ``idle``: after each of them, a run with nothing changed. Bound: ≤ 2 API calls and ≤ 30 SQL queries. The seeded
  records are left to age past the cursor's overlap (changes of the last seconds before a run are read again by
  the next) before the first run, as edits do between scheduled runs.

``--limits`` turns Intuit's limits on in the sandbox (500 requests/min, 40 batches/min, 10 at once), with the minute
compressed by ``--time-scale`` so that the run takes minutes, and reports the throttles the run met and logged.
Each scenario reports API calls, SQL queries, seconds, records/s and the process's peak memory. The sandbox serves
from child processes (``bench_sandbox --serve``); companies and the benchmark division are removed afterwards.
"""

import json
import logging
import math
import resource
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test import override_settings

from apps.accounting.models import Account
from apps.benchmarks.bench_desktop import desktop_scenario
from apps.benchmarks.bench_inventory import inventory_scenario
from apps.benchmarks.bench_invoices import invoices_scenario
from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.benchmarks.server import free_port, project_server_start, project_server_stop, wait_until_up
from apps.catalog.models import Item
from apps.customers.models import Customer, ServiceLocation
from apps.qbo_sandbox import companies, store
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.seeding import SeedOptions
from apps.qbo_sandbox.seeding.bulk import records_generate
from apps.qbo_sandbox.seeding.demo import ACCOUNTS as DEMO_CHART
from apps.qbo_sandbox.seeding.demo import _account as demo_account
from apps.qbo_sandbox.seeding.refs import customer_data
from apps.quickbooks.models import SyncRun, SyncRunEntry, SyncTrigger
from apps.quickbooks.online.backend import CURSOR_OVERLAP
from apps.quickbooks.online.connection import callback_url, connection_authorization_start, connection_complete
from apps.quickbooks.online.local_consent import consent_give
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.measure import sql_queries_counted

PAGE = 1000
BATCH = 30


class ThrottleCounter(logging.Handler):
    """Counts the 429 answers the client met (and retried) during a run: Intuit's limits were hit."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("QuickBooks %s %s answered %s") and record.args and record.args[2] == 429:
            self.count += 1


def _peak_memory_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _jobs_create(company: SandboxCompany, parents: int, per_parent: int) -> None:
    rows = []
    customers = store.entity_list(company, "Customer").order_by("id")[:parents]
    for parent in customers:
        name = parent.data["DisplayName"]
        for number in range(1, per_parent + 1):
            job = customer_data(f"{name} - Site {number}")
            job.update(
                {
                    "Job": True,
                    "BillWithParent": True,
                    "ParentRef": {"value": parent.entity_id, "name": name},
                    "Level": 1,
                    "FullyQualifiedName": f"{name}:{name} - Site {number}",
                    "ShipAddr": {"Line1": f"{number} Yard Rd", "City": "Reno", "CountrySubDivisionCode": "NV"},
                }
            )
            rows.append(job)
    store.entities_bulk_create(company, "Customer", rows)


def _local_customers_create(division, count: int) -> None:
    Customer.objects.bulk_create(
        (
            Customer(
                division=division,
                display_name=f"Bench Customer {number:05d}",
                company_name=f"Bench Customer {number:05d} LLC",
                phone=f"(555) 010-{number % 10000:04d}",
                email=f"office{number}@bench.example",
                billing_street=f"{number} Main St",
                billing_city="Fargo",
                billing_state="ND",
            )
            for number in range(1, count + 1)
        ),
        batch_size=1000,
    )


class Command(BaseCommand):
    help = "Measure API calls, SQL queries, records/s and memory of QuickBooks syncs against the local sandbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scenario",
            choices=["all", "pull", "push", "items", "invoices", "inventory", "desktop"],
            default="all",
            help="all = pull and push of customers, and pull of --items items; invoices = push of --invoices invoices "
            "with Intuit's limits on; inventory = export of --adjustments inventory adjustments; desktop = a first "
            "sync with QuickBooks Desktop through the Web Connector (it starts its own web server and background "
            "worker, which runs the sync).",
        )
        parser.add_argument("--invoices", type=int, help="Invoices: how many to push (20,000; desktop 10,000).")
        parser.add_argument("--latency-ms", type=int, default=150, help="Invoices: the sandbox's latency per call.")
        parser.add_argument("--customers", type=int, help="Customers (10,000; desktop 5,000).")
        parser.add_argument("--with-jobs", type=int, default=2_000, help="Pull: customers that have sub-customers.")
        parser.add_argument("--jobs-per-customer", type=int, default=2)
        parser.add_argument("--items", type=int, help="Items: QuickBooks items pulled (5,000; desktop 2,000).")
        parser.add_argument("--adjustments", type=int, default=3_000, help="Inventory: adjustments exported.")
        parser.add_argument("--stock-items", type=int, default=500, help="Inventory: QuickBooks inventory items.")
        parser.add_argument("--limits", action="store_true", help="Intuit's rate limits on in the sandbox.")
        parser.add_argument("--time-scale", type=float, default=10.0, help="With --limits: 10 makes a minute 6 s.")
        parser.add_argument("--server-processes", type=int, default=2)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        desktop = options["scenario"] == "desktop"
        sizes = (("customers", 10_000, 5_000), ("items", 5_000, 2_000), ("invoices", 20_000, 10_000))
        for name, online, on_desktop in sizes:
            if options[name] is None:
                options[name] = on_desktop if desktop else online
        if desktop:
            self._report({"desktop": desktop_scenario(options)}, options)
            return
        port = free_port()
        server = project_server_start(port=port, processes=options["server_processes"])
        base_url = f"http://127.0.0.1:{port}"
        results: dict[str, Any] = {}
        window = 60.0 / options["time_scale"] if options["limits"] else 60.0
        overrides = {
            "QBO_ENVIRONMENT": "local",
            "QBO_LOCAL_BASE_URL": base_url,
            "QBO_LIMIT_WINDOW_SECONDS": window,
            "QBO_THROTTLE_WAIT_SECONDS": window,
        }
        if not options["limits"]:
            overrides.update({"QBO_RATE_LIMIT_PER_MINUTE": 0, "QBO_BATCH_LIMIT_PER_MINUTE": 0})
        try:
            wait_until_up(f"{base_url}/qbo-sandbox/.well-known/openid_configuration/")
            with override_settings(**overrides):
                if options["scenario"] in ("all", "pull"):
                    results["pull"] = self._scenario(options, push=False)
                if options["scenario"] in ("all", "push"):
                    results["push"] = self._scenario(options, push=True)
                if options["scenario"] in ("all", "items"):
                    results["items"] = self._items_scenario(options)
                if options["scenario"] == "inventory":
                    results["inventory"] = inventory_scenario(options, connect=self._connect, run=self._run)
                if options["scenario"] == "invoices":
                    results["invoices"] = invoices_scenario(self, options, self._connect, base_url)
        finally:
            project_server_stop(server)
        self._report(results, options)

    @staticmethod
    def _company_create(options: dict[str, Any]) -> SandboxCompany:
        company = companies.company_create(name="Sync benchmark", options=SeedOptions(seed="empty"))
        limits = {"rate_limit_per_minute": 0, "batch_rate_limit_per_minute": 0, "rate_limit_concurrent": 0}
        if options["limits"]:
            limits = {
                "rate_limit_per_minute": 500,
                "batch_rate_limit_per_minute": 40,
                "rate_limit_concurrent": 10,
                "time_scale": options["time_scale"],
            }
        # Nobody listens to this company's change notices: none are recorded or sent.
        companies.company_update_settings(company, {**limits, "webhooks_enabled": False})
        return company

    def _scenario(self, options: dict[str, Any], *, push: bool) -> dict[str, Any]:
        count = options["customers"]
        company = self._company_create(options)
        division, _ = benchmark_division_prepare(rows=10**9)
        try:
            if push:
                _local_customers_create(division, count)
                records = count
                bound = math.floor(1.05 * math.ceil(count / BATCH) * 100) / 100
                direction = "to_quickbooks"
            else:
                records_generate(company, customers=count)
                _jobs_create(company, options["with_jobs"], options["jobs_per_customer"])
                records = count + options["with_jobs"] * options["jobs_per_customer"]
                bound = round(1.1 * math.ceil(records / PAGE), 2)
                direction = "to_local"
            self._connect(division, company)
            # Records written moments before a run are read again by the next one (the cursor's overlap): let the
            # seeding age past it, as edits do between scheduled runs.
            time.sleep(CURSOR_OVERLAP.total_seconds() + 1)
            sync_settings_update(division=division, customers_direction=direction, customers_primary="")
            first = self._run(division)
            first.update(records=records, api_calls_bound=bound, within_bound=first["api_calls"] <= bound)
            first["records_per_second"] = round(records / first["seconds"], 1) if first["seconds"] else None
            first["local_customers"] = Customer.objects.filter(division=division).count()
            first["local_locations"] = ServiceLocation.objects.filter(customer__division=division).count()
            first["quickbooks_customers"] = store.entity_list(company, "Customer").count()
            idle = self._run(division)
            idle.update(within_bound=idle["api_calls"] <= 2 and idle["sql_queries"] <= 30)
            return {"first": first, "idle": idle}
        finally:
            SyncRun.objects.filter(division=division).delete()
            benchmark_division_remove(division)
            company.delete()

    def _items_scenario(self, options: dict[str, Any]) -> dict[str, Any]:
        """QuickBooks' chart of accounts and ``--items`` items pulled into an empty division, then an idle run."""
        count = options["items"]
        company = self._company_create(options)
        division, _ = benchmark_division_prepare(rows=10**9)
        try:
            store.entities_bulk_create(company, "Account", [demo_account(*row) for row in DEMO_CHART])
            records_generate(company, items=count)
            accounts = store.entity_list(company, "Account").count()
            pages = math.ceil(count / PAGE) + math.ceil(accounts / PAGE)
            bound = round(1.1 * pages, 2)
            self._connect(division, company)
            time.sleep(CURSOR_OVERLAP.total_seconds() + 1)
            sync_settings_update(division=division, inventory_direction="to_local")
            first = self._run(division)
            first.update(records=count, pages=pages, api_calls_bound=bound, within_bound=first["api_calls"] <= bound)
            first["records_per_second"] = round(count / first["seconds"], 1) if first["seconds"] else None
            local_items = Item.objects.filter(division=division)
            first["local_items"] = local_items.count()
            first["local_items_with_accounts"] = local_items.filter(income_account__isnull=False).count()
            first["local_accounts"] = Account.objects.filter(division=division).count()
            first["quickbooks_items"] = store.entity_list(company, "Item").count()
            first["quickbooks_accounts"] = accounts
            idle = self._run(division)
            idle.update(within_bound=idle["api_calls"] <= 2 and idle["sql_queries"] <= 30)
            return {"first": first, "idle": idle}
        finally:
            SyncRun.objects.filter(division=division).delete()
            benchmark_division_remove(division)
            company.delete()

    @staticmethod
    def _connect(division, company: SandboxCompany) -> None:
        url, pending = connection_authorization_start(
            division=division, user=None, redirect_uri=callback_url(), reset_links=True
        )
        result = consent_give(url, realm_id=company.realm_id)
        connection_complete(
            division=division,
            code=result.code,
            state=result.state,
            realm_id=result.realm_id,
            user=None,
            pending=pending,
        )

    @staticmethod
    def _run(division, scope: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
        throttles = ThrottleCounter()
        client_logger = logging.getLogger("apps.quickbooks.online.client.client")
        client_logger.addHandler(throttles)
        previous_level = client_logger.level
        client_logger.setLevel(logging.INFO)
        started = time.perf_counter()
        try:
            with sql_queries_counted() as queries:
                run = run_division_sync(division.pk, SyncTrigger.MANUAL, scope=scope)
        finally:
            client_logger.removeHandler(throttles)
            client_logger.setLevel(previous_level)
        seconds = time.perf_counter() - started
        throttled = SyncRunEntry.objects.filter(run=run, message__icontains="slow down").count()
        return {
            "status": run.status,
            "error": run.error_summary,
            "counts": run.counts,
            "api_calls": run.api_calls,
            "sql_queries": queries.count,
            "seconds": round(seconds, 2),
            "throttled_entries": throttled,
            "throttled_answers": throttles.count,
            "peak_memory_mb": _peak_memory_mb(),
        }

    def _report_inventory(self, result: dict[str, Any]) -> None:
        export, idle = result["export"], result["idle"]
        self.stdout.write(
            f"  inventory adjustments exported: {export['adjustments']} ({export['exported']} marked exported, "
            f"{export['quickbooks_adjustments']} in QuickBooks), {export['status']}, {export['api_calls']} API calls "
            f"(bound {export['api_calls_bound']} = 1.05 * {export['batches']} batches; "
            f"{'ok' if export['within_bound'] else 'OVER'}), {export['throttled_answers']} 429 answers, "
            f"{export['sql_queries']} SQL queries, {export['seconds']} s, "
            f"{export['records_per_second']} adjustments/s, peak memory {export['peak_memory_mb']} MB"
        )
        self.stdout.write(
            f"  idle with items, Import Inventory, Export Inventory Adjustments and vendors on ({result['items']} "
            f"items): {idle['api_calls']} API calls, {idle['sql_queries']} SQL queries, {idle['seconds']} s "
            f"({'ok' if idle['within_bound'] else 'OVER'}: ≤ 2 calls)"
        )

    def _report_desktop(self, result: dict[str, Any]) -> None:
        company = result["company"]
        self.stdout.write(
            f"  QuickBooks Desktop through the simulated Web Connector: {company['customers']} customers "
            f"({company['with_jobs_and_ship_tos']} with a job and ship-to addresses), {company['items']} items, "
            f"{company['invoices']} invoices"
        )
        for update in ("pull", "invoices", "after_invoices", "idle"):
            if update not in result:
                continue
            one = result[update]
            bound = f" ({'ok' if one['within_bound'] else 'OVER'}: ≤ 3 round trips)" if update == "idle" else ""
            self.stdout.write(
                f"  {update}: {one['outcome']}, run {one['run_status']} {one['counts']}; {one['round_trips']} SOAP "
                f"round trips{bound}, {one['requests']} qbXML requests (per round trip: mean "
                f"{one['requests_per_round_trip_mean']}, max {one['requests_per_round_trip_max']}), "
                f"{one['seconds']} s, peak memory: server {one['server_peak_memory_mb']} MB, worker "
                f"{one['worker_peak_memory_mb']} MB {one['run_error'] or ''}"
            )

    def _report_invoices(self, result: dict[str, Any]) -> None:
        self.stdout.write(
            f"  invoices: {result['invoices']} of {result['lines_per_invoice']} lines, {result['status']}, "
            f"{result['sent']} sent; {result['api_calls']} API calls (bound {result['api_calls_bound']}: "
            f"{'ok' if result['within_calls_bound'] else 'OVER'}); {result['seconds']} s against a floor of "
            f"{result['floor_seconds']} s (ratio {result['ratio_to_floor']}: "
            f"{'ok' if result['within_time_bound'] else 'OVER'} 1.25); {result['throttled_answers']} 429 answers; "
            f"{result['sql_queries']} SQL queries; peak memory of the run {result['peak_memory_mb']} MB "
            f"(latency {result['latency_ms']} ms, minute = {result['window_seconds']:.1f} s)"
        )

    @staticmethod
    def _what_is_where(first: dict[str, Any]) -> str:
        if "local_items" in first:
            return (
                f"{first['pages']} query pages; here {first['local_items']} items "
                f"({first['local_items_with_accounts']} with their income account) + {first['local_accounts']} "
                f"accounts, QuickBooks {first['quickbooks_items']} items + {first['quickbooks_accounts']} accounts"
            )
        return (
            f"here {first['local_customers']} customers + {first['local_locations']} locations, "
            f"QuickBooks {first['quickbooks_customers']} customers"
        )

    def _report(self, results: dict[str, Any], options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        # The invoices scenario always turns Intuit's limits on: that is what it measures.
        limits_on = options["limits"] or options["scenario"] == "invoices"
        limits = f"limits on, minute = {60 / options['time_scale']:.1f} s" if limits_on else "limits off"
        self.stdout.write(f"QuickBooks sync benchmark against the local sandbox ({limits}):")
        for name, result in results.items():
            if name == "invoices":
                self._report_invoices(result)
                continue
            if name == "desktop":
                self._report_desktop(result)
                continue
            if name == "inventory":
                self._report_inventory(result)
                continue
            first, idle = result["first"], result["idle"]
            self.stdout.write(
                f"  {name}: {first['records']} records, {first['status']}, {first['api_calls']} API calls "
                f"(bound {first['api_calls_bound']}: {'ok' if first['within_bound'] else 'OVER'}), "
                f"{first['sql_queries']} SQL queries, {first['seconds']} s, {first['records_per_second']} records/s, "
                f"peak memory {first['peak_memory_mb']} MB, {first['throttled_answers']} 429 answers met and retried, "
                f"{first['throttled_entries']} in the run's log; {self._what_is_where(first)}"
            )
            self.stdout.write(
                f"  {name} then idle: {idle['api_calls']} API calls, {idle['sql_queries']} SQL queries, "
                f"{idle['seconds']} s ({'ok' if idle['within_bound'] else 'OVER'}: ≤ 2 calls, ≤ 30 queries)"
            )

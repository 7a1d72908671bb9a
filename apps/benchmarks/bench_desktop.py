"""
The desktop scenario of ``bench_sync``: a first sync with QuickBooks Desktop through the simulated Web Connector.

A local company file (the Desktop emulator) holds ``--customers`` customers, one in five with a job and ship-to
addresses, and ``--items`` items. FieldOffice runs as it does in production, as child processes: a web server
(``runserver``) that serves the Web Connector and a background worker (``manage.py workers``) that runs the sync, so
that their peak memory is the update's; the simulated Web Connector drives the server over SOAP from here and runs
each qbXML document in the company file. The updates measured: the first pull (customers, jobs, ship-to addresses,
items), the push of ``--invoices`` invoices of 3 lines made here for the pulled customers, the update a minute later
(the Web Connector's shortest schedule; it reads back the invoices just written, which changed in QuickBooks after the
last read), and a minute after that an idle update (bound: at most 3 round trips). The seeded records are dated over
the last hour, as records entered before the first sync are. Each update reports SOAP round
trips, qbXML requests per round trip, seconds and the peak memory of the server and of the worker.
"""

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.benchmarks.bench_invoices import _invoices_create
from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.benchmarks.server import free_port
from apps.qbd_sandbox import services as emulator
from apps.qbd_sandbox.models import Record
from apps.qbd_sandbox.webconnector import EmulatorCompany, webconnector_run
from apps.quickbooks.desktop.backend import CURSOR_OVERLAP
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.mapping.registry import ADAPTERS
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.models import SyncRun, SyncSettings

USERNAME = "benchmark-qbwc"
PASSWORD = "Benchmark-Web-Connector-1"
IDLE_ROUND_TRIPS_BOUND = 3
IDLE_MARGIN_SECONDS = 10


def _server_start(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, sys.argv[0], "runserver", f"127.0.0.1:{port}", "--noreload"],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _workers_start() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, sys.argv[0], "workers"],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"FieldOffice did not start at {url}") from None
            time.sleep(0.3)


def _peak_memory_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (Linux), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _descendants(pid: int) -> list[int]:
    """The process and all the processes it started (Linux)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def _workers_peak_memory_mb(pid: int) -> float:
    """The largest high-water mark of the worker processes (the one that ran the sync), in MB."""
    peaks = []
    for process in _descendants(pid):
        try:
            peaks.append(_peak_memory_mb(process))
        except OSError:
            continue
    return max(peaks, default=0.0)


def _settings(division, *, invoices: bool) -> None:
    items = "Item" in ADAPTERS
    SyncSettings.objects.update_or_create(
        division=division,
        defaults={
            "integration_type": "desktop",
            "frequency": "manual",
            "customers_direction": "to_local",
            "customers_primary": "",
            "inventory_direction": "to_local" if items else "off",
            "invoices_direction": "to_quickbooks" if invoices else "off",
            "sync_tax_rates_and_terms": True,
        },
    )


def _update(
    url: str, company: EmulatorCompany, server: subprocess.Popen, workers: subprocess.Popen, division
) -> dict[str, Any]:
    report = webconnector_run(url=url, username=USERNAME, password=PASSWORD, company=company, noop_wait_seconds=0.5)
    run = SyncRun.objects.filter(division=division).order_by("-pk").first()
    per_trip = report.requests_per_round_trip
    return {
        "outcome": report.outcome,
        "errors": report.errors[:3],
        "run_status": run.status if run else "",
        "run_error": run.error_summary if run else "",
        "counts": run.counts if run else {},
        "round_trips": report.round_trips,
        "requests": report.requests_sent,
        "requests_per_round_trip_max": max(per_trip, default=0),
        "requests_per_round_trip_mean": round(sum(per_trip) / len(per_trip), 1) if per_trip else 0,
        "seconds": round(report.seconds, 2),
        "server_peak_memory_mb": _peak_memory_mb(server.pid),
        "worker_peak_memory_mb": _workers_peak_memory_mb(workers.pid),
    }


SERVICE_ITEM = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    "<ItemServiceAddRq><ItemServiceAdd><Name>Services</Name><SalesOrPurchase><Price>45.00</Price>"
    "<AccountRef><FullName>Construction Income</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd>"
    "</ItemServiceAddRq></QBXMLMsgsRq></QBXML>"
)


def _service_item_add(company) -> None:
    """The service item invoice lines without an item of their own go out with (the default "Services")."""
    session = emulator.session_open(company)
    try:
        emulator.qbxml_process(company, SERVICE_ITEM, session_id=session)
    finally:
        emulator.session_close(company, session)


def _spread_over_last_hour(company) -> None:
    """Date the seeded records over the last hour, one after the other, as people entered them."""
    records = list(Record.objects.filter(company=company).order_by("pk").only("pk"))
    start = timezone.now() - timedelta(hours=1)
    step = timedelta(hours=1) / max(len(records), 1)
    for number, record in enumerate(records):
        record.time_created = record.time_modified = start + number * step
    Record.objects.bulk_update(records, ["time_created", "time_modified"], batch_size=1000)


def _next_schedule() -> None:
    """
    The Web Connector runs an update at most every minute. Changes of the last minute before a read are read again
    by the next one (the cursor's overlap), so an update right after a large push would read it all again.
    """
    time.sleep(CURSOR_OVERLAP.total_seconds() + IDLE_MARGIN_SECONDS)


def desktop_scenario(options: dict[str, Any]) -> dict[str, Any]:
    division, _ = benchmark_division_prepare(rows=10**9)
    company = emulator.company_file_create(name="Desktop benchmark")
    port = free_port()
    server = _server_start(port)
    workers = _workers_start()
    url = f"http://127.0.0.1:{port}/quickbooks/desktop/qbwc/"
    try:
        emulator.company_seed(
            company, customers=options["customers"], jobs_per_customer=1, ship_tos=2, items=options["items"]
        )
        _service_item_add(company)
        _spread_over_last_hour(company)
        desktop = desktop_credentials_set(division=division, username=USERNAME, password=PASSWORD)
        owner = guid_braced(desktop_owner_id())
        emulator.company_file_stamp(company, owner_id=owner, file_id=guid_braced(desktop.file_id))
        web_connector = EmulatorCompany(company, owner_id=owner)
        _wait_until_up(f"{url}?wsdl")
        _settings(division, invoices=False)
        results = {"pull": _update(url, web_connector, server, workers, division)}
        if "Invoice" in ADAPTERS and options["invoices"]:
            _invoices_create(division, options["invoices"])
            _settings(division, invoices=True)
            results["invoices"] = _update(url, web_connector, server, workers, division)
            _next_schedule()
            results["after_invoices"] = _update(url, web_connector, server, workers, division)
        _next_schedule()
        idle = _update(url, web_connector, server, workers, division)
        idle["within_bound"] = idle["round_trips"] <= IDLE_ROUND_TRIPS_BOUND
        results["idle"] = idle
        results["company"] = {
            "customers": options["customers"],
            "with_jobs_and_ship_tos": options["customers"] // 5,
            "items": options["items"],
            "invoices": options["invoices"] if "invoices" in results else 0,
        }
        return results
    finally:
        server.terminate()
        workers.terminate()  # A clean stop: what a worker runs, it finishes.
        server.wait(timeout=30)
        workers.wait(timeout=60)
        SyncRun.objects.filter(division=division).delete()
        benchmark_division_remove(division)
        emulator.company_file_delete(company)

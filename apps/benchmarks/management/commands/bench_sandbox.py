"""
How many requests a second the local QuickBooks Online sandbox answers.

Creates a company with N customers and an app with a token, starts the project in child processes on a threaded
WSGI server (pre-forked like a production server, Nagle's algorithm off so that keep-alive requests do not wait for
delayed ACKs), and sends simple requests over one keep-alive connection per client thread, as an API client would.
Prints requests/s and latency percentiles per kind of request. The company and app are removed afterwards.
"""

import argparse
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandParser

from apps.benchmarks.server import free_port, project_serve, project_server_start, project_server_stop, wait_until_up
from apps.qbo_sandbox import companies
from apps.qbo_sandbox.oauth import services as oauth
from apps.qbo_sandbox.seeding import SeedOptions

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


class Command(BaseCommand):
    help = "Measure the requests per second of the local QuickBooks Online sandbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=2000, help="Requests per kind (default 2000).")
        parser.add_argument("--customers", type=int, default=1000, help="Customers in the company (default 1000).")
        parser.add_argument("--threads", type=int, default=2, help="Client threads (default 2).")
        parser.add_argument(
            "--server-processes", type=int, default=2, help="Server processes sharing the socket (default 2)."
        )
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
        # Internal: the child process that serves the project.
        parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        if options["serve"]:
            project_serve(port=options["serve"], processes=options["server_processes"])
            return
        company = companies.company_create(
            name="Benchmark company", options=SeedOptions(seed="empty", customers=options["customers"])
        )
        # Intuit's limits would turn most of the run into 429s: this measures the sandbox itself.
        companies.company_update_settings(
            company, {"rate_limit_per_minute": 0, "batch_rate_limit_per_minute": 0, "rate_limit_concurrent": 0}
        )
        app, _secret = oauth.app_create(name="Benchmark", redirect_uris=["http://127.0.0.1/callback"])
        token = oauth.grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE).access_token
        port = free_port()
        server = project_server_start(port=port, processes=options["server_processes"])
        try:
            base = f"http://127.0.0.1:{port}/qbo-sandbox/v3/company/{company.realm_id}"
            wait_until_up(base.replace(f"/v3/company/{company.realm_id}", "/.well-known/openid_configuration/"))
            kinds = {
                "companyinfo": f"{base}/companyinfo/{company.realm_id}?minorversion=75",
                "read customer": f"{base}/customer/{self._some_customer_id(base, token)}?minorversion=75",
                "query by Id": f"{base}/query?query=select%20*%20from%20Customer%20where%20Id%20%3D%20%2742%27",
                "query page of 100": f"{base}/query?query=select%20*%20from%20Customer%20MAXRESULTS%20100",
            }
            results = {
                kind: self._measure(url, token, options["requests"], options["threads"]) for kind, url in kinds.items()
            }
        finally:
            project_server_stop(server)
            app.delete()
            company.delete()
        self._report(results, options)

    @staticmethod
    def _some_customer_id(base: str, token: str) -> str:
        response = requests.get(
            f"{base}/query",
            params={"query": "select * from Customer MAXRESULTS 1"},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=10,
        )
        customers = response.json()["QueryResponse"].get("Customer", [])
        return customers[0]["Id"] if customers else "1"

    @staticmethod
    def _measure(url: str, token: str, count: int, threads: int) -> dict[str, float]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()

        def client(share: int) -> None:
            nonlocal errors
            with requests.Session() as session:
                session.get(url, headers=headers, timeout=30)  # connect and warm up
                for _ in range(share):
                    started = time.perf_counter()
                    response = session.get(url, headers=headers, timeout=30)
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        errors += response.status_code != 200

        shares = [count // threads + (1 if n < count % threads else 0) for n in range(threads)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(client, shares))
        wall = time.perf_counter() - started
        latencies.sort()
        return {
            "requests": len(latencies),
            "errors": errors,
            "requests_per_second": round(len(latencies) / wall, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2),
        }

    def _report(self, results: dict[str, dict[str, float]], options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
            return
        self.stdout.write(
            f"{options['customers']} customers, {options['server_processes']} server processes, "
            f"{options['threads']} client thread(s), keep-alive, latency 0, no limits:"
        )
        for kind, result in results.items():
            self.stdout.write(
                f"  {kind:<18} {result['requests_per_second']:>7.1f} requests/s  p50 {result['p50_ms']:.1f} ms  "
                f"p95 {result['p95_ms']:.1f} ms  ({result['requests']} requests, {result['errors']} errors)"
            )

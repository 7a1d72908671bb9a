"""
Measure the admin changelists of customers and invoices on a large table.

Creates a "Benchmark" division with N customers (each with a service location) and N invoices, requests each
changelist a few ways as a superuser, and prints the SQL queries and the time per page. The division and its rows
are removed afterwards unless ``--keep`` is given. It writes to the configured database: run it on a copy.
"""

import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.core.models import Division
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.users.models import User

BATCH = 5_000
STATUSES = [InvoiceStatus.UNPAID, InvoiceStatus.PAID, InvoiceStatus.DRAFT, InvoiceStatus.APPROVED]


class Command(BaseCommand):
    help = "Measure query counts and time of the customer and invoice changelists at a given number of rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="Customers and invoices to create (each).")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark division and its rows.")

    def handle(self, *args, rows: int, keep: bool, **options) -> None:
        division = self._populate(rows)
        user = User.objects.filter(email="bench@example.com").first() or User.objects.create_superuser(
            "bench@example.com", None
        )
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(user)
        customers = reverse("admin:customers_customer_changelist")
        invoices = reverse("admin:invoicing_invoice_changelist")
        pages = [
            ("customers", customers, {}),
            ("customers, page 500", customers, {"p": "500"}),
            ("customers, search", customers, {"q": "Bench 4242"}),
            ("invoices", invoices, {}),
            ("invoices, page 500", invoices, {"p": "500"}),
            ("invoices, overdue", invoices, {"payment": "overdue"}),
            ("invoices, date range", invoices, {"invoice_date__gte": "2026-01-01", "invoice_date__lte": "2026-03-31"}),
        ]
        total = {"customers": Customer.objects.count(), "invoices": Invoice.objects.count()}
        self.stdout.write(f"rows: {total['customers']} customers, {total['invoices']} invoices ({connection.vendor})")
        for label, url, params in pages:
            client.get(url, params)  # warm caches
            reset_queries()  # a full query log (DEBUG) would hide this request's queries
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, params)
                elapsed = time.perf_counter() - started
            # Memory is traced in a request of its own: tracing slows Python down several times.
            tracemalloc.start()
            client.get(url, params)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
            self.stdout.write(
                f"{label:<24} HTTP {response.status_code}  {len(queries):>3} queries ({sql_ms:>6.1f} ms SQL)  "
                f"{elapsed * 1000:>7.1f} ms  "
                f"peak {peak / 1_048_576:.1f} MiB"
            )
        if not keep:
            self._remove(division)
            user.delete()

    def _populate(self, rows: int) -> Division:
        division, empty = benchmark_division_prepare(rows=rows)
        if not empty:
            return division
        started = time.perf_counter()
        today = timezone.localdate()
        for start in range(0, rows, BATCH):
            with transaction.atomic():
                numbers = range(start, min(start + BATCH, rows))
                customers = Customer.objects.bulk_create(
                    Customer(division=division, display_name=f"Bench {n}", number=f"B{n}", billing_city="Mesa")
                    for n in numbers
                )
                locations = ServiceLocation.objects.bulk_create(
                    ServiceLocation(customer=customer, name="Main", street=f"{n} Main St", city="Mesa")
                    for n, customer in zip(numbers, customers, strict=True)
                )
                Invoice.objects.bulk_create(
                    Invoice(
                        division=division,
                        number=f"B{n}",
                        customer=customer,
                        service_location=location,
                        invoice_date=today - timedelta(days=n % 400),
                        due_date=today - timedelta(days=n % 400 - 30),
                        status=STATUSES[n % len(STATUSES)],
                        subtotal=Decimal("100.00"),
                        total=Decimal("100.00"),
                        balance=Decimal("0.00") if n % 4 == 1 else Decimal("100.00"),
                    )
                    for n, customer, location in zip(numbers, customers, locations, strict=True)
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Customer, ServiceLocation, Invoice):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(f"created {rows} customers, locations and invoices in {time.perf_counter() - started:.1f} s")
        return division

    def _remove(self, division: Division) -> None:
        benchmark_division_remove(division)

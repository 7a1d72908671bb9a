"""
Measure the admin's customer export (xlsx and csv) on a large table.

Creates a "Benchmark" division with N customers (each with a service location, every third with two), then posts
the customer list's Export form as a superuser, filtered to that division: the same view, resource and formats a
person's click runs. Prints the time, the SQL queries, the file size and the peak memory of each format. The division
and its rows are removed afterwards unless ``--keep`` is given (``bench_changelists --keep`` leaves the same
division, which is reused when it has enough customers). It writes to the configured database: run it on a copy.
"""

import time
import tracemalloc
from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounting.models import PaymentTerm, TaxRate
from apps.benchmarks.divisions import benchmark_division_prepare, benchmark_division_remove
from apps.core.models import Division
from apps.customers.models import Customer, ServiceLocation
from apps.customers.resources import CustomerResource
from apps.users.models import User

BATCH = 5_000
FORMATS = ("xlsx", "csv")


class Command(BaseCommand):
    help = "Measure time, SQL queries and peak memory of the customer export (xlsx and csv) at a given number of rows."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rows", type=int, default=100_000, help="Customers to create and export.")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark division and its rows.")
        parser.add_argument("--no-memory", action="store_true", help="Skip the (slow) traced run that measures memory.")

    def handle(self, *args, rows: int, keep: bool, no_memory: bool, **options) -> None:
        division = self._populate(rows)
        user = User.objects.filter(email="bench@example.com").first() or User.objects.create_superuser(
            "bench@example.com", None
        )
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(user)
        url = f"{reverse('admin:customers_customer_export')}?division__id__exact={division.pk}"
        exported = Customer.objects.filter(division=division).count()
        self.stdout.write(
            f"rows: {exported} customers, {ServiceLocation.objects.filter(customer__division=division).count()} "
            f"service locations ({connection.vendor}); xlsx written by openpyxl in write-only mode; "
            f"{settings.IMPORT_EXPORT_CHUNK_SIZE} rows per query"
        )
        for file_format in FORMATS:
            data = self._form_data(file_format)
            reset_queries()  # a full query log (DEBUG) would hide this request's queries
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(url, data)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise CommandError(f"The {file_format} export answered HTTP {response.status_code}.")
            size = len(response.content)
            del response
            # Read now: the captured list is a view of the connection's log, which the next request clears.
            query_count = len(queries)
            sql_s = sum(float(query["time"]) for query in queries.captured_queries)
            peak = "not measured"
            if not no_memory:
                # Memory is traced in a run of its own: tracing slows Python down several times.
                tracemalloc.start()
                client.post(url, data)
                peak = f"{tracemalloc.get_traced_memory()[1] / 1_048_576:.0f} MiB (Python heap)"
                tracemalloc.stop()
            self.stdout.write(
                f"{file_format:<5} {elapsed:>7.1f} s  {query_count:>3} queries ({sql_s:.1f} s SQL)  "
                f"{size / 1_048_576:>6.1f} MiB file  {exported / elapsed:>8,.0f} rows/s  peak {peak}"
            )
        if not keep:
            self._remove(division)
            user.delete()

    @staticmethod
    def _form_data(file_format: str) -> dict[str, str]:
        """The Export form as the page posts it: the format and every column ticked."""
        formats = [format_class().get_title() for format_class in admin.site._registry[Customer].get_export_formats()]
        prefix = CustomerResource.__name__.lower()
        data = {"format": str(formats.index(file_format)), "resource": "0"}
        data.update({f"{prefix}_{name}": "on" for name in CustomerResource().get_export_order()})
        return data

    def _populate(self, rows: int) -> Division:
        division, empty = benchmark_division_prepare(rows=rows)
        if not empty:
            return division
        started = time.perf_counter()
        rate = TaxRate.objects.create(division=division, name="Bench tax", percent=Decimal("8.0250"))
        term = PaymentTerm.objects.create(division=division, name="Bench Net 30", due_days=30)
        for start in range(0, rows, BATCH):
            with transaction.atomic():
                numbers = range(start, min(start + BATCH, rows))
                customers = Customer.objects.bulk_create(
                    Customer(
                        division=division,
                        display_name=f"Bench {n}",
                        number=f"B{n}",
                        company_name=f"Bench {n} LLC",
                        phone="612-555-0100",
                        email=f"billing{n}@bench.example.com",
                        billing_street=f"{n} Washington Ave",
                        billing_city="Minneapolis",
                        billing_state="MN",
                        billing_postal_code="55401",
                        tax_rate=rate,
                        payment_term=term,
                    )
                    for n in numbers
                )
                ServiceLocation.objects.bulk_create(
                    location
                    for n, customer in zip(numbers, customers, strict=True)
                    for location in self._locations(n, customer)
                )
        self.stdout.write(
            f"created {rows} customers and their service locations in {time.perf_counter() - started:.1f} s"
        )
        return division

    @staticmethod
    def _locations(n: int, customer: Customer) -> list[ServiceLocation]:
        locations = [ServiceLocation(customer=customer, name="Main", street=f"{n} Main St", city="Mesa", state="AZ")]
        if n % 3 == 0:
            locations.append(ServiceLocation(customer=customer, name="Shop", street=f"{n} Lake St", city="Mesa"))
        return locations

    def _remove(self, division: Division) -> None:
        benchmark_division_remove(division)

"""
Measure the Excel import on large files: historical invoices (50,000 lines, about 15,000 invoices), notes, items and
customers with their service locations.

Creates a "Benchmark import" division with customers, their service locations, a tax rate and items, writes the
workbooks itself (openpyxl's write-only mode), then checks and imports each through the same services as the
import page, and prints the time of each step and the process's peak memory. The division and everything in it are
removed afterwards unless ``--keep`` is given. It writes to the configured database: run it on a copy.
"""

import random
import resource
import tempfile
import time
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from openpyxl import Workbook

from apps.accounting.models import PaymentTerm, TaxRate
from apps.benchmarks.divisions import benchmark_division_remove
from apps.catalog.models import Item
from apps.core.models import Division
from apps.customers.models import Customer, ServiceLocation
from apps.imports import services
from apps.imports.kinds import kind_get
from apps.imports.models import ImportRecord, ImportStatus
from apps.invoicing.models import Invoice

SLUG = "benchmark-import"
START = date(2021, 1, 4)


def _peak_mib() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workbook_save(path: Path, kind_key: str, rows: Iterable[dict[str, Any]]) -> None:
    """A workbook of the kind's template's columns, a row each of ``rows`` (column key → value); openpyxl write-only."""
    kind = kind_get(kind_key)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.sheet_name)
    sheet.append([column.header for column in kind.columns])
    for values in rows:
        sheet.append([values.get(column.key) for column in kind.columns])
    workbook.save(path)


class Command(BaseCommand):
    help = (
        "Time the Excel import of historical invoices, notes and items on generated workbooks, and report peak memory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lines", type=int, default=50_000, help="Invoice lines in the invoice workbook.")
        parser.add_argument("--invoices", type=int, default=15_000, help="Invoices the lines are spread over.")
        parser.add_argument("--notes", type=int, default=5_000, help="Rows of the notes workbook.")
        parser.add_argument("--items", type=int, default=5_000, help="New items in the items workbook.")
        parser.add_argument("--customers", type=int, default=1_000, help="Customers of the benchmark division.")
        parser.add_argument(
            "--new-customers",
            type=int,
            default=2_000,
            help="New customers in the customers workbook, two service locations (two rows) each.",
        )
        parser.add_argument("--reimport", action="store_true", help="Also check each file a second time.")
        parser.add_argument("--keep", action="store_true", help="Keep the benchmark division and its rows.")

    def handle(
        self,
        *args,
        lines: int,
        invoices: int,
        notes: int,
        items: int,
        customers: int,
        new_customers: int,
        reimport: bool,
        keep: bool,
        **opts,
    ):
        if invoices > lines:
            raise CommandError("There cannot be more invoices than lines.")
        if Division.objects.filter(slug=SLUG).exists():
            raise CommandError(f"A division “{SLUG}” exists: remove it (or run without --keep before).")
        division = self._populate(customers)
        self.stdout.write(f"peak memory before the imports: {_peak_mib():.0f} MiB")
        try:
            with tempfile.TemporaryDirectory() as folder, override_settings(FIELDOFFICE_IMPORT_INLINE_MAX_BYTES=10**12):
                invoice_path = Path(folder) / "invoices.xlsx"
                started = time.perf_counter()
                self._invoice_workbook(invoice_path, division, lines=lines, invoices=invoices)
                self.stdout.write(
                    f"wrote {invoice_path.name}: {lines:,} lines, {invoices:,} invoices, "
                    f"{invoice_path.stat().st_size / 1_048_576:.1f} MiB in {time.perf_counter() - started:.1f} s"
                )
                self._measure("invoices", invoice_path, division, reimport=reimport)
                self.stdout.write(
                    f"  stored: {Invoice.objects.filter(division=division, is_history=True).count():,} invoices"
                )
                notes_path = Path(folder) / "notes.xlsx"
                self._notes_workbook(notes_path, division, rows=notes)
                self._measure("customer_notes", notes_path, division, reimport=reimport)
                items_path = Path(folder) / "items.xlsx"
                self._items_workbook(items_path, rows=items)
                self._measure("items", items_path, division, reimport=reimport)
                customers_path = Path(folder) / "customers.xlsx"
                self._customers_workbook(customers_path, rows=new_customers)
                self._measure("customers", customers_path, division, reimport=reimport)
        finally:
            if not keep:
                self._remove(division)

    def _measure(self, kind_key: str, path: Path, division: Division, *, reimport: bool) -> None:
        before = _peak_mib()
        started = time.perf_counter()
        record = self._start(kind_key, path, division)
        checked = time.perf_counter()
        if record.status != ImportStatus.CHECKED or record.error_count:
            raise CommandError(f"The check failed: {record.message or record.errors[:3]}")
        record = services.import_confirm(record=record, user=None)
        done = time.perf_counter()
        if record.status != ImportStatus.IMPORTED:
            raise CommandError(f"The import failed: {record.message} {record.errors[:3]}")
        self.stdout.write(
            f"{kind_key}: {record.rows:,} rows → {record.created:,} created; "
            f"check {checked - started:.1f} s, import {done - checked:.1f} s, total {done - started:.1f} s; "
            f"peak memory {_peak_mib():.0f} MiB (before: {before:.0f} MiB)"
        )
        if reimport:
            started = time.perf_counter()
            again = self._start(kind_key, path, division)
            self.stdout.write(
                f"{kind_key} again: {again.to_create:,} to create, {again.to_skip:,} already there; "
                f"check {time.perf_counter() - started:.1f} s"
            )

    @staticmethod
    def _start(kind_key: str, path: Path, division: Division) -> ImportRecord:
        with path.open("rb") as handle:
            upload = UploadedFile(handle, name=path.name, size=path.stat().st_size)
            return services.import_start(kind_key=kind_key, division=division, user=None, upload=upload)

    def _populate(self, customers: int) -> Division:
        division = Division.objects.create(name="Benchmark import", slug=SLUG)
        tax_rate = TaxRate.objects.create(division=division, name="Bench tax", percent=Decimal("7.875"))
        term = PaymentTerm.objects.create(division=division, name="Bench net 30", due_days=30)
        Customer.objects.bulk_create(
            Customer(
                division=division,
                number=f"B{n:05d}",
                display_name=f"Bench customer {n:05d}",
                company_name=f"Bench customer {n:05d} LLC",
                tax_rate=tax_rate,
                payment_term=term,
            )
            for n in range(customers)
        )
        ServiceLocation.objects.bulk_create(
            ServiceLocation(customer=customer, name="Main site", street=f"{customer.pk} Main St", city="Minneapolis")
            for customer in Customer.objects.filter(division=division)
        )
        Item.objects.bulk_create(
            Item(division=division, name=f"Bench item {n}", sku=f"BI-{n}", sales_price=Decimal("25.00"))
            for n in range(50)
        )
        return division

    @staticmethod
    def _invoice_workbook(path: Path, division: Division, *, lines: int, invoices: int) -> None:
        kind = kind_get("invoices")
        names = list(Customer.objects.filter(division=division).values_list("display_name", flat=True))
        randomly = random.Random(42)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(kind.sheet_name)
        sheet.append([column.header for column in kind.columns])
        base, extra = divmod(lines, invoices)
        for index in range(invoices):
            count = base + (1 if index < extra else 0)
            customer = names[index % len(names)]
            invoice_date = START + timedelta(days=index % 1000)
            paid = index % 3 != 0
            for position in range(count):
                first = position == 0
                item = f"Bench item {randomly.randrange(50)}" if position % 2 else None
                sheet.append(
                    [
                        str(100_000 + index),
                        customer if first else None,
                        "Main site" if first else None,
                        invoice_date if first else None,
                        None,
                        None,
                        "Imported for the benchmark" if first else None,
                        item,
                        None if item else "Service call",
                        randomly.randint(1, 5),
                        Decimal(randomly.randint(1000, 20000)) / 100,
                        "Yes" if position % 3 else "No",
                        ("Paid" if paid else "Unpaid") if first else None,
                        None,
                        invoice_date + timedelta(days=20) if first and paid else None,
                    ]
                )
        workbook.save(path)

    @staticmethod
    def _notes_workbook(path: Path, division: Division, *, rows: int) -> None:
        numbers = list(Customer.objects.filter(division=division).values_list("number", flat=True))
        _workbook_save(
            path,
            "customer_notes",
            (
                {
                    "customer": numbers[index % len(numbers)],
                    "noted_on": START + timedelta(days=index % 700),
                    "author": "Benchmark",
                    "text": f"Note {index}: called about the spring visit; gate code {index % 9000 + 1000}.",
                }
                for index in range(rows)
            ),
        )

    @staticmethod
    def _items_workbook(path: Path, *, rows: int) -> None:
        """New services and parts, each with a price and a cost, in the items template's columns."""
        _workbook_save(
            path,
            "items",
            (
                {
                    "name": f"Benchmark item {index}",
                    "item_type": "Service" if index % 2 else "Non-inventory",
                    "sku": f"BENCH-{index}",
                    "sales_price": Decimal(index % 500) + Decimal("0.95"),
                    "cost": Decimal(index % 300),
                    "taxable": "Yes",
                }
                for index in range(rows)
            ),
        )

    @staticmethod
    def _customers_workbook(path: Path, *, rows: int) -> None:
        """New customers, each on two rows (one a service location), as the customer list's export writes them."""
        _workbook_save(
            path,
            "customers",
            (
                {
                    "number": f"NEW-{index:06d}",
                    "display_name": f"New bench customer {index:06d}",
                    "phone": "612-555-0100",
                    "email": f"customer{index}@example.com",
                    "billing_street": f"{index} Main St",
                    "billing_city": "Minneapolis",
                    "tax_rate": "Bench tax",
                    "payment_term": "Bench net 30",
                    "location_name": f"{site} site",
                    "location_street": f"{index} {site} Ave",
                    "location_city": "St Paul",
                }
                for index in range(rows)
                for site in ("North", "South")
            ),
        )

    def _remove(self, division: Division) -> None:
        for record in ImportRecord.objects.filter(division=division):
            record.file.delete(save=False)
            record.archive.delete(save=False)
        ImportRecord.objects.filter(division=division).delete()
        benchmark_division_remove(division)
        self.stdout.write("removed the benchmark division")

"""
Invoices exported with their lines import again unchanged as historical invoices: the export's second resource has
the import's columns, one row a line, so re-importing the file finds every invoice as it is (0 to create, 0 to
update), whether it was made in FieldOffice or imported as history.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from apps.core.selectors import division_get_default
from apps.demo.services import demo_seed
from apps.imports.models import ImportStatus
from apps.invoicing.models import Invoice
from apps.invoicing.resources import HISTORY_COLUMNS, HistoricalInvoiceResource
from tests.exports.helpers import post_export
from tests.factories import CustomerFactory
from tests.imports.helpers import errors_of, run, start, xlsx_bytes

pytestmark = pytest.mark.django_db

WITH_LINES = 1


@pytest.fixture
def demo_client(client):
    summary = demo_seed()
    client.force_login(get_user_model().objects.get(email=summary.admin_email))
    return client


def test_the_export_with_lines_has_the_import_columns():
    headers = [column.header for column in HISTORY_COLUMNS]

    assert [field.column_name for field in HistoricalInvoiceResource().get_export_fields()] == headers


def test_exported_invoices_with_their_lines_import_again_with_no_change(demo_client):
    division = division_get_default()
    invoices = Invoice.objects.filter(division=division, lines__isnull=False).distinct()
    count = invoices.count()
    assert count >= 3

    in_division = {"division__id__exact": division.pk}
    exported = post_export(demo_client, "invoicing.invoice", "xlsx", in_division, resource=WITH_LINES)
    assert exported.status_code == 200
    record = start("invoices", exported.content, division=division)

    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert record.error_count == 0, record.errors
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, count), record.samples


def test_imported_history_exports_and_imports_again_with_no_change(admin_client):
    division = division_get_default()
    CustomerFactory(display_name="Basement Bar", number="1001")
    rows = [
        [
            "Invoice number",
            "Customer",
            "Invoice date",
            "Description",
            "Quantity",
            "Unit price",
            "Status",
            "Amount paid",
            "Payment date",
        ],
        ["H-1", "Basement Bar", date(2022, 8, 15), "Service call", 2, 100, "Unpaid", 50, date(2022, 9, 1)],
        ["H-1", None, None, "Filter", 1, Decimal("12.5"), None, None, None],
        ["H-2", "1001", date(2022, 9, 15), "Repair", 1, 80, "Paid", None, None],
    ]
    imported = run(start("invoices", xlsx_bytes(rows), division=division))
    assert (imported.status, imported.created) == (ImportStatus.IMPORTED, 2), imported.errors

    exported = post_export(admin_client, "invoicing.invoice", "xlsx", resource=WITH_LINES)
    again = start("invoices", exported.content, division=division)

    assert again.error_count == 0, again.errors
    assert (again.to_create, again.to_update, again.to_skip) == (0, 0, 2), again.samples


def test_invoices_of_another_division_in_the_export_are_refused_for_their_division(demo_client):
    division = division_get_default()
    others = Invoice.objects.exclude(division=division).filter(lines__isnull=False).distinct()
    assert others.exists()
    ours = Invoice.objects.filter(division=division, lines__isnull=False).distinct().count()

    exported = post_export(demo_client, "invoicing.invoice", "xlsx", resource=WITH_LINES)
    record = start("invoices", exported.content, division=division)

    assert {column for _row, column, _message in errors_of(record)} == {"Division"}
    assert all("Import it into its own division" in message for _row, _column, message in errors_of(record))
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, ours)

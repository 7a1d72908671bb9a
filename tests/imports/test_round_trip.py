"""
A list exported from the admin imports again unchanged: its columns are the import's, declared once with the list's
resource, so re-importing the file finds every record as it is (0 to create, 0 to update). One test per kind whose
export is the import's, on the demo data (attachments, which the demo has none of, on factory-made ones, with a zip
of their stored files).
"""

import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from apps.accounting.models import PaymentTerm, TaxRate
from apps.accounting.resources import PaymentTermResource, TaxRateResource
from apps.catalog.models import Item
from apps.catalog.resources import ItemResource
from apps.core.selectors import division_get_default
from apps.customers.models import Customer, CustomerAttachment, CustomerNote
from apps.customers.resources import CustomerAttachmentResource, CustomerNoteResource, CustomerResource
from apps.demo.services import demo_seed
from apps.imports.kinds import kind_get
from apps.imports.models import ImportStatus
from apps.imports.workbooks import template_workbook
from tests.exports.helpers import post_export
from tests.factories import CustomerAttachmentFactory, CustomerFactory
from tests.imports.helpers import start, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind_key", "resource_class"),
    [
        ("customers", CustomerResource),
        ("customer_notes", CustomerNoteResource),
        ("customer_attachments", CustomerAttachmentResource),
        ("tax_rates", TaxRateResource),
        ("payment_terms", PaymentTermResource),
        ("items", ItemResource),
    ],
)
def test_the_template_the_import_and_the_export_have_one_definition_of_the_columns(kind_key, resource_class):
    kind = kind_get(kind_key)
    headers = [column.header for column in resource_class.columns]

    assert kind.columns is resource_class.columns
    assert [field.column_name for field in resource_class().get_export_fields()] == headers
    template = openpyxl.load_workbook(io.BytesIO(template_workbook(kind))).active
    assert [cell.value for cell in template[1]] == ["Example", *headers]


@pytest.fixture
def demo_client(client):
    """The demo company, and its Owner signed in."""
    summary = demo_seed()
    client.force_login(get_user_model().objects.get(email=summary.admin_email))
    return client


def test_exported_customer_notes_import_again_with_no_change(demo_client):
    division = division_get_default()
    notes = CustomerNote.objects.filter(customer__division=division).count()
    assert notes >= 3

    in_division = {"customer__division__id__exact": division.pk}
    exported = post_export(demo_client, "customers.customernote", "xlsx", in_division)
    record = start("customer_notes", exported.content, division=division)

    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert (record.rows, record.error_count) == (notes, 0)
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, notes)


@pytest.mark.parametrize(
    ("label", "kind", "model"),
    [
        ("accounting.taxrate", "tax_rates", TaxRate),
        ("accounting.paymentterm", "payment_terms", PaymentTerm),
        ("catalog.item", "items", Item),
    ],
)
def test_an_exported_list_imports_again_with_no_change(demo_client, label, kind, model):
    division = division_get_default()
    count = model.objects.filter(division=division).count()
    assert count >= 3

    exported = post_export(demo_client, label, "xlsx", {"division__id__exact": division.pk})
    record = start(kind, exported.content, division=division)

    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert (record.rows, record.error_count) == (count, 0), record.errors
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, count), record.samples


def test_exported_customers_with_their_service_locations_import_again_with_no_change(demo_client):
    division = division_get_default()
    customers = Customer.objects.filter(division=division)
    with_locations = customers.filter(service_locations__isnull=False).distinct().count()
    assert with_locations >= 3

    exported = post_export(demo_client, "customers.customer", "xlsx", {"division__id__exact": division.pk})
    record = start("customers", exported.content, division=division)

    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert record.error_count == 0, record.errors
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, customers.count()), record.samples


def test_exported_attachments_import_again_with_no_change_from_a_zip_of_their_files(admin_client):
    division = division_get_default()
    bar = CustomerFactory(display_name="Basement Bar", number="1001")
    CustomerAttachmentFactory(
        customer=bar,
        title="Site plan",
        attached_on=date(2022, 8, 15),
        file__filename="site-plan.pdf",
        file__data=b"%PDF-1.4 plan",
    )
    CustomerAttachmentFactory(customer=bar, title="", file__filename="codes.txt", file__data=b"gate code 0000")
    CustomerAttachmentFactory(
        customer=CustomerFactory(display_name="Corner Deli"),
        file__filename="contract.pdf",
        file__data=b"%PDF-1.4 contract",
    )
    attachments = list(CustomerAttachment.objects.filter(customer__division=division))

    in_division = {"customer__division__id__exact": division.pk}
    exported = post_export(admin_client, "customers.customerattachment", "xlsx", in_division)
    files = {}
    for attachment in attachments:
        with attachment.file.open("rb") as stored:
            files[attachment.file_name] = stored.read()
    record = start("customer_attachments", exported.content, division=division, archive=zip_bytes(files))

    assert record.status == ImportStatus.CHECKED, (record.message, record.errors)
    assert (record.rows, record.error_count) == (len(attachments), 0), record.errors
    assert (record.to_create, record.to_update, record.to_skip) == (0, 0, len(attachments)), record.samples

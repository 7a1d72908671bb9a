"""
Each kind's template: an Example column, headers, a notes row and an example row that can never change data.

Uploaded as downloaded, a template imports nothing, even where records exist that look like its example (or like
the demo company's records, which the examples once were): the preview says the example row was skipped.
"""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounting.models import PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.core.columns import EXAMPLE_MARKER, ColumnType
from apps.core.selectors import division_get_default
from apps.customers.models import Customer, CustomerAttachment, CustomerNote, ServiceLocation
from apps.imports.kinds import KINDS
from apps.imports.models import ImportRecord, ImportStatus
from apps.invoicing.models import Invoice
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)
from tests.imports.helpers import XLSX, upload, zip_bytes

pytestmark = pytest.mark.django_db

MODELS = (Customer, ServiceLocation, TaxRate, PaymentTerm, Item, CustomerNote, CustomerAttachment, Invoice)
# The key column of each kind, whose example must name no real record.
KEY_COLUMNS = {
    "tax_rates": "name",
    "payment_terms": "name",
    "items": "name",
    "customers": "number",
    "customer_notes": "customer",
    "customer_attachments": "customer",
    "invoices": "number",
}


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def records_like_the_examples():
    """Records a template's example could reach: the demo company's, and ones named like today's examples."""
    bar = CustomerFactory(number="C-1001", display_name="Basement Bar", phone="612-555-0142", first_name="Tony")
    ServiceLocationFactory(customer=bar, name="BB_1")
    fake = CustomerFactory(number="EXAMPLE-0001", display_name="Example Customer (delete me)", phone="612-555-0000")
    ServiceLocationFactory(customer=fake, name="Example location")
    TaxRateFactory(name="Minneapolis", percent="8.025")
    TaxRateFactory(name="Example tax rate (delete me)", percent="5")
    PaymentTermFactory(name="Net 30", due_days=15, active=False)
    PaymentTermFactory(name="Example terms (delete me)", due_days=10, active=False)
    ItemFactory(name="Furnace tune-up", sales_price="99.00")
    ItemFactory(name="Example item (delete me)", sales_price="1.00")


def _snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def _template(client, kind_key: str) -> bytes:
    response = client.get(reverse("admin:imports_excelimport_template", args=[kind_key]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return response.content


def _check(client, kind_key: str, content: bytes) -> ImportRecord:
    data = {"kind": kind_key, "division": division_get_default().pk, "file": upload(content, "template.xlsx")}
    if KINDS[kind_key].needs_archive:
        files = {"example-site-plan.pdf": b"%PDF-1.4 plan", "site-plan.pdf": b"%PDF-1.4 plan"}
        data["archive"] = upload(zip_bytes(files), "files.zip", "application/zip")
    client.post(reverse("admin:imports_excelimport_changelist"), data)
    return ImportRecord.objects.latest("pk")


def _edited(content: bytes, kind_key: str, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    edit(workbook[KINDS[kind_key].sheet_name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _assert_nothing_to_import(client, record: ImportRecord, before: dict) -> None:
    assert (record.status, record.errors, record.message) == (ImportStatus.CHECKED, [], "")
    assert (record.rows, record.example_rows, record.to_create, record.to_update) == (1, 1, 0, 0)
    assert record.samples["examples"] == [3]
    page = client.get(reverse("admin:imports_importrecord_change", args=[record.pk])).content.decode()
    assert "1 example row skipped (row 3)" in page
    assert "the file holds only the template's example, which is never imported" in page
    assert 'id="import-confirm"' not in page

    client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert _snapshot() == before


@pytest.mark.parametrize("kind_key", list(KINDS))
def test_a_template_uploaded_as_downloaded_changes_nothing(office_client, records_like_the_examples, kind_key):
    kind = KINDS[kind_key]
    content = _template(office_client, kind_key)
    sheet = load_workbook(io.BytesIO(content))[kind.sheet_name]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["Example", *(column.header for column in kind.columns)]
    assert all(note.startswith(("Required", "Optional")) for note in rows[1])
    assert rows[2][0] == "Example: never imported"
    assert len(rows) == 3

    before = _snapshot()
    _assert_nothing_to_import(office_client, _check(office_client, kind_key, content), before)


@pytest.mark.parametrize("kind_key", list(KINDS))
def test_the_example_row_without_its_mark_changes_nothing_either(office_client, records_like_the_examples, kind_key):
    """Someone deletes the Example column, or clears its cell: a row equal to the example is still skipped."""
    content = _template(office_client, kind_key)
    before = _snapshot()

    without_column = _edited(content, kind_key, lambda sheet: sheet.delete_cols(1))
    _assert_nothing_to_import(office_client, _check(office_client, kind_key, without_column), before)

    def clear_the_mark(sheet):
        sheet["A3"].value = None
        # Text typed again in another case and spacing is the same example.
        for cell in sheet[3][1:]:
            if isinstance(cell.value, str) and cell.value.startswith("Example"):
                cell.value = f"  {cell.value.upper()} "

    cleared = _edited(content, kind_key, clear_the_mark)
    _assert_nothing_to_import(office_client, _check(office_client, kind_key, cleared), before)


def test_rows_marked_as_examples_are_skipped_whatever_they_say(office_client, records_like_the_examples):
    content = _template(office_client, "customers")
    headers = [column.header for column in KINDS["customers"].sheet_columns]

    def fill(sheet):
        def row(**values):
            sheet.append([values.get(header) for header in headers])

        # A real customer's number and name, with new contact details: marked, so never imported.
        row(Example="Example", **{"Customer number": "C-1001", "Display name": "Basement Bar", "Phone": "1"})
        # Cells that would be errors: marked, so not even read.
        row(Example="yes", **{"Display name": None, "Taxable": "maybe", "Email": "not an email"})
        # "No" in the Example column is a row of the user's own.
        row(Example="No", **{"Customer number": "C-2001", "Display name": "Lakeside Dental Clinic"})

    record = _check(office_client, "customers", _edited(content, "customers", fill))
    assert (record.errors, record.rows, record.example_rows, record.samples["examples"]) == ([], 4, 3, [3, 4, 5])
    assert (record.to_create, record.to_update) == (1, 0)
    page = office_client.get(reverse("admin:imports_importrecord_change", args=[record.pk])).content.decode()
    assert "3 example rows skipped (rows 3, 4, 5)" in page

    office_client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.created, record.updated) == (ImportStatus.IMPORTED, 1, 0)
    assert Customer.objects.get(number="C-2001").display_name == "Lakeside Dental Clinic"
    assert Customer.objects.get(number="C-1001").phone == "612-555-0142"


@pytest.mark.parametrize("kind_key", list(KINDS))
def test_example_values_are_plainly_made_up(kind_key):
    kind = KINDS[kind_key]
    for column in kind.sheet_columns:
        column.parse(column.example)  # a valid cell: the example shows what to type
    key = kind.column(KEY_COLUMNS[kind_key]).example
    assert "example" in key.casefold()
    for column in kind.columns:
        if column.type != ColumnType.TEXT or column.example is None:
            continue
        if column.key.endswith("phone"):
            assert re.fullmatch(r"\d{3}-555-01\d\d", column.example)
        if column.key.endswith("email"):
            assert column.example.endswith("@example.com")
    assert kind.sheet_columns[0] is EXAMPLE_MARKER


def test_the_read_me_explains_the_example_row(office_client):
    read_me = load_workbook(io.BytesIO(_template(office_client, "customers")))["Read me"]
    text = " ".join(str(cell) for row in read_me.iter_rows(values_only=True) for cell in row if cell)
    assert "Row 3 is an example, marked in the “Example” column: it is never imported" in text
    assert "from row 4 on" in text


def test_an_unknown_kind_has_no_template(office_client):
    assert office_client.get(reverse("admin:imports_excelimport_template", args=["nope"])).status_code == 404

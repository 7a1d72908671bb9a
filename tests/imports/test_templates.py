"""Each kind's template: headers, a notes row and an example row, which imports cleanly as downloaded."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.selectors import division_get_default
from apps.imports.kinds import KINDS
from apps.imports.models import ImportRecord, ImportStatus
from tests.factories import CustomerFactory, ServiceLocationFactory
from tests.imports.helpers import XLSX, upload, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


@pytest.mark.parametrize("kind_key", list(KINDS))
def test_the_template_as_downloaded_imports_its_example_row(office_client, kind_key):
    kind = KINDS[kind_key]
    if kind_key in ("customer_notes", "customer_attachments", "invoices"):
        ServiceLocationFactory(name="BB_1", customer=CustomerFactory(display_name="Basement Bar"))
    response = office_client.get(reverse("admin:imports_excelimport_template", args=[kind_key]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]

    sheet = load_workbook(io.BytesIO(response.content))[kind.sheet_name]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [column.header for column in kind.columns]
    assert all(note.startswith(("Required", "Optional")) for note in rows[1])

    data = {"kind": kind_key, "division": division_get_default().pk, "file": upload(response.content, "template.xlsx")}
    if kind.needs_archive:
        data["archive"] = upload(zip_bytes({"site-plan.pdf": b"%PDF-1.4 plan"}), "files.zip", "application/zip")
    office_client.post(reverse("admin:imports_excelimport_changelist"), data)
    record = ImportRecord.objects.get()
    assert (record.status, record.errors, record.rows, record.to_create) == (ImportStatus.CHECKED, [], 1, 1)

    office_client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportStatus.IMPORTED, 1)


def test_an_unknown_kind_has_no_template(office_client):
    assert office_client.get(reverse("admin:imports_excelimport_template", args=["nope"])).status_code == 404

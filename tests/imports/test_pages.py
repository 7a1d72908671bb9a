"""The import pages: who may use them, the upload, the preview, the confirmation and the records."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.customers.models import CustomerNote
from apps.imports.models import ImportRecord, ImportStatus
from tests.factories import CustomerFactory, UserFactory
from tests.imports.helpers import XLSX, kind_rows, start, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "admin:imports_excelimport_changelist"


def _notes_workbook(*rows) -> bytes:
    return xlsx_bytes(kind_rows("customer_notes", *rows))


@pytest.fixture
def bar():
    return CustomerFactory(display_name="Basement Bar")


def test_office_uploads_previews_and_confirms(client, office_user, bar):
    client.force_login(office_user)
    page = client.get(reverse(IMPORT_PAGE))
    assert page.status_code == 200
    assert b"Download the template" in page.content

    data = _notes_workbook(
        {"customer": "Basement Bar", "noted_on": date(2022, 8, 15), "text": "one"},
        {"customer": "Nobody", "noted_on": date(2022, 8, 15), "text": "two"},
    )
    response = client.post(
        reverse(IMPORT_PAGE), {"kind": "customer_notes", "division": bar.division_id, "file": upload(data)}
    )
    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importrecord_change", args=[record.pk])

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "1 note</strong> to create" in content
    assert "No customer has the name or number “Nobody”" in content
    assert "Import the valid rows only (1 note)" in content

    # All or nothing: a plain confirmation is refused while the file has errors.
    confirm = reverse("admin:imports_importrecord_confirm", args=[record.pk])
    client.post(confirm)
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED
    assert not CustomerNote.objects.exists()

    done = client.post(confirm, {"valid_rows_only": "1"}, follow=True)
    assert "Imported: 1 created, 0 updated, 0 left as they were." in done.content.decode()
    record.refresh_from_db()
    assert (record.status, record.created, record.error_count, record.confirmed_by) == (
        ImportStatus.IMPORTED,
        1,
        1,
        office_user,
    )
    assert CustomerNote.objects.get().text == "one"


def test_records_list_and_pages_render(admin_client, bar):
    record = start(
        "customer_notes", _notes_workbook({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"})
    )
    assert admin_client.get(reverse("admin:imports_importrecord_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:imports_importrecord_change", args=[record.pk])).status_code == 200
    progress = admin_client.get(reverse("admin:imports_importrecord_progress", args=[record.pk])).json()
    assert progress["status"] == "checked" and progress["busy"] is False
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse(IMPORT_PAGE) in index
    errors = admin_client.get(reverse("admin:imports_importrecord_errors", args=[record.pk]))
    assert errors["Content-Type"] == XLSX


@pytest.mark.parametrize("role", ["Read-only", None])
def test_people_without_the_import_permission_get_403(client, bar, role):
    user = UserFactory(roles=[role] if role else [])
    record = start(
        "customer_notes", _notes_workbook({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"})
    )
    client.force_login(user)
    assert client.get(reverse(IMPORT_PAGE)).status_code == 403
    template = reverse("admin:imports_excelimport_template", args=["customer_notes"])
    assert client.get(template).status_code == 403
    data = {"kind": "customer_notes", "division": bar.division_id, "file": upload(b"x")}
    assert client.post(reverse(IMPORT_PAGE), data).status_code == 403
    assert client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk])).status_code == 403
    assert client.post(reverse("admin:imports_importrecord_cancel", args=[record.pk])).status_code == 403
    assert not CustomerNote.objects.exists()
    assert reverse(IMPORT_PAGE) not in client.get(reverse("admin:index")).content.decode()


def test_read_only_sees_the_records_but_no_buttons(client, read_only_user, bar):
    record = start(
        "customer_notes", _notes_workbook({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"})
    )
    client.force_login(read_only_user)
    assert client.get(reverse("admin:imports_importrecord_changelist")).status_code == 200
    page = client.get(reverse("admin:imports_importrecord_change", args=[record.pk]))
    assert page.status_code == 200
    assert b"import-confirm" not in page.content


def test_office_has_the_import_permission(office_user):
    assert office_user.has_perm("imports.import_from_excel")
    assert not UserFactory(roles=["Read-only"]).has_perm("imports.import_from_excel")


def test_the_errors_list_never_turns_uploaded_text_into_formulas(admin_client, bar):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Customer", "Date", "Text", None])
    sheet.append(["Basement Bar", "2022-08-15", "x", 1])
    header = sheet["D1"]
    header.value, header.data_type = "=HYPERLINK('http://x')", "s"  # text in the file, not a formula
    buffer = io.BytesIO()
    workbook.save(buffer)

    record = start("customer_notes", buffer.getvalue())
    assert record.errors[0]["column"] == "=HYPERLINK('http://x')"
    response = admin_client.get(reverse("admin:imports_importrecord_errors", args=[record.pk]))
    cell = load_workbook(io.BytesIO(response.content)).active["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK('http://x')", "s")


def test_the_upload_form_asks_for_what_is_missing(client, office_user, bar):
    client.force_login(office_user)
    page = client.post(reverse(IMPORT_PAGE), {"kind": "customer_attachments", "division": bar.division_id})
    assert page.status_code == 200
    content = page.content.decode()
    assert "This field is required." in content
    assert "Upload the zip that holds the files together with the workbook." in content
    assert not ImportRecord.objects.exists()


def test_a_refused_file_shows_why_and_offers_another_upload(client, office_user, bar):
    client.force_login(office_user)
    data = {"kind": "customer_notes", "division": bar.division_id, "file": upload(b"a,b\n1,2\n", "list.xlsx")}
    page = client.post(reverse(IMPORT_PAGE), data, follow=True).content.decode()
    assert "This file is not an Excel workbook (.xlsx), even if its name says so." in page
    assert "Upload a corrected file" in page
    assert ImportRecord.objects.get().status == ImportStatus.FAILED

"""Large files are checked and imported by a django-q2 worker while the page follows the progress."""

import pytest
from django.test import override_settings
from django.urls import reverse

from apps.customers.models import CustomerNote
from apps.imports.models import ImportRecord, ImportStatus
from tests.factories import CustomerFactory
from tests.imports.helpers import kind_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@override_settings(FIELDOFFICE_IMPORT_INLINE_MAX_BYTES=0)
def test_a_large_file_runs_in_the_background_and_the_page_polls_its_progress(
    client, office_user, django_capture_on_commit_callbacks
):
    bar = CustomerFactory(display_name="Basement Bar")
    rows = [{"customer": "Basement Bar", "noted_on": "2022-08-15", "text": f"note {n}"} for n in range(30)]
    client.force_login(office_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("admin:imports_excelimport_changelist"),
            {
                "kind": "customer_notes",
                "division": bar.division_id,
                "file": upload(xlsx_bytes(kind_rows("customer_notes", *rows))),
            },
        )
        record = ImportRecord.objects.get()
        assert record.status == ImportStatus.CHECK_QUEUED
        page = client.get(response["Location"]).content.decode()
        assert 'data-import-progress-url="' in page and "<progress" in page
        progress = client.get(reverse("admin:imports_importrecord_progress", args=[record.pk])).json()
        assert progress["busy"] is True and progress["label"] == "Waiting to be checked"
        # The import page stays usable meanwhile, and lists the running import.
        assert "Waiting to be checked" in client.get(reverse("admin:imports_excelimport_changelist")).content.decode()
    assert len(callbacks) == 1
    record.refresh_from_db()
    assert (record.status, record.to_create, record.progress) == (ImportStatus.CHECKED, 30, 100)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk]))
        record.refresh_from_db()
        assert record.status == ImportStatus.IMPORT_QUEUED
        # A second click does not import twice.
        client.post(reverse("admin:imports_importrecord_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportStatus.IMPORTED, 30)
    assert CustomerNote.objects.count() == 30
    progress = client.get(reverse("admin:imports_importrecord_progress", args=[record.pk])).json()
    assert progress == {**progress, "busy": False, "status": "imported", "created": 30}

"""Customer attachments: the workbook lists the files, the zip holds them."""

from datetime import date

import pytest
from django.test import override_settings

from apps.customers.models import CustomerAttachment
from apps.imports.models import ImportStatus
from tests.factories import CustomerFactory
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bar():
    return CustomerFactory(display_name="Basement Bar", number="1001")


def _workbook(*rows) -> bytes:
    return xlsx_bytes(kind_rows("customer_attachments", *rows))


FILES = {"plans/site-plan.pdf": b"%PDF-1.4 plan", "contract.pdf": b"%PDF-1.4 contract", "__MACOSX/._contract.pdf": b"x"}


def test_preview_then_confirm_stores_the_files(bar):
    data = _workbook(
        {"customer": "Basement Bar", "file_name": "site-plan.pdf", "title": "Site plan", "attached_on": "2022-08-15"},
        {"customer": "1001", "file_name": "contract.pdf"},
    )
    record = start("customer_attachments", data, archive=zip_bytes(FILES))
    assert (record.status, record.to_create, record.errors) == (ImportStatus.CHECKED, 2, [])
    assert not CustomerAttachment.objects.exists()
    record = run(record)
    assert (record.status, record.created) == (ImportStatus.IMPORTED, 2)
    plan = CustomerAttachment.objects.get(file_name="site-plan.pdf")
    assert (plan.customer, plan.title, plan.attached_on) == (bar, "Site plan", date(2022, 8, 15))
    assert plan.file.read() == b"%PDF-1.4 plan"


def test_every_row_needs_its_file_in_the_zip(bar):
    data = _workbook(
        {"customer": "Basement Bar", "file_name": "missing.pdf"},
        {"customer": "Basement Bar", "file_name": "contract.pdf"},
        {"customer": "Basement Bar", "file_name": "CONTRACT.pdf"},
    )
    record = start("customer_attachments", data, archive=zip_bytes(FILES))
    assert errors_of(record) == [
        (2, "File name", "The zip has no file “missing.pdf”."),
        (4, "File name", "Row 3 already attaches contract.pdf to this customer."),
    ]


@override_settings(FIELDOFFICE_MAX_ATTACHMENT_BYTES=5)
def test_a_file_larger_than_an_attachment_may_be(bar):
    record = start(
        "customer_attachments",
        _workbook({"customer": "Basement Bar", "file_name": "contract.pdf"}),
        archive=zip_bytes(FILES),
    )
    assert errors_of(record) == [
        (2, "File name", "contract.pdf is 17\xa0bytes; attachments may be at most 5\xa0bytes.")
    ]


def test_reimport_leaves_known_files_and_replaces_changed_ones(bar):
    data = _workbook({"customer": "Basement Bar", "file_name": "contract.pdf", "title": "Contract"})
    run(start("customer_attachments", data, archive=zip_bytes(FILES)))
    same = start("customer_attachments", data, archive=zip_bytes(FILES))
    assert (same.to_create, same.to_update, same.to_skip) == (0, 0, 1)

    changed = start("customer_attachments", data, archive=zip_bytes({"contract.pdf": b"%PDF-1.4 signed"}))
    assert (changed.to_create, changed.to_update) == (0, 1)
    run(changed)
    attachment = CustomerAttachment.objects.get()
    assert attachment.file.read() == b"%PDF-1.4 signed"


def test_nothing_is_kept_when_the_import_fails(bar, monkeypatch):
    from apps.customers import services as customer_services

    data = _workbook(
        {"customer": "Basement Bar", "file_name": "contract.pdf"},
        {"customer": "Basement Bar", "file_name": "site-plan.pdf"},
    )
    record = start("customer_attachments", data, archive=zip_bytes(FILES))
    create = customer_services.attachment_create
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValueError("The disk is full.")
        return create(**kwargs)

    monkeypatch.setattr(customer_services, "attachment_create", fail_second)
    record = run(record)
    assert record.status == ImportStatus.FAILED
    assert not CustomerAttachment.objects.exists()
    from django.core.files.storage import default_storage

    folder = f"customers/{bar.pk}/attachments"
    assert not default_storage.exists(folder) or default_storage.listdir(folder)[1] == []

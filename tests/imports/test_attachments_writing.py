"""Customer attachments as their resource writes them: each file through the services, a failed one its row's error."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from apps.customers import services as customer_services
from apps.customers.models import CustomerAttachment
from apps.imports.models import ImportStatus
from tests.factories import CustomerAttachmentFactory, CustomerFactory
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db

FILES = {"plans/site-plan.pdf": b"%PDF-1.4 plan", "contract.pdf": b"%PDF-1.4 contract"}


@pytest.fixture
def bar():
    return CustomerFactory(display_name="Basement Bar", number="1001")


def _workbook(*rows) -> bytes:
    return xlsx_bytes(kind_rows("customer_attachments", *rows))


def test_the_preview_names_each_file_as_it_will_be_attached(bar):
    data = _workbook(
        {"customer": "Basement Bar", "file_name": "plans/site-plan.pdf", "attached_on": "2022-08-15"},
        {"customer": "1001", "file_name": "contract.pdf", "title": "Contract"},
    )
    record = start("customer_attachments", data, archive=zip_bytes(FILES))

    untitled, titled = record.samples["create"]
    # The file's own name, without its folder in the zip; an attachment without a title goes by it.
    assert untitled["label"] == "Basement Bar · site-plan.pdf"
    assert [(change["field"], change["new"]) for change in untitled["changes"]] == [
        ("Customer", "Basement Bar"),
        ("File name", "site-plan.pdf"),
        ("Title", "site-plan.pdf"),
        ("Date", "2022-08-15"),
    ]
    assert titled["label"] == "Basement Bar · contract.pdf"
    run(record)
    assert sorted(CustomerAttachment.objects.values_list("file_name", "title", "attached_on")) == [
        ("contract.pdf", "Contract", None),
        ("site-plan.pdf", "", date(2022, 8, 15)),
    ]


def test_empty_cells_leave_a_known_attachment_as_it_is(bar):
    CustomerAttachmentFactory(
        customer=bar,
        title="Signed contract",
        attached_on=date(2022, 8, 15),
        file__filename="contract.pdf",
        file__data=FILES["contract.pdf"],
    )
    record = start(
        "customer_attachments", _workbook({"customer": "1001", "file_name": "CONTRACT.pdf"}), archive=zip_bytes(FILES)
    )

    assert (record.to_create, record.to_update, record.to_skip, record.errors) == (0, 0, 1, [])


def test_valid_rows_only_keeps_the_files_before_one_that_cannot_be_stored(bar, monkeypatch):
    data = _workbook(
        {"customer": "Basement Bar", "file_name": "site-plan.pdf"},
        {"customer": "Basement Bar", "file_name": "contract.pdf"},
    )
    record = start("customer_attachments", data, archive=zip_bytes(FILES))
    create = customer_services.attachment_create

    def fail_on_the_contract(**kwargs):
        if kwargs["file_name"] == "contract.pdf":
            raise ValueError("The disk is full.")
        return create(**kwargs)

    monkeypatch.setattr(customer_services, "attachment_create", fail_on_the_contract)
    record = run(record, valid_rows_only=True)

    assert (record.status, record.created) == (ImportStatus.IMPORTED, 1)
    assert errors_of(record) == [(3, "", "The disk is full.")]
    # What the import did lists the file it kept, not the one it could not store.
    assert [sample["label"] for sample in record.samples["create"]] == ["Basement Bar · site-plan.pdf"]
    kept = CustomerAttachment.objects.get()
    assert kept.file_name == "site-plan.pdf"
    assert default_storage.listdir(f"customers/{bar.pk}/attachments")[1] == [kept.file.name.rsplit("/", 1)[-1]]

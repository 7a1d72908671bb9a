"""Customer notes: preview, confirm, matching and re-import."""

from datetime import date

import pytest

from apps.customers.models import CustomerNote
from apps.imports.models import ImportStatus
from tests.factories import CustomerFactory, CustomerNoteFactory
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bar():
    return CustomerFactory(display_name="Basement Bar", number="1001")


def test_preview_then_confirm_creates_notes(bar, office_user):
    data = xlsx_bytes(
        kind_rows(
            "customer_notes",
            {"customer": "  basement BAR ", "noted_on": date(2022, 8, 15), "author": "Jo", "text": "Door code 4411"},
            {"customer": "1001", "noted_on": "08/16/2022", "text": "Dog on site"},
        )
    )
    record = start("customer_notes", data, user=office_user)
    assert record.status == ImportStatus.CHECKED, record.message
    assert (record.rows, record.to_create, record.error_count) == (2, 2, 0)
    assert not CustomerNote.objects.exists()

    record = run(record, user=office_user)
    assert record.status == ImportStatus.IMPORTED
    assert record.created == 2
    notes = CustomerNote.objects.filter(customer=bar).order_by("noted_on")
    assert [(n.noted_on, n.author, n.text, n.created_by) for n in notes] == [
        (date(2022, 8, 15), "Jo", "Door code 4411", office_user),
        (date(2022, 8, 16), "", "Dog on site", office_user),
    ]


def test_unknown_customer_is_a_row_error_and_nothing_is_written(bar):
    data = xlsx_bytes(
        kind_rows(
            "customer_notes",
            {"customer": "Basement Bar", "noted_on": date(2022, 8, 15), "text": "ok"},
            {"customer": "Nobody", "noted_on": date(2022, 8, 15), "text": "lost"},
        )
    )
    record = start("customer_notes", data)
    assert record.status == ImportStatus.CHECKED
    assert errors_of(record) == [
        (3, "Customer", "No customer has the name or number “Nobody”. Add the customer first, or fix the name.")
    ]
    assert record.to_create == 1


def test_reimport_creates_nothing_new(bar):
    CustomerNoteFactory(customer=bar, noted_on=date(2022, 8, 15), text="Door code 4411\r\n", author="Jo")
    data = xlsx_bytes(
        kind_rows(
            "customer_notes", {"customer": "Basement Bar", "noted_on": date(2022, 8, 15), "text": "Door code 4411"}
        )
    )
    record = start("customer_notes", data)
    assert (record.to_create, record.to_skip) == (0, 1)


def test_a_note_the_file_repeats_is_left_out_and_a_known_notes_author_follows_the_file(bar, office_user):
    known = CustomerNoteFactory(customer=bar, noted_on=date(2022, 8, 15), text="Door code 4411", author="Jo")
    data = xlsx_bytes(
        kind_rows(
            "customer_notes",
            {"customer": "1001", "noted_on": date(2022, 8, 15), "author": "Sam", "text": "Door code 4411"},
            {"customer": "Basement Bar", "noted_on": date(2022, 8, 16), "text": "Dog on site"},
            {"customer": "basement bar", "noted_on": "08/16/2022", "text": "  Dog on site "},
        )
    )

    record = start("customer_notes", data, user=office_user)

    assert (record.to_create, record.to_update, record.to_skip, record.error_count) == (1, 1, 1, 0)
    assert record.samples["update"][0]["changes"] == [{"field": "Author", "old": "Jo", "new": "Sam"}]
    (repeat,) = record.samples["skip"]
    assert repeat["rows"] == "4" and repeat["label"].endswith("(same as row 3)")
    record = run(record, user=office_user)
    assert (record.created, record.updated) == (1, 1)
    known.refresh_from_db()
    assert (known.author, known.text) == ("Sam", "Door code 4411")
    assert list(CustomerNote.objects.filter(customer=bar).order_by("noted_on").values_list("text", "created_by")) == [
        ("Door code 4411", None),
        ("Dog on site", office_user.pk),
    ]

"""Files that cannot be imported get a clear message, are recorded, and write nothing."""

import io
import zipfile

import pytest
from django.test import override_settings

from apps.customers.models import CustomerNote
from apps.imports.files import member_name_is_safe
from apps.imports.models import ImportRecord, ImportStatus
from tests.factories import CustomerFactory
from tests.imports.helpers import errors_of, kind_rows, start, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture(autouse=True)
def bar():
    return CustomerFactory(display_name="Basement Bar")


def _notes(*rows, headers=None) -> bytes:
    return xlsx_bytes(kind_rows("customer_notes", *rows, headers=headers))


def _refused(data: bytes, **kwargs) -> str:
    record = start("customer_notes", data, **kwargs)
    assert record.status == ImportStatus.FAILED
    assert not CustomerNote.objects.exists()
    assert ImportRecord.objects.filter(pk=record.pk).exists()  # recorded all the same
    return record.message


def _with_member(workbook: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one more member added to its zip."""
    buffer = io.BytesIO(workbook)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def test_a_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "customers.xlsx"
    path.write_text("Customer,Date,Text\nBasement Bar,2022-08-15,hello\n")
    assert "not an Excel workbook (.xlsx), even if its name says so" in _refused(path.read_bytes())


def test_an_old_xls_and_a_password_protected_workbook(tmp_path):
    old = OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    assert "old-format Excel file (.xls)" in _refused(old)
    protected = OLE2 + b"\x00" * 504 + "EncryptedInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    assert "password-protected" in _refused(protected)


def test_a_damaged_workbook():
    data = _notes({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"})
    assert "damaged" in _refused(data[: len(data) // 2])
    assert "damaged" in _refused(b"PK\x03\x04" + b"\x00" * 200)


def test_a_zip_that_is_not_a_workbook():
    assert "zip archive, not an Excel workbook" in _refused(zip_bytes({"notes.txt": b"hello"}))
    word = zip_bytes({"[Content_Types].xml": b"<Types>wordprocessingml.document.main+xml</Types>"})
    assert "not an Excel workbook" in _refused(word)


def test_a_zip_bomb_is_refused_before_it_is_read():
    data = _with_member(
        _notes({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"}),
        "xl/media/padding.bin",
        b"\x00" * (8 * 1024 * 1024),
    )
    assert "zip bomb" in _refused(data)


@override_settings(FIELDOFFICE_IMPORT_MAX_UNPACKED_BYTES=5_000)
def test_a_workbook_that_unpacks_to_more_than_the_limit():
    assert "unpacks to" in _refused(_notes({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"}))


def test_path_traversal_in_the_workbook_zip():
    data = _with_member(_notes({"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"}), "../evil.sh", b"x")
    assert "unsafe name" in _refused(data)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("a/b.pdf", True),
        ("../a.pdf", False),
        ("a/../../b", False),
        ("/etc/passwd", False),
        ("C:/x", False),
        ("a\\..\\b", False),
        ("photos/site plan.jpg", True),
    ],
)
def test_member_names(name, safe):
    assert member_name_is_safe(name) is safe


@override_settings(FIELDOFFICE_IMPORT_MAX_BYTES=1000)
def test_larger_than_the_configured_limit():
    data = _notes(*[{"customer": "Basement Bar", "noted_on": "2022-08-15", "text": f"note {n}"} for n in range(50)])
    message = _refused(data)
    assert message.startswith("The workbook is ") and "the largest file that can be imported is 1000" in message
    assert not ImportRecord.objects.get().file  # not stored


@override_settings(FIELDOFFICE_IMPORT_MAX_ROWS=3)
def test_more_rows_than_the_limit():
    data = _notes(*[{"customer": "Basement Bar", "noted_on": "2022-08-15", "text": f"note {n}"} for n in range(4)])
    assert _refused(data) == "The workbook has more than 3 rows; split it into files of at most 3 rows."


def test_missing_and_renamed_columns():
    record = start("customer_notes", _notes({"customer": "Basement Bar"}, headers=["Customer", "Writer", "Note text"]))
    assert record.status == ImportStatus.FAILED
    assert record.message.startswith("The columns do not match the “Customer notes” template.")
    assert errors_of(record) == [
        (1, "Date", "This required column is missing (or was renamed)."),
        (1, "Note text", "This column is not part of the template."),
        (1, "Text", "This required column is missing (or was renamed)."),
        (1, "Writer", "This column is not part of the template."),
    ]


def test_an_empty_workbook_and_one_with_headers_only():
    assert "empty" in _refused(xlsx_bytes([]))
    assert "no rows to import" in _refused(_notes())


def test_wrong_types_and_bad_dates_are_row_errors():
    record = start(
        "customer_notes",
        _notes(
            {"customer": "Basement Bar", "noted_on": "2022-02-30", "text": "x"},
            {"customer": "Basement Bar", "noted_on": "next tuesday", "text": "y"},
            {"customer": "Basement Bar", "noted_on": 12.5, "text": "z"},
            {"customer": "Basement Bar", "noted_on": "15.08.2022", "text": "ok"},
        ),
    )
    assert record.status == ImportStatus.CHECKED
    hint = "is not a date; use a date such as 2026-08-15 or 08/15/2026."
    assert errors_of(record) == [
        (2, "Date", f"“2022-02-30” {hint}"),
        (3, "Date", f"“next tuesday” {hint}"),
        (4, "Date", f"“12.5” {hint}"),
    ]
    assert record.to_create == 1


def test_blank_padding_rows_are_ignored():
    rows = kind_rows("customer_notes", {"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"})
    rows += [[None, None, None, None], ["  ", None, "", None]] * 3
    rows += [["Basement Bar", "2022-08-16", None, "y"], [None] * 4]
    record = start("customer_notes", xlsx_bytes(rows))
    assert (record.rows, record.to_create, record.error_count) == (2, 2, 0)


def test_the_attachments_zip_is_checked_too():
    data = xlsx_bytes(kind_rows("customer_attachments", {"customer": "Basement Bar", "file_name": "a.pdf"}))
    traversal = start("customer_attachments", data, archive=zip_bytes({"../../a.pdf": b"%PDF"}))
    assert "unsafe name" in traversal.message
    not_zip = start("customer_attachments", data, archive=b"%PDF-1.4 not a zip")
    assert not_zip.message == "The file of attachments is not a zip archive. Put the files in a .zip and upload that."
    missing = start("customer_attachments", data)
    assert missing.message == "Upload the zip that holds the files together with the workbook."
    bomb = start("customer_attachments", data, archive=zip_bytes({"a.pdf": b"\x00" * (8 * 1024 * 1024)}))
    assert "zip bomb" in bomb.message

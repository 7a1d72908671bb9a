"""
Uploaded files are never a weapon.

An attachment cannot carry a web page, an SVG picture, a script or a program (checked by content, on every way in);
stored files have no public URL and are handed out only to people who may see their customer, with headers that
stop a browser from running them; and zips that lie about their size are refused before they can grow the server.
"""

import bz2
import functools
import importlib
import importlib.util
import io
import json
import os
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from apps.customers import services as customer_services
from apps.customers.models import CustomerAttachment
from apps.imports.models import ImportRecord, ImportStatus
from tests.factories import CustomerFactory, UserFactory
from tests.imports.helpers import errors_of, kind_rows, run, start, xlsx_bytes, zip_bytes

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/users/user/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><circle r="4"/></svg>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
RANDOM_NAME = re.compile(r"^customers/\d+/attachments/[0-9a-f]{32}$")
MEGABYTE = 1024 * 1024


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def bar():
    return CustomerFactory(display_name="Basement Bar", number="1001")


def _stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _attach(customer, data: bytes, name: str) -> CustomerAttachment:
    return customer_services.attachment_create(customer=customer, file=ContentFile(data), file_name=name)


def _file_url(attachment: CustomerAttachment) -> str:
    return reverse("admin:customers_customerattachment_file", args=[attachment.pk])


def _legacy_attachment(customer, data: bytes, name: str) -> CustomerAttachment:
    """An attachment stored before files were checked, under its own name, as the old code did."""
    stored = default_storage.save(f"customers/{customer.pk}/attachments/{name}", ContentFile(data))
    attachment = CustomerAttachment.objects.create(customer=customer, file_name=name, file="placeholder")
    CustomerAttachment.objects.filter(pk=attachment.pk).update(file=stored)
    attachment.refresh_from_db()
    return attachment


# --- 1. No public URL -------------------------------------------------------------------------------------------


def _urlconf_in_debug():
    """A fresh copy of ``config.urls`` as it is built with DEBUG on (the admin's login is left as it was)."""
    spec = importlib.util.spec_from_file_location("urls_in_debug", Path(settings.BASE_DIR) / "config" / "urls.py")
    module = importlib.util.module_from_spec(spec)
    login = admin.site.login
    try:
        with override_settings(DEBUG=True):
            spec.loader.exec_module(module)
    finally:
        admin.site.login = login
    return module


@pytest.mark.parametrize("debug", [False, True])
def test_media_is_not_mounted_in_any_mode(client, bar, debug):
    """The attack: an anonymous GET /media/customers/1/attachments/evil.html answered 200 text/html."""
    _legacy_attachment(bar, HTML, "evil.html")
    path = f"/media/customers/{bar.pk}/attachments/evil.html"
    with pytest.raises(Resolver404):
        resolve(path, urlconf=_urlconf_in_debug() if debug else None)
    assert client.get(path).status_code == 404


def test_stored_names_are_random_and_the_original_name_is_kept(bar):
    attachment = _attach(bar, PDF, "../../Site plan.pdf")
    assert RANDOM_NAME.match(attachment.file.name)
    assert attachment.file_name == "../../Site plan.pdf"
    note = {"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"}
    record = start("customer_notes", xlsx_bytes(kind_rows("customer_notes", note)))
    assert re.match(r"^imports/\d{4}/\d{2}/[0-9a-f]{32}$", ImportRecord.objects.get(pk=record.pk).file.name)


# --- 1. Handed out only by a guarded view -----------------------------------------------------------------------


def test_an_anonymous_visitor_gets_nothing(client, bar):
    attachment = _attach(bar, b"gate code 1234", "codes.txt")
    response = client.get(_file_url(attachment))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert b"1234" not in response.content


def test_a_user_who_may_not_see_customers_is_refused(client, bar):
    attachment = _attach(bar, b"gate code 1234", "codes.txt")
    client.force_login(UserFactory())  # staff, in no role
    response = client.get(_file_url(attachment))
    assert response.status_code == 403
    assert b"1234" not in response.content


def test_unknown_and_missing_files_are_not_found(client, read_only_user, bar):
    client.force_login(read_only_user)
    assert client.get(reverse("admin:customers_customerattachment_file", args=[999_999])).status_code == 404
    attachment = _attach(bar, PDF, "plan.pdf")
    default_storage.delete(attachment.file.name)
    assert client.get(_file_url(attachment)).status_code == 404


def test_a_read_only_user_downloads_with_safe_headers(client, read_only_user, bar):
    text = _attach(bar, b"gate code 1234", "codes.txt")
    client.force_login(read_only_user)
    response = client.get(_file_url(text))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"gate code 1234"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'attachment; filename="codes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "content_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0JFIF", "image/jpeg")]
)
def test_pdf_and_common_pictures_open_in_the_browser(client, read_only_user, bar, data, content_type):
    attachment = _attach(bar, data, "scan")
    client.force_login(read_only_user)
    response = client.get(_file_url(attachment))
    assert (response["Content-Type"], response["Content-Disposition"]) == (content_type, 'inline; filename="scan"')
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("data", "name"), [(HTML, "evil.html"), (SVG, "logo.svg"), (HTML, "plan.pdf")])
def test_a_web_page_stored_before_the_checks_is_never_served_as_one(client, read_only_user, bar, data, name):
    attachment = _legacy_attachment(bar, data, name)
    client.force_login(read_only_user)
    response = client.get(_file_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_with_accents_or_quotes_cannot_break_the_header(client, read_only_user, bar):
    client.force_login(read_only_user)
    accented = _attach(bar, PDF, "Plan für Küche.pdf")
    assert client.get(_file_url(accented))["Content-Disposition"] == (
        "inline; filename*=utf-8''Plan%20f%C3%BCr%20K%C3%BCche.pdf"
    )
    crafted = _attach(bar, b"hello", 'a".txt\r\nSet-Cookie: x=1')
    disposition = client.get(_file_url(crafted))["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''") and "\r" not in disposition


@override_settings(FILES_X_ACCEL_REDIRECT_PREFIX="/protected-files/")
def test_the_proxy_can_send_the_bytes(client, read_only_user, bar):
    attachment = _attach(bar, PDF, "plan.pdf")
    client.force_login(read_only_user)
    response = client.get(_file_url(attachment))
    assert response["X-Accel-Redirect"] == f"/protected-files/{attachment.file.name}"
    assert response.content == b""
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'


def test_no_admin_page_links_to_the_stored_file(admin_client, bar):
    attachment = _attach(bar, PDF, "plan.pdf")
    page = admin_client.get(reverse("admin:customers_customer_change", args=[bar.pk])).content.decode()
    assert "/media/" not in page and attachment.file.name not in page
    assert f'href="{_file_url(attachment)}">plan.pdf</a>' in page


# --- 1. Refused on every way in, by content ---------------------------------------------------------------------

REFUSED = [
    ("evil.html", HTML, "a web page (HTML)"),
    ("plan.pdf", HTML, "a web page (HTML)"),
    ("notes.txt", b"Dear customer,\n<script>alert(1)</script>\n", "a web page (HTML)"),
    ("logo.svg", SVG, "an SVG picture"),
    ("photo.png", SVG, "an SVG picture"),
    ("photo.png", b'<?xml version="1.0"?><svg/>', "an XML document"),
    ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "a program"),
    ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "a program"),
    ("app", b"\xcf\xfa\xed\xfe" + b"\x00" * 64, "a program"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "a script"),
    ("setup.exe", b"hello", "a program"),
    ("files.zip", zip_bytes({"a.txt": b"hello"}), "a zip archive"),
    ("budget.xlsm", zip_bytes({"[Content_Types].xml": b"sheet.macroEnabled.main+xml"}), "with macros"),
    ("blob.bin", bytes(range(256)), "not a kind of file that can be attached"),
]


@pytest.mark.parametrize(("name", "data", "what"), REFUSED)
def test_the_service_refuses_dangerous_files_and_stores_nothing(bar, media_root, name, data, what):
    with pytest.raises(ValidationError) as refused:
        _attach(bar, data, name)
    assert what in refused.value.messages[0]
    assert refused.value.messages[0].startswith(f"“{name}” ")
    assert not CustomerAttachment.objects.exists()
    assert _stored_files(media_root) == []


def test_replacing_a_file_is_checked_too(bar, media_root):
    attachment = _attach(bar, PDF, "plan.pdf")
    with pytest.raises(ValidationError):
        customer_services.attachment_update(attachment=attachment, file=ContentFile(HTML))
    assert _stored_files(media_root) == [attachment.file.name]


def _office(main_part: bytes) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types>" + main_part + b"</Types>", "word/document.xml": b"<w/>"})


ACCEPTED = [
    ("plan.pdf", PDF, "application/pdf"),
    ("photo.png", PNG, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe1Exif", "image/jpeg"),
    ("photo.gif", b"GIF89a\x01\x00", "image/gif"),
    ("photo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
    ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
    ("scan.tif", b"II*\x00\x08\x00", "image/tiff"),
    ("contract.docx", _office(b"wordprocessingml.document.main+xml"), "wordprocessingml.document"),
    ("prices.xlsx", _office(b"spreadsheetml.sheet.main+xml"), "spreadsheetml.sheet"),
    ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "application/msword"),
    ("notes.txt", "Gate code 1234, Müller's back door < 5 ft".encode(), "text/plain"),
    ("prices.csv", "Item;Price\nFilter;12,50 €\n".encode("cp1252"), "text/csv"),
]


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED)
def test_documents_pictures_office_files_and_text_are_taken(client, read_only_user, bar, name, data, content_type):
    attachment = _attach(bar, data, name)
    client.force_login(read_only_user)
    assert content_type in client.get(_file_url(attachment))["Content-Type"]


def _inline_post(customer, upload) -> dict:
    return {
        "division": customer.division_id,
        "display_name": customer.display_name,
        "company_name": "",
        "active": "on",
        "taxable": "on",
        **{f"{prefix}-TOTAL_FORMS": "0" for prefix in ("service_locations", "contacts", "notes")},
        **{f"{prefix}-INITIAL_FORMS": "0" for prefix in ("service_locations", "contacts", "notes")},
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "Plan",
        "attachments-0-file": upload,
    }


def test_the_admin_inline_refuses_a_web_page_and_stores_nothing(admin_client, bar, media_root):
    """The attack: an Office user attached evil.html on the customer page."""
    url = reverse("admin:customers_customer_change", args=[bar.pk])
    response = admin_client.post(url, _inline_post(bar, SimpleUploadedFile("evil.html", HTML, "text/html")))
    assert response.status_code == 200
    assert "“evil.html” is a web page (HTML); it cannot be attached." in response.content.decode()
    assert not CustomerAttachment.objects.exists()
    assert _stored_files(media_root) == []

    disguised = SimpleUploadedFile("plan.pdf", HTML, "application/pdf")
    assert admin_client.post(url, _inline_post(bar, disguised)).status_code == 200
    assert not CustomerAttachment.objects.exists()


def test_the_admin_inline_keeps_a_good_file_under_a_random_name(admin_client, bar):
    url = reverse("admin:customers_customer_change", args=[bar.pk])
    response = admin_client.post(url, _inline_post(bar, SimpleUploadedFile("Site plan.pdf", PDF)))
    assert response.status_code == 302
    attachment = CustomerAttachment.objects.get()
    assert (attachment.file_name, bool(RANDOM_NAME.match(attachment.file.name))) == ("Site plan.pdf", True)


def _attachments_workbook(*names: str) -> bytes:
    return xlsx_bytes(kind_rows("customer_attachments", *[{"customer": "Basement Bar", "file_name": n} for n in names]))


def test_the_excel_import_refuses_a_web_page_in_the_preview(bar, media_root):
    """The attack: evil.html imported as a customer attachment from Excel."""
    record = start(
        "customer_attachments",
        _attachments_workbook("evil.html", "plan.pdf"),
        archive=zip_bytes({"evil.html": HTML, "plan.pdf": HTML + b"%PDF-"}),
    )
    assert [(row, column, message.split(";")[0]) for row, column, message in errors_of(record)] == [
        (2, "File name", "“evil.html” is a web page (HTML)"),
        (3, "File name", "“plan.pdf” is a web page (HTML)"),
    ]
    assert record.to_create == 0
    assert not CustomerAttachment.objects.exists()
    assert not [name for name in _stored_files(media_root) if name.startswith("customers/")]


# --- 1. Import uploads: deleted when refused, guarded when kept ------------------------------------------------


def test_uploads_that_fail_the_import_check_are_deleted(bar, media_root):
    wrong_columns = xlsx_bytes([["Who", "What"], ["Basement Bar", "x"]])
    record = start("customer_attachments", wrong_columns, archive=zip_bytes({"plan.pdf": PDF}))
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert (record.file.name, record.archive.name) == ("", "")
    assert _stored_files(media_root) == []


def test_uploads_of_a_failed_or_cancelled_import_are_deleted(bar, media_root):
    from apps.imports import services

    record = start("customer_attachments", _attachments_workbook("plan.pdf"), archive=zip_bytes({"plan.pdf": PDF}))
    assert record.status == ImportStatus.CHECKED and len(_stored_files(media_root)) == 2
    services.import_cancel(record=record)
    assert _stored_files(media_root) == []


def test_the_kept_files_of_an_import_are_handed_out_only_to_importers(client, office_user, read_only_user, bar):
    workbook = _attachments_workbook("plan.pdf")
    record = run(start("customer_attachments", workbook, archive=zip_bytes({"plan.pdf": PDF})))
    assert record.status == ImportStatus.IMPORTED
    file_url = reverse("admin:imports_importrecord_file", args=[record.pk])
    archive_url = reverse("admin:imports_importrecord_archive", args=[record.pk])
    assert client.get(file_url).status_code == 302  # to sign in
    client.force_login(read_only_user)
    assert client.get(file_url).status_code == 403
    assert client.get(archive_url).status_code == 403
    client.force_login(office_user)
    response = client.get(archive_url)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="files.zip"'
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(file_url)
    assert response["Content-Disposition"] == 'attachment; filename="import.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == workbook


# --- 1. Files stored under guessable names by earlier versions ---------------------------------------------------


def test_the_migration_moves_existing_files_to_random_names(bar, django_capture_on_commit_callbacks, media_root):
    migration = importlib.import_module("apps.customers.migrations.0003_attachments_checked_and_unguessable")
    attachment = _legacy_attachment(bar, PDF, "contract.pdf")
    old_name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        migration.attachments_rename(django_apps, None)
    attachment.refresh_from_db()
    assert RANDOM_NAME.match(attachment.file.name)
    assert attachment.file.read() == PDF
    assert not default_storage.exists(old_name)


def test_the_migration_moves_kept_import_uploads_and_removes_unused_ones(django_capture_on_commit_callbacks, bar):
    migration = importlib.import_module("apps.imports.migrations.0002_uploads_unguessable")
    kept = default_storage.save("imports/2026/01/notes.xlsx", ContentFile(b"PK kept"))
    refused = default_storage.save("imports/2026/01/evil.xlsx", ContentFile(b"PK refused"))
    done = ImportRecord.objects.create(kind="customer_notes", division=bar.division, status="imported", file=kept)
    failed = ImportRecord.objects.create(kind="customer_notes", division=bar.division, status="failed", file=refused)
    with django_capture_on_commit_callbacks(execute=True):
        migration.uploads_rename(django_apps, None)
    done.refresh_from_db()
    failed.refresh_from_db()
    assert re.match(r"^imports/2026/01/[0-9a-f]{32}$", done.file.name)
    assert done.file.read() == b"PK kept"
    assert failed.file.name == ""
    assert not default_storage.exists(kept) and not default_storage.exists(refused)


# --- 5. Zips that lie ---------------------------------------------------------------------------------------------


def _zip(members: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """
    A zip written by hand, so that it can lie: each member is (name, compression method, compressed bytes, CRC,
    declared size), written as given in both the local header and the central directory.
    """
    out, central = io.BytesIO(), []
    for name, method, data, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        sizes = (crc, len(data), size, len(encoded), 0)  # CRC, compressed, declared, name length, no extra field
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 33, *sizes) + encoded + data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 33, *sizes, 0, 0, 0, 0, offset))
        central[-1] += encoded
    directory = b"".join(central)
    start_of_directory = out.tell()
    out.write(directory)
    count = len(central)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start_of_directory, 0))
    return out.getvalue()


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _honest(name: str, data: bytes) -> tuple:
    return (name, zipfile.ZIP_DEFLATED, _deflated(data), zlib.crc32(data), len(data))


def _deflate_bomb(prefix: bytes, zero_megabytes: int) -> bytes:
    """``prefix`` then that many megabytes of zeros, deflated: each megabyte is the same 1 KB block, repeated."""
    head = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = zeros.compress(bytes(MEGABYTE)) + zeros.flush(zlib.Z_FULL_FLUSH)
    return start + megabyte * zero_megabytes + b"\x03\x00"  # an empty final block ends the stream


@functools.cache
def _bzip2_bits() -> str:
    """One bzip2 stream of one block (40 MB of zeros), as a string of bits."""
    return "".join(f"{byte:08b}" for byte in bz2.compress(bytes(40 * MEGABYTE), 9))


def _bzip2_bomb(blocks: int) -> bytes:
    """
    A bzip2 stream of ``blocks`` blocks of 40 MB of zeros, about 40 bytes each: the block of ``_bzip2_bits`` is
    repeated and the stream's combined CRC computed as bzip2 does.
    """
    bits = _bzip2_bits()
    end_marker = f"{0x177245385090:048b}"
    block = bits[32 : bits.rindex(end_marker)]
    block_crc, combined = int(block[48:80], 2), 0
    for _ in range(blocks):
        combined = (((combined << 1) | (combined >> 31)) & 0xFFFFFFFF) ^ block_crc
    stream = bits[:32] + block * blocks + end_marker + f"{combined:032b}"
    stream += "0" * (-len(stream) % 8)
    return int(stream, 2).to_bytes(len(stream) // 8, "big")


def _workbook_members() -> list[tuple]:
    data = xlsx_bytes(kind_rows("customer_notes", {"customer": "Basement Bar", "noted_on": "2022-08-15", "text": "x"}))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [_honest(name, archive.read(name)) for name in archive.namelist()]


def _workbook_with(bad_member: tuple) -> bytes:
    """A good notes workbook whose ``[Content_Types].xml`` is replaced by ``bad_member``."""
    return _zip([bad_member if member[0] == bad_member[0] else member for member in _workbook_members()])


def _content_types() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_zip(_workbook_members()))) as archive:
        return archive.read("[Content_Types].xml")


def _lying_deflate(name: str, real: bytes, zero_megabytes: int) -> tuple:
    """A member whose first bytes are ``real`` and which claims to be just that, CRC included, but goes on."""
    return (name, zipfile.ZIP_DEFLATED, _deflate_bomb(real, zero_megabytes), zlib.crc32(real), len(real))


def _lying_bzip2(name: str, blocks: int) -> tuple:
    return (name, zipfile.ZIP_BZIP2, _bzip2_bomb(blocks), 0, 2000)


def test_bzip2_and_other_compression_is_refused_with_a_plain_message(bar):
    record = start("customer_notes", _workbook_with(_lying_bzip2("[Content_Types].xml", blocks=1)))
    assert record.status == ImportStatus.FAILED
    assert record.message.startswith(
        "“[Content_Types].xml” in the workbook is packed with a kind of compression (bzip2) that cannot be imported."
    )
    lzma = _zip([("plan.pdf", zipfile.ZIP_LZMA, b"\x00" * 20, 0, 2000)])
    record = start("customer_attachments", _attachments_workbook("plan.pdf"), archive=lzma)
    assert record.message.startswith("“plan.pdf” in the zip of attachments is packed with a kind of compression (LZMA)")


def test_a_workbook_member_that_lies_about_its_size_is_refused(bar):
    record = start("customer_notes", _workbook_with(_lying_deflate("[Content_Types].xml", _content_types(), 2)))
    assert record.status == ImportStatus.FAILED
    assert record.message == (
        "“[Content_Types].xml” in the workbook unpacks to more than the zip says it holds (a “zip bomb”); "
        "it was refused."
    )


def test_parts_that_openpyxl_reads_whole_are_kept_small(bar, monkeypatch):
    from apps.imports import files

    monkeypatch.setattr(files, "WHOLE_PART_MAX_BYTES", 100)
    record = start("customer_notes", _zip(_workbook_members()))
    assert record.status == ImportStatus.FAILED
    assert re.match(
        r"The workbook's part “[^”]+” unpacks to \d+\xa0bytes; "
        r"parts other than the sheets may be at most 100\xa0bytes\.",
        record.message,
    )


def test_an_attachment_that_lies_or_is_damaged_is_a_row_error_in_the_preview(bar):
    """The attack: a member claiming 2,000 bytes passed the preview, then grew the worker by 2 GB on confirm."""
    pdf = PDF + b" " * (2000 - len(PDF))
    damaged = ("damaged.pdf", zipfile.ZIP_DEFLATED, _deflated(pdf), zlib.crc32(pdf) ^ 1, len(pdf))
    archive = _zip([_lying_deflate("plan.pdf", pdf, 2), damaged, _honest("good.pdf", pdf)])
    listing = _attachments_workbook("plan.pdf", "damaged.pdf", "good.pdf")
    record = start("customer_attachments", listing, archive=archive)
    assert record.status == ImportStatus.CHECKED
    assert errors_of(record) == [
        (2, "File name", "“plan.pdf” in the zip of attachments unpacks to more than the zip says it holds "
         "(a “zip bomb”); it was refused."),
        (3, "File name", "“damaged.pdf” in the zip of attachments is damaged and cannot be read. Make the file again."),
    ]
    record = run(record, valid_rows_only=True)
    assert (record.status, record.created) == (ImportStatus.IMPORTED, 1)
    assert CustomerAttachment.objects.get().file.read() == pdf


# --- 5. Memory: no process grows by more than 256 MB for any file under the upload limit -------------------------


def _status_kilobytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _peak_growth(action) -> dict:
    """
    Run ``action`` in a forked child (a copy of this process, database included) and report how far its resident
    memory rose above where it started (``VmHWM`` is the peak; a fresh process starts it at its current size), with
    what the action returned.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(read_end)
            start_kb = _status_kilobytes("VmRSS")
            outcome = action()
            outcome["growth_mb"] = (_status_kilobytes("VmHWM") - start_kb) / 1024
        except BaseException as error:  # reported to the parent
            outcome = {"error": repr(error)}
        finally:
            with os.fdopen(write_end, "w") as pipe:
                pipe.write(json.dumps(outcome))
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        outcome = json.loads(pipe.read() or '{"error": "no answer"}')
    os.waitpid(pid, 0)
    return outcome


def _import_outcome(kind: str, workbook: bytes, archive: bytes | None = None) -> dict:
    record = start(kind, workbook, archive=archive)
    if record.status == ImportStatus.CHECKED and (record.to_create or record.to_update):
        record = run(record, valid_rows_only=True)
    return {"status": record.status, "message": record.message, "errors": record.errors}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@override_settings(FIELDOFFICE_IMPORT_INLINE_MAX_BYTES=50 * MEGABYTE)  # check and import in this process
def test_lying_zip_bombs_do_not_grow_the_process(bar):
    """
    Each bomb weighs a few kilobytes to two megabytes, claims a couple of thousand bytes, and inflates to 2 GB or
    more: a bzip2 and a deflate member in the workbook, a deflate and a bzip2 attachment in the zip. Checking, the
    preview and the confirmation together must not grow the process by more than 256 MB.
    """
    deflate_workbook = _workbook_with(_lying_deflate("[Content_Types].xml", _content_types(), 2048))
    bzip2_workbook = _workbook_with(_lying_bzip2("[Content_Types].xml", blocks=55))
    pdf = PDF + b" " * (2000 - len(PDF))
    listing = _attachments_workbook("plan.pdf")
    deflate_zip = _zip([_lying_deflate("plan.pdf", pdf, 2048)])
    bzip2_zip = _zip([_lying_bzip2("plan.pdf", blocks=55)])
    assert max(map(len, (deflate_workbook, bzip2_workbook, deflate_zip, bzip2_zip))) < 3 * MEGABYTE

    outcomes = {
        "deflate workbook": _peak_growth(lambda: _import_outcome("customer_notes", deflate_workbook)),
        "bzip2 workbook": _peak_growth(lambda: _import_outcome("customer_notes", bzip2_workbook)),
        "deflate attachment": _peak_growth(lambda: _import_outcome("customer_attachments", listing, deflate_zip)),
        "bzip2 attachment": _peak_growth(lambda: _import_outcome("customer_attachments", listing, bzip2_zip)),
    }
    for name, outcome in outcomes.items():
        assert "error" not in outcome, (name, outcome)
        assert outcome["growth_mb"] < 256, (name, outcome)
        assert outcome["status"] == ImportStatus.FAILED or outcome["errors"], (name, outcome)
        assert "CRC" not in json.dumps(outcome), (name, outcome)

"""
Safety checks on uploaded files, made before openpyxl (or anything else) reads them, and the reading of rows.

An .xlsx workbook is a zip archive of XML files. A password-protected workbook is not a zip at all but an OLE2
compound file holding an "EncryptedPackage" stream; so is an old .xls workbook. A zip bomb declares (or unpacks to)
far more than it weighs; a hostile archive names members with ``../`` or absolute paths. Each check fails with an
``ImportFileError`` whose message is meant for the person who uploaded the file.

The sizes a zip declares are only claims: members are unpacked only through ``apps.core.archives.member_chunks``,
in small chunks, refused past their declared size; a workbook has every member read that way before openpyxl (which
reads members whole) opens it.
"""

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from apps.core.archives import ImportFileError, compression_check, member_chunks

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
WORKBOOK_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)
# Spreadsheet XML rarely packs more than 30 to 1; deflate cannot exceed about 1,030 to 1. Small members are let
# through whatever their ratio: a few megabytes cannot hurt.
MAX_RATIO = 100
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
# openpyxl streams the sheets (and the shared strings, whose text is the sheets' own) but reads every other part of a
# workbook whole, pictures aside; those parts are small in any real workbook, and are kept small.
WHOLE_PART_MAX_BYTES = 32 * 1024 * 1024
STREAMED_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml|media/.+)$")
# A drive letter ("C:") or a Windows absolute path in a member's name.
_DRIVE = re.compile(r"^[A-Za-z]:")


def upload_size_check(*, size: int, label: str = "The file") -> None:
    limit = settings.FIELDOFFICE_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            f"{label} is {filesizeformat(size)}; the largest file that can be imported is {filesizeformat(limit)}. "
            "Split it into several files."
        )
    if size == 0:
        raise ImportFileError(f"{label} is empty.")


def member_name_is_safe(name: str) -> bool:
    """False for names that would escape a folder they were unpacked into: ``../x``, ``/etc/x``, ``C:\\x``."""
    if not name or "\x00" in name or "\\" in name or _DRIVE.match(name) or name.startswith("/"):
        return False
    return ".." not in PurePosixPath(name).parts


def archive_check(archive: zipfile.ZipFile, *, what: str, max_member_bytes: int | None = None) -> None:
    """Refuse a zip with unsafe names, encrypted members, unusual compression or members that unpack to too much."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(f"{what} holds {len(members):,} files; at most {MAX_MEMBERS:,} can be imported at once.")
    total = 0
    for member in members:
        if not member_name_is_safe(member.filename):
            raise ImportFileError(f"{what} contains a file with an unsafe name ({member.filename!r}); it was refused.")
        if member.flag_bits & 0x1:
            raise ImportFileError(f"{what} is password-protected. Remove the password and upload it again.")
        compression_check(member, what=what)
        if max_member_bytes is not None and member.file_size > max_member_bytes:
            # Reported per row by the caller, which knows which row needs the file.
            continue
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_RATIO:
            raise ImportFileError(f"{what} unpacks to far more than it weighs (a “zip bomb”); it was refused.")
    limit = settings.FIELDOFFICE_IMPORT_MAX_UNPACKED_BYTES
    if total > limit:
        raise ImportFileError(
            f"{what} unpacks to {filesizeformat(total)}; at most {filesizeformat(limit)} can be imported at once."
        )


def members_verify(archive: zipfile.ZipFile, *, what: str) -> None:
    """Unpack every member once, in chunks, so that whatever reads them next finds each exactly as declared."""
    for member in archive.infolist():
        for _chunk in member_chunks(archive, member, what=what):
            pass


def _member_head(archive: zipfile.ZipFile, name: str, *, what: str, limit: int) -> bytes:
    head = b""
    for chunk in member_chunks(archive, archive.getinfo(name), what=what):
        head += chunk
        if len(head) >= limit:
            break
    return head


def _contains(stream: IO[bytes], needle: bytes, *, chunk_size: int = 1024 * 1024) -> bool:
    tail = b""
    while chunk := stream.read(chunk_size):
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle) :]
    return False


def _whole_parts_check(archive: zipfile.ZipFile) -> None:
    for member in archive.infolist():
        if member.file_size > WHOLE_PART_MAX_BYTES and not STREAMED_PARTS.match(member.filename):
            raise ImportFileError(
                f"The workbook's part “{member.filename}” unpacks to {filesizeformat(member.file_size)}; parts other "
                f"than the sheets may be at most {filesizeformat(WHOLE_PART_MAX_BYTES)}. Copy the data into a new "
                "workbook, save it and upload that."
            )


def workbook_check(source: IO[bytes]) -> None:
    """
    Refuse anything but a readable, unprotected .xlsx workbook of a sensible unpacked size, every member of which
    unpacks exactly as declared (so that openpyxl, which reads members whole, can read it safely).
    """
    source.seek(0)
    head = source.read(8)
    source.seek(0)
    if head == OLE2_SIGNATURE:
        if _contains(source, ENCRYPTED_PACKAGE):
            raise ImportFileError(
                "The workbook is password-protected. Open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password, then clear it), save it and upload it again."
            )
        raise ImportFileError(
            "This is an old-format Excel file (.xls). Open it in Excel and save it as “Excel Workbook (.xlsx)”."
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise ImportFileError(
            "This file is not an Excel workbook (.xlsx), even if its name says so. A CSV or text file must be opened "
            "in Excel and saved as “Excel Workbook (.xlsx)”."
        )
    try:
        with zipfile.ZipFile(source) as archive:
            archive_check(archive, what="The workbook")
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise ImportFileError("This file is a zip archive, not an Excel workbook (.xlsx).")
            _whole_parts_check(archive)
            members_verify(archive, what="The workbook")
            content_types = _member_head(archive, "[Content_Types].xml", what="The workbook", limit=1024 * 1024)
    except zipfile.BadZipFile as error:
        raise ImportFileError("The workbook is damaged and cannot be read. Save it again from Excel.") from error
    finally:
        source.seek(0)
    if not any(content_type in content_types for content_type in WORKBOOK_CONTENT_TYPES):
        raise ImportFileError("This file is an Office document, but not an Excel workbook (.xlsx).")


def attachments_archive_open(source: IO[bytes]) -> zipfile.ZipFile:
    """Open the zip of attachments after checking it; each file may be as large as an attachment may be."""
    source.seek(0)
    if source.read(4) != ZIP_SIGNATURE:
        raise ImportFileError("The file of attachments is not a zip archive. Put the files in a .zip and upload that.")
    source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise ImportFileError("The zip of attachments is damaged and cannot be read.") from error
    archive_check(archive, what="The zip of attachments", max_member_bytes=settings.FIELDOFFICE_MAX_ATTACHMENT_BYTES)
    return archive


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_row_count(worksheet) -> int | None:
    """
    How many rows the sheet's XML holds, for the progress bar only (blank rows included).

    Excel writes a dimension, which openpyxl reads; other writers do not, so the rows are counted in the raw XML,
    which takes a fraction of a second where parsing takes seconds.
    """
    if worksheet.max_row:
        return worksheet.max_row
    opener = getattr(worksheet, "_get_source", None)
    if opener is None:
        return None
    count, tail = 0, b""
    with opener() as source:
        while chunk := source.read(1024 * 1024):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-5:]
    return count


def workbook_rows(
    source: IO[bytes],
    *,
    sheet_name: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    progress_every: int = 2000,
) -> Iterator[tuple[int, tuple]]:
    """
    Yield ``(row number, values)`` of every non-blank row of the sheet named ``sheet_name`` (else the first), in
    openpyxl's read-only mode, which streams the sheet instead of loading it. The first of them is the header row.

    Raises ``ImportFileError`` when the file cannot be read or holds more rows than the configured limit. The file
    is checked (``workbook_check``) right before openpyxl opens it, whoever calls.
    """
    from openpyxl import load_workbook

    limit = settings.FIELDOFFICE_IMPORT_MAX_ROWS
    workbook_check(source)
    source.seek(0)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (KeyError, XML errors, ...) on a broken workbook.
        raise ImportFileError("The workbook is damaged and cannot be read. Save it again from Excel.") from error
    try:
        worksheets = workbook.worksheets
        if not worksheets:
            raise ImportFileError("The workbook has no worksheet.")
        worksheet = next((ws for ws in worksheets if ws.title == sheet_name), worksheets[0])
        total = _sheet_row_count(worksheet)
        # A wrong dimension would make openpyxl stop early; read to the real end.
        worksheet.reset_dimensions()
        data_rows = -1  # the header row is not data
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if progress is not None and number % progress_every == 0:
                progress(number, total)
            if all(_is_blank(value) for value in values):
                continue
            data_rows += 1
            if data_rows > limit:
                raise ImportFileError(
                    f"The workbook has more than {limit:,} rows; split it into files of at most {limit:,} rows."
                )
            yield number, values
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(f"The workbook is damaged and cannot be read ({type(error).__name__}).") from error
    finally:
        workbook.close()

"""Small workbooks and zips for the import tests, built in memory or in tmp_path."""

import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.imports import services
from apps.imports.kinds import kind_get
from apps.imports.models import ImportRecord

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kind_rows(kind_key: str, *rows: dict[str, Any], headers: Sequence[str] | None = None) -> list[list[Any]]:
    """A header row of the kind's columns (or ``headers``), then one row per dict of column key → value."""
    kind = kind_get(kind_key)
    columns = list(kind.columns)
    header = list(headers) if headers is not None else [column.header for column in columns]
    by_header = {column.header: column.key for column in columns}
    return [header, *[[row.get(by_header.get(name, name)) for name in header] for row in rows]]


def upload(data: bytes, name: str = "import.xlsx", content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def zip_bytes(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def start(kind_key: str, data: bytes, *, user=None, division=None, archive: bytes | None = None, name="import.xlsx"):
    """Upload ``data`` as the ``kind_key`` workbook and check it (small files are checked at once)."""
    from apps.core.selectors import division_get_default

    return services.import_start(
        kind_key=kind_key,
        division=division or division_get_default(),
        user=user,
        upload=upload(data, name),
        archive_upload=upload(archive, "files.zip", "application/zip") if archive is not None else None,
    )


def run(record: ImportRecord, *, user=None, valid_rows_only: bool = False) -> ImportRecord:
    return services.import_confirm(record=record, user=user, valid_rows_only=valid_rows_only)


def errors_of(record: ImportRecord) -> list[tuple]:
    return [(error["row"], error["column"], error["message"]) for error in record.errors]

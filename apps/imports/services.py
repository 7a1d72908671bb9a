"""
An import from start to end: upload (files checked, record created), check (the preview: nothing written), confirm,
and the import itself, which writes everything in one transaction, or nothing.

Small files are checked and imported during the request; larger ones by a django-q2 worker, while the page shows
the record's progress. Steps run at most once: each starts by moving the record from the status it expects.

Uploaded files are kept under random names, handed out only by the import's own pages, and deleted as soon as the
import fails or is cancelled: only the files of checked and finished imports stay.
"""

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from apps.core.models import Division
from apps.imports.files import (
    ImportFileError,
    attachments_archive_open,
    upload_size_check,
    workbook_check,
)
from apps.imports.kinds import Action, ImportContext, ImportKind, RowError, kind_get
from apps.imports.kinds.base import validation_messages
from apps.imports.models import ImportMode, ImportRecord, ImportStatus
from apps.imports.reading import SheetRead, sheet_read

S = ImportStatus
logger = logging.getLogger(__name__)
# Enough to fix a file by; the count says how many there were in all.
MAX_STORED_ERRORS = 10_000
# The preview lists this many records of each action, each with its changes field by field; the counts say how many
# there are in all.
SAMPLES_PER_ACTION = 500
PROGRESS_EVERY_SECONDS = 0.5


class ImportRefused(Exception):
    """The import cannot take this step now; the message says why."""


def _errors_store(record: ImportRecord, errors: list[RowError]) -> None:
    ordered = sorted(errors, key=lambda error: (error.row or 0, error.column))
    record.errors = [error.as_dict() for error in ordered[:MAX_STORED_ERRORS]]
    record.error_count = len(errors)
    record.error_rows = len({error.row for error in errors if error.row})


def _file_level(errors: list[RowError]) -> RowError | None:
    """The first error about the whole file (no row): then nothing at all can be imported."""
    return next((error for error in errors if error.row is None), None)


def _uploads_delete(record: ImportRecord) -> None:
    """Remove the uploaded files of an import that will never run: nobody needs them, and they may be hostile."""
    for field in (record.file, record.archive):
        if field:
            field.delete(save=False)


def _fail(record: ImportRecord, message: str, errors: list | None = None) -> ImportRecord:
    _uploads_delete(record)
    record.status = S.FAILED
    record.message = message
    _errors_store(record, list(errors or []))
    record.finished_at = timezone.now()
    record.progress = 100
    record.progress_text = ""
    record.save()
    return record


def _is_small(record: ImportRecord, extra_bytes: int = 0) -> bool:
    return record.file_size + extra_bytes <= settings.FIELDOFFICE_IMPORT_INLINE_MAX_BYTES


def _enqueue(task: str, record_id: int) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(task, record_id, task_name=f"import-{record_id}", group="imports"))


def import_start(
    *,
    kind_key: str,
    division: Division,
    user: Any,
    upload: UploadedFile,
    archive_upload: UploadedFile | None = None,
) -> ImportRecord:
    """
    Record an upload and check it: at once for a small file, else in the background.

    A file that is refused outright (too large, not a workbook, protected, a zip bomb...) is recorded with the
    reason and not stored.
    """
    kind = kind_get(kind_key)
    record = ImportRecord(
        kind=kind.key,
        division=division,
        created_by=user,
        file_name=upload.name[:255],
        file_size=upload.size or 0,
        archive_name=archive_upload.name[:255] if archive_upload else "",
    )
    try:
        upload_size_check(size=upload.size or 0, label="The workbook")
        workbook_check(upload)
        if kind.needs_archive:
            if archive_upload is None:
                raise ImportFileError("Upload the zip that holds the files together with the workbook.")
            upload_size_check(size=archive_upload.size or 0, label="The zip of files")
            attachments_archive_open(archive_upload).close()
    except ImportFileError as error:
        return _fail(record, error.message, error.errors)
    record.save()
    record.file.save(upload.name, upload, save=False)
    if kind.needs_archive and archive_upload is not None:
        record.archive.save(archive_upload.name, archive_upload, save=False)
    record.save()
    if _is_small(record, archive_upload.size if archive_upload else 0):
        return import_check(record=record)
    _enqueue("apps.imports.tasks.import_check_task", record.pk)
    return record


def _claim(record: ImportRecord, *, expected: tuple[str, ...], to: str, **fields: Any) -> bool:
    """Move the record to ``to`` if it is still in an ``expected`` status; False when another step took it."""
    now = timezone.now()
    claimed = ImportRecord.objects.filter(pk=record.pk, status__in=expected).update(status=to, updated_at=now, **fields)
    if claimed:
        record.status = to
        for name, value in fields.items():
            setattr(record, name, value)
    return bool(claimed)


def _progress_reporter(record: ImportRecord, *, start: int, end: int, text: str) -> Callable[[int, int | None], None]:
    """A callback for the reader that stores the percent done, at most twice a second."""
    last = [0.0]

    def report(rows: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS:
            return
        last[0] = now
        share = min(rows / total, 1.0) if total else 0.5
        _progress(
            record, start + round((end - start) * share), f"{text}: row {rows:,}" + (f" of {total:,}" if total else "")
        )

    return report


def _progress(record: ImportRecord, percent: int, text: str) -> None:
    record.progress, record.progress_text = percent, text[:200]
    ImportRecord.objects.filter(pk=record.pk).update(progress=percent, progress_text=record.progress_text)


@contextmanager
def _opened(record: ImportRecord):
    """The stored workbook and, for attachments, the zip beside it, open for reading."""
    archive_zip = None
    with record.file.open("rb") as workbook:
        try:
            if record.archive:
                archive_zip = attachments_archive_open(record.archive.open("rb"))
            yield workbook, archive_zip
        finally:
            if archive_zip is not None:
                archive_zip.close()
                record.archive.close()


def _read(record: ImportRecord, kind: ImportKind, workbook: IO[bytes], *, reading_end: int) -> SheetRead:
    read = sheet_read(
        kind=kind, source=workbook, progress=_progress_reporter(record, start=0, end=reading_end, text="Reading")
    )
    record.rows = len(read.rows) + len(read.example_rows)
    record.example_rows = len(read.example_rows)
    _progress(record, reading_end, f"Checking {len(read.rows):,} rows")
    return read


def _rows_text(rows: list[int]) -> str:
    """A record's rows as a person reads them: "4", "6-7", or "2-3, 17" when a row of it is further down."""
    runs: list[list[int]] = []
    for row in sorted(rows):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def _samples(actions: list[Action], example_rows: list[int]) -> dict[str, list]:
    """
    The first records of each action with their changes field by field, and the first example rows skipped.
    """
    samples: dict[str, list] = {"create": [], "update": [], "skip": [], "examples": example_rows[:SAMPLES_PER_ACTION]}
    for action in actions:
        bucket = samples[action.type]
        if len(bucket) < SAMPLES_PER_ACTION:
            bucket.append(
                {
                    "rows": _rows_text(action.rows),
                    "label": action.label,
                    "changes": [change.as_dict() for change in action.changes()],
                }
            )
    return samples


def _unexpected(record: ImportRecord, step: str) -> ImportRecord:
    logger.exception("Import %s stopped while %s", record.pk, step)
    return _fail(
        record,
        f"The import stopped unexpectedly while {step}; nothing was written. Try again, or tell "
        "your administrator (the error is in the server's log).",
    )


def import_check(*, record: ImportRecord) -> ImportRecord:
    """Read the workbook and say what the import would do (the preview); nothing but the record is written."""
    if not _claim(record, expected=(S.CHECK_QUEUED,), to=S.CHECKING, progress=0, progress_text="Reading"):
        return record
    try:
        return _check(record)
    except Exception:
        return _unexpected(record, "checking the file")


def _check(record: ImportRecord) -> ImportRecord:
    kind = kind_get(record.kind)
    try:
        with _opened(record) as (workbook, archive):
            context = ImportContext(division=record.division, user=record.created_by, archive=archive)
            read = _read(record, kind, workbook, reading_end=90)
            plan = kind.plan(rows=read.rows, context=context)
    except ImportFileError as error:
        return _fail(record, error.message, error.errors)
    errors = read.errors + plan.errors
    _errors_store(record, errors)
    record.to_create, record.to_update, record.to_skip = plan.count("create"), plan.count("update"), plan.count("skip")
    record.samples = _samples(plan.actions, read.example_rows)
    record.status = S.CHECKED
    record.progress, record.progress_text = 100, ""
    if fatal := _file_level(errors):
        _uploads_delete(record)
        record.status = S.FAILED
        record.message = fatal.message
        record.finished_at = timezone.now()
    record.save()
    return record


def import_confirm_refusal(record: ImportRecord, *, valid_rows_only: bool) -> str | None:
    """Why the checked import cannot be confirmed (this way) now, or ``None``."""
    if record.status != S.CHECKED:
        return f"This import is {record.get_status_display().lower()}; only a checked import can be confirmed."
    if record.error_count and not valid_rows_only:
        return "The file has errors: fix them and upload it again, or import the valid rows only."
    if not (record.to_create or record.to_update):
        return "There is nothing to import: every row is already in FieldOffice, is an example, or has errors."
    return None


def import_confirm(*, record: ImportRecord, user: Any, valid_rows_only: bool = False) -> ImportRecord:
    """Confirm a checked import: run it now for a small file, else queue it."""
    if refusal := import_confirm_refusal(record, valid_rows_only=valid_rows_only):
        raise ImportRefused(refusal)
    mode = ImportMode.VALID_ROWS if valid_rows_only else ImportMode.ALL_OR_NOTHING
    claimed = _claim(
        record,
        expected=(S.CHECKED,),
        to=S.IMPORT_QUEUED,
        mode=mode,
        confirmed_by=user,
        confirmed_at=timezone.now(),
        progress=0,
        progress_text="Waiting for a worker",
    )
    if not claimed:
        raise ImportRefused("This import was confirmed already.")
    archive_size = record.archive.size if record.archive else 0
    if _is_small(record, archive_size):
        return import_run(record=record)
    _enqueue("apps.imports.tasks.import_run_task", record.pk)
    return record


def import_cancel(*, record: ImportRecord) -> ImportRecord:
    if not _claim(record, expected=(S.CHECKED, S.CHECK_QUEUED), to=S.CANCELLED, finished_at=timezone.now()):
        raise ImportRefused("Only an import that is not running yet can be cancelled.")
    _uploads_delete(record)
    record.save(update_fields=["file", "archive"])
    return record


def import_run(*, record: ImportRecord) -> ImportRecord:
    """
    Import a confirmed file: read it again, match it against the records as they are now, and write.

    All or nothing: when any row has an error, nothing is written. Valid rows only: the rows with errors are left
    out and reported. The matching and the writing share one transaction, with the division locked (on PostgreSQL;
    SQLite queues writers anyway), so that two imports into one division do not both create the same record.
    """
    if not _claim(record, expected=(S.IMPORT_QUEUED,), to=S.IMPORTING, progress=0, progress_text="Reading"):
        return record
    try:
        return _run(record)
    except Exception:
        return _unexpected(record, "importing")


def _run(record: ImportRecord) -> ImportRecord:
    kind = kind_get(record.kind)
    valid_rows_only = record.mode == ImportMode.VALID_ROWS
    context = ImportContext(division=record.division, user=record.confirmed_by, valid_rows_only=valid_rows_only)
    try:
        with _opened(record) as (workbook, archive):
            context.archive = archive
            read = _read(record, kind, workbook, reading_end=80)
            _write(record, kind, read, context)
    except ImportFileError as error:
        return _fail(record, error.message, error.errors)
    except _NothingWritten as stop:
        for undo in context.on_rollback:
            undo()
        return _fail(record, stop.message, stop.errors)
    record.status = S.IMPORTED
    record.finished_at = timezone.now()
    record.progress, record.progress_text = 100, ""
    record.save()
    return record


class _NothingWritten(Exception):
    def __init__(self, message: str, errors: list[RowError]):
        super().__init__(message)
        self.message, self.errors = message, errors


def _write(record: ImportRecord, kind: ImportKind, read: SheetRead, context: ImportContext) -> None:
    with transaction.atomic():
        Division.objects.select_for_update().filter(pk=context.division.pk).first()
        _progress(record, 85, f"Importing {kind.noun_plural}")
        try:
            plan = kind.run(rows=read.rows, context=context)
        except Exception as error:
            # Anything the checks did not foresee: nothing is kept, and the record says what happened.
            logger.warning("Import %s failed while writing", record.pk, exc_info=True)
            message = " ".join(validation_messages(error))
            raise _NothingWritten(f"Nothing was imported: {message}", read.errors) from error
        errors = read.errors + plan.errors
        if fatal := _file_level(errors):
            raise _NothingWritten(fatal.message, errors)
        if errors and not context.valid_rows_only:
            count = len({error.row for error in errors})
            rows = "1 row has errors" if count == 1 else f"{count:,} rows have errors"
            raise _NothingWritten(
                f"Nothing was imported: {rows}. Fix them and upload the file again, or import the valid rows only.",
                errors,
            )
        record.created, record.updated, record.skipped = plan.count("create"), plan.count("update"), plan.count("skip")
        # What was written, described from the values the records had before (the preview's list, as done).
        record.samples = _samples(plan.actions, read.example_rows)
        _errors_store(record, errors)
        record.save()

"""
Spreadsheets of a sync run's log: Download Errors (the failed and skipped records, with the reason) and Download
preview (everything a preview found).

Both have the same columns and are written row by row with openpyxl's write-only mode. Text that a spreadsheet
would run as a formula (a record named "=1+1", "-5 Main St", "@home") is stored as text with Excel's quote prefix,
as ``apps.core.resources`` does for the admin's exports, so it shows as it is and never runs.
"""

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from apps.core.models import Division
from apps.core.resources import looks_like_formula
from apps.quickbooks.models import SyncAction, SyncRun, SyncRunEntry
from apps.quickbooks.selectors import action_label, entity_label, run_all_entries, run_problem_entries

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("Run date", "Entity", "Record", "QuickBooks ID", "Action", "Reason")
COLUMN_WIDTHS = (20, 20, 40, 16, 18, 90)
DATE_FORMAT = "yyyy-mm-dd hh:mm"
# A failed or skipped record always says why, even when the log line has no message.
NO_REASON = "No reason was recorded for this record."


def errors_filename(division: Division) -> str:
    return f"quickbooks-errors-{division.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"


def preview_filename(division: Division) -> str:
    return f"quickbooks-preview-{division.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"


def errors_workbook(run: SyncRun) -> bytes:
    """The failed and skipped records of ``run``, each with its reason in plain words."""
    return _entries_workbook(run, run_problem_entries(run), title="Errors")


def preview_workbook(run: SyncRun) -> bytes:
    """Every record a preview looked at, with what a sync would do to it ("Would create") and why."""
    return _entries_workbook(run, run_all_entries(run), title="Preview")


def _entries_workbook(run: SyncRun, entries: Iterable[SyncRunEntry], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for letter, width in zip("ABCDEF", COLUMN_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    headers = []
    for header in COLUMNS:
        cell = WriteOnlyCell(sheet, header)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    run_date = _naive(run.started_at or run.created_at)
    for entry in entries:
        reason = entry.message or (NO_REASON if entry.action in (SyncAction.FAILED, SyncAction.SKIPPED) else "")
        date_cell = WriteOnlyCell(sheet, run_date)
        date_cell.number_format = DATE_FORMAT
        sheet.append(
            [
                date_cell,
                _text(sheet, entity_label(entry.entity)),
                _text(sheet, entry.record_label),
                _text(sheet, entry.qbo_id),
                _text(sheet, action_label(entry.action, preview=run.is_preview)),
                _text(sheet, reason),
            ]
        )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _naive(value: datetime) -> datetime:
    # Excel has no time zones: the local time, as the admin shows it, to the second.
    return (timezone.make_naive(value) if timezone.is_aware(value) else value).replace(microsecond=0)


def _text(sheet, value: str) -> Any:
    """A text cell that stays text: formula-looking text gets the quote prefix; characters xlsx forbids are replaced."""
    if not value:
        return None
    value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    if not looks_like_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    cell.quotePrefix = True
    return cell

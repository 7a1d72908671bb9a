"""Reads of import records for the import pages."""

from django.db.models import QuerySet

from apps.imports.kinds import KINDS
from apps.imports.models import BUSY_STATUSES, ImportRecord, ImportStatus

# Not finished: a worker is busy with them, or their preview waits for someone to confirm or cancel it.
IN_PROGRESS_STATUSES = (*BUSY_STATUSES, ImportStatus.CHECKED)


def import_records_recent(*, limit: int = 10) -> QuerySet[ImportRecord]:
    """The latest imports of everyone: the team sees what is running."""
    return ImportRecord.objects.select_related("created_by", "division").order_by("-created_at", "-id")[:limit]


def import_record_progress(record: ImportRecord) -> dict:
    """What the page's progress bar polls for."""
    return {
        "id": record.pk,
        "status": record.status,
        "label": record.get_status_display(),
        "busy": record.is_busy,
        "progress": record.progress,
        "text": record.progress_text,
        "rows": record.rows,
        "created": record.created,
        "updated": record.updated,
        "errors": record.error_count,
    }


def import_records_in_progress(*, limit: int = 10) -> list[ImportRecord]:
    """The imports not finished yet, oldest first: what the dashboard lists."""
    records = ImportRecord.objects.filter(status__in=IN_PROGRESS_STATUSES).select_related("created_by", "division")
    return list(records.order_by("created_at", "id")[:limit])


def import_kind_label(key: str) -> str:
    """ "customers" → "Customers with service locations": what the import pages call a kind."""
    kind = KINDS.get(key)
    return kind.label if kind else key

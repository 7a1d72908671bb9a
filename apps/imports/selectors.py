"""Reads of import records for the import pages."""

from django.db.models import QuerySet

from apps.imports.models import ImportRecord


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

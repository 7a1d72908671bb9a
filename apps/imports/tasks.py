"""Background steps of an import, run by django-q2 workers: they take the record's id and call the service."""

from apps.imports import services
from apps.imports.models import ImportRecord


def import_check_task(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is not None:
        services.import_check(record=record)


def import_run_task(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is not None:
        services.import_run(record=record)

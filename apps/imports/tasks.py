"""
Background steps of an import, run by django-q2 workers: they take the record's id and call the service.

A task is delivered at least once: the broker hands it out again when the worker that took it stopped (killed, its
machine lost) before it reported. The record then still says "Checking" or "Importing"; since a step writes in one
transaction, the stopped one wrote nothing, and the step is simply done again. A step may still be running when the
task is handed out again only while it is younger than the workers' time limit (``Q_CLUSTER["timeout"]``): the task
then fails, and the broker hands it out once more later (``max_attempts``), when that can no longer be so.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_q.conf import Conf

from apps.imports import services
from apps.imports.models import ImportRecord, ImportStatus

logger = logging.getLogger(__name__)


class StepMayStillRun(Exception):
    """The step this task is for was taken by a worker so recently that it may still be running."""


def _taken_again(record: ImportRecord, *, running: str, queued: str) -> None:
    """A step left half-way by a worker that stopped goes back to its queued status, to be done again."""
    if record.status != running:
        return
    if Conf.TIMEOUT and record.updated_at > timezone.now() - timedelta(seconds=Conf.TIMEOUT):
        raise StepMayStillRun(f"Import {record.pk} is {record.get_status_display().lower()} since {record.updated_at}")
    if ImportRecord.objects.filter(pk=record.pk, status=running, updated_at=record.updated_at).update(status=queued):
        logger.warning("Import %s was left %s by a worker that stopped: done again", record.pk, running)
        record.status = queued


def import_check_task(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is not None:
        _taken_again(record, running=ImportStatus.CHECKING, queued=ImportStatus.CHECK_QUEUED)
        services.import_check(record=record)


def import_run_task(record_id: int) -> None:
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is not None:
        _taken_again(record, running=ImportStatus.IMPORTING, queued=ImportStatus.IMPORT_QUEUED)
        services.import_run(record=record)

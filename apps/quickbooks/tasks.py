"""Background tasks (django-q2): thin, they take ids and call a service."""

import logging

from django.db import transaction
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.models import (
    ConnectionStatus,
    QuickBooksConnection,
    SyncRun,
    SyncRunStatus,
    SyncState,
    SyncTrigger,
)
from apps.quickbooks.services.runs import ABANDONED_AFTER
from apps.quickbooks.sync import run_division_sync

logger = logging.getLogger(__name__)


def sync_division(division_id: int, trigger: str = SyncTrigger.SCHEDULE, run_id: int | None = None) -> int:
    """Sync one division; returns the run's id (django-q2 keeps it as the task's result)."""
    run: SyncRun = run_division_sync(division_id, trigger, run_id=run_id)
    return run.pk


def _webhook_run_claim(division_id: int) -> SyncRun | None:
    """
    Clear the due time and queue a webhook run, unless the division is no longer connected or already syncing.

    The division's row lock is the one Sync Now takes, so a webhook run and a pressed button never start together.
    """
    with transaction.atomic():
        if Division.objects.select_for_update().filter(pk=division_id).first() is None:
            return None
        # Cleared first: a notice arriving from now on asks for a run of its own.
        SyncState.objects.filter(division_id=division_id).update(webhook_run_due_at=None)
        if not QuickBooksConnection.objects.filter(division_id=division_id, status=ConnectionStatus.CONNECTED).exists():
            logger.info("QuickBooks webhook run of division %s skipped: it is not connected", division_id)
            return None
        active = SyncRun.objects.filter(
            division_id=division_id,
            status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING],
            created_at__gt=timezone.now() - ABANDONED_AFTER,
        )
        if active.exists():
            # The run under way, or the next scheduled one, reads the change through change data capture.
            logger.info("QuickBooks webhook run of division %s skipped: a sync is already under way", division_id)
            return None
        return SyncRun.objects.create(division_id=division_id, trigger=SyncTrigger.WEBHOOK)


def sync_division_after_notices(division_id: int) -> int | None:
    """
    The debounced run QuickBooks change notices asked for (``apps.quickbooks.webhooks.services``).

    Returns the run's id, or ``None`` when it was skipped.
    """
    run = _webhook_run_claim(division_id)
    if run is None:
        return None
    run = run_division_sync(division_id, SyncTrigger.WEBHOOK, run_id=run.pk)
    return run.pk

"""Asking for a sync: a queued run row now, the work in a background worker after the commit."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from apps.core.models import Division
from apps.quickbooks.errors import NotConnectedError, QuickBooksError
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.services.schedules import SYNC_TASK

# A run queued or running for longer than this is taken as abandoned (no worker, or a worker that died).
ABANDONED_AFTER = timedelta(minutes=30)


class SyncAlreadyRunningError(QuickBooksError):
    pass


@transaction.atomic
def sync_run_request(*, division: Division, user=None, trigger: str = SyncTrigger.MANUAL) -> SyncRun:
    """Queue a sync of ``division`` (Sync Now); refused while it is not connected or another run is under way."""
    # The division row serialises two presses of Sync Now.
    Division.objects.select_for_update().get(pk=division.pk)
    if not QuickBooksConnection.objects.filter(division=division, status=ConnectionStatus.CONNECTED).exists():
        raise NotConnectedError(f"QuickBooks is not connected for {division}: connect it first.")
    active = SyncRun.objects.filter(
        division=division,
        status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING],
        created_at__gt=timezone.now() - ABANDONED_AFTER,
    )
    if active.exists():
        raise SyncAlreadyRunningError("A sync of this division is already queued or running.")
    run = SyncRun.objects.create(division=division, trigger=trigger, requested_by=user)
    transaction.on_commit(lambda: async_task(SYNC_TASK, division.pk, trigger=trigger, run_id=run.pk))
    return run

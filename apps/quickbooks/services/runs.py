"""
Asking for a sync: a queued run row now, the work in a background worker after the commit.

Sync Now, Preview (a dry run that writes nothing on either side) and Resend All Data (every linked record sent
again as it is here) all go through ``sync_run_request``: one run at a time per division, whatever started it.
"""

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from apps.core.models import Division
from apps.quickbooks.errors import NotConnectedError, QuickBooksError
from apps.quickbooks.models import ConnectionStatus, QuickBooksConnection, SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.selectors import ABANDONED_AFTER
from apps.quickbooks.services.schedules import SYNC_TASK


class SyncAlreadyRunningError(QuickBooksError):
    pass


@transaction.atomic
def sync_run_request(*, division: Division, user=None, trigger: str = SyncTrigger.MANUAL) -> SyncRun:
    """
    Queue a run of ``division``: Sync Now (``MANUAL``), ``PREVIEW`` or ``RESEND``; refused while the division is not
    connected or another run (of any kind) is queued or running.
    """
    if trigger not in SyncTrigger.values:
        raise ValueError(f"Unknown sync trigger {trigger!r}")
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
        raise SyncAlreadyRunningError(
            "A sync of this division is already queued or running: wait until it is done, then try again."
        )
    run = SyncRun.objects.create(division=division, trigger=trigger, requested_by=user)
    transaction.on_commit(lambda: async_task(SYNC_TASK, division.pk, trigger=trigger, run_id=run.pk))
    return run

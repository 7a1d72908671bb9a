"""Background tasks (django-q2): thin, they take ids and call a service."""

import logging

from django.db import transaction

from apps.quickbooks.desktop.work import update_run as desktop_update_run
from apps.quickbooks.models import QuickBooksConnection, SyncState, SyncTrigger
from apps.quickbooks.services.runs import sync_run_execute, sync_run_start_if_free, sync_runs_reconcile
from apps.quickbooks.sync import run_division_sync

logger = logging.getLogger(__name__)


def sync_division(
    division_id: int,
    trigger: str = SyncTrigger.SCHEDULE,
    run_id: int | None = None,
    desktop_session_id: int | None = None,
) -> int | None:
    """
    Sync one division; returns the run's id (django-q2 keeps it as the task's result), or ``None`` when a scheduled
    run found the division busy and was skipped.

    A requested run (``run_id``: Sync Now, Preview, Resend, or the update of the Web Connector session
    ``desktop_session_id``) may be delivered more than once: it runs only if it is still to do. A scheduled run starts
    only when no live run holds the division, and then leaves nothing behind.
    """
    if run_id is not None and desktop_session_id is not None:
        run = desktop_update_run(session_id=desktop_session_id, run_id=run_id)
        return run.pk if run else None
    if run_id is not None:
        run = sync_run_execute(run_id=run_id)
        return run.pk if run else None
    connection = QuickBooksConnection.objects.filter(division_id=division_id).first()
    if connection is None or not connection.is_connected:
        # Nothing to hold: the run only records why it could not run (to be reconnected, for instance).
        return run_division_sync(division_id, trigger).pk
    started = sync_run_start_if_free(division_id=division_id, trigger=trigger)
    if started is None:
        return None
    run, owner = started
    return run_division_sync(division_id, trigger, run_id=run.pk, lease_owner=owner).pk


def sync_division_after_notices(division_id: int) -> int | None:
    """
    The debounced run QuickBooks change notices asked for (``apps.quickbooks.online.webhooks.services``).

    Returns the run's id, or ``None`` when it was skipped (the division is not connected, or already syncing: the run
    under way, or the next scheduled one, reads the change through change data capture).
    """
    with transaction.atomic():
        # Cleared first: a notice arriving from now on asks for a run of its own.
        SyncState.objects.filter(division_id=division_id).update(webhook_run_due_at=None)
    started = sync_run_start_if_free(division_id=division_id, trigger=SyncTrigger.WEBHOOK)
    if started is None:
        return None
    run, owner = started
    return run_division_sync(division_id, SyncTrigger.WEBHOOK, run_id=run.pk, lease_owner=owner).pk


def sync_runs_reconcile_task() -> str:
    """Every minute: close the runs whose worker stopped, queue again those a person asked for."""
    done = sync_runs_reconcile()
    return (
        f"{len(done.lost)} lost, {len(done.requeued)} queued again, {len(done.handed_back)} handed back"
        if done
        else "nothing to do"
    )

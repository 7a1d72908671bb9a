"""
Asking for a sync, and making sure that every run asked for ends: a queued run row now, the work in a background
worker after the commit.

Sync Now, Preview (a dry run that writes nothing on either side) and Resend All Data (every linked record sent again
as it is here) all go through ``sync_run_request``: one run at a time per division, whatever started it. Each may be
scoped to some lists (Synchronize Customers: ``scope``), under the same rules; a scoped run lost is queued again with
its scope. A division
is busy while a live run holds it: one running under the division's lease, or one queued whose task is still in the
broker (``apps.quickbooks.selectors.run_fate``). Scheduled and webhook runs start only when it is free
(``sync_run_start_if_free``), quietly skipped otherwise.

A Web Connector update is a run too (``web_connector_run_queue``), queued when its session starts and run by the same
task, with the Desktop backend (``apps.quickbooks.desktop.work.update_run``).

Tasks are delivered at least once (django-q2's database broker hands a task out again when its worker never
acknowledged it), so ``sync_run_execute`` runs a requested run only if it is still to do. The reconciler
(``sync_runs_reconcile``, scheduled every minute) closes runs whose worker stopped as lost, and queues a new run when
a person had asked for one.
"""

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from apps.core.models import Division
from apps.quickbooks.errors import NotConnectedError, QuickBooksError
from apps.quickbooks.models import (
    ConnectionStatus,
    DesktopConnection,
    IntegrationType,
    QuickBooksConnection,
    SyncRun,
    SyncRunStatus,
    SyncSettings,
    SyncTrigger,
)
from apps.quickbooks.selectors import (
    LOST_MESSAGE,
    QueuedTask,
    RunFate,
    division_lease_owner,
    queued_run_tasks,
    run_fate,
    sync_lease,
)
from apps.quickbooks.services.schedules import SYNC_TASK
from apps.quickbooks.sync.lock import lock_acquire
from apps.quickbooks.sync.scope import scope_parse

if TYPE_CHECKING:
    from apps.quickbooks.sync.backend import Backend

logger = logging.getLogger(__name__)

# Runs a person asked for: lost, they are queued again. Scheduled runs wait for their next slot, webhook runs for the
# next change notice or the scheduled change data capture; a Web Connector update is started by the Web Connector.
REQUESTED_TRIGGERS = (SyncTrigger.MANUAL, SyncTrigger.PREVIEW, SyncTrigger.RESEND)
# How long the task of a requested run waits for a division held by another run before it queues itself again.
EXECUTE_WAIT_SECONDS = 60.0
EXECUTE_POLL_SECONDS = 1.0


class SyncAlreadyRunningError(QuickBooksError):
    pass


def _run_enqueue(run: SyncRun, **task_kwargs: Any) -> None:
    """Queue the run's task after the commit, and keep the task's id on the run."""

    def enqueue() -> None:
        # Named after the run, so that a worker's log says which run it is processing.
        task_id = async_task(
            SYNC_TASK,
            run.division_id,
            trigger=run.trigger,
            run_id=run.pk,
            task_name=f"quickbooks-run-{run.pk}",
            **task_kwargs,
        )
        SyncRun.objects.filter(pk=run.pk).update(task_id=str(task_id or "")[:64])

    transaction.on_commit(enqueue)


@dataclass
class Reconciled:
    """What the reconciler did in one pass."""

    lost: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    handed_back: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lost or self.requeued or self.handed_back)


def _lost_close(run: SyncRun, *, tasks: list[QueuedTask], now: datetime) -> bool:
    closed = SyncRun.objects.filter(pk=run.pk, status=run.status).update(
        status=SyncRunStatus.LOST,
        stage="",
        lost_at=now,
        finished_at=now,
        error_summary=LOST_MESSAGE
        + (" It was queued again." if run.trigger in REQUESTED_TRIGGERS else " The next sync does its work."),
    )
    # Its task, if the broker still holds it, would only find the run over: it is dropped.
    if closed and Conf.ORM:
        OrmQ.objects.using(Conf.ORM).filter(pk__in=[task.ormq_id for task in tasks]).delete()
    return bool(closed)


def _requeue(run: SyncRun) -> SyncRun | None:
    """A new run for a lost one a person asked for (a Desktop preview makes the next update a preview again)."""
    integration = SyncSettings.objects.filter(division_id=run.division_id).values_list("integration_type", flat=True)
    if integration.first() == IntegrationType.DESKTOP:
        if run.trigger == SyncTrigger.PREVIEW:
            DesktopConnection.objects.filter(division_id=run.division_id).update(preview_next=True)
        return None
    if not QuickBooksConnection.objects.filter(division_id=run.division_id, status=ConnectionStatus.CONNECTED).exists():
        return None
    again = SyncRun.objects.create(
        division_id=run.division_id, trigger=run.trigger, requested_by=run.requested_by, full=run.full, scope=run.scope
    )
    _run_enqueue(again)
    return again


def _division_reconcile(
    division_id: int, *, tasks: dict | None, requeue_except: str | None = None, now: datetime
) -> Reconciled:
    """Judge the division's runs under way (the caller holds the division's row lock) and act on the dead ones."""
    done = Reconciled()
    lease_owner = division_lease_owner(division_id=division_id, now=now)
    runs = SyncRun.objects.filter(division_id=division_id, status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING])
    for run in runs.select_related("requested_by").order_by("pk"):
        run_tasks = None if tasks is None else tasks.get(run.pk, [])
        fate = run_fate(run, lease_owner=lease_owner, tasks=run_tasks, now=now, lease=sync_lease())
        if fate == RunFate.HAND_BACK:
            # Locked until now: the next worker that asks the broker takes it.
            for task in run_tasks or []:
                OrmQ.objects.using(Conf.ORM).filter(pk=task.ormq_id, lock=task.lock).update(lock=now)
            done.handed_back.append(run.pk)
            logger.warning(
                "QuickBooks sync run %s: its task is handed back to the queue (its worker may be gone)", run.pk
            )
        elif fate == RunFate.LOST and _lost_close(run, tasks=run_tasks or [], now=now):
            done.lost.append(run.pk)
            logger.warning("QuickBooks sync run %s of division %s lost its worker: closed", run.pk, division_id)
            if run.trigger in REQUESTED_TRIGGERS and run.trigger != requeue_except and (again := _requeue(run)):
                done.requeued.append(again.pk)
    return done


def division_runs_reconcile(*, division: Division, requeue_except: str | None = None) -> Reconciled:
    """The reconciler for one division (Sync Now calls it before it decides whether the division is busy)."""
    with transaction.atomic():
        Division.objects.select_for_update().get(pk=division.pk)
        return _division_reconcile(
            division.pk, tasks=queued_run_tasks(), requeue_except=requeue_except, now=timezone.now()
        )


def sync_runs_reconcile() -> Reconciled:
    """
    The reconciler: every run queued or running whose lease is free or ran out and whose task is gone is closed as
    "Lost (worker stopped)", with the time it was noticed, and queued again when a person had asked for it.
    """
    done = Reconciled()
    division_ids = (
        SyncRun.objects.filter(status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING])
        .values_list("division_id", flat=True)
        .distinct()
    )
    for division_id in sorted(set(division_ids)):
        with transaction.atomic():
            if Division.objects.select_for_update().filter(pk=division_id).first() is None:
                continue
            result = _division_reconcile(division_id, tasks=queued_run_tasks(), now=timezone.now())
        done.lost += result.lost
        done.requeued += result.requeued
        done.handed_back += result.handed_back
    return done


def _division_busy(division_id: int, *, now: datetime) -> bool:
    """Whether a live run holds the division (the caller reconciled it first, under its row lock)."""
    if division_lease_owner(division_id=division_id, now=now):
        return True
    return SyncRun.objects.filter(
        division_id=division_id, status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING]
    ).exists()


@transaction.atomic
def sync_run_request(
    *, division: Division, user=None, trigger: str = SyncTrigger.MANUAL, scope: Iterable[str] = ()
) -> SyncRun:
    """
    Queue a run of ``division``: Sync Now (``MANUAL``), ``PREVIEW`` or ``RESEND``, of every list or of those named in
    ``scope`` (as the page names them: ``["customers"]``; ``sync.scope.ScopeError``, a ``ValueError``, for a name no
    list has); refused while the division is not connected or a live run (of any kind, scoped or not) holds it. A run
    whose worker stopped does not: it is closed as lost first.
    """
    if trigger not in SyncTrigger.values:
        raise ValueError(f"Unknown sync trigger {trigger!r}")
    steps = scope_parse(scope)
    # The division row serialises two presses of Sync Now, and a press with the reconciler and scheduled runs.
    Division.objects.select_for_update().get(pk=division.pk)
    if not QuickBooksConnection.objects.filter(division=division, status=ConnectionStatus.CONNECTED).exists():
        raise NotConnectedError(f"QuickBooks is not connected for {division}: connect it first.")
    now = timezone.now()
    # A lost run of the same kind is not queued again: this request is its replacement.
    _division_reconcile(division.pk, tasks=queued_run_tasks(now=now), requeue_except=trigger, now=now)
    if _division_busy(division.pk, now=now):
        raise SyncAlreadyRunningError(
            "A sync of this division is already queued or running: wait until it is done, then try again."
        )
    run = SyncRun.objects.create(division=division, trigger=trigger, requested_by=user, scope=list(steps))
    _run_enqueue(run)
    return run


def sync_run_start_if_free(*, division_id: int, trigger: str) -> tuple[SyncRun, str] | None:
    """
    Start a scheduled or webhook run: take the division's lease and open a running run, or ``None`` (nothing is
    written) when the division is busy or not connected. The caller runs it with the lease it got.
    """
    with transaction.atomic():
        if Division.objects.select_for_update().filter(pk=division_id).first() is None:
            return None
        if not QuickBooksConnection.objects.filter(division_id=division_id, status=ConnectionStatus.CONNECTED).exists():
            logger.info("QuickBooks %s run of division %s skipped: it is not connected", trigger, division_id)
            return None
        now = timezone.now()
        _division_reconcile(division_id, tasks=queued_run_tasks(now=now), now=now)
        if _division_busy(division_id, now=now):
            logger.info("QuickBooks %s run of division %s skipped: a sync is already under way", trigger, division_id)
            return None
        division = Division.objects.get(pk=division_id)
        owner = lock_acquire(division)
        if owner is None:
            return None
        run = SyncRun.objects.create(
            division_id=division_id, trigger=trigger, status=SyncRunStatus.RUNNING, started_at=now, lock_owner=owner
        )
        return run, owner


def web_connector_run_queue(*, division: Division, session_id: int, preview: bool) -> SyncRun:
    """
    Queue the run of a Web Connector update (a preview when one was asked for on the integration page): its task
    runs the engine with the Desktop backend in a background worker, relaying its qbXML through the session
    (``apps.quickbooks.desktop.work.update_run``). Call it inside the transaction that records the run on the
    session: the task is queued at its commit.
    """
    trigger = SyncTrigger.PREVIEW if preview else SyncTrigger.WEB_CONNECTOR
    run = SyncRun.objects.create(division=division, trigger=trigger)
    _run_enqueue(run, desktop_session_id=session_id)
    return run


def sync_run_execute(
    *, run_id: int, backend: "Backend | None" = None, task_kwargs: Mapping[str, Any] | None = None
) -> SyncRun | None:
    """
    The task of a requested run (or of a Web Connector update, with its ``backend``). Delivered at least once, it
    runs the run only if it is still to do: a run that is over (done, or closed as lost and queued again) or running
    under its own live lease (a second delivery) is left alone. While another run holds the division it waits a
    while, then queues itself again (with ``task_kwargs``, what its task was given besides the run).
    """
    from apps.quickbooks.sync.engine import run_division_sync

    deadline = time.monotonic() + EXECUTE_WAIT_SECONDS
    while True:
        run = SyncRun.objects.filter(pk=run_id).select_related("division").first()
        if run is None or not run.is_active:
            if run is not None:
                logger.info("QuickBooks sync run %s delivered again: it is %s already", run_id, run.status)
            return run
        lease_owner = division_lease_owner(division_id=run.division_id)
        if run.status == SyncRunStatus.RUNNING and run.lock_owner and run.lock_owner == lease_owner:
            logger.info("QuickBooks sync run %s delivered again: it is running elsewhere", run_id)
            return run
        if not lease_owner and (owner := lock_acquire(run.division)):
            return run_division_sync(run.division_id, run.trigger, run_id=run.pk, lease_owner=owner, backend=backend)
        if time.monotonic() > deadline:
            logger.info("QuickBooks sync run %s waits for the division: queued again", run_id)
            with transaction.atomic():
                _run_enqueue(run, **(task_kwargs or {}))
            return run
        time.sleep(EXECUTE_POLL_SECONDS)

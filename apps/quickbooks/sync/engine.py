"""
A division's sync run: take the division's lock, pull what changed in QuickBooks, apply the direction rules to
payment terms, tax rates and customers, push what changed here, and move the cursors on.

A scoped run (``SyncRun.scope``: Synchronize Customers) runs only the steps picked, with the lists QuickBooks keeps
that they bring (``steps.scope_steps``), and leaves the cursors where they are: it applied some lists' changes and not
the others', so moving a cursor past them would lose the others'. The next run that syncs every list reads the picked
lists' changes again and finds them applied (the same SyncToken on the link, the same hash), at the cost of reading
them, never of writing them twice; local changes it sent are compared again and, unchanged, not sent again.

Nothing here knows QuickBooks' field names (``apps.quickbooks.mapping``) or how requests travel (the backend). The
engine receives its backend: from its caller (a Web Connector update hands it Desktop's), else from the opener the
quickbooks app sets when it is ready (``backend.backend_open``); it imports neither backend.
Failures of single records are logged on the run and the run goes on; a failure of the whole run (QuickBooks
unreachable, connection lost) is recorded and leaves the cursors where they were, so the next run redoes the work.
"""

import logging
import time
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from apps.core.models import Division
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import (
    SyncAction,
    SyncRun,
    SyncRunStatus,
    SyncSettings,
    SyncTrigger,
)
from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.selectors import LOST_MESSAGE, RUN_START_GRACE
from apps.quickbooks.sync.backend import Backend, BackendUnavailableError, backend_open
from apps.quickbooks.sync.context import LockLostError, RunContext
from apps.quickbooks.sync.journal import RunJournal
from apps.quickbooks.sync.lock import lock_acquire, lock_release, sync_state_get
from apps.quickbooks.sync.scope import ScopeError, pull_plan, scope_note, scope_parse, scope_steps

logger = logging.getLogger(__name__)

UNREACHABLE = (
    "QuickBooks could not be reached for {division}: {reason}. An Owner can connect it on the QuickBooks page."
)
BUSY = (
    "Another sync of this division is running; this one did nothing. Its changes are picked up by that sync or the "
    "next one."
)


def _run_start(
    division: Division, trigger: str, run_id: int | None, full: bool, owner: str = "", scope: Iterable[str] = ()
) -> SyncRun | None:
    """
    The run row, marked running under the lease ``owner``; ``None`` when the named run is over already (it was
    closed as lost meanwhile, or a second delivery of its task finds it done). A named run keeps its own scope.
    """
    now = timezone.now()
    if run_id:
        started = SyncRun.objects.filter(
            pk=run_id, division=division, status__in=[SyncRunStatus.QUEUED, SyncRunStatus.RUNNING]
        ).update(status=SyncRunStatus.RUNNING, started_at=now, lock_owner=owner, stage="Starting")
        if not started:
            return None
        run = SyncRun.objects.get(pk=run_id)
    else:
        run = SyncRun(division=division, trigger=trigger, status=SyncRunStatus.RUNNING, started_at=now)
        run.lock_owner, run.stage, run.scope = owner, "Starting", list(scope)
    run.full = run.full or full or trigger == SyncTrigger.RESEND
    run.save()
    return run


def _run_refused(
    division: Division, trigger: str, run_id: int | None, full: bool, scope: Iterable[str], *, error: str
) -> SyncRun:
    """A run that could not start, failed with ``error`` (the named run as it is, when it is over already)."""
    run = _run_start(division, trigger, run_id, full, scope=scope)
    if run is None:
        return SyncRun.objects.get(pk=run_id)
    return _run_finish(run, SyncRunStatus.FAILED, error=error)


def _run_finish(run: SyncRun, status: str, *, summary: str = "", error: str = "") -> SyncRun:
    run.status = status
    run.summary = summary
    run.error_summary = error
    run.stage = ""
    run.finished_at = timezone.now()
    run.save()
    return run


def _abandoned_runs_close(division: Division, current: SyncRun) -> None:
    """
    Runs left "running" by a worker that stopped: this run holds the lease, so theirs ran out and they are over. A
    run that has not taken a lease yet (a Web Connector update waiting for the previous one) is left to try.
    """
    now = timezone.now()
    SyncRun.objects.filter(division=division, status=SyncRunStatus.RUNNING).exclude(pk=current.pk).exclude(
        lock_owner="", started_at__gt=now - RUN_START_GRACE
    ).update(
        status=SyncRunStatus.LOST,
        stage="",
        finished_at=now,
        lost_at=now,
        error_summary=LOST_MESSAGE + " This sync redoes its work.",
    )


def _run_stopped(run: SyncRun, exc: BaseException) -> None:
    """
    Close the run when something other than QuickBooks stopped it (a worker's time limit, a bug, the database gone),
    so that it never stays "running": the next sync goes on from what was done.
    """
    if isinstance(exc, SystemExit):  # django-q2's time limit is a SystemExit
        error = "The sync took longer than a background worker may run a task (Q_TIMEOUT) and was stopped."
    else:
        error = "The sync stopped on an unexpected error (it is in the server's log)."
    try:
        SyncRun.objects.filter(pk=run.pk, status=SyncRunStatus.RUNNING).update(
            status=SyncRunStatus.FAILED,
            stage="",
            finished_at=timezone.now(),
            error_summary=error + " What was done before is kept; the next sync goes on from there.",
        )
    except Exception:  # the database itself may be what failed: the reconciler closes the run later
        logger.exception("Could not close the stopped QuickBooks sync run %s", run.pk)


def _summary(journal: RunJournal, preview: bool, scope: tuple[str, ...] = ()) -> str:
    totals = journal.totals()
    if not totals and scope:
        label = scope_label(scope)
        if preview:
            return f"A sync of {label} now would change nothing."
        return f"Nothing to do: both systems already agree on {label}."
    if not totals:
        return "Nothing to do: both systems already agree." if not preview else "A sync now would change nothing."
    parts = [f"{count} {SyncAction(action).label.lower()}" for action, count in totals.items()]
    prefix = "A sync now would do this: " if preview else ""
    return prefix + ", ".join(parts) + "."


def run_division_sync(
    division_id: int,
    trigger: str,
    *,
    run_id: int | None = None,
    full: bool = False,
    backend: Backend | None = None,
    lease_owner: str | None = None,
    scope: Iterable[str] = (),
) -> SyncRun:
    """
    Run one sync of the division and return its ``SyncRun``; failures are recorded on the run, not raised. ``scope``
    names the steps of a scoped run this call opens (``steps.scope_parse``); a named run (``run_id``) has its own.

    The division's lease is taken first (or ``lease_owner``, one the caller took) and only then is the run marked
    running, with the lease it holds: a running run whose lease is not held is one whose worker stopped. A named run
    that is over already (closed as lost meanwhile) is returned as it is, untouched.
    """
    division = Division.objects.get(pk=division_id)
    opened_here = backend is None
    try:
        if backend is None:
            backend = backend_open(division)
    except BackendUnavailableError as unavailable:
        if lease_owner:
            lock_release(division, lease_owner)
        error = UNREACHABLE.format(division=division, reason=unavailable.reason)
        return _run_refused(division, trigger, run_id, full, scope, error=error)
    owner = lease_owner or lock_acquire(division)
    run = _run_start(division, trigger, run_id, full, owner or "", scope) if owner else None
    if run is None:
        if opened_here:
            backend.close()
        if owner is None:
            return _run_refused(division, trigger, run_id, full, scope, error=BUSY)
        lock_release(division, owner)
        logger.info("QuickBooks sync run %s of %s is over already; nothing to do", run_id, division)
        return SyncRun.objects.get(pk=run_id)
    started = time.monotonic()
    try:
        _abandoned_runs_close(division, run)
        return _run(division, run, backend, owner)
    except BaseException as exc:
        _run_stopped(run, exc)
        raise
    finally:
        lock_release(division, owner)
        backend.close()
        logger.info(
            "QuickBooks sync of %s: %s in %.1f s, %s API calls",
            division,
            run.status,
            time.monotonic() - started,
            run.api_calls,
        )


def _run(division: Division, run: SyncRun, backend: Backend, owner: str) -> SyncRun:
    settings = SyncSettings.objects.filter(division=division).first() or SyncSettings(division=division)
    state = sync_state_get(division)
    try:
        picked = scope_parse(run.scope or ())
    except ScopeError as exc:  # Queued before an upgrade renamed a list: doing more, or less, than asked would mislead.
        return _run_finish(run, SyncRunStatus.FAILED, error=f"{exc} Nothing was synchronized.")
    ctx = RunContext(
        division=division,
        settings=settings,
        state=state,
        run=run,
        backend=backend,
        journal=RunJournal(run, api_calls=lambda: backend.api_calls),
        lock_owner=owner,
        started_at=timezone.now(),
        preview=run.trigger == SyncTrigger.PREVIEW,
        full=run.full,
        resend=run.trigger == SyncTrigger.RESEND,
    )
    steps = scope_steps(picked, ctx)
    # The steps a scoped run runs: those picked, and the lists QuickBooks keeps that they bring (``steps.Step``).
    ctx.scope = tuple(step.name for step in steps) if picked else ()
    changed, listed = pull_plan(ctx)
    try:
        if not any(step.exchanged(ctx) for step in steps):
            run.api_calls = backend.api_calls
            nothing = f"{scope_label(picked)} are not set to sync" if picked else "Nothing is set to sync"
            return _run_finish(
                run, SyncRunStatus.SUCCEEDED, summary=f"{nothing}: choose what to sync with Configure Sync."
            )
        if note := scope_note(ctx, picked):
            ctx.notes.append(note)
        if changed or listed:  # A push-only run may need nothing from QuickBooks.
            ctx.journal.stage("Reading changes from QuickBooks")
            since = None if ctx.full else state.remote_cursor
            ctx.snapshot = backend.pull(changed=changed, listed=listed, since=since)
        for step in steps:
            step.run(ctx)
            ctx.heartbeat()
    except (QuickBooksError, LockLostError) as exc:
        return _run_cut_short(ctx, backend, exc)
    return _run_done(ctx, backend, picked)


def _run_cut_short(ctx: RunContext, backend: Backend, exc: QuickBooksError | LockLostError) -> SyncRun:
    """A run QuickBooks or another sync stopped fails, keeping what it did before."""
    message = exc.message if isinstance(exc, QuickBooksError) else "Another sync took this division over."
    logger.warning("QuickBooks sync of %s stopped: %s", ctx.division, message)
    ctx.journal.flush()
    _run_counts_save(ctx, backend)
    done = " What was done before is kept; the next sync goes on from there." if ctx.run.counts else ""
    return _run_finish(ctx.run, SyncRunStatus.FAILED, error=message + done)


def _run_done(ctx: RunContext, backend: Backend, picked: tuple[str, ...]) -> SyncRun:
    """A run that went through: its cursors move on (not a preview's), and it is partial if a record failed."""
    ctx.journal.flush()
    if not ctx.preview:
        _cursors_advance(ctx)
    _run_counts_save(ctx, backend)
    failed = ctx.journal.total(SyncAction.FAILED)
    status = SyncRunStatus.PARTIAL if failed else SyncRunStatus.SUCCEEDED
    error = f"{failed} record(s) could not be synced: see the log or Download Errors." if failed else ""
    summary = " ".join([_summary(ctx.journal, ctx.preview, picked), *ctx.notes])
    return _run_finish(ctx.run, status, summary=summary, error=error)


def _run_counts_save(ctx: RunContext, backend: Backend) -> None:
    """
    The run's counts, from its log written out. ``backend`` is the one the run was given, which counts the API calls
    (a preview's context wraps it).
    """
    ctx.run.api_calls = backend.api_calls
    ctx.run.counts = ctx.journal.totals()
    ctx.run.entity_counts = ctx.journal.entity_counts()


@transaction.atomic
def _cursors_advance(ctx: RunContext) -> None:
    state = ctx.state
    if ctx.scope:
        _scoped_state_save(ctx)
        return
    state.remote_cursor = ctx.snapshot.as_of or state.remote_cursor
    ctx.local_changes_collected()  # A run that pushed nothing has read all local changes by now.
    state.local_cursor = ctx.next_local_cursor
    if ctx.full or (state.last_full_sync_at is None and ctx.snapshot.complete):
        state.last_full_sync_at = ctx.started_at
    state.retry_remote = {entity: sorted(ids) for entity, ids in ctx.retry_remote.items() if ids}
    state.save(update_fields=["remote_cursor", "local_cursor", "last_full_sync_at", "retry_remote"])


def _scoped_state_save(ctx: RunContext) -> None:
    """
    After a scoped run the cursors stay (see the module's docstring); QuickBooks records it could not apply join those
    read again at the next run, and none is dropped: a list it left out still has its own to read again.
    """
    state = ctx.state
    retry = {entity: set(ids) for entity, ids in state.retry_remote.items()}
    for entity, ids in ctx.retry_remote.items():
        retry.setdefault(entity, set()).update(ids)
    state.retry_remote = {entity: sorted(ids) for entity, ids in retry.items() if ids}
    state.save(update_fields=["retry_remote"])

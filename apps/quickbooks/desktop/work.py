"""
What a Web Connector session does: one run of the sync engine with the Desktop backend, in a background worker.

At the session's first request (``session_start``) its run is queued like every other run: a django-q2 task on the
database broker, named after the run (``apps.quickbooks.services.runs.web_connector_run_queue``). A background worker
runs it (``update_run``): the engine with a transport that relays its qbXML through the session (``relay``). From
then on ``sendRequestXML`` hands out what the engine asks and ``receiveResponseXML`` hands back what QuickBooks
answered, until the run is over. Nothing of the update lives in a web process: the Web Connector's calls may reach
any of them, and one may be restarted (a deploy, a worker recycled after ``max_requests``) between two calls.

The run is a ``SyncRun`` like any other: it holds the division's lease, the reconciler judges it by the same rules (a
run whose worker stopped is closed as "Lost (worker stopped)"), and the integration page shows its progress and log.
A session that ends early (the Web Connector closed, QuickBooks crashed) leaves the run failed and resumable, as any
interrupted run is.

The session's ``state`` holds the run's id and what was learned of the company machine's clock (UTC offset, how far
it runs behind), which the next session needs to read the changes since the last one.

A drift check asked on the integration page (``DesktopConnection.drift_next``) is taken by the next session
(``state["drift"]``) and runs in the same task, after the sync, through the same session: the bookkeeper who asks
"do both sides agree?" means after this update did its work, so that what the sync is about to carry either way is
not reported as drift. The session goes on until the check is done, and its report is kept on the connection
(``drift_report``). An update with nothing else to do still runs (the Web Connector is not told "none"), its sync
saying that nothing is set to sync. When the sync stopped (failed, lost, the session ended) the check is asked of the
next update again, and so it is when the session ended with the check unfinished (its worker stopped mid-check).

``DRIVER`` is what the SOAP service calls; the quickbooks app gives it to the service (``service.work_driver_set``).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.quickbooks.desktop import relay
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.desktop.service import WorkDriver
from apps.quickbooks.drift import DriftReport, drift_check
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import (
    DesktopConnection,
    DesktopSession,
    DesktopSessionStatus,
    SyncRun,
    SyncRunStatus,
    SyncSettings,
)
from apps.quickbooks.models.sync_settings import CustomersDirection
from apps.quickbooks.selectors import UNCLAIMED_AFTER
from apps.quickbooks.services.runs import sync_run_execute, web_connector_run_queue
from apps.quickbooks.sync.context import LockLostError
from apps.quickbooks.sync.lock import lock_renew

logger = logging.getLogger(__name__)

# How long a Web Connector call waits for the engine before answering "not yet" (it then asks again): well inside
# the Web Connector's own timeout, long enough that a busy engine rarely costs an extra round trip.
REQUEST_WAIT_SECONDS = 20.0
ANSWER_WAIT_SECONDS = 20.0
# How long closing the session waits for its run to stop (the engine notices the session's end at its next look).
END_WAIT_SECONDS = 5.0

# How a run ends that did not get through: failed, or closed as lost by the reconciler when its worker stopped.
STOPPED = (SyncRunStatus.FAILED, SyncRunStatus.LOST)
# A drift check asked of the session: pending (``True``) until its task takes it (``CHECKING``), then ``False``.
DRIFT = "drift"
CHECKING = "checking"
# How long after its sync the session waits for a drift check (a worker that died meanwhile does not hold the Web
# Connector for longer; the check reads three lists, which takes seconds to a few minutes on a large file).
DRIFT_WAIT = timedelta(minutes=15)
NOT_STARTED = (
    "The Web Connector session ended before a background worker started the sync; the next update goes on from here."
)
NOT_TAKEN = (
    f"No background worker started the sync within {UNCLAIMED_AFTER.seconds // 60} minutes (FieldOffice's background "
    "workers may be stopped or busy); the next update goes on from here."
)


def _run(session: DesktopSession) -> SyncRun | None:
    run_id = (session.state or {}).get("run_id")
    return SyncRun.objects.filter(pk=run_id).first() if run_id else None


def _engine_done(session: DesktopSession) -> bool:
    """
    Whether the session's work is over: its run (queued for a worker, or running, it is not), and the drift check
    asked of it after its sync.
    """
    run = _run(session)
    return run is None or not (run.is_active or _drift_waiting(session, run))


def _drift_waiting(session: DesktopSession, run: SyncRun) -> bool:
    """Whether the session still owes a drift check after ``run`` (over): one runs after a sync that got through."""
    if run.status in STOPPED or run.finished_at is None or run.finished_at < timezone.now() - DRIFT_WAIT:
        return False
    state = DesktopSession.objects.filter(pk=session.pk).values_list("state", flat=True).first() or {}
    return state.get(DRIFT) in (True, CHECKING)


def _company_clock(connection: DesktopConnection) -> dict[str, int]:
    """
    What the last session learned of the company machine's clock: its UTC offset (minutes) and how far it runs
    behind FieldOffice's (seconds), which the next session needs to read the changes since the last one.
    """
    states = connection.sessions.exclude(state={}).order_by("-started_at").values_list("state", flat=True)[:20]
    clock: dict[str, int] = {}
    for state in states:
        for key in ("utc_offset_minutes", "clock_lag_seconds"):
            if key not in clock and (state or {}).get(key) is not None:
                clock[key] = int(state[key])
    return clock


def work_pending(*, connection: DesktopConnection) -> bool:
    """Whether anything is set to sync: the Web Connector is told "none" otherwise and does not open QuickBooks."""
    settings = SyncSettings.objects.filter(division=connection.division).first()
    if settings is None:
        return False
    directions = (
        settings.customers_direction, settings.inventory_direction, settings.vendors_direction,
        settings.invoices_direction,
    )
    synced = settings.sync_tax_rates_and_terms or any(direction != CustomersDirection.OFF for direction in directions)
    synced = synced or settings.import_inventory or settings.export_inventory_adjustments
    # A drift check asked for is work too: otherwise an update with nothing to sync would never open QuickBooks.
    asked = DesktopConnection.objects.filter(pk=connection.pk, drift_next=True).exists()
    return synced or asked or _drift_unfinished(connection.pk).exists()


def session_start(*, session: DesktopSession) -> None:
    """Queue the session's run for a background worker; the Web Connector hears "NoOp" until the engine asks."""
    clock = _company_clock(session.connection)
    with transaction.atomic():
        # A preview asked for on the integration page is this update: it reads and reports, and writes nothing.
        preview = DesktopConnection.objects.filter(pk=session.connection_id, preview_next=True).update(
            preview_next=False
        )
        # So is a drift check: it runs after this update's sync.
        drift = DesktopConnection.objects.filter(pk=session.connection_id, drift_next=True).update(drift_next=False)
        drift += _drift_unfinished_take(session)
        run = web_connector_run_queue(
            division=session.connection.division, session_id=session.pk, preview=bool(preview)
        )
        state = {**(session.state or {}), "run_id": run.pk, **clock, **({DRIFT: True} if drift else {})}
        # Saved before the commit queues the task: the worker reads the clock here.
        DesktopSession.objects.filter(pk=session.pk).update(state=state)
    session.state = state


def _drift_unfinished(connection_id: int):
    """
    The connection's ended sessions that owed a drift check and never finished it (their worker stopped mid-check,
    or the Web Connector went before a worker took it).
    """
    ended = DesktopSession.objects.filter(connection_id=connection_id).exclude(status=DesktopSessionStatus.OPEN)
    return ended.filter(Q(state__drift=True) | Q(state__drift=CHECKING))


def _drift_unfinished_take(session: DesktopSession) -> int:
    """How many ended sessions owed an unfinished drift check: ``session`` owes it now, and they no longer do."""
    owed = list(_drift_unfinished(session.connection_id).exclude(pk=session.pk).values_list("pk", "state"))
    for pk, state in owed:
        DesktopSession.objects.filter(pk=pk).update(state={**state, DRIFT: False})
    return len(owed)


def update_run(*, session_id: int, run_id: int) -> SyncRun | None:
    """
    The task of a Web Connector update, in a background worker: the session's run with the Desktop backend, under
    the rules every requested run follows (``sync_run_execute``: done once however often it is delivered, waiting for
    the division's lease, queued again while another run holds it). A session that ended before its run started (the
    Web Connector gave up waiting for a worker) leaves the run failed and resumable.
    """
    session = DesktopSession.objects.filter(pk=session_id).first()
    if session is None or session.status != DesktopSessionStatus.OPEN:
        _not_started_close(run_id)
        _drift_after(session_id)
        return SyncRun.objects.filter(pk=run_id).first()
    state = session.state or {}
    offset = state.get("utc_offset_minutes")
    backend = DesktopBackend(
        relay.RelayTransport(session_id, keepalive=_lease_keeper(run_id)),
        utc_offset=timedelta(minutes=offset) if offset is not None else None,
        clock_lag=timedelta(seconds=state.get("clock_lag_seconds", 0)),
    )
    try:
        run = sync_run_execute(run_id=run_id, backend=backend, task_kwargs={"desktop_session_id": session_id})
    finally:
        if backend.round_trips:  # The engine talked to QuickBooks (not a second delivery of a run under way).
            _company_clock_keep(session_id, backend)
        relay.wake()
    if backend.round_trips and (jobs := backend.digests.get("Customer")) is not None:
        DesktopConnection.objects.filter(pk=session.connection_id).update(
            jobs_report=jobs, jobs_report_at=timezone.now()
        )
    if run is not None and not run.is_active:  # Not a second delivery of a run still under way elsewhere.
        _drift_after(session_id)
    return run


def _drift_take(session_id: int) -> DesktopSession | None:
    """The session, if it owes a drift check that no delivery of its task took yet: taken now, once."""
    with transaction.atomic():
        session = DesktopSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or (session.state or {}).get(DRIFT) is not True:
            return None
        session.state = {**session.state, DRIFT: CHECKING}
        DesktopSession.objects.filter(pk=session_id).update(state=session.state)
    return session


def _drift_after(session_id: int) -> None:
    """
    The drift check asked of the session, after its sync, with a backend of its own on the same session (the sync's
    closed with its run). A sync that did not get through leaves the check to the next update; a check that fails
    keeps why, for the page.
    """
    session = _drift_take(session_id)
    if session is None:
        return
    connection = DesktopConnection.objects.select_related("division").get(pk=session.connection_id)
    run = _run(session)
    try:
        if run is None or run.status in STOPPED or session.status != DesktopSessionStatus.OPEN:
            DesktopConnection.objects.filter(pk=connection.pk).update(drift_next=True)
            return
        backend = DesktopBackend(relay.RelayTransport(session_id))
        try:
            report = drift_check(connection.division, backend=backend).stored()
        except relay.SessionEndedError:
            # The Web Connector went before the check was done: the next update checks.
            DesktopConnection.objects.filter(pk=connection.pk).update(drift_next=True)
            return
        except QuickBooksError as exc:
            logger.warning("QuickBooks Desktop drift check of %s could not run: %s", connection.division, exc.message)
            report = {"error": exc.message}
        finally:
            backend.close()
        DesktopConnection.objects.filter(pk=connection.pk).update(drift_report=report, drift_report_at=timezone.now())
    finally:
        state = DesktopSession.objects.filter(pk=session_id).values_list("state", flat=True).first() or {}
        DesktopSession.objects.filter(pk=session_id).update(state={**state, DRIFT: False})
        relay.wake()


def _not_started_close(run_id: int) -> None:
    SyncRun.objects.filter(pk=run_id, status=SyncRunStatus.QUEUED).update(
        status=SyncRunStatus.FAILED, stage="", finished_at=timezone.now(), error_summary=NOT_STARTED
    )


def _company_clock_keep(session_id: int, backend: DesktopBackend) -> None:
    session = DesktopSession.objects.filter(pk=session_id).first()
    if session is None or backend.utc_offset is None:
        return
    state = {
        **(session.state or {}),
        "utc_offset_minutes": int(backend.utc_offset.total_seconds() // 60),
        "clock_lag_seconds": int((backend.measured_lag or backend.clock_lag).total_seconds() + 0.999),
    }
    DesktopSession.objects.filter(pk=session_id).update(state=state)


def _lease_keeper(run_id: int) -> Callable[[], None]:
    """Renews the run's lease while the engine waits on QuickBooks (a large request can take minutes there)."""

    def keep() -> None:
        run = SyncRun.objects.select_related("division").filter(pk=run_id).first()
        if run is None or not run.lock_owner or not lock_renew(run.division, run.lock_owner):
            raise LockLostError

    return keep


def request_next(*, session: DesktopSession) -> str:
    """
    The next qbXML request, or "" when the engine has none ready yet (see ``pausing``). When the run ended while the
    Web Connector was asking, a closing request goes out instead: only a response can be answered with 100 (done),
    and an empty request with no error to show would leave the update looking stopped.

    A run that no background worker took within ``UNCLAIMED_AFTER`` is failed first: the Web Connector is told why
    at once rather than hearing "NoOp" for an hour.
    """
    if run_id := (session.state or {}).get("run_id"):
        SyncRun.objects.filter(
            pk=run_id, status=SyncRunStatus.QUEUED, created_at__lt=timezone.now() - UNCLAIMED_AFTER
        ).update(status=SyncRunStatus.FAILED, stage="", finished_at=timezone.now(), error_summary=NOT_TAKEN)
    exchange = relay.exchange_take(
        session=session, wait_seconds=REQUEST_WAIT_SECONDS, done=lambda: _engine_done(session)
    )
    if exchange is not None:
        return exchange.request
    if _engine_done(session) and _run(session) is not None:
        return relay.exchange_closing(session=session).request
    return ""


def pausing(*, session: DesktopSession) -> bool:
    """
    True while the run is queued for a worker or the engine works without a request for QuickBooks: the Web
    Connector should ask again shortly.
    """
    return not _engine_done(session)


def response_receive(*, session: DesktopSession, response: str, hresult: str, message: str) -> int:
    relay.exchange_answer(session=session, response=response, hresult=hresult, message=message)
    # The engine's next request or its end, whichever comes first, makes the percentage told to the Web Connector.
    relay.wait_for(
        lambda: True if _engine_done(session) or relay.has_queued(session=session) else None,
        seconds=ANSWER_WAIT_SECONDS,
    )
    run = _run(session)
    if run is None:
        session.last_error = "This session has no sync run; the next session starts one."
        return -1
    if run.is_active:
        return min(max(run.progress_percent or 1, 1), 99)
    if _drift_waiting(session, run):
        return 99  # The sync is done; the drift check after it is not.
    if run.status in STOPPED:
        session.last_error = run.error_summary or "The sync failed; see the integration page."
        return -1
    return 100


def session_end(*, session: DesktopSession) -> str:
    """Stop what is still waiting on this session and say how the run went."""
    relay.exchanges_abandon(session_id=session.pk)
    run = _run(session)
    if run is None:
        return "FieldOffice: nothing to sync."
    _not_started_close(run.pk)  # Still waiting for a worker: it will not start now.

    def stopped() -> bool | None:
        run.refresh_from_db(fields=["status", "summary", "error_summary"])
        return None if run.is_active else True

    relay.wait_for(stopped, seconds=END_WAIT_SECONDS)
    if run.is_active:
        return "FieldOffice: the sync stopped with the session; the next session goes on from here."
    if run.status in STOPPED:
        return f"FieldOffice: sync failed: {run.error_summary}"
    text = run.summary or "finished"
    text = f"FieldOffice: sync finished: {text}" + (f" {run.error_summary}" if run.error_summary else "")
    return text + _drift_told(session)


def _drift_told(session: DesktopSession) -> str:
    """What the drift check this session ran found, for the Web Connector's status column ("" when it ran none)."""
    connection = DesktopConnection.objects.select_related("division").get(pk=session.connection_id)
    if connection.drift_report_at is None or connection.drift_report_at < session.started_at:
        return ""
    if error := connection.drift_report.get("error"):
        return f" The drift check could not run: {error}"
    report = DriftReport.restored(connection.division, connection.drift_report)
    return f" Drift check: {report.summary} The report is on the integration page."


DRIVER = WorkDriver(
    work_pending=work_pending,
    session_start=session_start,
    request_next=request_next,
    response_receive=response_receive,
    session_end=session_end,
    pausing=pausing,
)

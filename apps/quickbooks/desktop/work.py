"""
What a Web Connector session does: one run of the sync engine with the Desktop backend.

At the session's first request the engine starts in a thread of its own, with a transport that relays its qbXML
through the session (``relay``); from then on ``sendRequestXML`` hands out what the engine asks and
``receiveResponseXML`` hands back what QuickBooks answered, until the run is over. The run is a ``SyncRun`` like any
other: the integration page shows its progress and log. A session that ends early (the Web Connector closed,
QuickBooks crashed, the server restarted) leaves the run failed and resumable, as any interrupted run is.

The session's ``state`` holds the run's id and what was learned of the company machine's clock (UTC offset, how far
it runs behind), which the next session needs to read the changes since the last one.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connections
from django.utils import timezone

from apps.quickbooks.desktop import relay
from apps.quickbooks.models import (
    DesktopConnection,
    DesktopSession,
    DesktopSessionStatus,
    SyncRun,
    SyncRunStatus,
    SyncSettings,
    SyncState,
    SyncTrigger,
)
from apps.quickbooks.models.sync_settings import CustomersDirection
from apps.quickbooks.sync.desktop import DesktopBackend
from apps.quickbooks.sync.engine import run_division_sync
from apps.quickbooks.sync.lock import LEASE

logger = logging.getLogger(__name__)

# How long a Web Connector call waits for the engine before answering "not yet" (it then asks again): well inside
# the Web Connector's own timeout, long enough that a busy engine rarely costs an extra round trip.
REQUEST_WAIT_SECONDS = 20.0
ANSWER_WAIT_SECONDS = 20.0
# How long a new session waits for the run of an abandoned one to let go of the division.
PREVIOUS_RUN_WAIT_SECONDS = 15.0


def _run(session: DesktopSession) -> SyncRun | None:
    run_id = (session.state or {}).get("run_id")
    return SyncRun.objects.filter(pk=run_id).first() if run_id else None


def _engine_done(session: DesktopSession) -> bool:
    run = _run(session)
    return run is None or run.status != SyncRunStatus.RUNNING


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
    directions = (settings.customers_direction, settings.inventory_direction, settings.invoices_direction)
    return settings.sync_tax_rates_and_terms or any(direction != CustomersDirection.OFF for direction in directions)


def session_start(*, session: DesktopSession) -> None:
    """Open the session's run and start the engine on it."""
    division = session.connection.division
    # A preview asked for on the integration page is this update: it reads and reports, and writes nothing.
    preview = DesktopConnection.objects.filter(pk=session.connection_id, preview_next=True).update(preview_next=False)
    run = SyncRun.objects.create(
        division=division,
        trigger=SyncTrigger.PREVIEW if preview else SyncTrigger.WEB_CONNECTOR,
        status=SyncRunStatus.RUNNING,
        started_at=timezone.now(),
        stage="Waiting for QuickBooks Desktop",
    )
    clock = _company_clock(session.connection)
    state = {**(session.state or {}), "run_id": run.pk, **clock}
    DesktopSession.objects.filter(pk=session.pk).update(state=state)
    session.state = state
    thread = threading.Thread(
        target=_engine_run,
        kwargs={"session_id": session.pk, "division_id": division.pk, "run_id": run.pk, "clock": clock},
        name=f"quickbooks-desktop-{session.pk}",
        daemon=True,
    )
    thread.start()


def _previous_run_wait(*, session_id: int, division_id: int) -> None:
    """
    Let the run of an earlier session of the division stop first: a Web Connector that vanished mid-update left it
    waiting on an answer; once its session is closed it gives up within a moment and frees the division's lease.
    """
    deadline = time.monotonic() + PREVIOUS_RUN_WAIT_SECONDS
    while time.monotonic() < deadline:
        now = timezone.now()
        busy = SyncState.objects.filter(division_id=division_id, lock_owner__gt="", lock_expires_at__gt=now).exists()
        if not busy:
            return
        earlier = DesktopSession.objects.filter(connection__division_id=division_id).exclude(pk=session_id)
        for earlier_id in earlier.exclude(status=DesktopSessionStatus.OPEN).values_list("pk", flat=True)[:20]:
            relay.exchanges_abandon(session_id=earlier_id)
        relay.pause()


def _engine_run(*, session_id: int, division_id: int, run_id: int, clock: dict[str, int]) -> None:
    offset = clock.get("utc_offset_minutes")
    backend = DesktopBackend(
        relay.RelayTransport(session_id, keepalive=_lease_keeper(division_id)),
        utc_offset=timedelta(minutes=offset) if offset is not None else None,
        clock_lag=timedelta(seconds=clock.get("clock_lag_seconds", 0)),
    )
    try:
        _previous_run_wait(session_id=session_id, division_id=division_id)
        run_division_sync(division_id, SyncTrigger.WEB_CONNECTOR, run_id=run_id, backend=backend)
        if (jobs := backend.digests.get("Customer")) is not None:
            DesktopConnection.objects.filter(division_id=division_id).update(
                jobs_report=jobs, jobs_report_at=timezone.now()
            )
    except Exception:
        logger.exception("QuickBooks Desktop sync of session %s failed", session_id)
        SyncRun.objects.filter(pk=run_id, status=SyncRunStatus.RUNNING).update(
            status=SyncRunStatus.FAILED,
            finished_at=timezone.now(),
            stage="",
            error_summary="The sync stopped on an unexpected error; the next session goes on from here.",
        )
    finally:
        _company_clock_keep(session_id, backend)
        relay.wake()
        connections.close_all()


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


def _lease_keeper(division_id: int) -> Callable[[], None]:
    """Keeps the run's lease while the engine waits on QuickBooks (a large request can take minutes there)."""

    def keep() -> None:
        SyncState.objects.filter(division_id=division_id).exclude(lock_owner="").update(
            lock_expires_at=timezone.now() + LEASE
        )

    return keep


def request_next(*, session: DesktopSession) -> str:
    """
    The next qbXML request, or "" when the engine has none ready yet (see ``pausing``). When the run ended while the
    Web Connector was asking, a closing request goes out instead: only a response can be answered with 100 (done),
    and an empty request with no error to show would leave the update looking stopped.
    """
    exchange = relay.exchange_take(
        session=session, wait_seconds=REQUEST_WAIT_SECONDS, done=lambda: _engine_done(session)
    )
    if exchange is not None:
        return exchange.request
    if _engine_done(session) and _run(session) is not None:
        return relay.exchange_closing(session=session).request
    return ""


def pausing(*, session: DesktopSession) -> bool:
    """True while the engine works without a request for QuickBooks: the Web Connector should ask again shortly."""
    return not _engine_done(session)


def response_receive(*, session: DesktopSession, response: str, hresult: str, message: str) -> int:
    relay.exchange_answer(session=session, response=response, hresult=hresult, message=message)
    deadline = time.monotonic() + ANSWER_WAIT_SECONDS
    while not _engine_done(session) and not relay.has_queued(session=session):
        if time.monotonic() > deadline:
            break
        relay.pause()
    run = _run(session)
    if run is None:
        session.last_error = "This session has no sync run; the next session starts one."
        return -1
    if run.status == SyncRunStatus.RUNNING:
        return min(max(run.progress_percent or 1, 1), 99)
    if run.status == SyncRunStatus.FAILED:
        session.last_error = run.error_summary or "The sync failed; see the integration page."
        return -1
    return 100


def session_end(*, session: DesktopSession) -> str:
    """Stop what is still waiting on this session and say how the run went."""
    relay.exchanges_abandon(session_id=session.pk)
    run = _run(session)
    if run is None:
        return "FieldOffice: nothing to sync."
    deadline = time.monotonic() + 5
    while run.status == SyncRunStatus.RUNNING and time.monotonic() < deadline:
        relay.pause()
        run.refresh_from_db(fields=["status", "summary", "error_summary"])
    if run.status == SyncRunStatus.RUNNING:
        return "FieldOffice: the sync stopped with the session; the next session goes on from here."
    if run.status == SyncRunStatus.FAILED:
        return f"FieldOffice: sync failed: {run.error_summary}"
    text = run.summary or "finished"
    return f"FieldOffice: sync finished: {text}" + (f" {run.error_summary}" if run.error_summary else "")

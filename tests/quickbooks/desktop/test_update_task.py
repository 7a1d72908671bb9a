"""
A Web Connector update's sync is a django-q2 task like every run (issue 15): queued on the database broker when the
session starts, named after its run, judged by the reconciler by the same rules, given its session again when it
queues itself again; and the waits on either side of the relay. No worker runs here: the broker's table is read as
django-q2 fills it. (Whole updates through a worker: ``tests/quickbooks/desktop_sync/test_web_connector.py`` and
``tests/chaos/test_desktop_web_restart.py``.)
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from apps.quickbooks.desktop import relay, service, work
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
from apps.quickbooks.services import runs
from apps.quickbooks.services.runs import sync_runs_reconcile
from apps.quickbooks.services.schedules import SYNC_TASK
from apps.quickbooks.sync.context import LockLostError
from apps.quickbooks.tasks import sync_division
from tests.quickbooks.desktop.conftest import request_document


@pytest.fixture
def queued(monkeypatch, django_capture_on_commit_callbacks):
    """Tasks go to the database broker (the tests run them inline otherwise) and nobody takes them."""
    monkeypatch.setattr(Conf, "SYNC", False)

    def queue(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return queue


@pytest.fixture
def session(desktop) -> DesktopSession:
    now = timezone.now()
    return DesktopSession.objects.create(connection=desktop, started_at=now, last_seen_at=now, identified_at=now)


def _tasks() -> list[dict]:
    return [ormq.task for ormq in OrmQ.objects.order_by("pk")]


@pytest.mark.uses_cache
def test_the_quickbooks_app_gives_the_service_its_work_driver():
    previous = service.work_driver_set(driver=None)
    try:
        assert previous is work.DRIVER
    finally:
        service.work_driver_set(driver=previous)


def test_an_update_is_a_task_on_the_database_broker_named_after_its_run(queued, session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0)

    queued(lambda: work.session_start(session=session))

    run = SyncRun.objects.get()
    assert (run.trigger, run.status) == (SyncTrigger.WEB_CONNECTOR, SyncRunStatus.QUEUED)
    session.refresh_from_db()
    assert session.state["run_id"] == run.pk
    [task] = _tasks()
    assert (task["func"], task["name"], task["args"]) == (SYNC_TASK, f"quickbooks-run-{run.pk}", (run.division_id,))
    assert task["kwargs"] == {"trigger": SyncTrigger.WEB_CONNECTOR, "run_id": run.pk, "desktop_session_id": session.pk}
    assert run.task_id == task["id"]
    # Until a worker runs it, the Web Connector hears "NoOp".
    assert work.request_next(session=session) == ""
    assert work.pausing(session=session) is True
    # Its task waits in the broker: the reconciler leaves it alone.
    assert not sync_runs_reconcile()


def test_a_preview_asked_on_the_page_makes_the_update_a_preview(queued, session, desktop):
    DesktopConnection.objects.filter(pk=desktop.pk).update(preview_next=True)

    queued(lambda: work.session_start(session=session))

    assert SyncRun.objects.get().trigger == SyncTrigger.PREVIEW
    assert DesktopConnection.objects.get(pk=desktop.pk).preview_next is False


def test_an_update_whose_task_is_gone_is_lost_and_left_to_the_next_update(queued, session, desktop):
    DesktopConnection.objects.filter(pk=desktop.pk).update(preview_next=True)
    queued(lambda: work.session_start(session=session))
    run = SyncRun.objects.get()
    OrmQ.objects.all().delete()
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    done = sync_runs_reconcile()

    run.refresh_from_db()
    assert done.lost == [run.pk] and not done.requeued and not _tasks()
    assert run.get_status_display() == "Lost (worker stopped)"
    # The Web Connector starts the next update; a lost preview makes it a preview again.
    assert DesktopConnection.objects.get(pk=desktop.pk).preview_next is True


def test_an_update_waiting_for_its_division_is_queued_again_with_its_session(queued, session, monkeypatch):
    queued(lambda: work.session_start(session=session))
    run = SyncRun.objects.get()
    OrmQ.objects.all().delete()
    SyncState.objects.update_or_create(
        division=run.division,
        defaults={"lock_owner": "an-earlier-update", "lock_expires_at": timezone.now() + timedelta(minutes=3)},
    )
    monkeypatch.setattr(runs, "EXECUTE_WAIT_SECONDS", 0)

    queued(lambda: sync_division(run.division_id, run.trigger, run_id=run.pk, desktop_session_id=session.pk))

    [task] = _tasks()
    assert task["kwargs"] == {"trigger": SyncTrigger.WEB_CONNECTOR, "run_id": run.pk, "desktop_session_id": session.pk}
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.QUEUED


def test_an_update_whose_session_ended_before_a_worker_took_it_fails_resumably(queued, session):
    queued(lambda: work.session_start(session=session))
    run = SyncRun.objects.get()
    DesktopSession.objects.filter(pk=session.pk).update(status=DesktopSessionStatus.FAILED, ended_at=timezone.now())

    sync_division(run.division_id, run.trigger, run_id=run.pk, desktop_session_id=session.pk)

    run.refresh_from_db()
    assert (run.status, run.error_summary) == (SyncRunStatus.FAILED, work.NOT_STARTED)
    assert run.started_at is None


def test_an_update_no_worker_takes_within_minutes_ends_saying_why(queued, session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0)
    queued(lambda: work.session_start(session=session))
    run = SyncRun.objects.get()
    assert work.request_next(session=session) == ""
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=4))

    closing = work.request_next(session=session)

    assert "<HostQueryRq" in closing
    assert work.response_receive(session=session, response="<QBXML/>", hresult="", message="") == -1
    assert session.last_error == work.NOT_TAKEN
    assert SyncRun.objects.get(pk=run.pk).status == SyncRunStatus.FAILED


def test_an_update_whose_worker_stopped_ends_as_failed_with_the_reason(queued, session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0)
    queued(lambda: work.session_start(session=session))
    run = SyncRun.objects.get()
    OrmQ.objects.all().delete()
    # The worker took it, then stopped: its lease ran out and the reconciler closed it.
    SyncRun.objects.filter(pk=run.pk).update(
        status=SyncRunStatus.RUNNING, lock_owner="a-stopped-worker", started_at=timezone.now() - timedelta(minutes=9)
    )
    assert sync_runs_reconcile().lost == [run.pk]

    assert "<HostQueryRq" in work.request_next(session=session)
    assert work.response_receive(session=session, response="<QBXML/>", hresult="", message="") == -1
    assert session.last_error.startswith("Its background worker stopped before the sync ended")
    assert work.session_end(session=session).startswith("FieldOffice: sync failed: Its background worker stopped")


def test_closing_the_session_of_an_update_no_worker_took_fails_its_run(queued, session):
    queued(lambda: work.session_start(session=session))

    summary = work.session_end(session=session)

    assert summary == f"FieldOffice: sync failed: {work.NOT_STARTED}"
    assert SyncRun.objects.get().status == SyncRunStatus.FAILED


def test_while_it_waits_on_quickbooks_the_update_keeps_its_lease_and_stops_when_it_lost_it(session):
    run = SyncRun.objects.create(
        division=session.connection.division, trigger=SyncTrigger.WEB_CONNECTOR, lock_owner="this-update"
    )
    soon = timezone.now() + timedelta(seconds=5)
    SyncState.objects.create(division=run.division, lock_owner="this-update", lock_expires_at=soon)
    keep = work._lease_keeper(run.pk)

    keep()

    assert SyncState.objects.get().lock_expires_at > soon + timedelta(minutes=1)
    SyncState.objects.update(lock_owner="another-run")
    with pytest.raises(LockLostError):
        keep()


@pytest.mark.django_db(transaction=True)
def test_the_engine_stops_waiting_for_a_web_connector_silent_for_minutes(session):
    DesktopSession.objects.filter(pk=session.pk).update(last_seen_at=timezone.now() - timedelta(minutes=6))

    with pytest.raises(relay.SessionEndedError):
        relay.RelayTransport(session.pk).exchange(request_document("CustomerQueryRq"))


class _Waits:
    """``relay``'s condition, recording how long each pause would be instead of pausing."""

    def __init__(self, *, woken_at: int | None = None) -> None:
        self.pauses: list[float] = []
        self.woken_at = woken_at

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def wait(self, seconds: float) -> bool:
        self.pauses.append(seconds)
        return len(self.pauses) == self.woken_at


def _looks(results: list):
    remaining = list(results)
    return lambda: remaining.pop(0)


@pytest.mark.uses_cache
def test_waiting_looks_again_with_a_bounded_backoff(monkeypatch):
    waits = _Waits()
    monkeypatch.setattr(relay, "_changed", waits)

    found = relay.wait_for(_looks([None] * 6 + ["answer"]), seconds=60)

    assert found == "answer"
    assert waits.pauses == [0.01, 0.02, 0.04, 0.05, 0.05, 0.05]


@pytest.mark.uses_cache
def test_a_long_wait_looks_less_often(monkeypatch):
    """Past the first seconds (QuickBooks on a large request), five looks a second at the most."""
    waits = _Waits()
    monkeypatch.setattr(relay, "_changed", waits)
    clock = iter([100.0, 100.0, 101.0, 104.0, 106.0, 107.0, 108.0, 109.0, 110.0])
    monkeypatch.setattr(relay.time, "monotonic", lambda: next(clock))

    relay.wait_for(_looks([None] * 4 + ["answer"]), seconds=60)

    assert waits.pauses == [0.01, 0.02, 0.04, 0.08]


@pytest.mark.uses_cache
def test_a_wake_in_this_process_makes_the_next_look_quick_again(monkeypatch):
    waits = _Waits(woken_at=4)
    monkeypatch.setattr(relay, "_changed", waits)

    relay.wait_for(_looks([None] * 6 + ["answer"]), seconds=60)

    assert waits.pauses == [0.01, 0.02, 0.04, 0.05, 0.01, 0.02]


@pytest.mark.uses_cache
def test_waiting_stops_when_there_is_nothing_more_to_wait_for(monkeypatch):
    waits = _Waits()
    monkeypatch.setattr(relay, "_changed", waits)
    stops = iter([False, False, True])

    assert relay.wait_for(lambda: None, seconds=60, stop=lambda: next(stops)) is None
    assert len(waits.pauses) == 2
    assert relay.wait_for(lambda: None, seconds=0) is None


@pytest.mark.parametrize("owed", [True, work.CHECKING], ids=["never-taken", "worker-stopped-mid-check"])
def test_a_drift_check_an_ended_session_left_unfinished_is_asked_of_the_next_update(queued, session, desktop, owed):
    earlier = DesktopSession.objects.create(
        connection=desktop,
        started_at=session.started_at - timedelta(minutes=30),
        last_seen_at=session.started_at - timedelta(minutes=20),
        status=DesktopSessionStatus.FAILED,
        ended_at=session.started_at - timedelta(minutes=20),
        state={"run_id": 1, work.DRIFT: owed},
    )
    DesktopConnection.objects.filter(pk=desktop.pk).update(drift_next=False)
    SyncSettings.objects.update_or_create(
        division=desktop.division,
        defaults={
            "customers_direction": "off",
            "inventory_direction": "off",
            "invoices_direction": "off",
            "sync_tax_rates_and_terms": False,
        },
    )
    assert work.work_pending(connection=desktop) is True  # With nothing set to sync, the check is work.

    queued(lambda: work.session_start(session=session))

    session.refresh_from_db()
    earlier.refresh_from_db()
    assert session.state[work.DRIFT] is True
    assert earlier.state[work.DRIFT] is False and earlier.state["run_id"] == 1
    # Owed once: the next update after this one has nothing to do.
    DesktopSession.objects.filter(pk=session.pk).update(
        status=DesktopSessionStatus.DONE, ended_at=session.started_at, state={work.DRIFT: False}
    )
    assert work.work_pending(connection=desktop) is False


def test_a_finished_drift_check_is_not_asked_again(queued, session, desktop):
    DesktopSession.objects.create(
        connection=desktop,
        started_at=session.started_at - timedelta(minutes=30),
        last_seen_at=session.started_at - timedelta(minutes=20),
        status=DesktopSessionStatus.DONE,
        ended_at=session.started_at - timedelta(minutes=20),
        state={"run_id": 1, work.DRIFT: False},
    )

    queued(lambda: work.session_start(session=session))

    session.refresh_from_db()
    assert work.DRIFT not in session.state

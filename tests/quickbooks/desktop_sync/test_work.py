"""The work driver's answers when the run is already over as the Web Connector asks (no engine thread needed)."""

import pytest
from django.utils import timezone

from apps.quickbooks.desktop import work
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.models import DesktopExchange, DesktopSession, SyncRun, SyncRunStatus, SyncTrigger

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(division):
    connection = desktop_credentials_set(division=division, username="main-qbwc", password="Carefree-Heating-2026")
    now = timezone.now()
    return DesktopSession.objects.create(connection=connection, started_at=now, last_seen_at=now)


def _run_ended(session, status: str, error: str = "") -> SyncRun:
    run = SyncRun.objects.create(
        division=session.connection.division,
        trigger=SyncTrigger.WEB_CONNECTOR,
        status=status,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        summary="3 created.",
        error_summary=error,
    )
    session.state = {"run_id": run.pk}
    DesktopSession.objects.filter(pk=session.pk).update(state=session.state)
    return run


def test_a_run_that_ended_while_the_web_connector_asked_closes_with_done(session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0.2)
    _run_ended(session, SyncRunStatus.SUCCEEDED)

    request = work.request_next(session=session)

    assert "<HostQueryRq" in request
    assert DesktopExchange.objects.get(session=session).state == "sent"
    assert work.response_receive(session=session, response="<QBXML/>", hresult="", message="") == 100
    assert work.session_end(session=session) == "FieldOffice: sync finished: 3 created."


def test_a_run_that_failed_meanwhile_ends_the_update_with_its_reason(session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0.2)
    _run_ended(session, SyncRunStatus.FAILED, error="QuickBooks Desktop could not run FieldOffice's request.")

    work.request_next(session=session)

    assert work.response_receive(session=session, response="<QBXML/>", hresult="", message="") == -1
    assert session.last_error == "QuickBooks Desktop could not run FieldOffice's request."


def test_nothing_is_handed_out_while_the_run_is_still_working(session, monkeypatch):
    monkeypatch.setattr(work, "REQUEST_WAIT_SECONDS", 0.2)
    _run_ended(session, SyncRunStatus.RUNNING)

    assert work.request_next(session=session) == ""
    assert work.pausing(session=session) is True

"""Every QBWC method and every answer it can give, through the SOAP endpoint."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.quickbooks.desktop import service
from apps.quickbooks.models import DesktopConnection, DesktopSession, SyncSettings
from tests.factories import DivisionFactory
from tests.quickbooks.desktop.conftest import (
    COMPANY_PATH,
    PASSWORD,
    USERNAME,
    FakeWork,
    hcp_of,
    install_work,
    request_document,
)

pytestmark = pytest.mark.django_db


def _open(qbwc, desktop) -> tuple[str, str]:
    """authenticate, then the first sendRequestXML: (ticket, first request)."""
    ticket = qbwc.authenticate()[0]
    return ticket, qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH)


def test_server_version_names_fieldoffice(qbwc):
    assert qbwc.call("serverVersion").startswith("FieldOffice ")


@pytest.mark.parametrize(
    ("version", "expected"), [("2.3.0.215", ""), ("2.1.0.30", ""), ("3.0.1", "")], ids=["2.3", "2.1", "3.0"]
)
def test_client_version_accepts_2_and_later(qbwc, version, expected):
    assert qbwc.call("clientVersion", strVersion=version) == expected


def test_client_version_warns_about_1x(qbwc):
    answer = qbwc.call("clientVersion", strVersion="1.5.0.1")
    assert answer.startswith("W:") and "older than FieldOffice supports" in answer


@pytest.mark.parametrize(("username", "password"), [(USERNAME, "wrong-password"), ("nobody", PASSWORD), (USERNAME, "")])
def test_authenticate_with_wrong_credentials_is_nvu_and_stores_nothing(qbwc, desktop, fake_work, username, password):
    ticket, status = qbwc.authenticate(username, password)
    assert status == "nvu"
    assert uuid.UUID(ticket)
    assert not DesktopSession.objects.exists()
    # The ticket is fresh but leads nowhere.
    assert qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH) == ""
    assert "does not know this session" in qbwc.last_error(ticket)


def test_authenticate_without_a_password_set_is_nvu(qbwc, division, fake_work):
    DesktopConnection.objects.create(division=division, username=USERNAME)
    assert qbwc.authenticate(USERNAME, "")[1] == "nvu"


def test_authenticate_matches_the_user_name_regardless_of_case(qbwc, desktop, fake_work):
    assert qbwc.authenticate(USERNAME.upper(), PASSWORD)[1] == ""


def test_authenticate_with_nothing_to_do_is_none(qbwc, desktop, monkeypatch):
    install_work(monkeypatch, FakeWork(pending=False))
    ticket, status = qbwc.authenticate()
    assert status == "none" and uuid.UUID(ticket)
    assert not DesktopSession.objects.exists()
    desktop.refresh_from_db()
    assert desktop.last_contact_at is not None


def test_authenticate_of_a_division_on_quickbooks_online_is_none(qbwc, desktop, fake_work):
    SyncSettings.objects.filter(division=desktop.division).update(integration_type="online")
    assert qbwc.authenticate()[1] == "none"
    assert not DesktopSession.objects.exists()


def test_authenticate_answers_busy_while_an_update_runs(qbwc, desktop, fake_work):
    running = qbwc.authenticate()[0]
    ticket, status, *_ = qbwc.authenticate()
    assert status == "busy" and ticket != running
    assert DesktopSession.objects.count() == 1


def test_an_abandoned_session_does_not_block_the_next_update(qbwc, desktop, fake_work):
    stale = qbwc.authenticate()[0]
    DesktopSession.objects.filter(ticket=stale).update(last_seen_at=timezone.now() - timedelta(minutes=6))
    ticket, status, *_ = qbwc.authenticate()
    assert status == ""
    abandoned = DesktopSession.objects.get(ticket=stale)
    assert (abandoned.status, abandoned.ended_at is not None) == ("failed", True)
    assert "stopped answering" in abandoned.last_error
    assert DesktopSession.objects.get(ticket=ticket).status == "open"


def test_authenticate_opens_a_session_with_the_minimum_run_interval(qbwc, desktop, fake_work):
    ticket, status, postpone, every = qbwc.authenticate()
    assert (status, postpone, every) == ("", "0", str(15 * 60))
    session = DesktopSession.objects.get(ticket=ticket)
    assert (session.connection, session.status, session.progress) == (desktop, "open", 0)
    assert session.started_at == session.last_seen_at


def test_authenticate_of_a_manual_division_gives_no_interval(qbwc, desktop, fake_work):
    SyncSettings.objects.filter(division=desktop.division).update(frequency="manual")
    assert len(qbwc.authenticate()) == 2


def test_user_names_are_per_division(qbwc, desktop, fake_work):
    from apps.quickbooks.desktop.setup import desktop_credentials_set

    west = DivisionFactory(name="West", slug="west")
    SyncSettings.objects.create(division=west, integration_type="desktop")
    desktop_credentials_set(division=west, username="wc-west", password="another-long-secret-9")
    ticket = qbwc.authenticate("wc-west", "another-long-secret-9")[0]
    assert DesktopSession.objects.get(ticket=ticket).connection.division == west
    assert qbwc.authenticate("wc-west", PASSWORD)[1] == "nvu"


def test_a_whole_update(qbwc, desktop, fake_work):
    ticket, first = _open(qbwc, desktop)
    assert first == fake_work.documents[0]
    assert fake_work.started == [DesktopSession.objects.get(ticket=ticket).pk]
    assert qbwc.receive(ticket, "<QBXML>one</QBXML>") == 50
    assert DesktopSession.objects.get(ticket=ticket).progress == 50
    assert qbwc.send(ticket) == fake_work.documents[1]
    assert qbwc.receive(ticket, "<QBXML>two</QBXML>") == 100

    summary = qbwc.close(ticket)

    assert summary == "FieldOffice: sync finished: 2 responses applied"
    assert [response for response, _, _ in fake_work.responses] == ["<QBXML>one</QBXML>", "<QBXML>two</QBXML>"]
    session = DesktopSession.objects.get(ticket=ticket)
    assert (session.status, session.progress, session.round_trips, session.requests_sent) == ("done", 100, 2, 3)
    assert session.responses_received == 2 and session.ended_at and session.closed_at
    assert session.summary == summary
    # The driver's state is its own: the service's saves never overwrite it.
    assert session.state == {"run": 1}
    assert (session.company_name, session.company_file, session.qbxml_version) == (
        "Fieldwork Plumbing",
        COMPANY_PATH,
        "13.0",
    )
    # Closing twice says the same and runs the driver's end once.
    assert qbwc.close(ticket) == summary and len(fake_work.ended) == 1


def test_an_unknown_ticket(qbwc, desktop, fake_work):
    ticket = str(uuid.uuid4())
    assert qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH) == ""
    assert qbwc.last_error(ticket) == service.UNKNOWN_SESSION
    assert qbwc.receive(ticket) == -1
    assert qbwc.call("connectionError", ticket=ticket, hresult="0x80040408", message="x") == "done"
    assert "unknown" in qbwc.close(ticket)
    assert qbwc.last_error("not-a-ticket") == service.UNKNOWN_SESSION
    assert fake_work.started == [] and fake_work.responses == []


def test_a_negative_answer_ends_the_session_with_the_drivers_message(qbwc, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(fail_at=1))
    ticket, _ = _open(qbwc, desktop)

    assert qbwc.receive(ticket) == -1

    assert qbwc.last_error(ticket) == work.fail_message
    session = DesktopSession.objects.get(ticket=ticket)
    assert (session.status, session.last_error) == ("failed", work.fail_message)
    assert qbwc.send(ticket) == ""  # Nothing more once failed.
    assert qbwc.close(ticket) == f"FieldOffice: sync failed: {work.fail_message} (1 responses applied)"
    desktop.refresh_from_db()
    assert desktop.last_error == work.fail_message


def test_an_hresult_goes_to_the_driver_which_decides(qbwc, desktop, fake_work):
    ticket, _ = _open(qbwc, desktop)
    assert qbwc.receive(ticket, "", "0x80040400", "QuickBooks found an error when parsing the provided XML.") == 50
    assert fake_work.responses == [("", "0x80040400", "QuickBooks found an error when parsing the provided XML.")]


def test_an_hresult_the_driver_gives_up_on_is_explained(qbwc, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(fail_at=1, fail_message=""))
    ticket, _ = _open(qbwc, desktop)
    assert qbwc.receive(ticket, "", "0x80040400", "QuickBooks found an error when parsing.") == -1
    assert qbwc.last_error(ticket) == (
        "QuickBooks could not run FieldOffice's request: QuickBooks found an error when parsing. (0x80040400)."
    )
    assert work.responses[0][1] == "0x80040400"


def test_noop_while_the_driver_waits_for_work(qbwc, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(pauses=2))
    ticket = qbwc.authenticate()[0]
    assert qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH) == ""
    assert qbwc.last_error(ticket) == "NoOp"
    assert qbwc.send(ticket) == ""
    assert qbwc.last_error(ticket) == "NoOp"
    assert qbwc.send(ticket) == work.documents[0]
    session = DesktopSession.objects.get(ticket=ticket)
    assert (session.pauses, session.round_trips, session.status) == (0, 1, "open")


def test_noop_without_a_pausing_function_after_a_response_that_goes_on(qbwc, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(), with_pausing=False)
    ticket, _ = _open(qbwc, desktop)
    assert qbwc.receive(ticket) == 50
    work.pauses = 1
    assert qbwc.send(ticket) == ""
    assert qbwc.last_error(ticket) == "NoOp"
    assert qbwc.send(ticket) == work.documents[1]


def test_too_many_pauses_give_up(qbwc, desktop, monkeypatch):
    monkeypatch.setattr(service, "MAX_PAUSES", 2)
    install_work(monkeypatch, FakeWork(pauses=5))
    ticket = qbwc.authenticate()[0]
    for _ in range(3):
        assert qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH) == ""
    assert qbwc.last_error(ticket) == service.TOO_MANY_PAUSES
    assert DesktopSession.objects.get(ticket=ticket).status == "failed"


def test_nothing_to_send_at_the_first_request(qbwc, desktop, monkeypatch):
    install_work(monkeypatch, FakeWork(documents=[]))
    ticket, first = _open(qbwc, desktop)
    assert first == ""
    assert qbwc.last_error(ticket) == service.NOTHING_TO_DO
    assert qbwc.close(ticket) == "FieldOffice: sync finished: 0 responses applied"
    assert DesktopSession.objects.get(ticket=ticket).status == "done"


def test_connection_error_is_recorded_and_answered_done(qbwc, desktop, fake_work):
    ticket = qbwc.authenticate()[0]
    answer = qbwc.call("connectionError", ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks.")
    assert answer == "done"
    session = DesktopSession.objects.get(ticket=ticket)
    assert session.status == "failed" and "Could not start QuickBooks. (0x80040408)" in session.last_error
    assert qbwc.last_error(ticket) == session.last_error
    desktop.refresh_from_db()
    assert desktop.last_error == session.last_error
    # The work never started, so the driver has nothing to end.
    assert qbwc.close(ticket).startswith("FieldOffice: sync failed: The Web Connector could not open")
    assert fake_work.ended == []


def test_closing_before_the_end_fails_the_session(qbwc, desktop, fake_work):
    ticket, _ = _open(qbwc, desktop)
    assert qbwc.receive(ticket) == 50
    assert qbwc.close(ticket) == f"FieldOffice: sync failed: {service.CLOSED_EARLY} (1 responses applied)"
    assert DesktopSession.objects.get(ticket=ticket).status == "failed"


def test_a_broken_driver_fails_the_session_in_plain_words(qbwc, desktop, monkeypatch, caplog):
    install_work(monkeypatch, FakeWork(raise_at=1))
    ticket, _ = _open(qbwc, desktop)
    with caplog.at_level(logging.ERROR):
        assert qbwc.receive(ticket) == -1
    assert qbwc.last_error(ticket) == service.UNEXPECTED
    assert "Traceback" not in qbwc.last_error(ticket)
    assert "the driver broke" in caplog.text


def test_a_driver_summary_that_already_says_fieldoffice_is_not_repeated(qbwc, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(documents=[request_document("CustomerQueryRq")]))
    monkeypatch.setattr(work, "session_end", lambda *, session: "FieldOffice: sync finished: 3 customers created.")
    install_work(monkeypatch, work)
    ticket, _ = _open(qbwc, desktop)
    assert qbwc.receive(ticket) == 100
    assert qbwc.close(ticket) == "FieldOffice: sync finished: 3 customers created."


def test_no_password_or_qbxml_in_the_info_log(qbwc, desktop, fake_work, caplog):
    with caplog.at_level(logging.INFO):
        ticket, _ = _open(qbwc, desktop)
        qbwc.receive(ticket, "<QBXML><CustomerRet>secret customer</CustomerRet></QBXML>")
        qbwc.close(ticket)
        qbwc.authenticate(USERNAME, "wrong-password")
    assert PASSWORD not in caplog.text and "wrong-password" not in caplog.text
    assert "CustomerQueryRq" not in caplog.text and "secret customer" not in caplog.text

"""
The Web Connector stand-in (``apps.qbd_sandbox.webconnector``) and ``qbwc_simulate``, over real HTTP against the
live server, with zeep reading the service's WSDL.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.qbd_sandbox.webconnector import RunError, count_requests, webconnector_run
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.models import DesktopSession
from tests.quickbooks.desktop.conftest import (
    COMPANY_PATH,
    PASSWORD,
    USERNAME,
    FakeWork,
    hcp_of,
    hcp_response,
    install_work,
    request_document,
)

pytestmark = pytest.mark.django_db(transaction=True)


class FakeCompany:
    """A company file that answers every request, or fails to open or to run one."""

    def __init__(self, hcp: str, *, path: str = COMPANY_PATH, open_error: bool = False, run_error_at: int = 0):
        self.hcp = hcp
        self.path = path
        self.open_error = open_error
        self.run_error_at = run_error_at
        self.requests: list[str] = []
        self.opened = self.closed = 0

    def hcp_response(self) -> str:
        return self.hcp

    def open(self) -> None:
        if self.open_error:
            raise RunError("0x80040408", "Could not start QuickBooks.")
        self.opened += 1

    def run(self, request: str) -> str:
        self.requests.append(request)
        if len(self.requests) == self.run_error_at:
            raise RunError("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
        return f"<QBXML><QBXMLMsgsRs><Answer n='{len(self.requests)}'/></QBXMLMsgsRs></QBXML>"

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def url(live_server) -> str:
    return f"{live_server.url}{reverse('quickbooks:qbwc')}"


def _run(url, company, password=PASSWORD):
    return webconnector_run(url=url, username=USERNAME, password=password, company=company, noop_wait_seconds=0.0)


def test_one_whole_update(url, desktop, fake_work):
    company = FakeCompany(hcp_of(desktop))

    report = _run(url, company)

    assert report.outcome == "done" and report.server_version.startswith("FieldOffice")
    assert (report.round_trips, report.requests_per_round_trip, report.requests_sent) == (2, [2, 1], 3)
    assert report.last_percent == 100 and report.errors == []
    assert report.close_message == "FieldOffice: sync finished: 2 responses applied"
    assert [call.method for call in report.calls] == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert report.calls[2].sent["strPassword"] == "***"
    assert company.requests == fake_work.documents and (company.opened, company.closed) == (1, 1)
    assert [response for response, _, _ in fake_work.responses] == [
        "<QBXML><QBXMLMsgsRs><Answer n='1'/></QBXMLMsgsRs></QBXML>",
        "<QBXML><QBXMLMsgsRs><Answer n='2'/></QBXMLMsgsRs></QBXML>",
    ]
    assert DesktopSession.objects.get().status == "done"
    assert report.seconds > 0


def test_wrong_password_stops_at_nvu(url, desktop, fake_work):
    report = _run(url, FakeCompany(hcp_of(desktop)), password="not-it")
    assert report.outcome == "nvu" and report.round_trips == 0
    assert [call.method for call in report.calls][-1] == "authenticate"


def test_nothing_to_do_stops_at_none(url, desktop, monkeypatch):
    install_work(monkeypatch, FakeWork(pending=False))
    assert _run(url, FakeCompany(hcp_of(desktop))).outcome == "none"


def test_a_company_file_that_cannot_be_opened_is_a_connection_error(url, desktop, fake_work):
    report = _run(url, FakeCompany(hcp_of(desktop), open_error=True))
    assert report.outcome == "connection error"
    assert [call.method for call in report.calls][-2:] == ["connectionError", "closeConnection"]
    assert report.close_message.startswith("FieldOffice: sync failed: The Web Connector could not open")
    assert DesktopSession.objects.get().status == "failed"


def test_a_request_quickbooks_cannot_run_goes_back_with_its_hresult(url, desktop, monkeypatch):
    work = install_work(monkeypatch, FakeWork(fail_at=1, fail_message=""))
    report = _run(url, FakeCompany(hcp_of(desktop), run_error_at=1))
    assert report.outcome == "failed" and report.last_percent == -1
    assert work.responses == [
        ("", "0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
    ]
    assert "(0x80040400)" in report.errors[0]
    assert [call.method for call in report.calls][-2:] == ["getLastError", "closeConnection"]


def test_noop_waits_and_asks_again(url, desktop, monkeypatch):
    install_work(monkeypatch, FakeWork(pauses=2))
    report = _run(url, FakeCompany(hcp_of(desktop)))
    assert report.outcome == "done" and report.round_trips == 2
    assert [call.result for call in report.calls if call.method == "getLastError"] == ["NoOp", "NoOp"]


def test_a_refused_company_file_is_reported(url, desktop, fake_work):
    report = _run(url, FakeCompany(hcp_response(file_id=None)))
    assert report.outcome == "stopped" and report.round_trips == 0
    assert report.errors[0].startswith("This is not the company file FieldOffice syncs Main with")
    assert report.close_message.startswith("FieldOffice: sync refused:")


def test_count_requests():
    assert count_requests(request_document("CustomerQueryRq", "InvoiceAddRq", "ItemQueryRq")) == 3
    assert count_requests("<QBXML><QBXMLMsgsRq/></QBXML>") == 0


def test_the_command_needs_a_division_a_password_and_a_set_up_connection(division, monkeypatch):
    pytest.importorskip("apps.qbd_sandbox.services")
    monkeypatch.delenv("QBWC_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="No division"):
        call_command("qbwc_simulate", "--division", "nowhere")
    with pytest.raises(CommandError, match="Set the Web Connector password"):
        call_command("qbwc_simulate", "--division", division.slug, "--password", PASSWORD)


def test_the_command_runs_an_update_against_the_emulator(url, desktop, fake_work, monkeypatch, capsys):
    services = pytest.importorskip("apps.qbd_sandbox.services")
    from apps.qbd_sandbox.models import CompanyFile

    monkeypatch.setenv("QBWC_PASSWORD", PASSWORD)
    call_command("qbwc_simulate", "--division", desktop.division.slug, "--url", url, "--json")

    report = json.loads(capsys.readouterr().out)
    assert report["outcome"] == "done" and report["round_trips"] == 2 and report["requests_sent"] == 3
    company = CompanyFile.objects.get(name=desktop.division.name)
    assert str(desktop.file_id).upper() in services.hcp_response(company, owner_id=guid_braced(desktop_owner_id()))
    desktop.refresh_from_db()
    assert desktop.company_file == company.path

    call_command("qbwc_simulate", "--division", desktop.division.slug, "--url", url)
    text = capsys.readouterr().out
    assert "Outcome: done" in text and "Closed: FieldOffice: sync finished" in text

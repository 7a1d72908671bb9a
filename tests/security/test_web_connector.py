"""
The QuickBooks Web Connector endpoint (``/quickbooks/desktop/qbwc/``) against anonymous callers and hostile replies.

Large bodies are refused before anything parses them, unless they are QuickBooks' reply in an open session; user names
and passwords are bounded and compared without patterns; failed sign-ins are counted per user name and per address in
the shared cache; qbXML replies that declare a document type are refused; refused calls are one WARNING line.
"""

import io
import logging

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from apps.accounting.models import PaymentTerm
from apps.core.selectors import division_get_default
from apps.qbd_sandbox import services as emulator
from apps.quickbooks.desktop import service, views
from apps.quickbooks.desktop.backend import DesktopBackend
from apps.quickbooks.desktop.qbxml import QbXmlParseError, response_document_parse
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.models import DesktopSession, SyncRunStatus, SyncSettings, SyncTrigger
from apps.quickbooks.sync.engine import run_division_sync
from tests.quickbooks.desktop.conftest import (
    COMPANY_PATH,
    PASSWORD,
    QBWC,
    SOAP,
    USERNAME,
    FakeWork,
    Qbwc,
    envelope,
    fault_of,
    hcp_of,
    install_work,
    post,
    result_of,
)
from tests.quickbooks.desktop_sync.conftest import EmulatorTransport

pytestmark = pytest.mark.django_db

SMALL = 64 * 1024
TOO_LARGE = "The request is too large."


@pytest.fixture(autouse=True)
def _no_counts_left():
    # Failed sign-ins are counted in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def division(db):
    division = division_get_default()
    SyncSettings.objects.update_or_create(
        division=division,
        defaults={"integration_type": "desktop", "frequency": "15m", "customers_direction": "to_local"},
    )
    return division


@pytest.fixture
def desktop(division):
    return desktop_credentials_set(division=division, username=USERNAME, password=PASSWORD)


@pytest.fixture
def fake_work(monkeypatch) -> FakeWork:
    return install_work(monkeypatch, FakeWork())


@pytest.fixture
def qbwc(client) -> Qbwc:
    return Qbwc(client)


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """Each envelope the endpoint starts parsing, by its size when it is bytes (-1 when it streams)."""
    calls: list[int] = []
    real = views.envelope_parse

    def spy(body, *args, **kwargs):
        calls.append(len(body) if isinstance(body, bytes) else -1)
        return real(body, *args, **kwargs)

    monkeypatch.setattr(views, "envelope_parse", spy)
    return calls


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """The passwords ``authenticate`` checked against a hash."""
    checked: list[str] = []
    real = service.check_password

    def spy(password, encoded, *args, **kwargs):
        checked.append(password)
        return real(password, encoded, *args, **kwargs)

    monkeypatch.setattr(service, "check_password", spy)
    return checked


class Body(io.RawIOBase):
    """
    A request body made as it is read (``head``, ``size`` filler bytes, ``tail``), as a caller would send it over the
    network: the test never holds it whole, and ``read`` tells how much of it the server took.
    """

    def __init__(self, head: bytes, size: int, tail: bytes, filler: bytes = b"a") -> None:
        self.head, self.size, self.tail, self.filler = head, size, tail, filler
        self.total = len(head) + size + len(tail)
        self.read_bytes = 0

    def _byte_range(self, start: int, stop: int) -> bytes:
        filler_end = len(self.head) + self.size
        out = bytearray()
        if start < len(self.head):
            out += self.head[start : min(stop, len(self.head))]
        low, high = max(start, len(self.head)), min(stop, filler_end)
        if high > low:
            out += self.filler * (high - low)
        if stop > filler_end:
            out += self.tail[max(start, filler_end) - filler_end : stop - filler_end]
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        stop = self.total if size is None or size < 0 else min(self.total, self.read_bytes + size)
        data = self._byte_range(self.read_bytes, stop)
        self.read_bytes = stop
        return data


def open_call(method: str, *params: tuple[str, str]) -> bytes:
    """The start of a call's envelope up to its last parameter's text (left open), the others before it."""
    *whole, (last, _) = params
    inner = "".join(f"<{name}>{value}</{name}>" for name, value in whole)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
        f'<{method} xmlns="{QBWC}">{inner}<{last}>'
    ).encode()


def close_call(method: str, last: str) -> bytes:
    return f"</{last}></{method}></soap:Body></soap:Envelope>".encode()


def send_streamed(client, body: Body, *, declared: int | None = None, address: str = "203.0.113.7"):
    """POST ``body`` to the endpoint as a network caller would, through the whole middleware stack."""
    return client.generic(
        "POST",
        reverse("quickbooks:qbwc"),
        b"",
        content_type="text/xml; charset=utf-8",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.total if declared is None else declared)},
        REMOTE_ADDR=address,
    )


def large_authenticate(size: int) -> Body:
    return Body(
        open_call("authenticate", ("strUserName", "")),
        size,
        close_call("authenticate", "strUserName").replace(
            b"</authenticate>", b"<strPassword>x</strPassword></authenticate>"
        ),
    )


def large_reply(ticket: str, size: int) -> Body:
    return Body(
        open_call("receiveResponseXML", ("ticket", ticket), ("response", "")),
        size,
        close_call("receiveResponseXML", "response"),
    )


def open_session(qbwc: Qbwc, desktop) -> str:
    ticket = qbwc.authenticate()[0]
    assert qbwc.send(ticket, hcp_of(desktop), COMPANY_PATH)
    return ticket


# Bodies over 64 KiB.


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda ticket: large_authenticate(4 * 1024 * 1024), id="authenticate"),
        pytest.param(lambda ticket: large_reply("8a1a5b1e-0000-4000-8000-000000000000", 4 * 1024 * 1024), id="unknown"),
        pytest.param(lambda ticket: large_reply("", 4 * 1024 * 1024), id="no-ticket"),
        pytest.param(
            lambda ticket: Body(
                open_call("sendRequestXML", ("ticket", ticket), ("strHCPResponse", "")),
                4 * 1024 * 1024,
                close_call("sendRequestXML", "strHCPResponse"),
            ),
            id="another-method-with-a-live-ticket",
        ),
        pytest.param(
            lambda ticket: Body(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]>', 4 * 1024 * 1024, b""),
            id="dtd",
        ),
    ],
)
def test_a_body_over_64_kib_is_refused_after_64_kib_without_being_parsed(
    client, qbwc, desktop, fake_work, parsed, body
):
    ticket = open_session(qbwc, desktop)
    parsed.clear()
    sent = body(ticket)

    faultcode, message = fault_of(send_streamed(client, sent))

    assert (faultcode, message) == ("soap:Client", TOO_LARGE)
    assert sent.read_bytes <= SMALL + 1
    assert parsed == []
    assert fake_work.responses == []


def test_a_declared_length_over_the_limit_is_refused_before_reading(client, settings, parsed):
    settings.QBWC_MAX_RESPONSE_MB = 1
    sent = large_authenticate(100)

    faultcode, message = fault_of(send_streamed(client, sent, declared=1024 * 1024 + 1))

    assert (faultcode, message) == ("soap:Client", TOO_LARGE)
    assert sent.read_bytes == 0 and parsed == []


def test_a_large_reply_of_an_open_session_is_read_up_to_the_limit(client, qbwc, desktop, fake_work, settings):
    settings.QBWC_MAX_RESPONSE_MB = 1
    ticket = open_session(qbwc, desktop)

    fitting = large_reply(ticket, 1024 * 1024 - 2000)
    assert int(result_of(send_streamed(client, fitting))) == 50
    (response, _, _) = fake_work.responses[0]
    assert len(response) == fitting.size and set(response) == {"a"}

    over = large_reply(ticket, 3 * 1024 * 1024)
    assert fault_of(send_streamed(client, over)) == ("soap:Client", TOO_LARGE)
    # Read in chunks and stopped at the limit, never read whole.
    assert over.read_bytes <= 1024 * 1024 + views.CHUNK_BYTES
    assert len(fake_work.responses) == 1


def test_a_large_reply_may_hold_a_text_node_over_libxml2s_limit(client, qbwc, desktop, fake_work, settings):
    settings.QBWC_MAX_RESPONSE_MB = 12
    ticket = open_session(qbwc, desktop)

    assert int(result_of(send_streamed(client, large_reply(ticket, 11 * 1000 * 1000)))) == 50
    assert len(fake_work.responses[0][0]) == 11 * 1000 * 1000


def test_a_small_envelope_keeps_libxml2s_limits(client):
    # 300 levels: beyond libxml2's 256 unless huge_tree is on, which only a large reply of an open session gets.
    deep = "<a>" * 300 + "</a>" * 300
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><authenticate xmlns="{QBWC}">'
        f"<strUserName>{deep}</strUserName><strPassword>x</strPassword></authenticate></soap:Body></soap:Envelope>"
    ).encode()

    faultcode, message = fault_of(post(client, body))

    assert faultcode == "soap:Client" and "not well-formed" in message


# User names and passwords.


def test_a_user_name_too_long_for_any_connection_is_nvu_without_a_lookup(qbwc, desktop, fake_work):
    # Under 64 KiB, so it is read; SQLite refused it as a LIKE pattern ("pattern too complex"): a soap:Server fault.
    with CaptureQueriesContext(connection) as queries:
        _, status = qbwc.authenticate("x" * 60_000, PASSWORD)

    assert status == "nvu"
    assert not any("desktopconnection" in query["sql"] for query in queries.captured_queries)


def test_the_user_name_is_matched_whatever_its_case_without_a_pattern(qbwc, desktop, fake_work):
    with CaptureQueriesContext(connection) as queries:
        assert qbwc.authenticate(USERNAME.upper(), PASSWORD)[1] == ""

    lookups = [query["sql"] for query in queries.captured_queries if "desktopconnection" in query["sql"]]
    assert lookups and not any(" LIKE " in sql.upper() for sql in lookups)


def test_a_password_too_long_is_nvu_without_being_hashed(qbwc, desktop, fake_work, password_checks):
    assert qbwc.authenticate(USERNAME, PASSWORD + "x" * 200)[1] == "nvu"
    assert password_checks == []


def test_a_web_connector_password_over_128_characters_cannot_be_set(division):
    with pytest.raises(ValidationError) as refused:
        desktop_credentials_set(division=division, username=USERNAME, password="Tall-ladder-orange-" * 7)
    assert "at most 128 characters" in str(refused.value.message_dict["password"])


# Failed sign-ins.


def sign_in(client, username: str, password: str, address: str, **headers) -> str:
    answer = client.post(
        reverse("quickbooks:qbwc"),
        envelope("authenticate", strUserName=username, strPassword=password),
        content_type="text/xml; charset=utf-8",
        REMOTE_ADDR=address,
        headers=headers,
    )
    return result_of(answer)[1]


def test_ten_failures_with_a_user_name_refuse_it_from_anywhere_without_checking(
    client, desktop, fake_work, password_checks, caplog
):
    for number in range(10):
        assert sign_in(client, USERNAME, f"guess-{number}", f"198.51.100.{number}") == "nvu"
    password_checks.clear()

    with caplog.at_level(logging.WARNING):
        assert sign_in(client, USERNAME, PASSWORD, "192.0.2.1") == "nvu"
        assert sign_in(client, USERNAME.upper(), PASSWORD, "192.0.2.2") == "nvu"

    assert password_checks == []
    assert not DesktopSession.objects.exists()
    assert caplog.text.count("too many failed sign-ins") == 2
    assert PASSWORD not in caplog.text


def test_ten_failures_from_an_address_refuse_it_for_every_user_name(client, desktop, fake_work, password_checks):
    for number in range(10):
        assert sign_in(client, f"nobody-{number}", "guess", "198.51.100.7") == "nvu"
    password_checks.clear()

    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7") == "nvu"
    assert password_checks == []
    # The user name itself was never guessed at: from elsewhere it signs in.
    assert sign_in(client, USERNAME, PASSWORD, "192.0.2.1") == ""


def test_nine_failures_still_let_the_right_password_in(client, desktop, fake_work):
    for number in range(9):
        assert sign_in(client, USERNAME, f"guess-{number}", "198.51.100.7") == "nvu"
    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7") == ""


def test_x_forwarded_for_does_not_make_a_new_address(client, desktop, fake_work):
    for number in range(10):
        forwarded = {"X-Forwarded-For": f"10.0.0.{number}"}
        assert sign_in(client, f"nobody-{number}", "guess", "198.51.100.7", **forwarded) == "nvu"
    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7", **{"X-Forwarded-For": "10.9.9.9"}) == "nvu"


def test_a_success_does_not_clear_another_addresss_failures(client, desktop, fake_work):
    for number in range(10):
        assert sign_in(client, f"nobody-{number}", "guess", "198.51.100.7") == "nvu"

    assert sign_in(client, USERNAME, PASSWORD, "192.0.2.1") == ""

    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7") == "nvu"


def test_the_counts_are_kept_in_the_shared_cache(client, desktop, fake_work):
    for number in range(10):
        assert sign_in(client, USERNAME, f"guess-{number}", "198.51.100.7") == "nvu"
    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7") == "nvu"

    # Every web process reads the same counts (Redis in production); nothing is kept in the process itself.
    cache.clear()

    assert sign_in(client, USERNAME, PASSWORD, "198.51.100.7") == ""


def test_each_failed_sign_in_is_one_warning_naming_the_user_and_address_never_the_password(
    client, desktop, fake_work, caplog
):
    with caplog.at_level(logging.WARNING):
        sign_in(client, USERNAME, "Hunter2-secret", "198.51.100.7")

    (record,) = [record for record in caplog.records if "sign-in refused" in record.getMessage()]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert USERNAME in record.getMessage() and "198.51.100.7" in record.getMessage()
    assert "Hunter2-secret" not in caplog.text


# qbXML replies with a document type.

XXE_DOCTYPE = '<!DOCTYPE QBXML [<!ENTITY xxe "]">]>'


class TamperedTransport(EmulatorTransport):
    """QuickBooks' machine answering the terms query with a document type whose entity is left out of a name."""

    def exchange(self, document: str) -> str:
        answer = super().exchange(document)
        if "<Name>Net 15</Name>" in answer:
            answer = answer.replace("<QBXML>", f"{XXE_DOCTYPE}<QBXML>", 1)
            answer = answer.replace("<Name>Net 15</Name>", "<Name>XXE[&xxe;</Name>", 1)
        return answer


def test_a_reply_declaring_a_document_type_fails_the_run_instead_of_cutting_a_name(division):
    SyncSettings.objects.filter(division=division).update(sync_tax_rates_and_terms=True)
    company = emulator.company_file_create(name="Carefree Heating")

    run = run_division_sync(division.pk, SyncTrigger.WEB_CONNECTOR, backend=DesktopBackend(TamperedTransport(company)))

    assert run.status == SyncRunStatus.FAILED
    assert "QuickBooks' reply carried a document type declaration, which FieldOffice refuses." in run.error_summary
    assert not PaymentTerm.objects.filter(division=division, name__startswith="XXE").exists()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(f'<?xml version="1.0"?>{XXE_DOCTYPE}<QBXML><QBXMLMsgsRs/></QBXML>'.encode(), id="internal"),
        pytest.param(b'<!DOCTYPE QBXML SYSTEM "http://198.51.100.7/q.dtd"><QBXML><QBXMLMsgsRs/></QBXML>', id="system"),
        pytest.param(
            f'<?xml version="1.0" encoding="UTF-16"?>{XXE_DOCTYPE}<QBXML><QBXMLMsgsRs/></QBXML>'.encode("utf-16"),
            id="utf-16",
        ),
    ],
)
def test_a_reply_declaring_a_document_type_is_not_read(document):
    with pytest.raises(QbXmlParseError, match="document type declaration, which FieldOffice refuses"):
        response_document_parse(document)


def test_a_company_description_declaring_a_document_type_is_refused(qbwc, desktop, fake_work):
    ticket = qbwc.authenticate()[0]
    hcp = hcp_of(desktop).replace("<QBXML>", f"{XXE_DOCTYPE}<QBXML>", 1)

    assert qbwc.send(ticket, hcp, COMPANY_PATH) == ""

    session = DesktopSession.objects.get(ticket=ticket)
    assert session.status == "refused" and "document type declaration" in session.last_error
    assert fake_work.started == []


# What is logged.


def warnings_and_errors(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda: b"this is not xml", id="not-xml"),
        pytest.param(lambda: envelope("deleteEverything"), id="unknown-method"),
        pytest.param(lambda: large_authenticate(SMALL * 4), id="too-large"),
        pytest.param(lambda: large_reply("not-a-ticket", SMALL * 4), id="large-without-ticket"),
    ],
)
def test_a_refused_call_is_one_warning_line_without_traceback(client, caplog, body):
    sent = body()
    with caplog.at_level(logging.DEBUG):
        answer = send_streamed(client, sent if isinstance(sent, Body) else Body(sent, 0, b""))

    assert fault_of(answer)[0] == "soap:Client"
    (record,) = warnings_and_errors(caplog)
    assert record.name == "apps.quickbooks.desktop.views" and record.levelno == logging.WARNING
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "203.0.113.7" in record.getMessage()
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_an_unexpected_error_is_logged_once_with_its_traceback(client, caplog, monkeypatch):
    def broken() -> str:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service, "server_version", broken)
    with caplog.at_level(logging.DEBUG):
        assert fault_of(post(client, envelope("serverVersion")))[0] == "soap:Server"

    (record,) = warnings_and_errors(caplog)
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_the_envelope_of_an_ordinary_call_is_still_read_whole(qbwc, desktop, fake_work, parsed):
    ticket = open_session(qbwc, desktop)
    assert qbwc.receive(ticket, etree.tostring(etree.Element("QBXML"), encoding="unicode")) == 50
    assert parsed and all(size > 0 for size in parsed)

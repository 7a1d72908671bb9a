"""
Fixtures for the Web Connector service: a division set to QuickBooks Desktop with a Web Connector password, a fake
work driver given to the service in place of ``apps.quickbooks.desktop.work.DRIVER``, SOAP calls made with lxml, and
HCP responses as the Web Connector sends them.
"""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from lxml import etree

from apps.core.selectors import division_get_default
from apps.quickbooks.desktop import service
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_owner_id
from apps.quickbooks.desktop.setup import desktop_credentials_set
from apps.quickbooks.models import DesktopConnection, SyncSettings

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
QBWC = "http://developer.intuit.com/"
USERNAME = "wc-main"
PASSWORD = "tall-ladder-orange-42"
COMPANY_PATH = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Fieldwork Plumbing.QBW"
COMPANY_NAME = "Fieldwork Plumbing"


def request_document(*names: str) -> str:
    body = "".join(f'<{name} requestID="{number}"/>' for number, name in enumerate(names, start=1))
    return (
        '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?>'
        f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>'
    )


@dataclass
class FakeWork:
    """A work driver handing out ``documents`` one by one and counting what comes back."""

    pending: bool = True
    documents: list[str] = field(
        default_factory=lambda: [request_document("CustomerQueryRq", "ItemQueryRq"), request_document("InvoiceAddRq")]
    )
    # "" answers, while waiting for work, before the next document is handed out.
    pauses: int = 0
    fail_at: int | None = None
    fail_message: str = "QuickBooks refused the customer Acme Heating: the name is already in use."
    raise_at: int | None = None
    waiting: bool = False
    handed: int = 0
    started: list[int] = field(default_factory=list)
    responses: list[tuple[str, str, str]] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)

    def work_pending(self, *, connection: DesktopConnection) -> bool:
        return self.pending

    def session_start(self, *, session) -> None:
        self.started.append(session.pk)
        self.handed, self.responses = 0, []
        type(session).objects.filter(pk=session.pk).update(state={"run": len(self.started)})

    def request_next(self, *, session) -> str:
        if self.pauses > 0:
            self.pauses -= 1
            self.waiting = True
            return ""
        self.waiting = False
        if self.handed >= len(self.documents):
            return ""
        self.handed += 1
        return self.documents[self.handed - 1]

    def pausing(self, *, session) -> bool:
        return self.waiting

    def response_receive(self, *, session, response: str, hresult: str, message: str) -> int:
        self.responses.append((response, hresult, message))
        if self.raise_at == len(self.responses):
            raise RuntimeError("the driver broke")
        if self.fail_at == len(self.responses):
            session.last_error = self.fail_message
            return -1
        if len(self.responses) >= len(self.documents):
            return 100
        return max(1, len(self.responses) * 100 // len(self.documents))

    def session_end(self, *, session) -> str:
        self.ended.append(session.pk)
        return f"{len(self.responses)} responses applied"


def install_work(monkeypatch, work: FakeWork, *, with_pausing: bool = True) -> FakeWork:
    """Give ``work`` to the service as its work driver, for the test."""
    driver = service.WorkDriver(
        work_pending=work.work_pending,
        session_start=work.session_start,
        request_next=work.request_next,
        response_receive=work.response_receive,
        session_end=work.session_end,
        pausing=work.pausing if with_pausing else None,
    )
    monkeypatch.setattr(service, "_driver", driver)
    return work


@pytest.fixture(autouse=True)
def _no_failed_sign_ins_counted():
    # Failed sign-ins are counted in the cache, which outlives a test: enough of them would refuse the next test's.
    cache.clear()


@pytest.fixture
def fake_work(monkeypatch) -> FakeWork:
    return install_work(monkeypatch, FakeWork())


@pytest.fixture
def division(db):
    division = division_get_default()
    SyncSettings.objects.update_or_create(
        division=division,
        defaults={"integration_type": "desktop", "frequency": "15m", "customers_direction": "to_local"},
    )
    return division


@pytest.fixture
def desktop(division) -> DesktopConnection:
    return desktop_credentials_set(division=division, username=USERNAME, password=PASSWORD)


def hcp_response(*, company_name: str = COMPANY_NAME, file_id: str | None = None, owner_id: str | None = None) -> str:
    """An HCP response as the Web Connector sends it, with the FileID stamped for ``owner_id`` (ours by default)."""
    root = etree.Element("QBXML")
    messages = etree.SubElement(root, "QBXMLMsgsRs")
    host = etree.SubElement(etree.SubElement(messages, "HostQueryRs", statusCode="0"), "HostRet")
    etree.SubElement(host, "ProductName").text = "QuickBooks Enterprise Solutions: Contractor 22.0"
    company = etree.SubElement(etree.SubElement(messages, "CompanyQueryRs", statusCode="0"), "CompanyRet")
    etree.SubElement(company, "IsSampleCompany").text = "false"
    etree.SubElement(company, "CompanyName").text = company_name
    other = etree.SubElement(company, "DataExtRet")
    etree.SubElement(other, "OwnerID").text = "{11111111-2222-3333-4444-555555555555}"
    etree.SubElement(other, "DataExtName").text = "FileID"
    etree.SubElement(other, "DataExtType").text = "STR255TYPE"
    etree.SubElement(other, "DataExtValue").text = "{99999999-8888-7777-6666-555555555555}"
    if file_id:
        extension = etree.SubElement(company, "DataExtRet")
        etree.SubElement(extension, "OwnerID").text = owner_id or guid_braced(desktop_owner_id())
        etree.SubElement(extension, "DataExtName").text = "FileID"
        etree.SubElement(extension, "DataExtType").text = "STR255TYPE"
        etree.SubElement(extension, "DataExtValue").text = file_id
    etree.SubElement(messages, "PreferencesQueryRs", statusCode="0")
    declaration = '<?xml version="1.0" ?>\n<?qbxml version="13.0"?>\n'
    return declaration + etree.tostring(root, encoding="unicode")


def hcp_of(connection: DesktopConnection, **kwargs) -> str:
    return hcp_response(file_id=guid_braced(connection.file_id), **kwargs)


def envelope(method: str, **params) -> bytes:
    root = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soap": SOAP})
    call = etree.SubElement(etree.SubElement(root, f"{{{SOAP}}}Body"), f"{{{QBWC}}}{method}", nsmap={None: QBWC})
    for name, value in params.items():
        etree.SubElement(call, f"{{{QBWC}}}{name}").text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def post(client: Client, body: bytes, *, action: str | None = None):
    headers = {"SOAPAction": action} if action is not None else {}
    return client.post(reverse("quickbooks:qbwc"), body, content_type="text/xml; charset=utf-8", headers=headers)


def result_of(response) -> str | list[str]:
    """The ``…Result`` of an answer: a list for an ArrayOfString, else its text."""
    assert response.status_code == 200, response.content
    root = etree.fromstring(response.content)
    result = root.find(f"{{{SOAP}}}Body")[0][0]
    strings = result.findall(f"{{{QBWC}}}string")
    return [item.text or "" for item in strings] if strings else (result.text or "")


def fault_of(response) -> tuple[str, str]:
    assert response.status_code == 500
    fault = etree.fromstring(response.content).find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    return fault.findtext("faultcode"), fault.findtext("faultstring")


class Qbwc:
    """The Web Connector's calls, through Django's test client, with quoted SOAPAction headers as it sends them."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, **params):
        return result_of(post(self.client, envelope(method, **params), action=f'"{QBWC}{method}"'))

    def authenticate(self, username: str = USERNAME, password: str = PASSWORD) -> list[str]:
        return self.call("authenticate", strUserName=username, strPassword=password)

    def send(self, ticket: str, hcp: str = "", path: str = "") -> str:
        return self.call(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=hcp,
            strCompanyFileName=path,
            qbXMLCountry="US",
            qbXMLMajorVers=13,
            qbXMLMinorVers=0,
        )

    def receive(self, ticket: str, response: str = "<QBXML/>", hresult: str = "", message: str = "") -> int:
        return int(self.call("receiveResponseXML", ticket=ticket, response=response, hresult=hresult, message=message))

    def last_error(self, ticket: str) -> str:
        return self.call("getLastError", ticket=ticket)

    def close(self, ticket: str) -> str:
        return self.call("closeConnection", ticket=ticket)


@pytest.fixture
def qbwc(client) -> Qbwc:
    return Qbwc(client)

"""The SOAP envelope: SOAPAction headers, encodings, faults, and the WSDL as zeep reads it over HTTP."""

import pytest
from django.urls import reverse
from lxml import etree

from apps.quickbooks.desktop import service
from apps.quickbooks.models import DesktopSession
from tests.quickbooks.desktop.conftest import (
    COMPANY_PATH,
    PASSWORD,
    QBWC,
    SOAP,
    USERNAME,
    envelope,
    fault_of,
    hcp_of,
    post,
    result_of,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "action",
    [f'"{QBWC}serverVersion"', f"{QBWC}serverVersion", "", None],
    ids=["quoted", "unquoted", "empty", "missing"],
)
def test_soap_action_with_or_without_quotes(client, action):
    answer = post(client, envelope("serverVersion"), action=action)
    assert result_of(answer).startswith("FieldOffice")
    assert answer["Content-Type"] == "text/xml; charset=utf-8"


def test_the_answer_is_a_soap_11_result_element(client):
    root = etree.fromstring(post(client, envelope("clientVersion", strVersion="2.3.0.215")).content)
    response = root.find(f"{{{SOAP}}}Body/{{{QBWC}}}clientVersionResponse")
    assert response is not None and response.find(f"{{{QBWC}}}clientVersionResult") is not None


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"", "soap:Client", "no SOAP envelope"),
        (b"this is not xml", "soap:Client", "not well-formed"),
        (b"<a><b></a>", "soap:Client", "not well-formed"),
        (b"<Envelope/>", "soap:Client", "not a SOAP 1.1 envelope"),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            "soap:VersionMismatch",
            "SOAP 1.1 only",
        ),
        (f'<s:Envelope xmlns:s="{SOAP}"><s:Body/></s:Envelope>'.encode(), "soap:Client", "exactly one call"),
        (
            f'<s:Envelope xmlns:s="{SOAP}"><s:Body><serverVersion/></s:Body></s:Envelope>'.encode(),
            "soap:Client",
            "namespace",
        ),
        (envelope("deleteEverything"), "soap:Client", "Unknown method"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            + f'<s:Envelope xmlns:s="{SOAP}"><s:Body/></s:Envelope>'.encode(),
            "soap:Client",
            "Document type declarations",
        ),
    ],
    ids=["empty", "garbage", "broken", "no-soap", "soap12", "no-call", "no-namespace", "unknown", "dtd"],
)
def test_garbage_is_a_client_fault(client, body, code, words):
    faultcode, message = fault_of(post(client, body))
    assert faultcode == code and words in message


def test_a_soap_action_naming_another_method_is_a_client_fault(client):
    faultcode, message = fault_of(post(client, envelope("serverVersion"), action=f'"{QBWC}authenticate"'))
    assert faultcode == "soap:Client" and "does not match" in message
    assert fault_of(post(client, envelope("serverVersion"), action='"urn:other"'))[0] == "soap:Client"


def test_a_bad_integer_parameter_is_a_client_fault(client):
    body = envelope("sendRequestXML", ticket="x", qbXMLMajorVers="thirteen", qbXMLMinorVers="0")
    faultcode, message = fault_of(post(client, body))
    assert faultcode == "soap:Client" and "qbXMLMajorVers" in message


def test_an_unexpected_error_is_a_server_fault_without_traceback(client, monkeypatch):
    def broken() -> str:
        raise RuntimeError("database on fire at /srv/secret/path")

    monkeypatch.setattr(service, "server_version", broken)
    answer = post(client, envelope("serverVersion"))
    faultcode, message = fault_of(answer)
    assert faultcode == "soap:Server" and "has been logged" in message
    assert b"Traceback" not in answer.content and b"on fire" not in answer.content


def test_other_http_methods_are_refused(client):
    assert client.put(reverse("quickbooks:qbwc"), b"", content_type="text/xml").status_code == 405


def test_get_without_wsdl_says_what_the_endpoint_is(client):
    answer = client.get(reverse("quickbooks:qbwc"))
    assert answer.status_code == 200 and b"Web Connector service" in answer.content


def test_no_csrf_token_is_needed(desktop, fake_work):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    ticket, status, *_ = result_of(post(strict, envelope("authenticate", strUserName=USERNAME, strPassword=PASSWORD)))
    assert status == "" and DesktopSession.objects.filter(ticket=ticket).exists()


def test_a_windows_1252_envelope_is_read_in_its_encoding(client, desktop, fake_work):
    ticket = result_of(post(client, envelope("authenticate", strUserName=USERNAME, strPassword=PASSWORD)))[0]
    path = COMPANY_PATH.replace("Fieldwork Plumbing", "Fieldwork Plomberie Générale")
    body = (
        '<?xml version="1.0" encoding="windows-1252"?>'
        + etree.tostring(
            etree.fromstring(
                envelope(
                    "sendRequestXML",
                    ticket=ticket,
                    strHCPResponse=hcp_of(desktop, company_name="Plomberie Générale \u2013 Nord"),
                    strCompanyFileName=path,
                    qbXMLCountry="US",
                    qbXMLMajorVers=13,
                    qbXMLMinorVers=0,
                )
            ),
            encoding="unicode",
        )
    ).encode("cp1252")
    assert result_of(post(client, body)) == fake_work.documents[0]
    session = DesktopSession.objects.get(ticket=ticket)
    assert (session.company_file, session.company_name) == (path, "Plomberie Générale \u2013 Nord")


def test_control_characters_never_break_the_answer(client, desktop, monkeypatch):
    monkeypatch.setattr(service, "server_version", lambda: "FieldOffice\x00 \x1b1.0")
    assert result_of(post(client, envelope("serverVersion"))) == "FieldOffice 1.0"


@pytest.mark.django_db(transaction=True)
def test_zeep_reads_the_wsdl_and_calls_every_method(live_server, desktop, fake_work):
    from zeep import Client

    url = f"{live_server.url}{reverse('quickbooks:qbwc')}"
    wsdl = Client(f"{url}?wsdl")
    assert wsdl.wsdl.services["QBWebConnectorSvc"].ports["QBWebConnectorSvcSoap"].binding_options["address"] == url
    qbwc = wsdl.create_service("{http://developer.intuit.com/}QBWebConnectorSvcSoap", url)

    assert qbwc.serverVersion().startswith("FieldOffice")
    assert qbwc.clientVersion(strVersion="2.3.0.215") is None  # zeep reads "" as None.
    answer = qbwc.authenticate(strUserName=USERNAME, strPassword=PASSWORD)
    ticket, status, postpone, every = answer.string if hasattr(answer, "string") else answer
    assert (status, postpone, every) == (None, "0", "900")
    request = qbwc.sendRequestXML(
        ticket=ticket,
        strHCPResponse=hcp_of(desktop),
        strCompanyFileName=COMPANY_PATH,
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )
    assert request == fake_work.documents[0]
    assert qbwc.receiveResponseXML(ticket=ticket, response="<QBXML/>", hresult="", message="") == 50
    assert qbwc.getLastError(ticket=ticket) == service.NOTHING_TO_DO
    assert qbwc.connectionError(ticket="unknown", hresult="0x80040408", message="x") == "done"
    assert qbwc.closeConnection(ticket=ticket).startswith("FieldOffice: sync failed")

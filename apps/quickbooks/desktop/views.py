"""
The QuickBooks Web Connector endpoint (``/quickbooks/desktop/qbwc/``): SOAP 1.1 calls in, results or faults out.

``GET ?wsdl`` serves the WSDL with this endpoint's address as it was requested. A POST is one call: it is read
(``soap``), handed to the method's service function (``service``) and answered; what cannot be read is a
``soap:Client`` fault and an unexpected error a ``soap:Server`` fault, both HTTP 500 as SOAP 1.1 wants, with no
traceback in the answer. Parameters are never logged: they carry the password and the company's data.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from apps.quickbooks.desktop import service
from apps.quickbooks.desktop.soap import (
    CONTENT_TYPE,
    SoapCall,
    SoapFault,
    envelope_fault,
    envelope_parse,
    envelope_result,
    soap_action_method,
)
from apps.quickbooks.desktop.wsdl import METHODS, wsdl_document

logger = logging.getLogger(__name__)

# Large query answers come back in one call; far above any sensible iterator chunk, far below a memory problem.
MAX_BODY_BYTES = 64 * 1024 * 1024


def _int(value: str, name: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise SoapFault("Client", f"{name} must be a whole number.") from None


def _dispatch(call: SoapCall) -> str | int | list[str]:
    p = call.params.get
    handlers: dict[str, Callable[[], str | int | list[str]]] = {
        "serverVersion": service.server_version,
        "clientVersion": lambda: service.client_version(version_string=p("strVersion", "")),
        "authenticate": lambda: service.authenticate(username=p("strUserName", ""), password=p("strPassword", "")),
        "sendRequestXML": lambda: service.send_request_xml(
            ticket=p("ticket", ""),
            hcp_response=p("strHCPResponse", ""),
            company_file=p("strCompanyFileName", ""),
            country=p("qbXMLCountry", ""),
            major_version=_int(p("qbXMLMajorVers", ""), "qbXMLMajorVers"),
            minor_version=_int(p("qbXMLMinorVers", ""), "qbXMLMinorVers"),
        ),
        "receiveResponseXML": lambda: service.receive_response_xml(
            ticket=p("ticket", ""), response=p("response", ""), hresult=p("hresult", ""), message=p("message", "")
        ),
        "connectionError": lambda: service.connection_error(
            ticket=p("ticket", ""), hresult=p("hresult", ""), message=p("message", "")
        ),
        "getLastError": lambda: service.get_last_error(ticket=p("ticket", "")),
        "closeConnection": lambda: service.close_connection(ticket=p("ticket", "")),
    }
    return handlers[call.method]()


def _answer(content: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(content, status=status, content_type=CONTENT_TYPE)


def _fault(fault: SoapFault) -> HttpResponse:
    return _answer(envelope_fault(fault), status=500)


def _endpoint_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(request.path)


@csrf_exempt
def qbwc_endpoint(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if "wsdl" in {key.lower() for key in request.GET}:
            return _answer(wsdl_document(endpoint_url=_endpoint_url(request)))
        return HttpResponse(
            "FieldOffice's QuickBooks Web Connector service. Add this division's .qwc file to the Web Connector; "
            f"the service description is at {_endpoint_url(request)}?wsdl\n",
            content_type="text/plain; charset=utf-8",
        )
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    length = request.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return _fault(SoapFault("Client", "The request is too large."))
    try:
        body = request.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            raise SoapFault("Client", "The request is too large.")
        call = envelope_parse(body)
        action = soap_action_method(request.headers.get("SOAPAction"))
        if call.method not in METHODS:
            raise SoapFault("Client", f"Unknown method {call.method[:100]!r}.")
        if action and action != call.method:
            raise SoapFault("Client", f"The SOAPAction {action[:100]!r} does not match the call {call.method!r}.")
        result = _dispatch(call)
    except SoapFault as fault:
        logger.warning("QuickBooks Web Connector: fault %s: %s", fault.code, fault.message)
        return _fault(fault)
    except Exception:
        logger.exception("QuickBooks Web Connector: unexpected error")
        return _fault(SoapFault("Server", "FieldOffice could not answer this call; the error has been logged."))
    logger.debug("QuickBooks Web Connector: %s answered", call.method)
    return _answer(envelope_result(call.method, result))

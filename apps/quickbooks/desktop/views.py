"""
The QuickBooks Web Connector endpoint (``/quickbooks/desktop/qbwc/``): SOAP 1.1 calls in, results or faults out.

``GET ?wsdl`` serves the WSDL with this endpoint's address as it was requested. A POST is one call: it is read
(``soap``), handed to the method's service function (``service``) and answered; what cannot be read is a
``soap:Client`` fault and an unexpected error a ``soap:Server`` fault, both HTTP 500 as SOAP 1.1 wants (the Web
Connector shows a fault's text in its status column), with no traceback in the answer. Parameters are never logged:
they carry the password and the company's data.

Anyone can reach this endpoint, so what it reads is bounded before anything is parsed: a call is at most
``SMALL_BODY_BYTES``, except a ``receiveResponseXML`` whose ticket names an open session, which carries QuickBooks'
reply and may take up to ``QBWC_MAX_RESPONSE_MB``; it is parsed as it is read, never held whole as bytes. A refused
call is one WARNING line, and Django is told it was logged, so that callers cannot fill the log with tracebacks or
"Internal Server Error".
"""

import logging
from collections.abc import Callable, Iterator

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from apps.quickbooks.desktop import service
from apps.quickbooks.desktop.soap import (
    CONTENT_TYPE,
    SoapCall,
    SoapFault,
    envelope_fault,
    envelope_parse,
    envelope_peek,
    envelope_result,
    soap_action_method,
)
from apps.quickbooks.desktop.wsdl import METHODS, wsdl_document

logger = logging.getLogger(__name__)

# Every call but QuickBooks' reply is small: authenticate is a few hundred bytes, the company file check a few KB.
SMALL_BODY_BYTES = 64 * 1024
# The one method whose envelope may be large, and only with the ticket of an open session.
LARGE_METHOD = "receiveResponseXML"
CHUNK_BYTES = 1024 * 1024
TOO_LARGE = "The request is too large."


def _large_body_limit() -> int:
    return settings.QBWC_MAX_RESPONSE_MB * 1024 * 1024


def _int(value: str, name: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        raise SoapFault("Client", f"{name} must be a whole number.") from None


def _dispatch(call: SoapCall, *, client_address: str) -> str | int | list[str]:
    p = call.params.get
    handlers: dict[str, Callable[[], str | int | list[str]]] = {
        "serverVersion": service.server_version,
        "clientVersion": lambda: service.client_version(version_string=p("strVersion", "")),
        "authenticate": lambda: service.authenticate(
            username=p("strUserName", ""), password=p("strPassword", ""), client_address=client_address
        ),
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
    response = _answer(envelope_fault(fault), status=500)
    # Logged here already: django.request would add an "Internal Server Error" line for every refused call.
    response._has_been_logged = True
    return response


def _endpoint_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(request.path)


def _client_address(request: HttpRequest) -> str:
    """
    The caller's address, for counting failed sign-ins: ``REMOTE_ADDR``, unless the installation says which proxy
    header to trust (allauth's ``ALLAUTH_TRUSTED_PROXY_COUNT`` or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``, which the
    sign-in page's limits use too). A forged ``X-Forwarded-For`` is never taken on its own word.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return request.META.get("REMOTE_ADDR", "")


def _body_chunks(request: HttpRequest, head: bytes, limit: int) -> Iterator[bytes]:
    """``head``, then the rest of the body as it is read, stopping with a fault past ``limit`` bytes."""
    total = len(head)
    yield head
    while chunk := request.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise SoapFault("Client", TOO_LARGE)
        yield chunk


def _call_read(request: HttpRequest) -> SoapCall:
    """
    Read the call, refusing a large body before parsing it: up to ``SMALL_BODY_BYTES`` for any call; more only for a
    ``receiveResponseXML`` whose first bytes carry the ticket of an open session, up to ``QBWC_MAX_RESPONSE_MB``.
    """
    limit = _large_body_limit()
    length = request.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        raise SoapFault("Client", TOO_LARGE)
    head = request.read(SMALL_BODY_BYTES + 1)
    if len(head) <= SMALL_BODY_BYTES:
        return envelope_parse(head)
    method, ticket = envelope_peek(head)
    if method != LARGE_METHOD or not service.large_response_allowed(ticket=ticket):
        raise SoapFault("Client", TOO_LARGE)
    call = envelope_parse(_body_chunks(request, head, limit), large=True)
    if call.method != method or call.params.get("ticket") != ticket:
        raise SoapFault("Client", "The call does not match the ticket it started with.")
    return call


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
    client_address = _client_address(request)
    try:
        call = _call_read(request)
        action = soap_action_method(request.headers.get("SOAPAction"))
        if call.method not in METHODS:
            raise SoapFault("Client", f"Unknown method {call.method[:100]!r}.")
        if action and action != call.method:
            raise SoapFault("Client", f"The SOAPAction {action[:100]!r} does not match the call {call.method!r}.")
        result = _dispatch(call, client_address=client_address)
    except SoapFault as fault:
        logger.warning(
            "QuickBooks Web Connector: fault %s for %r: %s", fault.code, client_address, " ".join(fault.message.split())
        )
        return _fault(fault)
    except Exception:
        logger.exception("QuickBooks Web Connector: unexpected error")
        return _fault(SoapFault("Server", "FieldOffice could not answer this call; the error has been logged."))
    logger.debug("QuickBooks Web Connector: %s answered", call.method)
    return _answer(envelope_result(call.method, result))

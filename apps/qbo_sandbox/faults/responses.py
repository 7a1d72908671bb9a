"""
The answers of the fault layer, shaped as Intuit's gateway sends them.

- 429: ``ThrottleExceeded`` (3001) with capitalised keys, or as ``IntuitResponse`` XML, which Intuit sends now and
  then even to ``Accept: application/json``.
- 500: the gateway's ``InternalServerError`` (3100) in the lowercase skeleton of its authentication faults, or XML.
- 502, 503, 504: the load balancer's HTML page, not JSON: clients must not assume a parsable body.
"""

from http import HTTPStatus
from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from apps.qbo_sandbox.api.auth import ApiAuthError, api_auth_error_response
from apps.qbo_sandbox.http import intuit_tid, json_response
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.timefmt import qbo_response_time

XML_CONTENT_TYPE = "application/xml;charset=UTF-8"
XML_NAMESPACE = "http://schema.intuit.com/finance/v3"
THROTTLE_MESSAGE = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
# Two spaces after the full stop, as Intuit writes it.
THROTTLE_DETAIL = "The request limit was reached.  Try again later"
GATEWAY_PAGE_STATUSES = frozenset({502, 503, 504})


def _xml_fault(company: SandboxCompany, *, status: int, code: int, message: str, detail: str = "") -> HttpResponse:
    detail_element = f"\n            <Detail>{escape(detail)}</Detail>" if detail else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<IntuitResponse time={quoteattr(qbo_response_time(company.time_zone))} xmlns={quoteattr(XML_NAMESPACE)}>\n"
        '    <Fault type="SERVICE">\n'
        f'        <Error code="{code}">\n'
        f"            <Message>{escape(message)}</Message>{detail_element}\n"
        "        </Error>\n"
        "    </Fault>\n"
        "</IntuitResponse>\n"
    )
    response = HttpResponse(body, status=status, content_type=XML_CONTENT_TYPE)
    response["intuit_tid"] = intuit_tid()
    return response


def throttle_fault_response(company: SandboxCompany, *, xml: bool = False) -> HttpResponse:
    if xml:
        return _xml_fault(company, status=429, code=3001, message=THROTTLE_MESSAGE, detail=THROTTLE_DETAIL)
    body = {
        "Fault": {
            "Error": [{"Message": THROTTLE_MESSAGE, "Detail": THROTTLE_DETAIL, "code": "3001"}],
            "type": "SERVICE",
        },
        "time": qbo_response_time(company.time_zone),
    }
    return json_response(body, status=429)


def _gateway_page(status: int) -> HttpResponse:
    title = f"{status} {HTTPStatus(status).phrase}"
    body = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    response = HttpResponse(body, status=status, content_type="text/html")
    response["intuit_tid"] = intuit_tid()
    return response


def _status_name(status: int) -> str:
    """``InternalServerError`` for 500: the phrase without spaces, as in Intuit's fault messages."""
    try:
        return HTTPStatus(status).phrase.replace(" ", "").replace("-", "")
    except ValueError:
        return "Error"


def server_error_response(company: SandboxCompany, status: int, *, xml: bool = False) -> HttpResponse:
    """An injected HTTP error ``status``, with the body Intuit's front end gives it."""
    if status in GATEWAY_PAGE_STATUSES:
        return _gateway_page(status)
    name = _status_name(status)
    if xml:
        message = f"message={name}; errorCode=003100; statusCode={status}"
        return _xml_fault(company, status=status, code=3100, message=message)
    # The gateway's faults share the lowercase skeleton of its authentication faults.
    error = ApiAuthError(status=status, message=name, code=3100, fault_type="SERVICE")
    return api_auth_error_response(error)

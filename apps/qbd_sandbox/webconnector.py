"""
A stand-in for Intuit's QuickBooks Web Connector: plays one update against FieldOffice's SOAP service over HTTP.

It reads the service's WSDL and calls it with zeep, an independent SOAP client, in the Web Connector's order:
serverVersion, clientVersion, authenticate, then sendRequestXML (the first with the HCP response and the company
file's path) / run the request in the company file / receiveResponseXML until 100 or a negative number, getLastError
when told nothing or something went wrong (waiting and asking again after "NoOp"), and closeConnection. When the
company file cannot be opened it calls connectionError; when a request cannot be run it hands the HRESULT and
message to receiveResponseXML, as the Web Connector does.

The company file is anything with the ``DesktopCompany`` shape; ``EmulatorCompany`` is a company file of this
emulator.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

QBWC_BINDING = "{http://developer.intuit.com/}QBWebConnectorSvcSoap"
CLIENT_VERSION = "2.3.0.215"
QBXML_COUNTRY = "US"
QBXML_MAJOR, QBXML_MINOR = 13, 0
# The Web Connector waits about five seconds after "NoOp"; tests shorten it.
NOOP_WAIT_SECONDS = 5.0
MAX_NOOPS = 120
MAX_ROUND_TRIPS = 100_000
NOOP = "NoOp"
_REQUEST = re.compile(r"<(?!QBXMLMsgsRq\b)(\w+)Rq\b")


class RunError(Exception):
    """QuickBooks could not open the company file or run a request: an HRESULT and its message."""

    def __init__(self, hresult: str, message: str) -> None:
        super().__init__(f"{hresult}: {message}")
        self.hresult = hresult
        self.message = message


class DesktopCompany(Protocol):
    path: str

    def hcp_response(self) -> str: ...

    def open(self) -> None: ...

    def run(self, request: str) -> str: ...

    def close(self) -> None: ...


class EmulatorCompany:
    """A company file of the emulator, opened for one Web Connector update."""

    def __init__(self, company: Any, *, owner_id: str) -> None:
        self.company = company
        self.owner_id = owner_id
        self.path = company.path
        self.session_id = ""

    def hcp_response(self) -> str:
        from apps.qbd_sandbox import services

        return services.hcp_response(self.company, owner_id=self.owner_id)

    def open(self) -> None:
        from apps.qbd_sandbox import services

        try:
            self.session_id = services.session_open(self.company)
        except services.QbXmlError as exc:
            raise RunError(exc.hresult, exc.message) from None

    def run(self, request: str) -> str:
        from apps.qbd_sandbox import services

        try:
            return services.qbxml_process(self.company, request, session_id=self.session_id)
        except services.QbXmlError as exc:
            raise RunError(exc.hresult, exc.message) from None

    def close(self) -> None:
        from apps.qbd_sandbox import services

        if self.session_id:
            services.session_close(self.company, self.session_id)
            self.session_id = ""


@dataclass
class Call:
    """One SOAP call: its method, what was sent (passwords and qbXML summarised), its answer and its duration."""

    method: str
    sent: dict[str, Any]
    result: Any
    seconds: float


@dataclass
class SessionReport:
    url: str
    server_version: str = ""
    authenticate_status: str = ""
    outcome: str = ""
    round_trips: int = 0
    requests_per_round_trip: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    last_percent: int | None = None
    close_message: str = ""
    seconds: float = 0.0
    calls: list[Call] = field(default_factory=list)

    @property
    def requests_sent(self) -> int:
        return sum(self.requests_per_round_trip)


def count_requests(document: str) -> int:
    """The ``…Rq`` elements of a qbXML document."""
    return len(_REQUEST.findall(document))


def _text(value: Any) -> str:
    # zeep reads an empty string element as None.
    return "" if value is None else str(value)


def _strings(value: Any) -> list[str]:
    """An ArrayOfString as zeep returns it (a list, or an object holding ``string``) as a list of str."""
    if value is None:
        return []
    items = value if isinstance(value, list) else getattr(value, "string", None) or []
    return [_text(item) for item in items]


def _summary(value: str) -> str:
    return f"<{len(value)} characters>" if value else ""


class _Recorder:
    def __init__(self, service: Any, report: SessionReport) -> None:
        self.service = service
        self.report = report

    def __call__(self, method: str, shown: dict[str, Any] | None = None, **params: Any) -> Any:
        started = time.monotonic()
        result = getattr(self.service, method)(**params)
        seconds = time.monotonic() - started
        self.report.calls.append(Call(method, shown if shown is not None else params, result, round(seconds, 4)))
        return result


def _service(url: str, timeout: float) -> Any:
    from zeep import Client
    from zeep.transports import Transport

    transport = Transport(timeout=timeout, operation_timeout=timeout)
    client = Client(f"{url}?wsdl", transport=transport)
    return client.create_service(QBWC_BINDING, url)


@dataclass
class _Update:
    call: _Recorder
    report: SessionReport
    company: DesktopCompany
    noop_wait_seconds: float
    max_noops: int
    sleep: Callable[[float], None]

    def run(self, *, username: str, password: str, client_version: str) -> None:
        call, report = self.call, self.report
        report.server_version = _text(call("serverVersion"))
        answer = _text(call("clientVersion", strVersion=client_version))
        if answer.startswith(("E:", "O:")):
            report.outcome = "client version refused"
            report.errors.append(answer[2:])
            return
        shown = {"strUserName": username, "strPassword": "***"}
        auth = _strings(call("authenticate", shown, strUserName=username, strPassword=password))
        ticket, status = [*auth, "", ""][:2]
        report.authenticate_status = status
        if status in ("nvu", "none", "busy"):
            report.outcome = status
            return
        try:
            self.company.open()
        except RunError as exc:
            report.errors.append(f"{exc.hresult}: {exc.message}")
            call("connectionError", ticket=ticket, hresult=exc.hresult, message=exc.message)
            report.outcome = "connection error"
            report.close_message = _text(call("closeConnection", ticket=ticket))
            return
        try:
            report.outcome = self.exchange(ticket)
        finally:
            self.company.close()
        report.close_message = _text(call("closeConnection", ticket=ticket))

    def exchange(self, ticket: str) -> str:
        """The sendRequestXML / receiveResponseXML loop; returns the outcome."""
        call, report = self.call, self.report
        first, noops = True, 0
        while report.round_trips < MAX_ROUND_TRIPS:
            hcp, path = (self.company.hcp_response(), self.company.path) if first else ("", "")
            request = _text(
                call(
                    "sendRequestXML",
                    {"ticket": ticket, "strHCPResponse": _summary(hcp), "strCompanyFileName": path},
                    ticket=ticket,
                    strHCPResponse=hcp,
                    strCompanyFileName=path,
                    qbXMLCountry=QBXML_COUNTRY,
                    qbXMLMajorVers=QBXML_MAJOR,
                    qbXMLMinorVers=QBXML_MINOR,
                )
            )
            first = False
            if not request:
                error = _text(call("getLastError", ticket=ticket))
                if error == NOOP and noops < self.max_noops:
                    noops += 1
                    self.sleep(self.noop_wait_seconds)
                    continue
                if error and error != NOOP:
                    report.errors.append(error)
                return "stopped"
            noops = 0
            report.round_trips += 1
            report.requests_per_round_trip.append(count_requests(request))
            try:
                response, hresult, message = self.company.run(request), "", ""
            except RunError as exc:
                response, hresult, message = "", exc.hresult, exc.message
            shown = {"ticket": ticket, "response": _summary(response), "hresult": hresult, "message": message}
            percent = call(
                "receiveResponseXML", shown, ticket=ticket, response=response, hresult=hresult, message=message
            )
            report.last_percent = int(percent)
            if report.last_percent < 0:
                report.errors.append(_text(call("getLastError", ticket=ticket)))
                return "failed"
            if report.last_percent >= 100:
                return "done"
        return "stopped"


def webconnector_run(
    *,
    url: str,
    username: str,
    password: str,
    company: DesktopCompany,
    client_version: str = CLIENT_VERSION,
    noop_wait_seconds: float = NOOP_WAIT_SECONDS,
    max_noops: int = MAX_NOOPS,
    timeout: float = 300.0,
    sleep: Callable[[float], None] = time.sleep,
) -> SessionReport:
    """Run one Web Connector update of ``company`` against the service at ``url`` and say how it went."""
    report = SessionReport(url=url)
    started = time.monotonic()
    update = _Update(_Recorder(_service(url, timeout), report), report, company, noop_wait_seconds, max_noops, sleep)
    try:
        update.run(username=username, password=password, client_version=client_version)
    finally:
        report.seconds = round(time.monotonic() - started, 3)
    return report

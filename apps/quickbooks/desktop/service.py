"""
What the eight QuickBooks Web Connector methods mean for FieldOffice.

A Web Connector update is a session named by a ticket (``DesktopSession``): ``authenticate`` opens it, the first
``sendRequestXML`` checks the company file (``identity``) and starts the work, then ``sendRequestXML`` and
``receiveResponseXML`` alternate until the work driver says 100 (done) or a negative number (failed), and
``closeConnection`` ends it. What to send and how to apply answers is the business of the work driver this module
is given (``work_driver_set``: the quickbooks app's ``ready()`` gives it ``apps.quickbooks.desktop.work.DRIVER``, and
tests their own); this module keeps the protocol: tickets, busy and refused sessions, progress, errors in plain words
for the Web Connector's status column, and the summary.

When ``request_next`` returns ``""``, the work driver's ``pausing(session=…)`` (if it has one) tells whether it waits
for work still being prepared; without it, ``""`` after a response that said 1-99 is a pause. A pause makes
``getLastError`` answer ``"NoOp"`` and the Web Connector ask again after about five seconds. ``""`` otherwise, before
any response, means there was nothing to do.

The work driver is called outside any database transaction (it may wait for a background worker) and owns the
session's ``state``; this module saves only its own fields.

Passwords and qbXML bodies are never logged at INFO. Failed sign-ins are counted per user name and per client address
(``throttle``); past the limit ``authenticate`` answers ``nvu`` without checking the password.
"""

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from lxml import etree

from apps.quickbooks.desktop.identity import IdentityError, company_identity_parse, identity_check
from apps.quickbooks.desktop.selectors import (
    USERNAME_MAX_LENGTH,
    desktop_connection_by_username,
    desktop_is_chosen,
    desktop_owner_id,
    desktop_run_every,
)
from apps.quickbooks.desktop.setup import PASSWORD_MAX_LENGTH
from apps.quickbooks.desktop.throttle import (
    WINDOW_SECONDS,
    signin_failure_record,
    signin_refused,
    signin_success_record,
)
from apps.quickbooks.models import DesktopConnection, DesktopSession, DesktopSessionStatus

logger = logging.getLogger(__name__)

NOT_VALID_USER = "nvu"
NO_WORK = "none"
BUSY = "busy"
USE_OPEN_FILE = ""
NOOP = "NoOp"
DONE = "done"
PREFIX = "FieldOffice:"
# An open session heard from within this time is running: a second update of the division is told "busy". An older
# one was abandoned (the Web Connector or its machine stopped) and is closed as failed.
BUSY_WINDOW = timedelta(minutes=5)
# Pauses in a row before a session is given up (about five seconds each).
MAX_PAUSES = 120
# Web Connector versions older than 2.0 lack what FieldOffice relies on (sessions with HCP responses, NoOp).
MINIMUM_CLIENT_MAJOR = 2
FAILED = -1

UNKNOWN_SESSION = (
    "FieldOffice does not know this session (FieldOffice may have restarted during the update). Nothing more was "
    "synced; the next update starts a new session."
)
UNEXPECTED = (
    "FieldOffice ran into an unexpected problem and stopped this update; its administrators can find it in the log."
)
ABANDONED = "The Web Connector stopped answering during this update; FieldOffice closed it."
CLOSED_EARLY = "The Web Connector closed the update before it was finished."
NOTHING_TO_DO = "FieldOffice has nothing to sync right now."
NOTHING_MORE = "FieldOffice has nothing more to sync in this update."
TOO_MANY_PAUSES = "FieldOffice waited too long for work to be ready and stopped this update; the next one goes on."

# For the requests FieldOffice wrote itself.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

T = TypeVar("T")


@dataclass(frozen=True)
class WorkDriver:
    """
    The work behind the protocol, each called with keyword arguments: ``work_pending(connection=…)`` (anything to
    sync?), ``session_start(session=…)`` at the first request once the company file is checked,
    ``request_next(session=…)`` (the next qbXML document, or ``""``), ``response_receive(session=…, response=…,
    hresult=…, message=…)`` (percent done, negative when failed), ``session_end(session=…)`` (a summary), and
    optionally ``pausing(session=…)`` (see the module's docstring).
    """

    work_pending: Callable[..., bool]
    session_start: Callable[..., None]
    request_next: Callable[..., str]
    response_receive: Callable[..., int]
    session_end: Callable[..., str]
    pausing: Callable[..., bool] | None = None


_driver: WorkDriver | None = None


def work_driver_set(*, driver: WorkDriver | None) -> WorkDriver | None:
    """Give the service the work driver it calls; returns the one it had."""
    global _driver
    previous, _driver = _driver, driver
    return previous


def _work() -> WorkDriver:
    if _driver is None:
        raise ImproperlyConfigured("The QuickBooks Web Connector service has no work driver (see work_driver_set).")
    return _driver


def _now():
    return timezone.now()


def _one_line(text: str, limit: int = 1000) -> str:
    return " ".join(text.split())[:limit]


def server_version() -> str:
    try:
        number = version("fieldoffice")
    except PackageNotFoundError:
        number = "unknown"
    return f"FieldOffice {number}"


def client_version(*, version_string: str) -> str:
    """``""`` for Web Connector 2.x and later; a warning ("W:…") for older ones, which may still try."""
    major = version_string.strip().split(".", 1)[0]
    if major.isdigit() and int(major) < MINIMUM_CLIENT_MAJOR:
        return (
            f"W:This Web Connector ({version_string.strip()}) is older than FieldOffice supports. Install the "
            "current QuickBooks Web Connector from Intuit before relying on this sync."
        )
    return ""


@cache
def _unknown_user_hash() -> str:
    """A hash to check wrong user names against, so that they take as long to refuse as wrong passwords."""
    return make_password(uuid.uuid4().hex)


def _fresh_ticket() -> str:
    return str(uuid.uuid4())


def _abandon_stale_sessions(connection: DesktopConnection, now) -> bool:
    """Close open sessions not heard from within ``BUSY_WINDOW``; ``True`` when a live one remains."""
    open_sessions = connection.sessions.filter(status=DesktopSessionStatus.OPEN)
    open_sessions.filter(last_seen_at__lt=now - BUSY_WINDOW).update(
        status=DesktopSessionStatus.FAILED, last_error=ABANDONED, ended_at=now
    )
    return open_sessions.filter(last_seen_at__gte=now - BUSY_WINDOW).exists()


def _connection_signing_in(*, username: str, password: str) -> DesktopConnection | None:
    """The connection these credentials open, or ``None``; a user name or password too long for any is not looked up."""
    if len(username) > USERNAME_MAX_LENGTH or len(password) > PASSWORD_MAX_LENGTH:
        return None
    connection = desktop_connection_by_username(username=username)
    known = connection is not None and connection.has_password
    # An unknown user name is checked against a hash too, so that it takes as long to refuse as a wrong password.
    if not check_password(password, connection.password_hash if known else _unknown_user_hash()) or not known:
        return None
    return connection


def authenticate(*, username: str, password: str, client_address: str = "") -> list[str]:
    """
    ``[ticket, status, …]``: ``nvu`` for wrong credentials (the ticket is never stored) and, unchecked, after too many
    failed sign-ins with this user name or from this address; ``none`` when there is nothing to sync, ``busy`` when an
    update of the division is running, otherwise ``""`` (use the open company file) and, when the division syncs on a
    schedule, ``"0"`` (no postponing) and MinimumRunEveryNSeconds.
    """
    username = username.strip()
    shown = username[:100]
    if signin_refused(username=username, address=client_address):
        logger.warning(
            "QuickBooks Web Connector: sign-in for user name %r from %r refused unchecked: too many failed sign-ins",
            shown,
            client_address,
        )
        return [_fresh_ticket(), NOT_VALID_USER]
    connection = _connection_signing_in(username=username, password=password)
    if connection is None:
        failures = signin_failure_record(username=username, address=client_address)
        logger.warning(
            "QuickBooks Web Connector: sign-in refused for user name %r from %r (%s failed within %s minutes)",
            shown,
            client_address,
            failures,
            WINDOW_SECONDS // 60,
        )
        return [_fresh_ticket(), NOT_VALID_USER]
    signin_success_record(address=client_address)
    division = connection.division
    with transaction.atomic():
        connection = DesktopConnection.objects.select_for_update().select_related("division").get(pk=connection.pk)
        now = _now()
        connection.last_contact_at = now
        connection.save(update_fields=["last_contact_at", "updated_at"])
        if not desktop_is_chosen(division=division):
            logger.info("QuickBooks Web Connector: %s does not sync with QuickBooks Desktop: none", division.slug)
            return [_fresh_ticket(), NO_WORK]
        if _abandon_stale_sessions(connection, now):
            logger.info("QuickBooks Web Connector: %s already has an update running: busy", division.slug)
            return [_fresh_ticket(), BUSY]
        if not _work().work_pending(connection=connection):
            logger.info("QuickBooks Web Connector: nothing to sync for %s", division.slug)
            return [_fresh_ticket(), NO_WORK]
        session = DesktopSession.objects.create(connection=connection, started_at=now, last_seen_at=now)
    logger.info("QuickBooks Web Connector: session %s of %s opened", session.pk, division.slug)
    answer = [str(session.ticket), USE_OPEN_FILE]
    run_every = desktop_run_every(division=division)
    if run_every is not None:
        answer += ["0", str(int(run_every.total_seconds()))]
    return answer


def _uuid_or_none(ticket: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(ticket.strip())
    except (ValueError, AttributeError):
        return None


def _session(ticket: str) -> DesktopSession | None:
    value = _uuid_or_none(ticket)
    if value is None:
        return None
    return DesktopSession.objects.select_related("connection__division").filter(ticket=value).first()


def large_response_allowed(*, ticket: str) -> bool:
    """
    Whether a ``receiveResponseXML`` with this ticket may be larger than other calls: QuickBooks' reply to a query is
    megabytes, and only a session that signed in and is still open has asked one.
    """
    value = _uuid_or_none(ticket)
    return value is not None and DesktopSession.objects.filter(ticket=value, status=DesktopSessionStatus.OPEN).exists()


# The fields this module owns; ``state`` is the work driver's and is never saved from here.
_SESSION_FIELDS = [
    "status",
    "last_seen_at",
    "ended_at",
    "closed_at",
    "identified_at",
    "progress",
    "last_error",
    "company_name",
    "company_file",
    "qbxml_version",
    "round_trips",
    "requests_sent",
    "responses_received",
    "pauses",
    "summary",
]


def _save(session: DesktopSession) -> None:
    session.save(update_fields=_SESSION_FIELDS)


def _end(session: DesktopSession, status: str, error: str = "") -> None:
    session.status = status
    session.ended_at = session.ended_at or _now()
    if error:
        session.last_error = _one_line(error)


def _record_on_connection(session: DesktopSession, error: str) -> None:
    DesktopConnection.objects.filter(pk=session.connection_id).update(
        last_error=_one_line(error), last_error_at=_now(), updated_at=_now()
    )


def _guarded(ticket: str, failure: T, call: Callable[[], T]) -> T:
    """Run ``call``; an unexpected error ends the session as failed with a plain message instead of a fault."""
    try:
        return call()
    except Exception:
        logger.exception("QuickBooks Web Connector: unexpected error in session with ticket %s", ticket[:36])
        session = _session(ticket)
        if session is not None and session.is_open:
            _end(session, DesktopSessionStatus.FAILED, UNEXPECTED)
            _save(session)
        return failure


def _count_requests(request: str) -> int:
    """The ``…Rq`` elements in a qbXML document (how many things QuickBooks is asked to do)."""
    try:
        root = etree.fromstring(_DECLARATION.sub("", request, count=1), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return 0
    messages = root.find("QBXMLMsgsRq")
    return sum(1 for child in messages if isinstance(child.tag, str)) if messages is not None else 0


def _identify(session: DesktopSession, *, hcp_response: str, company_file: str) -> bool:
    """Check the company file at the first request; ``False`` when the session was refused."""
    division = session.connection.division
    session.identified_at = _now()
    try:
        identity = company_identity_parse(hcp_response=hcp_response, company_file=company_file)
    except IdentityError as exc:
        message = f"{exc} Nothing was synced."
        _end(session, DesktopSessionStatus.REFUSED, message)
        _record_on_connection(session, message)
        logger.warning("QuickBooks Web Connector: %s refused: unreadable HCP response", division.slug)
        return False
    session.company_name = identity.company_name[:255]
    session.company_file = identity.path[:1000]
    with transaction.atomic():
        connection = (
            DesktopConnection.objects.select_for_update().select_related("division").get(pk=session.connection_id)
        )
        check = identity_check(connection=connection, identity=identity, owner_id=desktop_owner_id())
    session.connection = connection
    if not check.accepted:
        _end(session, DesktopSessionStatus.REFUSED, check.message)
        _record_on_connection(session, check.message)
        logger.warning("QuickBooks Web Connector: %s refused the company file (%s)", division.slug, check.verdict)
        return False
    logger.info("QuickBooks Web Connector: %s company file checked (%s)", division.slug, check.verdict)
    return True


def _pausing(session: DesktopSession) -> bool:
    """Whether the work driver waits (the Web Connector should ask again shortly) rather than having finished."""
    work = _work()
    if work.pausing is not None:
        return bool(work.pausing(session=session))
    return session.responses_received > 0 and session.progress < 100


def send_request_xml(
    *,
    ticket: str,
    hcp_response: str,
    company_file: str,
    country: str = "",
    major_version: int | str = "",
    minor_version: int | str = "",
) -> str:
    """
    The next qbXML request of the session, or ``""`` (then the Web Connector calls ``getLastError``).

    The work driver is called outside any transaction: it may wait for work prepared by another thread or process.
    """

    def run() -> str:
        session = _session(ticket)
        if session is None or not session.is_open:
            return ""
        session.last_seen_at = _now()
        if session.identified_at is None:
            session.qbxml_version = f"{major_version}.{minor_version}".strip(".")[:20]
            identified = _identify(session, hcp_response=hcp_response, company_file=company_file)
            _save(session)
            if not identified:
                return ""
            _work().session_start(session=session)
        request = _work().request_next(session=session)
        session.last_seen_at = _now()
        if not request:
            if _pausing(session):
                session.pauses += 1
                if session.pauses > MAX_PAUSES:
                    _end(session, DesktopSessionStatus.FAILED, TOO_MANY_PAUSES)
            else:
                session.progress = 100
                session.summary = NOTHING_MORE if session.responses_received else NOTHING_TO_DO
            _save(session)
            return ""
        session.pauses = 0
        session.round_trips += 1
        session.requests_sent += _count_requests(request)
        _save(session)
        logger.debug("QuickBooks Web Connector: request to %s: %s", session.connection.division.slug, request)
        return request

    return _guarded(ticket, "", run)


def receive_response_xml(*, ticket: str, response: str, hresult: str = "", message: str = "") -> int:
    """
    Hand QuickBooks' answer (or its HRESULT when it could not run the request) to the work driver: 1-99 percent done,
    100 finished, negative failed (``getLastError`` then says why).
    """

    def run() -> int:
        session = _session(ticket)
        if session is None or not session.is_open:
            return FAILED
        session.responses_received += 1
        if hresult:
            logger.warning(
                "QuickBooks Web Connector: %s: QuickBooks could not run a request: %s %s",
                session.connection.division.slug,
                hresult[:20],
                _one_line(message, 300),
            )
        result = int(_work().response_receive(session=session, response=response, hresult=hresult, message=message))
        session.last_seen_at = _now()
        if result < 0:
            fallback = (
                f"QuickBooks could not run FieldOffice's request: {_one_line(message, 500)} ({hresult})."
                if hresult
                else "FieldOffice could not use QuickBooks' answer."
            )
            _end(session, DesktopSessionStatus.FAILED, session.last_error or fallback)
            _record_on_connection(session, session.last_error)
        else:
            result = min(result, 100)
            session.progress = result
        _save(session)
        return result

    return _guarded(ticket, FAILED, run)


def connection_error(*, ticket: str, hresult: str, message: str) -> str:
    """The Web Connector could not reach QuickBooks or open the company file: record it and stop (``"done"``)."""
    session = _session(ticket)
    if session is None:
        return DONE
    logger.warning("QuickBooks Web Connector: %s: connection error %s", session.connection.division.slug, hresult[:20])
    if session.is_open:
        error = (
            f"The Web Connector could not open the company file in QuickBooks: {_one_line(message, 500)} "
            f"({hresult}). Check that QuickBooks is running with the company file open, then update again."
        )
        _end(session, DesktopSessionStatus.FAILED, error)
        session.last_seen_at = _now()
        _save(session)
        _record_on_connection(session, error)
    return DONE


def get_last_error(*, ticket: str) -> str:
    """The session's last problem in plain words, or ``"NoOp"`` while the work driver waits."""
    session = _session(ticket)
    if session is None:
        return UNKNOWN_SESSION
    if session.last_error:
        return session.last_error
    if session.is_open and session.pauses:
        return NOOP
    return session.summary or NOTHING_TO_DO


def _closing_line(session: DesktopSession, summary: str) -> str:
    """One line for the Web Connector's status column, whatever prefix the work driver's summary has."""
    detail = summary.removeprefix(PREFIX).strip()
    if session.status == DesktopSessionStatus.REFUSED:
        return f"{PREFIX} sync refused: {session.last_error}"
    if session.status == DesktopSessionStatus.DONE:
        if summary.startswith(PREFIX):
            return summary
        return f"{PREFIX} sync finished: {detail or session.summary or NOTHING_TO_DO}"
    text = f"{PREFIX} sync failed: {session.last_error}"
    if detail and session.last_error not in detail:
        text += f" ({detail})"
    return text


def close_connection(*, ticket: str) -> str:
    """End the session and say in one line what it did."""

    def run() -> str:
        session = _session(ticket)
        if session is None:
            return f"{PREFIX} this update was unknown (FieldOffice may have restarted); nothing more was synced."
        if session.closed_at is not None:
            return session.summary
        started = session.identified_at is not None and session.status != DesktopSessionStatus.REFUSED
        summary = _one_line(_work().session_end(session=session)) if started else ""
        now = _now()
        if session.is_open:
            if session.progress >= 100:
                _end(session, DesktopSessionStatus.DONE)
            else:
                _end(session, DesktopSessionStatus.FAILED, CLOSED_EARLY)
        session.closed_at = now
        session.last_seen_at = now
        session.summary = _one_line(_closing_line(session, summary))
        _save(session)
        logger.info(
            "QuickBooks Web Connector: session %s of %s closed (%s, %s round trips)",
            session.pk,
            session.connection.division.slug,
            session.status,
            session.round_trips,
        )
        return session.summary

    return _guarded(ticket, f"{PREFIX} sync failed: {UNEXPECTED}", run)

"""
The sync engine's qbXML requests relayed through the Web Connector.

The engine runs in a thread of its own and calls ``RelayTransport.exchange`` as if QuickBooks were a function: the
request is queued as a ``DesktopExchange`` row, the SOAP service hands it to the Web Connector at the next
``sendRequestXML`` and stores QuickBooks' answer at ``receiveResponseXML``, and the engine goes on. Both sides only
meet in the database, so the Web Connector's calls may reach any web process; within one process a condition
wakes the waiting side at once instead of at its next look.
"""

import re
import threading
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from apps.quickbooks.desktop.qbxml import Request, request_document
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import DesktopExchange, DesktopExchangeState, DesktopSession, DesktopSessionStatus

POLL_SECONDS = 0.1
# QuickBooks can take minutes on a large request; past this the session is taken for lost.
ANSWER_TIMEOUT_SECONDS = 900.0

_changed = threading.Condition()
_REQUEST = re.compile(r"<(?!QBXMLMsgsRq)\w+Rq[\s>]")


KEEPALIVE_SECONDS = 60.0


def wake() -> None:
    """Wake whoever waits in this process (the engine, or a Web Connector call waiting for the engine)."""
    with _changed:
        _changed.notify_all()


def pause() -> None:
    """Wait for a change: woken at once from this process, else looking again after ``POLL_SECONDS``."""
    with _changed:
        _changed.wait(POLL_SECONDS)


class SessionEndedError(QuickBooksError):
    """The Web Connector session ended before QuickBooks answered: the next session goes on from here."""


class RelayTransport:
    def __init__(
        self,
        session_id: int,
        *,
        timeout: float = ANSWER_TIMEOUT_SECONDS,
        keepalive: Callable[[], None] | None = None,
    ) -> None:
        self.session_id = session_id
        self.timeout = timeout
        # Called now and then while waiting (the run renews its lease there).
        self.keepalive = keepalive

    def exchange(self, document: str) -> str:
        if transaction.get_connection().in_atomic_block:
            # Nobody else could see the request before the transaction ends, and it ends after the answer.
            raise RuntimeError("A qbXML exchange must not be made inside a database transaction.")
        sequence = DesktopExchange.objects.filter(session_id=self.session_id).count() + 1
        exchange = DesktopExchange.objects.create(
            session_id=self.session_id,
            sequence=sequence,
            request=document,
            requests_count=len(_REQUEST.findall(document)),
        )
        wake()
        deadline = time.monotonic() + self.timeout
        kept = time.monotonic()
        while True:
            if self.keepalive is not None and time.monotonic() - kept > KEEPALIVE_SECONDS:
                self.keepalive()
                kept = time.monotonic()
            exchange.refresh_from_db(fields=["state", "response", "hresult", "message"])
            if exchange.state == DesktopExchangeState.ANSWERED:
                break
            ended = not DesktopSession.objects.filter(pk=self.session_id, status=DesktopSessionStatus.OPEN).exists()
            if ended or exchange.state == DesktopExchangeState.ABANDONED or time.monotonic() > deadline:
                raise SessionEndedError(
                    "The Web Connector session ended before QuickBooks Desktop answered. Nothing is lost: the next "
                    "session goes on from here."
                )
            pause()
        if exchange.hresult:
            raise QuickBooksError(
                f"QuickBooks Desktop could not run FieldOffice's request: {exchange.message or 'no reason given'} "
                f"({exchange.hresult})."
            )
        return exchange.response

    def close(self) -> None:
        exchanges_abandon(session_id=self.session_id)


def exchange_take(*, session: DesktopSession, wait_seconds: float, done: Callable[[], bool]) -> DesktopExchange | None:
    """The next request for the Web Connector, waiting up to ``wait_seconds`` for the engine (None: none yet)."""
    deadline = time.monotonic() + wait_seconds
    while True:
        with transaction.atomic():
            exchange = (
                DesktopExchange.objects.select_for_update()
                .filter(session=session, state=DesktopExchangeState.QUEUED)
                .order_by("sequence")
                .first()
            )
            if exchange is not None:
                exchange.state = DesktopExchangeState.SENT
                exchange.sent_at = timezone.now()
                exchange.save(update_fields=["state", "sent_at"])
                return exchange
        if done() or time.monotonic() > deadline:
            return None
        pause()


# What a session sends when the run is over but the Web Connector still asks: QuickBooks answers it at once.
CLOSING_REQUEST = request_document([Request("HostQuery", {}, request_id="closing")])


def exchange_closing(*, session: DesktopSession) -> DesktopExchange:
    """The closing request, out with the Web Connector (its answer ends the update)."""
    sequence = DesktopExchange.objects.filter(session=session).count() + 1
    return DesktopExchange.objects.create(
        session=session,
        sequence=sequence,
        state=DesktopExchangeState.SENT,
        sent_at=timezone.now(),
        request=CLOSING_REQUEST,
        requests_count=1,
    )


def has_queued(*, session: DesktopSession) -> bool:
    return DesktopExchange.objects.filter(session=session, state=DesktopExchangeState.QUEUED).exists()


def exchange_answer(*, session: DesktopSession, response: str, hresult: str = "", message: str = "") -> bool:
    """Store QuickBooks' answer to the request out with the Web Connector; False when none was out."""
    exchange = (
        DesktopExchange.objects.filter(session=session, state=DesktopExchangeState.SENT).order_by("-sequence").first()
    )
    if exchange is None:
        return False
    exchange.state = DesktopExchangeState.ANSWERED
    exchange.response = response or ""
    exchange.hresult = hresult or ""
    exchange.message = message or ""
    exchange.answered_at = timezone.now()
    exchange.save(update_fields=["state", "response", "hresult", "message", "answered_at"])
    wake()
    return True


def exchanges_abandon(*, session_id: int) -> None:
    """Give up the session's requests still waiting: the engine waiting on one stops and the run is resumable."""
    DesktopExchange.objects.filter(
        session_id=session_id, state__in=[DesktopExchangeState.QUEUED, DesktopExchangeState.SENT]
    ).update(state=DesktopExchangeState.ABANDONED)
    wake()

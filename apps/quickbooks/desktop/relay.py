"""
The sync engine's qbXML requests relayed through the Web Connector.

The engine runs in a background worker (a django-q2 task, ``apps.quickbooks.desktop.work.update_run``) and calls
``RelayTransport.exchange`` as if QuickBooks were a function: the request is queued as a ``DesktopExchange`` row, the
SOAP service, in whichever web process the Web Connector reaches, hands it out at the next ``sendRequestXML`` and
stores QuickBooks' answer at ``receiveResponseXML``, and the engine goes on. Both sides only meet in the database, so
a web process may be restarted between two calls and a worker never depends on the web process that started it.
Each side waits for the other with ``wait_for``: it looks at the rows with a short, growing pause, and within one
process (tests run their worker in a thread) a condition wakes it at once. The engine stops waiting when the session
ends, its request is abandoned, the Web Connector has not come for a waiting request in ``BUSY_WINDOW`` (5 minutes),
or QuickBooks has not answered one in ``ANSWER_TIMEOUT_SECONDS``; the run then fails, resumable.
"""

import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from apps.quickbooks.desktop.qbxml import Request, request_document
from apps.quickbooks.desktop.service import BUSY_WINDOW
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import DesktopExchange, DesktopExchangeState, DesktopSession, DesktopSessionStatus
from apps.quickbooks.sync.lock import RENEW_EVERY

# Between two looks at the rows a waiter pauses FIRST_POLL_SECONDS, then twice as long each time up to
# FAST_POLL_SECONDS for the first FAST_WAIT_SECONDS, then up to POLL_SECONDS: an answer that comes at once costs a few
# milliseconds, one that comes within seconds (the usual round trip: the other side polls too) at most 50 ms more, and
# a long wait (QuickBooks on a large request) five queries a second.
FIRST_POLL_SECONDS = 0.01
FAST_POLL_SECONDS = 0.05
FAST_WAIT_SECONDS = 5.0
POLL_SECONDS = 0.2
# QuickBooks can take minutes on a large request; past this the session is taken for lost.
ANSWER_TIMEOUT_SECONDS = 900.0
# How often the engine, waiting on QuickBooks, renews its run's lease: as often as the engine itself does.
KEEPALIVE_SECONDS = RENEW_EVERY.total_seconds()

_changed = threading.Condition()
_REQUEST = re.compile(r"<(?!QBXMLMsgsRq)\w+Rq[\s>]")

T = TypeVar("T")


def wake() -> None:
    """Wake whoever waits in this process (the engine, or a Web Connector call waiting for the engine)."""
    with _changed:
        _changed.notify_all()


def wait_for(look: Callable[[], T | None], *, seconds: float, stop: Callable[[], bool] | None = None) -> T | None:
    """
    What ``look`` finds (anything but ``None``), looking again until it finds something, ``stop`` says there is
    nothing more to wait for, or ``seconds`` have passed (then ``None``). Between looks it pauses with a bounded
    backoff (``FIRST_POLL_SECONDS`` doubling up to ``FAST_POLL_SECONDS``, and up to ``POLL_SECONDS`` once the wait
    passed ``FAST_WAIT_SECONDS``), cut short by a ``wake`` in this process.
    """
    started = time.monotonic()
    deadline = started + seconds
    delay = FIRST_POLL_SECONDS
    while True:
        found = look()
        if found is not None:
            return found
        left = deadline - time.monotonic()
        if left <= 0 or (stop is not None and stop()):
            return None
        with _changed:
            woken = _changed.wait(min(delay, left))
        longest = FAST_POLL_SECONDS if time.monotonic() - started < FAST_WAIT_SECONDS else POLL_SECONDS
        delay = FIRST_POLL_SECONDS if woken else min(delay * 2, longest)


class SessionEndedError(QuickBooksError):
    """The Web Connector session ended before QuickBooks answered: the next session goes on from here."""


SESSION_ENDED = (
    "The Web Connector session ended before QuickBooks Desktop answered. Nothing is lost: the next session goes on "
    "from here."
)


class RelayTransport:
    """The Desktop backend's transport in a background worker: each qbXML document travels as a ``DesktopExchange``."""

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
        kept = time.monotonic()

        def answered() -> bool | None:
            nonlocal kept
            if self.keepalive is not None and time.monotonic() - kept > KEEPALIVE_SECONDS:
                self.keepalive()
                kept = time.monotonic()
            state, session_status, last_seen_at = (
                DesktopExchange.objects.filter(pk=exchange.pk)
                .values_list("state", "session__status", "session__last_seen_at")
                .get()
            )
            if state == DesktopExchangeState.ANSWERED:
                return True
            # A Web Connector that has not asked for the waiting request in minutes is gone (while QuickBooks runs a
            # request it handed out, it is silent: that wait is bounded by ``timeout``).
            silent = state == DesktopExchangeState.QUEUED and last_seen_at < timezone.now() - BUSY_WINDOW
            if state == DesktopExchangeState.ABANDONED or session_status != DesktopSessionStatus.OPEN or silent:
                raise SessionEndedError(SESSION_ENDED)
            return None

        if wait_for(answered, seconds=self.timeout) is None:
            raise SessionEndedError(SESSION_ENDED)
        exchange.refresh_from_db(fields=["response", "hresult", "message"])
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

    def take() -> DesktopExchange | None:
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

    return wait_for(take, seconds=wait_seconds, stop=done)


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

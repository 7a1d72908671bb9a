"""
When webhooks go out: a daemon thread per process, woken when a company's grouping window ends or a retry is due.

It needs neither a task queue nor a worker: the changes happen in the web process (FieldOffice reaches the
sandbox over HTTP), so that is where the thread runs, under ``runserver`` as under gunicorn. Several processes
may each run one; ``delivery`` claims rows so that nothing is sent twice. The thread starts at the first change
a process sees and then takes up what earlier processes left (pending events, deliveries awaiting a retry).

With ``QBO_SANDBOX_WEBHOOK_DISPATCH = "manual"`` (the default where django-q2 runs synchronously, i.e. tests)
nothing is scheduled and ``webhooks_flush`` is called explicitly.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q

from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.timefmt import now
from apps.qbo_sandbox.webhooks.delivery import OPEN_STATUSES, next_attempt_due, webhooks_flush

logger = logging.getLogger(__name__)

THREAD = "thread"
MANUAL = "manual"


def dispatch_mode() -> str:
    configured = getattr(settings, "QBO_SANDBOX_WEBHOOK_DISPATCH", "")
    if configured:
        return configured
    return MANUAL if settings.Q_CLUSTER.get("sync") else THREAD


class WebhookDispatcher:
    """Per company, the earliest time its events should be flushed; one thread waits for the next."""

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._due: dict[int, float] = {}
        self._thread: threading.Thread | None = None

    def schedule(self, company_id: int, delay: float) -> None:
        """Flush the company in ``delay`` seconds, unless it is due sooner already (so a burst stays one group)."""
        due = time.monotonic() + max(delay, 0.0)
        with self._wakeup:
            current = self._due.get(company_id)
            if current is not None and current <= due:
                return
            self._due[company_id] = due
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="qbo-sandbox-webhooks", daemon=True)
                self._thread.start()
            self._wakeup.notify()

    def _take_due(self) -> list[int]:
        with self._wakeup:
            while True:
                moment = time.monotonic()
                ready = [company_id for company_id, due in self._due.items() if due <= moment]
                if ready:
                    for company_id in ready:
                        del self._due[company_id]
                    return ready
                self._wakeup.wait(min(self._due.values()) - moment if self._due else None)

    def _sweep(self) -> None:
        """Schedule every company with work left over, e.g. by a server that was stopped or a shell session."""
        close_old_connections()
        try:
            left_over = SandboxCompany.objects.filter(
                Q(webhook_events__dispatched_at__isnull=True) | Q(webhook_deliveries__status__in=OPEN_STATUSES)
            ).distinct()
            for company in left_over:
                flush_schedule(company)
        except Exception:
            logger.exception("Sandbox webhooks left over could not be looked up")
        finally:
            close_old_connections()

    def _run(self) -> None:
        self._sweep()
        while True:
            for company_id in self._take_due():
                self._flush(company_id)

    def _flush(self, company_id: int) -> None:
        close_old_connections()
        try:
            company = SandboxCompany.objects.filter(pk=company_id).first()
            if company is None:
                return
            webhooks_flush(company)
            retry_at = next_attempt_due(company)
            if retry_at is not None:
                self.schedule(company_id, (retry_at - now()).total_seconds())
        except Exception:
            # The thread must outlive one bad flush; the events stay pending for the next one.
            logger.exception("Sandbox webhooks of company %s could not be sent", company_id)
        finally:
            close_old_connections()


dispatcher = WebhookDispatcher()


def flush_schedule(company: SandboxCompany) -> None:
    """Arrange for the company's pending events to go out when its grouping window ends."""
    if dispatch_mode() == THREAD:
        dispatcher.schedule(company.pk, batch_seconds(company))


def batch_seconds(company: SandboxCompany) -> float:
    return max(float(company.setting("webhook_batch_seconds") or 0), 0.0)

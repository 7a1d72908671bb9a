"""
Turning pending events into deliveries, and sending those that are due.

Intuit expects a 200 within 3 seconds; otherwise it retries after 10 s, 20 s, 30 s, 5 min, 20 min, 2 h, 4 h, 6 h
and then every 6 h, and holds back an app's later notifications until the earlier one is acknowledged. Here any
2xx counts, the delays are divided by the company's ``time_scale``, and a delivery is given up (``failed``) after
``MAX_ATTEMPTS``. Several processes may send: a delivery is claimed by a conditional UPDATE before its POST.
"""

import logging
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from apps.qbo_sandbox import timefmt
from apps.qbo_sandbox.faults.knobs import FaultKnobs
from apps.qbo_sandbox.models import SandboxCompany, SandboxWebhookDelivery, SandboxWebhookEvent
from apps.qbo_sandbox.webhooks.listeners import Listener, webhook_listeners
from apps.qbo_sandbox.webhooks.payloads import utc_timestamp, webhook_body, webhook_signature

logger = logging.getLogger(__name__)

RETRY_DELAYS = (10, 20, 30, 5 * 60, 20 * 60, 2 * 3600, 4 * 3600, 6 * 3600)
# The first try, the eight scheduled retries and one more at 6 h.
MAX_ATTEMPTS = 10
DELIVERY_TIMEOUT = 3.0
# How long a claimed delivery is left to its sender before another process may take it up.
CLAIM_LEASE = timedelta(minutes=2)
OPEN_STATUSES = (SandboxWebhookDelivery.Status.PENDING, SandboxWebhookDelivery.Status.RETRYING)
Status = SandboxWebhookDelivery.Status


def retry_delay(failed_attempts: int) -> int:
    """Seconds (unscaled) before the next try, after ``failed_attempts`` failed ones."""
    return RETRY_DELAYS[min(failed_attempts, len(RETRY_DELAYS)) - 1]


def _delivery_build(
    company: SandboxCompany, listener: Listener, events: list[SandboxWebhookEvent], at: datetime
) -> SandboxWebhookDelivery | None:
    events = [event for event in events if event.occurred_at >= listener.connected_at]
    if not events:
        return None
    body = webhook_body(company, listener.app, events, format=listener.format)
    return SandboxWebhookDelivery(
        company=company,
        app=listener.app,
        url=listener.url,
        format=listener.format,
        body=body,
        signature=webhook_signature(listener.app.webhook_verifier_token, body),
        event_count=len(events),
        created_at=at,
        next_attempt_at=at,
    )


def webhooks_flush(company: SandboxCompany) -> list[SandboxWebhookDelivery]:
    """
    Group the company's pending events into one delivery per listening app, then send what is due.

    Returns the deliveries made (as they stand after their first attempt). Events no app hears of are dropped.
    """
    at = timefmt.now()
    created: list[SandboxWebhookDelivery] = []
    with transaction.atomic():
        # The row locks (PostgreSQL) or the write lock (SQLite, IMMEDIATE) make concurrent flushes take turns.
        events = list(
            SandboxWebhookEvent.objects.select_for_update()
            .filter(company=company, dispatched_at__isnull=True)
            .order_by("id")
        )
        if events:
            SandboxWebhookEvent.objects.filter(
                company=company, dispatched_at__isnull=True, id__lte=events[-1].pk
            ).update(dispatched_at=at)
            deliveries = [_delivery_build(company, listener, events, at) for listener in webhook_listeners(company)]
            created = SandboxWebhookDelivery.objects.bulk_create([d for d in deliveries if d is not None])
    deliveries_send_due(company=company)
    return list(SandboxWebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in created]).order_by("id"))


def _claim(delivery: SandboxWebhookDelivery, at: datetime) -> bool:
    """Take the delivery for this process: only one sender sees its UPDATE match."""
    unchanged = Q(next_attempt_at=delivery.next_attempt_at) if delivery.next_attempt_at else Q(next_attempt_at=None)
    claimed = (
        SandboxWebhookDelivery.objects.filter(unchanged, pk=delivery.pk, attempts=delivery.attempts)
        .filter(status__in=OPEN_STATUSES)
        .update(next_attempt_at=at + CLAIM_LEASE)
    )
    return claimed == 1


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer other than 2xx, as for Intuit.
    def redirect_request(self, *args, **kwargs) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(delivery: SandboxWebhookDelivery) -> tuple[int | None, str]:
    """POST the stored body; the status code (``None`` if there was no answer) and an error text."""
    request = urllib.request.Request(
        delivery.url,
        data=delivery.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "intuit-signature": delivery.signature,
            "User-Agent": "QuickBooks-Sandbox-Webhooks/1.0",
        },
    )
    try:
        with _opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, (str(reason) or exc.__class__.__name__)[:500]


def delivery_attempt(delivery: SandboxWebhookDelivery) -> bool:
    """Send a claimed delivery once and record the outcome; ``True`` when the app acknowledged it."""
    started = time.monotonic()
    status_code, error = _post(delivery)
    at = timefmt.now()
    delivered = status_code is not None and 200 <= status_code < 300
    delivery.attempts += 1
    delivery.attempt_log = [
        *delivery.attempt_log,
        {
            "at": utc_timestamp(at),
            "status_code": status_code,
            "error": error,
            "elapsed_ms": round((time.monotonic() - started) * 1000),
        },
    ]
    delivery.last_attempt_at = at
    delivery.last_status_code = status_code
    delivery.last_error = error
    if delivered:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = Status.DELIVERED, at, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
    else:
        delay = FaultKnobs.of(delivery.company).scaled(retry_delay(delivery.attempts))
        delivery.status, delivery.next_attempt_at = Status.RETRYING, at + timedelta(seconds=delay)
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "attempt_log",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
            "next_attempt_at",
        ]
    )
    log = logger.info if delivered else logger.warning
    log("Sandbox webhook %s to %s: %s", delivery.pk, delivery.url, status_code or error)
    return delivered


def deliveries_send_due(*, company: SandboxCompany | None = None) -> int:
    """
    Attempt every open delivery that is due, oldest first; returns how many were attempted.

    An app's later delivery to a company waits while an earlier one is not yet acknowledged, as at Intuit.
    """
    at = timefmt.now()
    deliveries = SandboxWebhookDelivery.objects.filter(status__in=OPEN_STATUSES).select_related("app", "company")
    if company is not None:
        deliveries = deliveries.filter(company=company)
    blocked: set[tuple[int, int]] = set()
    attempted = 0
    for delivery in deliveries.order_by("id"):
        pair = (delivery.app_id, delivery.company_id)
        if pair in blocked:
            continue
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= at
        if not due or not _claim(delivery, at):
            blocked.add(pair)
            continue
        attempted += 1
        if not delivery_attempt(delivery):
            blocked.add(pair)
    return attempted


def next_attempt_due(company: SandboxCompany) -> datetime | None:
    """
    When the company's next attempt is due, for the dispatcher's alarm clock: the earliest of each app's first open
    delivery. A later delivery waits behind its app's first (``deliveries_send_due``), so its own time does not count:
    counting it woke the dispatcher over and over while the first one waited for its retry.
    """
    heads: dict[int, datetime | None] = {}
    open_deliveries = SandboxWebhookDelivery.objects.filter(company=company, status__in=OPEN_STATUSES).order_by("id")
    for app_id, attempt_at in open_deliveries.values_list("app_id", "next_attempt_at"):
        heads.setdefault(app_id, attempt_at)
    return min((attempt_at or timefmt.now() for attempt_at in heads.values()), default=None)


def deliveries_retry_now(deliveries: list[SandboxWebhookDelivery]) -> int:
    """Make deliveries due at once, given-up ones included (the admin's action); returns how many were sent."""
    ids = [delivery.pk for delivery in deliveries if delivery.status != Status.DELIVERED]
    SandboxWebhookDelivery.objects.filter(pk__in=ids).update(status=Status.RETRYING, next_attempt_at=timefmt.now())
    companies = SandboxCompany.objects.filter(webhook_deliveries__pk__in=ids).distinct()
    return sum(deliveries_send_due(company=company) for company in companies)

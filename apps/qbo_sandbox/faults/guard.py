"""One authenticated Accounting API call through Intuit's limits and the company's injected faults."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.qbo_sandbox import timefmt
from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.faults.counters import PREFIX, counter_incr
from apps.qbo_sandbox.faults.dropping import dropped_connection_response
from apps.qbo_sandbox.faults.knobs import FaultKnobs
from apps.qbo_sandbox.faults.limiter import Window, inflight_acquire, inflight_release, windows_admit
from apps.qbo_sandbox.faults.plan import FaultPlan, fault_plan_draw
from apps.qbo_sandbox.faults.responses import server_error_response, throttle_fault_response
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany

logger = logging.getLogger(__name__)

BATCH = "batch"
# The request counter only seeds the fault draws; losing it after a quiet day restarts the sequence, harmlessly.
SEQUENCE_LIFETIME = 24 * 3600
SECOND_BUCKETS = 4


def counter_base(company: SandboxCompany) -> str:
    """
    The name under which a company's counters live.

    ``updated_at`` changes whenever the knobs are saved, so new knobs (a new seed, a reset) start with fresh
    windows, a fresh in-flight gauge and request number 1; a company re-created with the same realm id gets
    a new primary key and starts afresh too.
    """
    return f"{PREFIX}:{company.pk}:{company.updated_at.timestamp():.6f}"


def request_kind(request: HttpRequest) -> str:
    """``"batch"`` for the batch endpoint, found by URL name or path so that a bare ``@qbo_api`` needs no hint."""
    match = request.resolver_match
    if match is not None and match.url_name == BATCH:
        return BATCH
    return BATCH if request.path.rstrip("/").rsplit("/", 1)[-1].lower() == BATCH else ""


def rate_windows(knobs: FaultKnobs, app: SandboxApp, kind: str) -> list[Window]:
    """Intuit's rates: per company for all calls, batch included; per company and app for bursts and batches."""
    windows = [Window("minute", knobs.requests_per_minute, knobs.minute)]
    if knobs.requests_per_second:
        windows.append(Window(f"second:{app.pk}", knobs.requests_per_second, knobs.scaled(1), SECOND_BUCKETS))
    if kind == BATCH:
        windows.append(Window(f"batch:{app.pk}", knobs.batch_per_minute, knobs.minute))
    return windows


def _throttled(caller: ApiCaller, plan: FaultPlan, reason: str) -> HttpResponse:
    logger.debug("Sandbox throttles app %s on company %s: %s", caller.app.pk, caller.company.realm_id, reason)
    return throttle_fault_response(caller.company, xml=plan.xml)


def _with_faults(
    request: HttpRequest, company: SandboxCompany, knobs: FaultKnobs, plan: FaultPlan, call: Callable[[], HttpResponse]
) -> HttpResponse:
    # Sleeps happen while the request holds its in-flight place, as a slow call does at Intuit.
    if knobs.latency_ms:
        time.sleep(knobs.latency_ms / 1000)
    if plan.slow and knobs.slow_seconds:
        time.sleep(knobs.slow_seconds)
    if plan.error_status:
        return server_error_response(company, plan.error_status, xml=plan.xml)
    response = call()
    # Dropped after the view ran: a write may have happened, which is the case requestid exists for.
    return dropped_connection_response(request) if plan.drop else response


def guarded_call(
    request: HttpRequest, caller: ApiCaller, call: Callable[[], HttpResponse], *, kind: str = ""
) -> HttpResponse:
    """
    Answer ``call()`` unless a limit or an injected fault answers first.

    Order: concurrency (its place is released in ``finally``), then the rate windows, then the faults drawn for
    this request's number. Refused requests take nothing from the rate budget.
    """
    company = caller.company
    knobs = FaultKnobs.of(company)
    base = counter_base(company)
    plan = fault_plan_draw(knobs, counter_incr(f"{base}:sequence", timeout=SEQUENCE_LIFETIME))
    inflight = f"{base}:inflight:{caller.app.pk}"
    if not inflight_acquire(inflight, knobs.concurrent):
        return _throttled(caller, plan, "concurrent requests")
    try:
        full = windows_admit(base, rate_windows(knobs, caller.app, kind), timefmt.now().timestamp())
        if full is not None:
            return _throttled(caller, plan, f"{full.name} window")
        return _with_faults(request, company, knobs, plan, call)
    finally:
        inflight_release(inflight)

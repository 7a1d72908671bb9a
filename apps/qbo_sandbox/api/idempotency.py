"""
``requestid``: the same id, sent again to the same company, gets the first answer again and changes nothing.

Intuit documents that a repeated requestid is answered "the same response as it did for the original request",
without performing the operation again or returning an error; ids are unique per company and at most 50
characters. What it does after a failed first attempt is not documented, so the sandbox follows the rule as
written for answers the write was decided on: successes and validation faults (4xx other than 401, 403 and 429)
are kept and replayed, including a fault. Answers that say the request was not processed (401, 403, 429 and any
5xx, as the fault-injection layer produces) are not kept, so a retry with the same id runs anew.

Two requests with the same id at once: the unique constraint on (company, requestid) lets one store its answer;
the other's write is rolled back and it replays the stored answer.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from apps.qbo_sandbox.api.responses import fault_response
from apps.qbo_sandbox.entities import faults
from apps.qbo_sandbox.http import intuit_tid
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxRequestLog

MAX_REQUEST_ID_LENGTH = 50
NOT_PROCESSED = frozenset({401, 403, 429})


def _replayable(response: HttpResponse) -> bool:
    return response.status_code < 500 and response.status_code not in NOT_PROCESSED and not response.streaming


def _replay(entry: SandboxRequestLog) -> HttpResponse:
    response = HttpResponse(entry.response_body, status=entry.status_code, content_type=entry.content_type)
    response["intuit_tid"] = intuit_tid()
    return response


def _stored(company: SandboxCompany, request_id: str) -> SandboxRequestLog | None:
    return SandboxRequestLog.objects.filter(company=company, request_id=request_id).first()


def with_request_id(
    company: SandboxCompany,
    request: HttpRequest,
    produce: Callable[[], HttpResponse],
    *,
    app: SandboxApp | None = None,
    max_length: int = MAX_REQUEST_ID_LENGTH,
) -> HttpResponse:
    """
    Answer ``request`` through ``produce()`` once per ``requestid``; without the parameter, just ``produce()``.

    ``produce`` runs inside a transaction with the storing of its answer, so that a write and its answer are kept
    together or not at all. ``max_length`` is 50, or 36 for the batch endpoint as Intuit documents.
    """
    request_id = request.GET.get("requestid", "")
    if not request_id:
        return produce()
    if len(request_id) > max_length:
        fault = faults.invalid_request_id(len(request_id), max_length)
        return fault_response(company, [fault.as_error()], fault_type=fault.fault_type, status=fault.status)
    if (entry := _stored(company, request_id)) is not None:
        return _replay(entry)
    try:
        with transaction.atomic():
            response = produce()
            if _replayable(response):
                SandboxRequestLog.objects.create(
                    company=company,
                    app=app,
                    request_id=request_id,
                    method=request.method or "",
                    endpoint=request.get_full_path()[:500],
                    status_code=response.status_code,
                    content_type=response.get("Content-Type", "application/json;charset=UTF-8"),
                    response_body=response.content.decode(response.charset or "utf-8"),
                )
    except IntegrityError:
        # Another request with this id stored its answer first; this one's write has been rolled back.
        entry = _stored(company, request_id)
        if entry is None:
            raise
        return _replay(entry)
    return response

"""
The entity endpoints: ``v3/company/<realm>/<entity>`` for writes, ``.../<entity>/<id>`` for reads, and
``.../taxservice/taxcode``.

- ``POST /<entity>`` creates, or updates when the body carries an ``Id`` (sparse when ``"sparse": true``);
  ``?operation=delete`` deletes, ``?operation=void`` voids, and ``?operation=update&include=void`` voids too (how
  Intuit voids payments, and how python-quickbooks calls it).
- ``include=allowduplicatedocnum`` lets a sales form reuse a number.
- ``minorversion`` is accepted whatever its value (Intuit serves anything below 75 as 75).
- Every write goes through ``with_request_id``. Answers are JSON whatever ``Accept`` says.
"""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from apps.qbo_sandbox import entities
from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.api.idempotency import with_request_id
from apps.qbo_sandbox.api.responses import entity_response, fault_response
from apps.qbo_sandbox.entities import ENTITY_TYPES, QboFault, faults
from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.timefmt import qbo_response_time


def _fault(company: SandboxCompany, exc: QboFault) -> HttpResponse:
    return fault_response(company, [exc.as_error()], fault_type=exc.fault_type, status=exc.status)


def _body(request: HttpRequest) -> Any:
    """The JSON body, amounts read as Decimal; a body that is not JSON is Intuit's 2010."""
    try:
        return json.loads(request.body or b"{}", parse_float=Decimal)
    except ValueError:
        raise faults.unsupported_property() from None


def _include(request: HttpRequest) -> frozenset[str]:
    values = request.GET.getlist("include")
    return frozenset(part.strip().lower() for value in values for part in value.split(",") if part.strip())


def _write(request: HttpRequest, company: SandboxCompany, entity_type: str) -> HttpResponse:
    operation = request.GET.get("operation", "").strip().lower()
    include = _include(request)
    try:
        payload = _body(request)
        if operation == "delete":
            deleted = entities.entity_delete(company, entity_type, payload)
            return json_response({entity_type: deleted, "time": qbo_response_time(company.time_zone)})
        if operation == "void" or (operation == "update" and "void" in include):
            return entity_response(entities.entity_void(company, entity_type, payload))
        if operation not in ("", "create", "update"):
            raise faults.unsupported_operation(operation)
        if isinstance(payload, dict) and str(payload.get("Id") or "").strip():
            return entity_response(entities.entity_update(company, entity_type, payload, include=include))
        return entity_response(entities.entity_create(company, entity_type, payload, include=include))
    except QboFault as exc:
        return _fault(company, exc)


def _writer(entity_type: str) -> Callable[..., HttpResponse]:
    @qbo_api
    @require_POST
    def write(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
        return with_request_id(
            caller.company, request, lambda: _write(request, caller.company, entity_type), app=caller.app
        )

    write.__name__ = f"{entity_type.lower()}_write"
    return write


def _reader(entity_type: str) -> Callable[..., HttpResponse]:
    @qbo_api
    @require_GET
    def read(request: HttpRequest, caller: ApiCaller, entity_id: str) -> HttpResponse:
        try:
            return entity_response(entities.entity_read(caller.company, entity_type, entity_id))
        except QboFault as exc:
            return _fault(caller.company, exc)

    read.__name__ = f"{entity_type.lower()}_read"
    return read


def _taxcode(request: HttpRequest, company: SandboxCompany) -> HttpResponse:
    try:
        return json_response(entities.taxcode_create(company, _body(request)))
    except QboFault as exc:
        return _fault(company, exc)


@qbo_api
@require_POST
def taxservice_taxcode(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
    """``POST /taxservice/taxcode``: Intuit answers the tax service's body without an envelope."""
    return with_request_id(caller.company, request, lambda: _taxcode(request, caller.company), app=caller.app)


def entity_urlpatterns() -> list[URLPattern]:
    """One write and one read route per entity type, spelled out so they never shadow other endpoints."""
    prefix = "v3/company/<str:realm_id>"
    patterns = [path(f"{prefix}/taxservice/taxcode", taxservice_taxcode, name="taxservice-taxcode")]
    for spec in ENTITY_TYPES.values():
        patterns += [
            path(f"{prefix}/{spec.url_name}", _writer(spec.name), name=f"{spec.url_name}-write"),
            path(f"{prefix}/{spec.url_name}/<str:entity_id>", _reader(spec.name), name=f"{spec.url_name}-read"),
        ]
    return patterns

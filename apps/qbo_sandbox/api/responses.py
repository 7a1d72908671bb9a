"""The envelopes of the Accounting API: an entity with ``time``, and ``Fault``."""

from typing import Any

from django.http import HttpResponse

from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.timefmt import qbo_response_time


def entity_response(entity: SandboxEntity) -> HttpResponse:
    """``{"<EntityType>": {...}, "time": "..."}``."""
    return json_response(
        {entity.entity_type: entity.data, "time": qbo_response_time(entity.company.time_zone)},
    )


def fault_response(
    company: SandboxCompany,
    errors: list[dict[str, Any]],
    *,
    fault_type: str = "ValidationFault",
    status: int = 400,
) -> HttpResponse:
    """
    ``{"Fault": {"Error": [...], "type": ...}, "time": ...}``; each error is ``{"Message", "Detail", "code"}``.

    ``element`` is added empty when missing, as QuickBooks does.
    """
    return json_response(
        {
            "Fault": {"Error": [{"element": "", **error} for error in errors], "type": fault_type},
            "time": qbo_response_time(company.time_zone),
        },
        status=status,
    )


def object_not_found(company: SandboxCompany, entity_type: str, entity_id: str) -> HttpResponse:
    return fault_response(
        company,
        [
            {
                "Message": "Object Not Found",
                "Detail": f"Object Not Found : Something you're trying to use has been made inactive. "
                f"Check the fields with accounts, customers, items, vendors or employees. ({entity_type} {entity_id})",
                "code": "610",
            }
        ],
    )

"""
Change data capture: ``GET cdc?entities=Customer,Invoice&changedSince=2026-11-01T09:00:00-08:00``.

The answer holds one ``QueryResponse`` entry per entity named (names read case-insensitively, in the order given):
the objects changed after ``changedSince``, active or not, in full, and deleted ones as
``{"domain": "QBO", "status": "Deleted", "Id": ..., "MetaData": {"LastUpdatedTime": ...}}``; an entity without
changes gets an empty entry ``{}``, as captured Intuit answers show. ``changedSince`` is an ISO date or date-time,
read in the company's time zone when it has no offset, and may reach 30 days back.

An entity reports at most 1,000 objects, the oldest changes first, so that a client moving its watermark to the last
``LastUpdatedTime`` it received loses nothing; QuickBooks gives no other sign of the cut (its guide only says to ask
for shorter periods). Entries carry ``startPosition``, ``maxResults`` and ``totalCount`` (the count returned), the
paging fields a live response has been seen to carry.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from apps.qbo_sandbox import store
from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.api.responses import fault_response
from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.query.values import as_instant, to_moment
from apps.qbo_sandbox.query_store import cdc_entities, queryable_entities
from apps.qbo_sandbox.timefmt import now, qbo_datetime, qbo_response_time

CDC_LOOKBACK = timedelta(days=30)
CDC_MAX_OBJECTS = 1000


class CdcRequestError(Exception):
    """A change data capture request QuickBooks refuses; ``error`` is the Fault's error object."""

    def __init__(self, message: str, detail: str, code: str) -> None:
        super().__init__(detail)
        self.error = {"Message": message, "Detail": detail, "code": code}

    @classmethod
    def missing(cls, name: str) -> "CdcRequestError":
        return cls(
            "Required param missing, need to supply the required value for the API",
            f"Required parameter {name} is missing in the request",
            "2020",
        )

    @classmethod
    def unsupported(cls, operation: str) -> "CdcRequestError":
        # Intuit's template for operations it refuses: "Operation ... is not supported."
        return cls("Unsupported Operation", f"Operation {operation} is not supported.", "500")


@qbo_api
@require_GET
def cdc(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
    company = caller.company
    try:
        entity_types, since = cdc_params_parse(company, request.GET)
    except CdcRequestError as exc:
        return fault_response(company, [exc.error])
    return json_response(
        {
            "CDCResponse": [{"QueryResponse": cdc_changes(company, entity_types, since=since)}],
            "time": qbo_response_time(company.time_zone),
        }
    )


def cdc_params_parse(company: SandboxCompany, params: Mapping[str, str]) -> tuple[list[str], datetime]:
    """The canonical entity names and the instant of a request's ``entities`` and ``changedSince``."""
    names = [name.strip() for name in params.get("entities", "").split(",") if name.strip()]
    if not names:
        raise CdcRequestError.missing("entities")
    raw_since = params.get("changedSince", "").strip()
    if not raw_since:
        raise CdcRequestError.missing("changedSince")
    since = _instant(raw_since, ZoneInfo(company.time_zone))
    if since is None:
        raise CdcRequestError(
            "Request has invalid or unsupported property",
            f"Property Name:changedSince={raw_since} specified is unsupported or invalid",
            "2010",
        )
    if since < now() - CDC_LOOKBACK:
        raise CdcRequestError.unsupported(f"cdc with changedSince date {raw_since} which is older than fixed days")
    return _entity_types(names), since


def _instant(text: str, tz: tzinfo) -> datetime | None:
    moment = to_moment(text, tz)
    return None if moment is None else as_instant(moment, tz)


def _entity_types(names: Iterable[str]) -> list[str]:
    canonical = {name.casefold(): name for name in queryable_entities()}
    covered = cdc_entities()
    entity_types: list[str] = []
    for name in names:
        entity_type = canonical.get(name.casefold())
        if entity_type is None or entity_type not in covered:
            raise CdcRequestError.unsupported(f"cdc for entity {name}")
        if entity_type not in entity_types:
            entity_types.append(entity_type)
    return entity_types


def cdc_changes(company: SandboxCompany, entity_types: Iterable[str], *, since: datetime) -> list[dict[str, Any]]:
    """The ``QueryResponse`` entries of a CDC answer: one per entity type, ``{}`` for a type without changes."""
    entries = []
    for entity_type in entity_types:
        rows = (
            store.entity_list(company, entity_type, include_deleted=True, changed_since=since)
            .order_by("updated_at", "id")
            .values_list("entity_id", "data", "deleted_at", "updated_at")[:CDC_MAX_OBJECTS]
        )
        objects = [
            data if deleted_at is None else _deleted(entity_id, updated_at, company.time_zone)
            for entity_id, data, deleted_at, updated_at in rows
        ]
        entries.append(_entry(entity_type, objects))
    return entries


def _deleted(entity_id: str, at: datetime, time_zone: str) -> dict[str, Any]:
    return {
        "domain": "QBO",
        "status": "Deleted",
        "Id": entity_id,
        "MetaData": {"LastUpdatedTime": qbo_datetime(at, time_zone)},
    }


def _entry(entity_type: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    if not objects:
        return {}
    count = len(objects)
    return {entity_type: objects, "startPosition": 1, "maxResults": count, "totalCount": count}

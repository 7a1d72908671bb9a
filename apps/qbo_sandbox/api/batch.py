"""
The batch endpoint: ``POST batch`` with up to 30 items, each a write or a query, answered item by item.

Request::

    {"BatchItemRequest": [{"bId": "1", "operation": "create", "Customer": {...}},
                          {"bId": "2", "Query": "SELECT * FROM Item"}]}

Answer (HTTP 200 whatever the items did)::

    {"BatchItemResponse": [{"bId": "1", "Customer": {...}},
                           {"bId": "2", "QueryResponse": {...}}], "time": "..."}

A failed item answers ``{"bId": ..., "Fault": {"Error": [...], "type": "ValidationFault"}}`` and the others still run:
partial success is normal. A request that is malformed as a whole (more than 30 items: 1040; a missing or repeated
``bId``; an unknown property or operation) is refused as a whole with a 400 ``Fault``.

Intuit runs the items one after another, but an item does not see what earlier items of the same batch did. The
sandbox keeps the part of that a client can observe through a batch alone: queries answer from the state before the
batch (they run first), writes apply in request order, each in its own transaction. A write that refers to an object
created earlier in the same batch therefore succeeds here where QuickBooks would refuse it. ``CDCQuery`` and
``ReportQuery`` items are not emulated (refused as unknown properties).
"""

import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from apps.qbo_sandbox import entities
from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.api.idempotency import with_request_id
from apps.qbo_sandbox.api.responses import fault_response
from apps.qbo_sandbox.entities import QboFault
from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.query import QueryParserError
from apps.qbo_sandbox.query_store import query_run, queryable_entities
from apps.qbo_sandbox.timefmt import qbo_response_time

MAX_BATCH_ITEMS = 30
OPERATIONS = ("create", "update", "delete", "void")
_ITEM_KEYS = frozenset({"bId", "operation", "optionSet"})

Item = dict[str, Any]


class BatchRequestError(Exception):
    """A batch refused as a whole; ``error`` is the Fault's error object."""

    def __init__(self, message: str, detail: str, code: str) -> None:
        super().__init__(detail)
        self.error = {"Message": message, "Detail": detail, "code": code}

    @classmethod
    def invalid_property(cls, name: str) -> "BatchRequestError":
        return cls(
            "Request has invalid or unsupported property",
            f"Property Name:{name} specified is unsupported or invalid",
            "2010",
        )


@qbo_api
@require_POST
def batch(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
    company = caller.company

    def produce() -> HttpResponse:
        try:
            items = batch_items_parse(request.body)
        except BatchRequestError as exc:
            return fault_response(company, [exc.error])
        return json_response(
            {"BatchItemResponse": batch_run(company, items), "time": qbo_response_time(company.time_zone)}
        )

    # Intuit allows 36 characters for a batch request id, 50 elsewhere.
    return with_request_id(company, request, produce, app=caller.app, max_length=36)


def batch_items_parse(body: bytes) -> list[Item]:
    """The items of a batch body, checked as a whole; raises ``BatchRequestError``."""
    try:
        # Amounts as Decimal, as the entity endpoints read them.
        payload = json.loads(body or b"{}", parse_float=Decimal)
    except ValueError:
        raise BatchRequestError.invalid_property("BatchItemRequest") from None
    items = payload.get("BatchItemRequest") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise BatchRequestError(
            "Required param missing, need to supply the required value for the API",
            "Required parameter BatchItemRequest is missing in the request",
            "2020",
        )
    if len(items) > MAX_BATCH_ITEMS:
        raise BatchRequestError(
            "Batch size exceeds allowed limit", f"Batch size exceeds allowed limit : {MAX_BATCH_ITEMS}", "1040"
        )
    entity_names = frozenset(queryable_entities())
    seen: set[str] = set()
    for item in items:
        _item_check(item, entity_names, seen)
    return items


def _item_check(item: Any, entity_names: frozenset[str], seen: set[str]) -> None:
    if not isinstance(item, dict):
        raise BatchRequestError.invalid_property("BatchItemRequest")
    bid = item.get("bId")
    if not isinstance(bid, str) or not bid.strip():
        raise BatchRequestError(
            "Required param missing, need to supply the required value for the API",
            "Required parameter bId is missing in the request",
            "2020",
        )
    if bid in seen:
        raise BatchRequestError.invalid_property(f"bId {bid} (used twice)")
    seen.add(bid)
    operation = item.get("operation")
    if "Query" not in item and operation is not None and operation not in OPERATIONS:
        raise BatchRequestError.invalid_property(f"operation {operation}")
    for key, value in item.items():
        if key in _ITEM_KEYS:
            continue
        if key == "Query" and isinstance(value, str):
            continue
        if key not in entity_names or not isinstance(value, dict):
            raise BatchRequestError.invalid_property(key)


def batch_run(company: SandboxCompany, items: list[Item]) -> list[dict[str, Any]]:
    """The ``BatchItemResponse`` of checked items, in request order."""
    answers: dict[int, dict[str, Any]] = {}
    # Queries first: they must not see the batch's own writes.
    for index, item in enumerate(items):
        if "Query" in item:
            answers[index] = _query_item(company, item)
    for index, item in enumerate(items):
        if index not in answers:
            answers[index] = _write_item(company, item)
    return [answers[index] for index in range(len(items))]


def _query_item(company: SandboxCompany, item: Item) -> dict[str, Any]:
    if len(set(item) - _ITEM_KEYS) > 1:
        return _fault_item(item, _payload_count_error())
    try:
        result = query_run(company, item["Query"])
    except QueryParserError as exc:
        return {"bId": item["bId"], "Fault": _fault(exc.as_fault()["Error"])}
    return {"bId": item["bId"], "QueryResponse": result.as_query_response()}


def _write_item(company: SandboxCompany, item: Item) -> dict[str, Any]:
    entity_types = [key for key in item if key not in _ITEM_KEYS]
    if len(entity_types) != 1:
        return _fault_item(item, _payload_count_error())
    operation = item.get("operation")
    if operation is None:
        return _fault_item(
            item,
            {
                "Message": "Required param missing, need to supply the required value for the API",
                "Detail": "Required parameter operation is missing in the request",
                "code": "2020",
            },
        )
    (entity_type,) = entity_types
    try:
        # Its own transaction (a savepoint under requestid's): a failed item leaves no trace.
        with transaction.atomic():
            answer = _write(company, operation, entity_type, item[entity_type])
    except QboFault as exc:
        return {"bId": item["bId"], "Fault": _fault([exc.as_error()], exc.fault_type)}
    return {"bId": item["bId"], **answer}


def _write(company: SandboxCompany, operation: str, entity_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The answer of one write, ``{"<EntityType>": {...}}``, as the entity endpoints give it."""
    if operation == "delete":
        return {entity_type: entities.entity_delete(company, entity_type, payload)}
    if operation == "void":
        return {entity_type: entities.entity_void(company, entity_type, payload).data}
    if operation == "update":
        return {entity_type: entities.entity_update(company, entity_type, payload).data}
    return {entity_type: entities.entity_create(company, entity_type, payload).data}


def _payload_count_error() -> dict[str, str]:
    return {
        "Message": "Request has invalid or unsupported property",
        "Detail": "Property Name:BatchItemRequest specified is unsupported or invalid: an item carries one entity or "
        "one Query",
        "code": "2010",
    }


def _fault_item(item: Item, error: dict[str, str]) -> dict[str, Any]:
    return {"bId": item["bId"], "Fault": _fault([error])}


def _fault(errors: list[dict[str, Any]], fault_type: str = "ValidationFault") -> dict[str, Any]:
    """A ``Fault`` object as ``fault_response`` writes it, for use inside a batch answer."""
    return {"Error": [{"element": "", **error} for error in errors], "type": fault_type}

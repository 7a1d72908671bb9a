"""
Running a request document: each request parsed against its spec first (a schema error runs nothing), then run in
order with the document's ``onError`` mode.

Each request runs in a savepoint, so one that fails leaves nothing behind; ``rollbackOnError`` also undoes the
requests before it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from lxml import etree

from apps.qbd_sandbox.engine import names  # noqa: F401 - registers the customer and employee hooks
from apps.qbd_sandbox.engine.adjustments import adjustment_add, adjustment_choices
from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.deletes import list_del, txn_del, txn_void
from apps.qbd_sandbox.engine.estimates import estimate_add, estimate_mod
from apps.qbd_sandbox.engine.host import company_ret, host_ret, preferences_ret
from apps.qbd_sandbox.engine.invoices import invoice_add, invoice_mod
from apps.qbd_sandbox.engine.lists import LIST_KINDS, list_add, list_mod
from apps.qbd_sandbox.engine.payments import payment_add, payment_mod
from apps.qbd_sandbox.engine.purchase_orders import purchase_order_add, purchase_order_mod
from apps.qbd_sandbox.engine.queries import QUERY_SPECS, check_choices, run_query
from apps.qbd_sandbox.engine.results import Result, no_match, records_rendered, simple
from apps.qbd_sandbox.errors import StatusError, parse_error
from apps.qbd_sandbox.models import Record, Tombstone
from apps.qbd_sandbox.qbxml.fields import F, S, agg, parse_fields
from apps.qbd_sandbox.qbxml.inventory import INVENTORY_ADJUSTMENT_ADD
from apps.qbd_sandbox.qbxml.orders import ESTIMATE_ADD, ESTIMATE_MOD, PURCHASE_ORDER_ADD, PURCHASE_ORDER_MOD
from apps.qbd_sandbox.qbxml.queries import LIST_DEL, LIST_DELETED_QUERY, TXN_DEL, TXN_DELETED_QUERY, TXN_VOID
from apps.qbd_sandbox.qbxml.txns import INVOICE_ADD, INVOICE_MOD, RECEIVE_PAYMENT_ADD, RECEIVE_PAYMENT_MOD
from apps.qbd_sandbox.timefmt import local_bound

QUERY_ATTRIBUTES = {"requestID", "iterator", "iteratorID", "metaData"}
ITERATOR_VALUES = ("Start", "Continue", "Stop")
META_DATA_VALUES = ("NoMetaData", "MetaDataOnly", "MetaDataAndResponseData")
INCLUDE = S("IncludeRetElement", 50, repeat=True)


@dataclass
class Handler:
    spec: tuple[F, ...]
    run: Callable[[Ctx, "Prepared"], Result]
    attributes: frozenset[str] = frozenset({"requestID"})
    # The schema's choices the spec cannot express; raises the parse error like a misplaced element.
    check: Callable[[dict[str, Any]], None] | None = None


@dataclass
class Prepared:
    name: str
    handler: Handler
    attributes: dict[str, str]
    payload: dict[str, Any]
    issues: list[StatusError] = field(default_factory=list)


def _write(action: Callable[[Ctx, dict[str, Any]], Record], wrapper: str) -> Callable[[Ctx, Prepared], Result]:
    def run(ctx: Ctx, prepared: Prepared) -> Result:
        record = action(ctx, prepared.payload[wrapper])
        include = set(prepared.payload.get("IncludeRetElement", [])) or None
        return Result(elements=records_rendered(ctx, [record], include=include))

    return run


def _list_add(kind: str) -> Callable[[Ctx, dict[str, Any]], Record]:
    return lambda ctx, data: list_add(ctx, kind, data)


def _list_mod(kind: str) -> Callable[[Ctx, dict[str, Any]], Record]:
    return lambda ctx, data: list_mod(ctx, kind, data)


def _query(ctx: Ctx, prepared: Prepared) -> Result:
    return run_query(ctx, prepared.name, prepared.attributes, prepared.payload)


def _list_del(ctx: Ctx, prepared: Prepared) -> Result:
    kind = prepared.payload["ListDelType"]
    tombstone = list_del(ctx, kind=kind, list_id=prepared.payload["ListID"])
    values = [
        ("ListDelType", kind, "str"),
        ("ListID", tombstone.object_id, "str"),
        ("TimeDeleted", ctx.local(tombstone.time_deleted), "str"),
        ("FullName", tombstone.full_name, "str"),
    ]
    return Result(elements=simple(values))


def _txn_del(ctx: Ctx, prepared: Prepared) -> Result:
    kind = prepared.payload["TxnDelType"]
    tombstone = txn_del(ctx, kind=kind, txn_id=prepared.payload["TxnID"])
    values = [
        ("TxnDelType", kind, "str"),
        ("TxnID", tombstone.object_id, "str"),
        ("TimeDeleted", ctx.local(tombstone.time_deleted), "str"),
        ("RefNumber", tombstone.full_name, "str"),
    ]
    return Result(elements=simple(values))


def _txn_void(ctx: Ctx, prepared: Prepared) -> Result:
    kind = prepared.payload["TxnVoidType"]
    record = txn_void(ctx, kind=kind, txn_id=prepared.payload["TxnID"])
    return Result(elements=simple([("TxnVoidType", kind, "str"), ("TxnID", record.object_id, "str")]))


def _deleted_query(txn: bool) -> Callable[[Ctx, Prepared], Result]:
    type_name, id_name, name_name = (
        ("TxnDelType", "TxnID", "RefNumber") if txn else ("ListDelType", "ListID", "FullName")
    )

    def run(ctx: Ctx, prepared: Prepared) -> Result:
        rows = Tombstone.objects.filter(company=ctx.company, is_txn=txn, kind__in=prepared.payload[type_name])
        bounds = prepared.payload.get("DeletedDateRangeFilter", {})
        if bounds.get("FromDeletedDate") is not None:
            rows = rows.filter(time_deleted__gte=local_bound(bounds["FromDeletedDate"], ctx.zone, end=False))
        if bounds.get("ToDeletedDate") is not None:
            rows = rows.filter(time_deleted__lte=local_bound(bounds["ToDeletedDate"], ctx.zone, end=True))
        elements = []
        for row in rows.order_by("time_deleted", "pk"):
            element = etree.Element("TxnDeletedRet" if txn else "ListDeletedRet")
            element.extend(
                simple(
                    [
                        (type_name, row.kind, "str"),
                        (id_name, row.object_id, "str"),
                        ("TimeCreated", ctx.local(row.time_created), "str"),
                        ("TimeDeleted", ctx.local(row.time_deleted), "str"),
                        (name_name, row.full_name, "str"),
                    ]
                )
            )
            elements.append(element)
        return Result(elements=elements) if elements else no_match()

    return run


def _host(ctx: Ctx, prepared: Prepared) -> Result:
    return Result(elements=[host_ret(ctx.company)])


def _company(ctx: Ctx, prepared: Prepared) -> Result:
    return Result(elements=[company_ret(ctx.company, prepared.payload.get("OwnerID", []))])


def _preferences(ctx: Ctx, prepared: Prepared) -> Result:
    return Result(elements=[preferences_ret(ctx)])


def _handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for kind, spec in LIST_KINDS.items():
        wrapper = f"{kind}Add"
        handlers[f"{kind}AddRq"] = Handler(
            (agg(wrapper, *spec.add, required=True), INCLUDE), _write(_list_add(kind), wrapper)
        )
        if spec.mod:
            wrapper = f"{kind}Mod"
            handlers[f"{kind}ModRq"] = Handler(
                (agg(wrapper, *spec.mod, required=True), INCLUDE), _write(_list_mod(kind), wrapper)
            )
    for name, spec, action in (
        ("InvoiceAdd", INVOICE_ADD, invoice_add),
        ("InvoiceMod", INVOICE_MOD, invoice_mod),
        ("ReceivePaymentAdd", RECEIVE_PAYMENT_ADD, payment_add),
        ("ReceivePaymentMod", RECEIVE_PAYMENT_MOD, payment_mod),
        ("PurchaseOrderAdd", PURCHASE_ORDER_ADD, purchase_order_add),
        ("PurchaseOrderMod", PURCHASE_ORDER_MOD, purchase_order_mod),
        ("EstimateAdd", ESTIMATE_ADD, estimate_add),
        ("EstimateMod", ESTIMATE_MOD, estimate_mod),
        ("InventoryAdjustmentAdd", INVENTORY_ADJUSTMENT_ADD, adjustment_add),
    ):
        handlers[f"{name}Rq"] = Handler((agg(name, *spec, required=True), INCLUDE), _write(action, name))
    handlers["InventoryAdjustmentAddRq"].check = lambda payload: adjustment_choices(payload["InventoryAdjustmentAdd"])
    for name, query in QUERY_SPECS.items():
        handlers[name] = Handler(query.fields, _query, frozenset(QUERY_ATTRIBUTES), check=check_choices)
    handlers["ListDelRq"] = Handler(LIST_DEL, _list_del)
    handlers["TxnDelRq"] = Handler(TXN_DEL, _txn_del)
    handlers["TxnVoidRq"] = Handler(TXN_VOID, _txn_void)
    handlers["ListDeletedQueryRq"] = Handler(
        LIST_DELETED_QUERY, _deleted_query(txn=False), frozenset({"requestID", "metaData"})
    )
    handlers["TxnDeletedQueryRq"] = Handler(
        TXN_DELETED_QUERY, _deleted_query(txn=True), frozenset({"requestID", "metaData"})
    )
    handlers["HostQueryRq"] = Handler((F("IncludeListMetaData", "bool", ignore=True),), _host)
    handlers["CompanyQueryRq"] = Handler((INCLUDE, S("OwnerID", repeat=True)), _company)
    handlers["PreferencesQueryRq"] = Handler((INCLUDE,), _preferences)
    return handlers


HANDLERS = _handlers()


def prepare(element: etree._Element) -> Prepared:
    """Parse one request against its spec; schema errors raise, value errors (3070, 3020) wait to be answered."""
    handler = HANDLERS.get(element.tag)
    if handler is None or not set(element.attrib) <= handler.attributes:
        raise parse_error()
    attributes = dict(element.attrib)
    if attributes.get("iterator", "Start") not in ITERATOR_VALUES:
        raise parse_error()
    if attributes.get("metaData", "NoMetaData") not in META_DATA_VALUES:
        raise parse_error()
    if attributes.get("iterator") == "Continue" and not attributes.get("iteratorID"):
        raise parse_error()
    issues: list[StatusError] = []
    payload = parse_fields(element, handler.spec, issues)
    if handler.check:
        handler.check(payload)
    return Prepared(element.tag, handler, attributes, payload, issues)


def run(ctx: Ctx, prepared: Prepared) -> Result:
    if prepared.issues:
        raise prepared.issues[0]
    return prepared.handler.run(ctx, prepared)


def response_element(prepared: Prepared, result: Result) -> etree._Element:
    element = etree.Element(prepared.name[:-2] + "Rs")
    if "requestID" in prepared.attributes:
        element.set("requestID", prepared.attributes["requestID"])
    element.set("statusCode", str(result.code))
    element.set("statusSeverity", result.severity)
    element.set("statusMessage", result.message)
    for name, value in result.attrs.items():
        element.set(name, value)
    element.extend(result.elements)
    return element


def run_document(ctx: Ctx, on_error: str, requests: list[etree._Element]) -> list[etree._Element]:
    """Run the requests in order; the caller holds the transaction this may mark for rollback."""
    prepared = [prepare(element) for element in requests]
    responses = []
    for item in prepared:
        try:
            with transaction.atomic():
                result = run(ctx, item)
        except StatusError as error:
            ctx.forget()
            responses.append(
                response_element(item, Result(code=error.code, severity=error.severity, message=error.message))
            )
            if on_error == "rollbackOnError":
                transaction.set_rollback(True)
                break
            if on_error == "stopOnError":
                break
            continue
        responses.append(response_element(item, result))
    return responses

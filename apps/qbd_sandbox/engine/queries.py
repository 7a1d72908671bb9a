"""
Queries: by id or name, or by filters; with MaxReturned, iterators and IncludeRetElement.

Lists come back in full-name order, transactions in the order they were entered. An iterator fixes its matching
records when it starts; each Continue answers the next MaxReturned of them as they are by then. Iterators belong to
the session that started them.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from apps.qbd_sandbox.engine.context import Ctx
from apps.qbd_sandbox.engine.refs import jsonable
from apps.qbd_sandbox.engine.results import Result, no_match, records_rendered
from apps.qbd_sandbox.errors import StatusError, parse_error
from apps.qbd_sandbox.models import QbIterator, Record
from apps.qbd_sandbox.qbxml.common import ENTITY_KINDS, ITEM_KINDS, TERMS_KINDS
from apps.qbd_sandbox.qbxml.fields import F
from apps.qbd_sandbox.qbxml.lists import ACCOUNT_TYPES
from apps.qbd_sandbox.qbxml.queries import SELECTORS, list_query, txn_query
from apps.qbd_sandbox.timefmt import local_bound, macro_range

OUTPUT_OPTIONS = {"IncludeRetElement", "OwnerID", "IncludeLineItems", "IncludeLinkedTxns"}
EXCLUSIVE = (
    ("NameFilter", "NameRangeFilter"),
    ("ModifiedDateRangeFilter", "TxnDateRangeFilter"),
    ("RefNumberFilter", "RefNumberRangeFilter"),
)


@dataclass(frozen=True)
class QuerySpec:
    kinds: tuple[str, ...]
    fields: tuple[F, ...]
    txn: bool = False


QUERY_SPECS = {
    **{f"{kind}QueryRq": QuerySpec((kind,), list_query()) for kind in (*ENTITY_KINDS, *ITEM_KINDS)},
    "ItemQueryRq": QuerySpec(ITEM_KINDS, list_query()),
    "SalesTaxCodeQueryRq": QuerySpec(("SalesTaxCode",), list_query(owner=False)),
    "StandardTermsQueryRq": QuerySpec(("StandardTerms",), list_query(owner=False)),
    "DateDrivenTermsQueryRq": QuerySpec(("DateDrivenTerms",), list_query(owner=False)),
    "TermsQueryRq": QuerySpec(TERMS_KINDS, list_query(owner=False)),
    "PaymentMethodQueryRq": QuerySpec(("PaymentMethod",), list_query(owner=False)),
    "AccountQueryRq": QuerySpec(
        ("Account",), list_query(extra=(F("AccountType", "enum", choices=ACCOUNT_TYPES, repeat=True),))
    ),
    "InvoiceQueryRq": QuerySpec(("Invoice",), txn_query(paid_status=True, linked_txns=True), txn=True),
    "ReceivePaymentQueryRq": QuerySpec(("ReceivePayment",), txn_query(paid_status=False, linked_txns=False), txn=True),
    "PurchaseOrderQueryRq": QuerySpec(("PurchaseOrder",), txn_query(paid_status=False, linked_txns=True), txn=True),
    "EstimateQueryRq": QuerySpec(("Estimate",), txn_query(paid_status=False, linked_txns=True), txn=True),
    "InventoryAdjustmentQueryRq": QuerySpec(
        ("InventoryAdjustment",), txn_query(paid_status=False, linked_txns=False, item_filter=True), txn=True
    ),
}


def check_choices(payload: dict[str, Any]) -> None:
    """The schema's xs:choice rules: ids or names or filters, and one filter of each exclusive pair."""
    selectors = SELECTORS & payload.keys()
    filters = payload.keys() - SELECTORS - OUTPUT_OPTIONS
    if len(selectors) > 1 or (selectors and filters):
        raise parse_error()
    for pair in EXCLUSIVE:
        if all(name in payload for name in pair):
            raise parse_error()
    dates = payload.get("TxnDateRangeFilter", {})
    if "DateMacro" in dates and ({"FromTxnDate", "ToTxnDate"} & dates.keys()):
        raise parse_error()
    if len(payload.get("EntityFilter", {})) > 1 or len(payload.get("ItemFilter", {})) > 1:
        raise parse_error()


def _not_all_found(value: str) -> Result:
    return Result(
        code=500,
        severity="Warn",
        message=f'The query request has not been fully completed. There was a required element ("{value}") that '
        "could not be found in QuickBooks.",
    )


def _selected(ctx: Ctx, spec: QuerySpec, payload: dict[str, Any]) -> tuple[list[Record], str | None]:
    base = Record.objects.filter(company=ctx.company, kind__in=spec.kinds).select_related("parent")
    found: list[Record] = []
    missing = None
    for name in SELECTORS & payload.keys():
        for value in payload[name]:
            lookup = {
                "ListID": {"object_id": value},
                "TxnID": {"object_id": value},
                "FullName": {"name_key": value.lower()},
                "RefNumber": {"ref_number__iexact": value},
                "RefNumberCaseSensitive": {"ref_number": value},
            }[name]
            matches = list(base.filter(**lookup).order_by("txn_number", "pk"))
            if not matches and missing is None:
                missing = value
            found.extend(record for record in matches if record not in found)
    return found, missing


def _modified(queryset: QuerySet, ctx: Ctx, values: dict[str, Any]) -> QuerySet:
    if values.get("FromModifiedDate") is not None:
        queryset = queryset.filter(time_modified__gte=local_bound(values["FromModifiedDate"], ctx.zone, end=False))
    if values.get("ToModifiedDate") is not None:
        queryset = queryset.filter(time_modified__lte=local_bound(values["ToModifiedDate"], ctx.zone, end=True))
    return queryset


def _match(field: str, criterion: str, value: str) -> Q:
    lookup = {"StartsWith": "istartswith", "Contains": "icontains", "EndsWith": "iendswith"}[criterion]
    return Q(**{f"{field}__{lookup}": value})


def _list_filters(ctx: Ctx, queryset: QuerySet, payload: dict[str, Any]) -> QuerySet:
    status = payload.get("ActiveStatus", "ActiveOnly")
    if status != "All":
        queryset = queryset.filter(is_active=status == "ActiveOnly")
    queryset = _modified(queryset, ctx, payload)
    if "NameFilter" in payload:
        name_filter = payload["NameFilter"]
        queryset = queryset.filter(_match("name_key", name_filter["MatchCriterion"], name_filter["Name"].lower()))
    if "NameRangeFilter" in payload:
        bounds = payload["NameRangeFilter"]
        if bounds.get("FromName"):
            queryset = queryset.filter(name_key__gte=bounds["FromName"].lower())
        if bounds.get("ToName"):
            to_name = bounds["ToName"].lower()
            queryset = queryset.filter(Q(name_key__lte=to_name) | Q(name_key__startswith=to_name))
    if "AccountType" in payload:
        queryset = queryset.filter(data__AccountType__in=payload["AccountType"])
    return queryset.order_by("name_key", "pk")


def _named(ctx: Ctx, kinds: tuple[str, ...], names: dict[str, Any]) -> QuerySet:
    """The list records an EntityFilter or ItemFilter names: by ids, full names, or one with its descendants."""
    records = Record.objects.filter(company=ctx.company, kind__in=kinds)
    if "ListID" in names:
        return records.filter(object_id__in=names["ListID"])
    if "FullName" in names:
        return records.filter(name_key__in=[name.lower() for name in names["FullName"]])
    if "ListIDWithChildren" in names:
        parent = records.filter(object_id=names["ListIDWithChildren"]).first()
        key = parent.name_key if parent else None
    else:
        key = names["FullNameWithChildren"].lower()
    if key is None:
        return records.none()
    return records.filter(Q(name_key=key) | Q(name_key__startswith=key + ":"))


def _item_filter(ctx: Ctx, queryset: QuerySet, items: dict[str, Any]) -> QuerySet:
    """Transactions with a line of one of the items (their references are in ``ref_ids``)."""
    matches = Q()
    for list_id in _named(ctx, ITEM_KINDS, items).values_list("object_id", flat=True):
        matches |= Q(ref_ids__contains=list_id)
    return queryset.filter(matches) if matches else queryset.none()


def _ref_range(queryset: QuerySet, bounds: dict[str, str]) -> QuerySet:
    low, high = bounds.get("FromRefNumber", ""), bounds.get("ToRefNumber", "")
    if (not low or low.isdigit()) and (not high or high.isdigit()) and (low or high):
        # Numbers compare as numbers, as QuickBooks compares them.
        keep = [
            pk
            for pk, ref_number in queryset.values_list("pk", "ref_number")
            if ref_number.isdigit()
            and (not low or int(ref_number) >= int(low))
            and (not high or int(ref_number) <= int(high))
        ]
        return queryset.filter(pk__in=keep)
    if low:
        queryset = queryset.filter(ref_number__gte=low)
    if high:
        queryset = queryset.filter(ref_number__lte=high)
    return queryset


def _txn_filters(ctx: Ctx, queryset: QuerySet, payload: dict[str, Any]) -> QuerySet:
    queryset = _modified(queryset, ctx, payload.get("ModifiedDateRangeFilter", {}))
    dates = payload.get("TxnDateRangeFilter", {})
    low, high = dates.get("FromTxnDate"), dates.get("ToTxnDate")
    if "DateMacro" in dates:
        low, high = macro_range(dates["DateMacro"], ctx.today())
    if low:
        queryset = queryset.filter(txn_date__gte=low)
    if high:
        queryset = queryset.filter(txn_date__lte=high)
    if "EntityFilter" in payload:
        queryset = queryset.filter(entity__in=_named(ctx, ENTITY_KINDS, payload["EntityFilter"]))
    if "ItemFilter" in payload:
        queryset = _item_filter(ctx, queryset, payload["ItemFilter"])
    if "RefNumberFilter" in payload:
        ref_filter = payload["RefNumberFilter"]
        queryset = queryset.filter(_match("ref_number", ref_filter["MatchCriterion"], ref_filter["RefNumber"]))
    if "RefNumberRangeFilter" in payload:
        queryset = _ref_range(queryset, payload["RefNumberRangeFilter"])
    paid = payload.get("PaidStatus", "All")
    if paid == "PaidOnly":
        queryset = queryset.filter(open_balance__lte=0)
    elif paid == "NotPaidOnly":
        queryset = queryset.filter(open_balance__gt=0)
    return queryset.order_by("txn_number", "pk")


def _criteria(payload: dict[str, Any]) -> str:
    return json.dumps(jsonable({key: value for key, value in payload.items() if key != "MaxReturned"}), sort_keys=True)


def _fetch(pks: list[int]) -> list[Record]:
    found = Record.objects.filter(pk__in=pks).select_related("parent").in_bulk()
    return [found[pk] for pk in pks if pk in found]


def _render(ctx: Ctx, spec: QuerySpec, payload: dict[str, Any], records: list[Record], attrs: dict[str, str]) -> Result:
    if not records:
        return no_match(**attrs)
    elements = records_rendered(
        ctx,
        records,
        lines=bool(payload.get("IncludeLineItems")) or not spec.txn,
        linked=bool(payload.get("IncludeLinkedTxns")),
        include=set(payload.get("IncludeRetElement", [])) or None,
    )
    return Result(elements=elements, attrs=attrs)


def _continue(ctx: Ctx, request: str, spec: QuerySpec, payload: dict[str, Any], iterator_id: str) -> Result:
    iterator = QbIterator.objects.filter(iterator_id=iterator_id, session=ctx.session, request_name=request).first()
    if iterator is None:
        raise StatusError(3120, f'Object "{iterator_id}" specified in the request cannot be found.')
    if iterator.criteria != _criteria(payload):
        raise StatusError(
            3210, f'The iterator "{iterator_id}" was started with other criteria: a Continue must repeat them.'
        )
    size = payload.get("MaxReturned") or len(iterator.record_ids)
    chunk, rest = iterator.record_ids[:size], iterator.record_ids[size:]
    if rest:
        iterator.record_ids = rest
        iterator.position += len(chunk)
        iterator.save(update_fields=["record_ids", "position"])
    else:
        iterator.delete()
    attrs = {"iteratorRemainingCount": str(len(rest)), "iteratorID": iterator_id}
    return _render(ctx, spec, payload, _fetch(chunk), attrs)


def run_query(ctx: Ctx, request: str, attributes: dict[str, str], payload: dict[str, Any]) -> Result:
    spec = QUERY_SPECS[request]
    iterator = attributes.get("iterator")
    iterator_id = attributes.get("iteratorID", "")
    if iterator == "Continue":
        return _continue(ctx, request, spec, payload, iterator_id)
    if iterator == "Stop":
        QbIterator.objects.filter(iterator_id=iterator_id, session=ctx.session).delete()
        return Result()
    if SELECTORS & payload.keys():
        records, missing = _selected(ctx, spec, payload)
        result = _render(ctx, spec, payload, records, {})
        return _with_missing(result, missing)
    queryset = Record.objects.filter(company=ctx.company, kind__in=spec.kinds)
    queryset = _txn_filters(ctx, queryset, payload) if spec.txn else _list_filters(ctx, queryset, payload)
    size = payload.get("MaxReturned")
    meta = attributes.get("metaData", "NoMetaData")
    if meta == "MetaDataOnly":
        return Result(attrs={"retCount": str(queryset.count())})
    if iterator == "Start":
        pks = list(queryset.values_list("pk", flat=True))
        size = size or len(pks)
        chunk, rest = pks[:size], pks[size:]
        iterator_id = "{" + str(uuid.uuid4()).upper() + "}"
        if rest:
            QbIterator.objects.create(
                session=ctx.session,
                iterator_id=iterator_id,
                request_name=request,
                criteria=_criteria(payload),
                record_ids=rest,
                position=len(chunk),
            )
        attrs = {"iteratorRemainingCount": str(len(rest)), "iteratorID": iterator_id}
        records = _fetch(chunk)
    else:
        records = list(queryset.select_related("parent")[:size] if size else queryset.select_related("parent"))
        attrs = {}
    if meta == "MetaDataAndResponseData":
        attrs = {"retCount": str(len(records)), **attrs}
    return _render(ctx, spec, payload, records, attrs)


def _with_missing(result: Result, missing: str | None) -> Result:
    if missing is None:
        return result
    partial = _not_all_found(missing)
    partial.elements = result.elements
    return partial

"""
Queries answered from the stored entities: SQL narrows the rows, the query package has the last word.

``query_run`` parses a query and answers it for one company. The conditions ``pushdown_filters`` offers become SQL
on ``SandboxEntity``'s columns (``entity_id``, ``active``, ``name_key``, ``doc_number``, ``updated_at``,
``created_at``), so only candidate rows are loaded; ``execute`` then applies the exact semantics to them: every
condition again, the active-only default, ordering, paging, field lists.

When the SQL selects exactly the rows ``execute`` keeps and the order is Intuit's default (Id, or ``ORDERBY Id``),
SQL cuts the page too: ``STARTPOSITION 9001 MAXRESULTS 1000`` over 10,000 customers loads 1,000 rows, not 10,000,
and ``COUNT(*)`` is a SQL count. ``execute`` still checks that page; should it reject a row (stored data the columns
misdescribe), the query takes the general path. "Exactly" rests on what the store keeps in step:

- ``MetaData.LastUpdatedTime`` and ``CreateTime`` are ``updated_at`` and ``created_at`` written to the second, so a
  time literal is compared with the column at second precision;
- ``Active`` is a JSON boolean or absent, so the ``active`` column says what ``Active`` says;
- ``Id`` is ``entity_id``, a string of digits, so Id order is (length, text) order.

Names and document numbers only narrow. They use the store's lowercase keys (its duplicate-name key), which fold case
with ``str.lower`` where the evaluator uses ``str.casefold``: a literal is pushed only when the two agree on it, yet a
stored ``'Straße'`` is not found by ``DisplayName = 'STRASSE'`` here although the evaluator alone would match it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, timedelta, tzinfo
from decimal import Decimal
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length

from apps.qbo_sandbox.entities import ENTITY_TYPES
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.qbo_sandbox.query import (
    Condition,
    Operator,
    Query,
    QueryResult,
    active_default_applies,
    execute,
    parse,
    pushdown_filters,
)
from apps.qbo_sandbox.query.values import as_instant, to_bool, to_moment

# Served by their own endpoints rather than the entity specs; QuickBooks answers queries and CDC on them too.
_COMPANY_ENTITIES = ("CompanyInfo", "Preferences")
_SECOND = timedelta(seconds=1)
# Entities whose name key is the DisplayName: a condition on Name cannot use it.
_DISPLAY_NAME_ENTITIES = frozenset({"Customer", "Employee", "TaxAgency", "Vendor"})
_DOC_NUMBER_LENGTH = 100


@dataclass(frozen=True, slots=True)
class _Pushed:
    """
    One condition as SQL; ``exact`` when the SQL accepts exactly the rows the condition accepts, ``bound`` when
    it accepts at most that many rows (an Id list).
    """

    q: Q
    exact: bool
    bound: int | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    rows: QuerySet[SandboxEntity]
    exact: bool
    bound: int | None


def queryable_entities() -> tuple[str, ...]:
    """The entity names a query may select from: every type the sandbox serves."""
    return (*ENTITY_TYPES, *_COMPANY_ENTITIES)


def cdc_entities() -> frozenset[str]:
    """The entity names change data capture reports on (not TaxAgency, TaxCode, TaxRate: Intuit's CDC guide)."""
    return frozenset(name for name, spec in ENTITY_TYPES.items() if spec.cdc) | frozenset(_COMPANY_ENTITIES)


def is_name_list(entity: str) -> bool:
    """Whether queries on ``entity`` return active records only unless they filter on ``Active``."""
    spec = ENTITY_TYPES.get(entity)
    return spec is not None and spec.name_list


def query_run(company: SandboxCompany, text: str) -> QueryResult:
    """
    Answer the query ``text`` for ``company``, as ``GET /query`` does.

    Raises ``QueryParserError`` (or ``QueryValidationError``) for a query QuickBooks Online would refuse.
    """
    return query_execute(company, parse(text, entities=queryable_entities()))


def query_execute(company: SandboxCompany, query: Query) -> QueryResult:
    """Answer a parsed query (its entity spelled canonically) for ``company``."""
    name_list = is_name_list(query.entity)
    tz = ZoneInfo(company.time_zone)
    plan = _plan(company, query, name_list=name_list, tz=tz)
    if plan.exact and query.count:
        return QueryResult(query.entity, [], query.start_position, 0, plan.rows.count())
    descending = _id_order(query)
    # A handful of rows picked by Id costs less to load whole than to sort and slice in SQL.
    few = plan.bound is not None and plan.bound <= query.max_results
    if plan.exact and descending is not None and not few:
        page = _page_in_sql(plan.rows, query, descending=descending, name_list=name_list, tz=tz)
        if page is not None:
            return page
    return execute(query, plan.rows.values_list("data", flat=True), name_list=name_list, tz=tz)


def _plan(company: SandboxCompany, query: Query, *, name_list: bool, tz: tzinfo) -> _Plan:
    rows = SandboxEntity.objects.filter(company=company, entity_type=query.entity, deleted_at__isnull=True)
    if active_default_applies(query, name_list=name_list):
        rows = rows.filter(active=True)
    pushed = pushdown_filters(query)
    # Exact only if every WHERE condition was pushed, and pushed exactly.
    exact = len(pushed) == len(query.where)
    bound = None
    for condition in pushed:
        translated = _translate(condition, entity=query.entity, name_list=name_list, tz=tz)
        if translated is None:
            exact = False
            continue
        rows = rows.filter(translated.q)
        exact = exact and translated.exact
        if translated.bound is not None:
            bound = translated.bound if bound is None else min(bound, translated.bound)
    return _Plan(rows, exact, bound)


def _id_order(query: Query) -> bool | None:
    """Whether Id order runs descending, when the query is in Id order; None for any other order."""
    if not query.order_by:
        return False
    if len(query.order_by) == 1 and query.order_by[0].field.matches("Id"):
        return query.order_by[0].descending
    return None


def _page_in_sql(
    rows: QuerySet[SandboxEntity], query: Query, *, descending: bool, name_list: bool, tz: tzinfo
) -> QueryResult | None:
    """The page cut by SQL and checked by ``execute``; None when ``execute`` rejects a row of it."""
    keys = [Length("entity_id"), F("entity_id")]
    order = [key.desc() for key in keys] if descending else [key.asc() for key in keys]
    start = query.start_position - 1
    # Sort and slice the narrow (pk, entity_id) rows first, then load only the page's JSON.
    page_pks = rows.order_by(*order).values("pk")[start : start + query.max_results]
    records = list(SandboxEntity.objects.filter(pk__in=page_pks).order_by(*order).values_list("data", flat=True))
    result = execute(replace(query, start_position=1), records, name_list=name_list, tz=tz)
    if len(result.records) != len(records):
        return None
    return replace(result, start_position=query.start_position)


def _translate(condition: Condition, *, entity: str, name_list: bool, tz: tzinfo) -> _Pushed | None:
    """``condition`` (a pushdown condition, its field spelled canonically) as SQL, or None to leave it alone."""
    field = condition.field.name
    if field == "Id":
        return _id_condition(condition)
    if field == "Active":
        return _active_condition(condition, name_list=name_list)
    if field == "DisplayName" or (field == "Name" and entity not in _DISPLAY_NAME_ENTITIES):
        return _folded_condition(condition, lambda key: Q(name_key__in=[key.strip().lower()]))
    if field == "DocNumber":
        return _folded_condition(condition, _doc_number_q)
    if field == "MetaData.LastUpdatedTime":
        return _time_condition(condition, "updated_at", tz)
    if field == "MetaData.CreateTime":
        return _time_condition(condition, "created_at", tz)
    return None


def _id_condition(condition: Condition) -> _Pushed | None:
    # '58' and 58 name the same record; anything else (letters, fractions, the null literal) is left to execute.
    ids = []
    for value in condition.values:
        if isinstance(value, Decimal) and value >= 0 and value == value.to_integral_value():
            ids.append(str(int(value)))
        elif isinstance(value, str) and value.isascii() and value.isdigit():
            ids.append(value)
        else:
            return None
    return _Pushed(Q(entity_id__in=ids), exact=True, bound=len(set(ids)))


def _active_condition(condition: Condition, *, name_list: bool) -> _Pushed | None:
    readings = {None if isinstance(value, Decimal) else to_bool(value) for value in condition.values}
    # Records of other entities have no Active at all: the column then only narrows.
    if readings == {True}:
        return _Pushed(Q(active=True), exact=name_list)
    if readings == {True, False}:
        return _Pushed(Q(), exact=name_list)
    # Active = false is left to execute: a stored "false" string reads as active in the column.
    return None


def _folded_condition(condition: Condition, to_q: Callable[[str], Q | None]) -> _Pushed | None:
    """Text equality, OR-ed over the literals, when the lowercase keys can answer every literal."""
    parts = []
    for value in condition.values:
        q = to_q(value) if _foldable(value) else None
        if q is None:
            return None
        parts.append(q)
    return _Pushed(reduce(or_, parts), exact=False)


def _foldable(value: object) -> bool:
    # Not: numbers (58 matches "058"), the null literal, text that reads as a time (matched as a time by
    # execute), text lower() and casefold() disagree on.
    return (
        isinstance(value, str)
        and bool(value.strip())
        and value.lower() == value.casefold()
        and to_moment(value, UTC) is None
    )


def _doc_number_q(value: str) -> Q | None:
    if len(value) > _DOC_NUMBER_LENGTH:
        # The column keeps the first 100 characters: compare those, execute compares the rest.
        value = value[:_DOC_NUMBER_LENGTH]
    if value.lower() == value.upper():
        # Digits and punctuation: the plain (indexed) comparison is already case-blind.
        return Q(doc_number=value)
    # SQLite's LIKE folds ASCII only: past that, leave the literal to execute rather than miss a row.
    return Q(doc_number__iexact=value) if value.isascii() else None


def _time_condition(condition: Condition, column: str, tz: tzinfo) -> _Pushed | None:
    """
    A comparison with a time column, at the precision of the JSON time it mirrors (whole seconds).

    A record's time reads as ``s``, its column's value ``u`` truncated to the second; ``s > T`` holds exactly when
    ``u >= floor(T) + 1s``, ``s >= T`` when ``u >= ceil(T)``, ``s < T`` when ``u < ceil(T)``, ``s <= T`` when
    ``u < floor(T) + 1s``.
    """
    value = condition.value
    moment = to_moment(value, tz) if isinstance(value, str) else None
    if moment is None:
        return None
    instant = as_instant(moment, tz)
    floor = instant.replace(microsecond=0)
    ceil = floor if instant.microsecond == 0 else floor + _SECOND
    operator = condition.operator
    if operator is Operator.GT:
        q = Q(**{f"{column}__gte": floor + _SECOND})
    elif operator is Operator.GE:
        q = Q(**{f"{column}__gte": ceil})
    elif operator is Operator.LT:
        q = Q(**{f"{column}__lt": ceil})
    elif operator is Operator.LE:
        q = Q(**{f"{column}__lt": floor + _SECOND})
    elif operator is Operator.EQ and instant.microsecond == 0:
        q = Q(**{f"{column}__gte": floor, f"{column}__lt": floor + _SECOND})
    else:
        return None
    return _Pushed(q, exact=True)

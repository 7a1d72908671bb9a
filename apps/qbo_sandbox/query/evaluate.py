"""
Running a parsed query over Intuit-shaped JSON records: filter, order, page, project.

Records are read once, in one pass, through a predicate compiled per query; only the matches are sorted.

Ordering: records are first ordered by ``Id`` ascending (numerically for Intuit's numeric ids), then by each
ORDERBY property, so ties keep ``Id`` order and every page of a paged read is deterministic. Each ORDERBY property
sorts as numbers, times, booleans or case-insensitive text (the first that fits all its values); records without
the property come last in either direction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any

from apps.qbo_sandbox.query.access import MISSING, make_getter, project, scalar
from apps.qbo_sandbox.query.nodes import Field, Ordering, Query
from apps.qbo_sandbox.query.predicates import compile_where
from apps.qbo_sandbox.query.values import as_instant, to_bool, to_decimal, to_moment

_DEFAULT_ORDER = (Ordering(Field(("Id",))),)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """
    One page of a query's answer.

    ``records`` are the matching records themselves for ``SELECT *`` (callers must not mutate them) and fresh
    partial copies for a field list. ``max_results`` is what Intuit reports as ``maxResults``: the number of
    records in this page. ``total_count`` is set for ``SELECT COUNT(*)`` only (and ``records`` is then empty).
    """

    entity: str
    records: list[dict[str, Any]]
    start_position: int
    max_results: int
    total_count: int | None = None

    def as_query_response(self) -> dict[str, Any]:
        """The ``QueryResponse`` object of Intuit's envelope; empty when nothing matched."""
        if self.total_count is not None:
            return {"totalCount": self.total_count}
        if not self.records:
            return {}
        return {self.entity: self.records, "startPosition": self.start_position, "maxResults": self.max_results}


def _absent(value: Any) -> bool:
    return value is MISSING or value is None or value == ""


def _sort_number(value: Any) -> Any:
    # Plain digit strings (ids) take the fast int path; int and Decimal compare with each other.
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return to_decimal(value)


def _sort_keys(values: list[Any], tz: tzinfo) -> list[Any]:
    """The values of one property as mutually comparable sort keys, None where absent."""

    def instant(value: Any) -> Any:
        # Epoch seconds: plain floats sort several times faster than aware datetimes.
        moment = to_moment(value, tz)
        return None if moment is None else as_instant(moment, tz).timestamp()

    converters: tuple[Callable[[Any], Any], ...] = (_sort_number, instant, to_bool)
    for convert in converters:
        keys: list[Any] = []
        for value in values:
            if _absent(value):
                keys.append(None)
                continue
            key = convert(value)
            if key is None:
                break
            keys.append(key)
        else:
            return keys
    return [None if _absent(value) else str(value).casefold() for value in values]


def _order(records: list[dict[str, Any]], orderings: tuple[Ordering, ...], tz: tzinfo) -> list[dict[str, Any]]:
    # Stable sorts from the least significant key (the Id tie-break) to the first ORDERBY key give a multi-key
    # sort with a direction per key; reverse=True keeps ties in their order too.
    for ordering in reversed(orderings):
        get = make_getter(ordering.field)
        keys = _sort_keys([scalar(get(record)) for record in records], tz)
        present = [index for index, key in enumerate(keys) if key is not None]
        present.sort(key=keys.__getitem__, reverse=ordering.descending)
        absent = [index for index, key in enumerate(keys) if key is None]
        records = [records[index] for index in present] + [records[index] for index in absent]
    return records


def execute(
    query: Query,
    records: Iterable[dict[str, Any]],
    *,
    name_list: bool,
    tz: tzinfo = UTC,
) -> QueryResult:
    """
    Run ``query`` over ``records``, the stored records of ``query.entity`` as Intuit-shaped JSON dicts.

    ``name_list`` says whether the entity is a name list (see NAME_LIST_ENTITIES): those answer with active
    records only unless the query has a condition on ``Active``. ``tz`` is the company's time zone, in which
    times written without an offset are read.
    """
    predicate = compile_where(query, name_list=name_list, tz=tz)
    matches = [record for record in records if predicate(record)]
    if query.count:
        return QueryResult(query.entity, [], query.start_position, 0, len(matches))
    ordered = _order(matches, query.order_by + _DEFAULT_ORDER, tz)
    start = query.start_position - 1
    page = ordered[start : start + query.max_results]
    chosen = [project(record, query.fields) for record in page] if query.fields else page
    return QueryResult(query.entity, chosen, query.start_position, len(chosen))

"""
Which conditions of a query the storage layer may apply in SQL, so a large company is not loaded whole.

Contract of ``pushdown_filters``:

- Every returned condition is one of the query's own WHERE conditions (all of which must hold), with its property
  spelled as in PUSHDOWN_FIELDS. A record failing any of them cannot be in the answer, so storage may apply any
  subset of them (all, some or none) to narrow the rows it loads; it must never drop a row they accept.
- Storage must read the literals as the evaluator does: text case-insensitively (``iexact``), ``Id`` literals
  as strings or numbers (``'58'`` and ``58`` are the same id), ``Active`` as a boolean (``true``, ``'true'``),
  times with their offset or, without one, in the company's time zone (``values.to_moment``). When unsure, skip
  the condition: loading more rows is always safe.
- Storage then hands the loaded rows to ``execute()``, which checks every condition again and alone applies the
  active-only default, ordering and paging (paging cannot be pushed down while any condition is left to it).
- ``active_default_applies()`` tells storage when it may also load active rows only.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from apps.qbo_sandbox.query.nodes import Condition, Field, Operator, Query
from apps.qbo_sandbox.query.predicates import active_default_applies

_EQUALITY = frozenset({Operator.EQ, Operator.IN})
_RANGE = frozenset({Operator.EQ, Operator.LT, Operator.LE, Operator.GT, Operator.GE})

# Canonical spelling -> operators storage can apply for it. Keys are matched case-insensitively.
PUSHDOWN_FIELDS = MappingProxyType(
    {
        "Id": _EQUALITY,
        "Active": _EQUALITY,
        "DisplayName": _EQUALITY,
        "Name": _EQUALITY,
        "DocNumber": _EQUALITY,
        "MetaData.LastUpdatedTime": _RANGE,
        "MetaData.CreateTime": _RANGE,
    }
)
_BY_FOLDED = {name.casefold(): name for name in PUSHDOWN_FIELDS}


def pushdown_filters(query: Query) -> list[Condition]:
    """The conditions of ``query`` storage may apply in SQL; see the module docstring for the contract."""
    pushed = []
    for condition in query.where:
        name = _BY_FOLDED.get(condition.field.name.casefold())
        if name is not None and condition.operator in PUSHDOWN_FIELDS[name]:
            pushed.append(replace(condition, field=Field.of(name)))
    return pushed


__all__ = ["PUSHDOWN_FIELDS", "active_default_applies", "pushdown_filters"]

"""
Intuit's query language (``GET /query?query=...``, or a POST body of type ``application/text``), in pure Python.

``parse()`` turns the text into a ``Query``; ``execute()`` runs it over the stored records of one entity, given
as Intuit-shaped JSON dicts; ``pushdown_filters()`` tells the storage layer which conditions it may apply in SQL
first. Errors are ``QueryParserError`` (code 4000) or its subclass ``QueryValidationError`` (code 4001), each
able to render Intuit's Fault.

Usage::

    query = parse(text, entities=SUPPORTED_ENTITIES)
    result = execute(query, rows, name_list=query.entity in NAME_LIST_ENTITIES, tz=company_tz)
    body = {"QueryResponse": result.as_query_response(), "time": ...}

What is Intuit's documented behaviour, and what this package chose where Intuit is silent, is in the docstrings
of ``parser`` (grammar, errors), ``predicates`` (comparisons), ``evaluate`` (ordering, paging) and ``pushdown``.
"""

from apps.qbo_sandbox.query.errors import QueryParserError, QueryValidationError
from apps.qbo_sandbox.query.evaluate import QueryResult, execute
from apps.qbo_sandbox.query.nodes import (
    DEFAULT_MAX_RESULTS,
    DEFAULT_START_POSITION,
    MAX_RESULTS_LIMIT,
    Condition,
    Field,
    Operator,
    Ordering,
    Query,
    Value,
)
from apps.qbo_sandbox.query.parser import parse
from apps.qbo_sandbox.query.pushdown import PUSHDOWN_FIELDS, active_default_applies, pushdown_filters

# Entities whose queries return active records only unless the query filters on Active.
NAME_LIST_ENTITIES = frozenset(
    {
        "Account",
        "Class",
        "Customer",
        "Department",
        "Employee",
        "Item",
        "PaymentMethod",
        "TaxAgency",
        "TaxCode",
        "TaxRate",
        "Term",
        "Vendor",
    }
)

__all__ = [
    "DEFAULT_MAX_RESULTS",
    "DEFAULT_START_POSITION",
    "MAX_RESULTS_LIMIT",
    "NAME_LIST_ENTITIES",
    "PUSHDOWN_FIELDS",
    "Condition",
    "Field",
    "Operator",
    "Ordering",
    "Query",
    "QueryParserError",
    "QueryResult",
    "QueryValidationError",
    "Value",
    "active_default_applies",
    "execute",
    "parse",
    "pushdown_filters",
]

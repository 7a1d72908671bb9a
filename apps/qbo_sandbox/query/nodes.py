"""The parsed form of a query: immutable values read by the evaluator and by the storage layer."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

# A literal: a quoted string or a bare word (str), a number (Decimal, never float) or true/false (bool).
Value = str | Decimal | bool

DEFAULT_START_POSITION = 1
DEFAULT_MAX_RESULTS = 100
MAX_RESULTS_LIMIT = 1000


class Operator(enum.StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "IN"
    LIKE = "LIKE"


@dataclass(frozen=True, slots=True)
class Field:
    """A property path as written in the query: ``("MetaData", "LastUpdatedTime")``."""

    parts: tuple[str, ...]

    @classmethod
    def of(cls, dotted: str) -> Field:
        return cls(tuple(dotted.split(".")))

    @property
    def name(self) -> str:
        return ".".join(self.parts)

    def matches(self, dotted: str) -> bool:
        """Whether this is the property ``dotted``; Intuit reads property names case-insensitively."""
        return self.name.casefold() == dotted.casefold()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class Condition:
    """``field operator value``; ``values`` holds one literal, or the whole list for ``IN``."""

    field: Field
    operator: Operator
    values: tuple[Value, ...]

    @property
    def value(self) -> Value:
        return self.values[0]


@dataclass(frozen=True, slots=True)
class Ordering:
    field: Field
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    """
    One ``SELECT``.

    ``fields`` is empty for ``SELECT *`` (and for ``SELECT *, Sku``, which python-quickbooks sends for items);
    ``count`` is true for ``SELECT COUNT(*)``. ``where`` holds conditions that must all hold.
    """

    entity: str
    count: bool = False
    fields: tuple[Field, ...] = ()
    where: tuple[Condition, ...] = ()
    order_by: tuple[Ordering, ...] = ()
    start_position: int = DEFAULT_START_POSITION
    max_results: int = DEFAULT_MAX_RESULTS

    def filters_on(self, dotted: str) -> bool:
        """Whether any condition reads the property ``dotted`` (e.g. ``Active``)."""
        return any(condition.field.matches(dotted) for condition in self.where)

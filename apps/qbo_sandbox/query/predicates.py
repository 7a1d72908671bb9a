"""
Compiling a WHERE clause into one predicate over records.

Literals are read once per query; each record only has its own value read. How a value compares depends on the
value's JSON type first and on the literal second:

- a JSON boolean compares with ``true``/``false`` (quoted or not);
- a JSON number compares as Decimal with a number or a numeric string (``Balance > '0'``);
- a string compares as a time when the literal is a date or date-time and the string reads as one (offsets
  honoured, a missing offset read in the company's time zone); as a number when the literal is an unquoted
  number, or for ``<``/``>``/``<=``/``>=`` when both read as numbers (``Balance`` stored as ``"1102.07"``);
  otherwise as text, case-insensitively;
- a reference (``CustomerRef``) compares as its ``value``; a missing property matches nothing, except the null
  literal ``' '`` that Intuit documents (and ``!=`` never matches a missing property, as in SQL);
- ``Active`` of a name-list record is true when missing or null, as Intuit defaults it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from functools import reduce
from typing import Any

from apps.qbo_sandbox.query.access import MISSING, Getter, make_getter, scalar
from apps.qbo_sandbox.query.nodes import Condition, Operator, Query, Value
from apps.qbo_sandbox.query.values import Moment, compare_moments, to_bool, to_decimal, to_moment

Predicate = Callable[[dict[str, Any]], bool]
# -1, 0 or 1 comparing a record's value with a literal; None when the two cannot be compared.
Sign = Callable[[Any], int | None]

_NULL_LITERAL = " "


@dataclass(frozen=True, slots=True)
class _Literal:
    """A literal read every way it can be compared."""

    text: str | None
    number: Decimal | None
    boolean: bool | None
    moment: Moment | None
    written_as_number: bool
    written_as_bool: bool


def _literal(value: Value, tz: tzinfo) -> _Literal:
    if isinstance(value, bool):
        return _Literal(None, None, value, None, False, True)
    if isinstance(value, Decimal):
        return _Literal(None, value, None, None, True, False)
    return _Literal(value.casefold(), to_decimal(value), to_bool(value), to_moment(value, tz), False, False)


def _sign(left: Any, right: Any) -> int:
    return (left > right) - (left < right)


def _text_sign(literal: _Literal, tz: tzinfo) -> Sign:
    """How a string value compares with ``literal``: decided once per query, not per record."""
    if literal.written_as_number or literal.written_as_bool:
        read = to_decimal if literal.written_as_number else to_bool
        target = literal.number if literal.written_as_number else literal.boolean

        def as_typed(text: str) -> int | None:
            value = read(text)
            return None if value is None else _sign(value, target)

        return as_typed
    folded, number, moment = literal.text, literal.number, literal.moment

    def as_text(text: str) -> int | None:
        if moment is not None and (value := to_moment(text, tz)) is not None:
            return compare_moments(value, moment, tz)
        if number is not None and (value := to_decimal(text)) is not None:
            return _sign(value, number)
        return _sign(text.casefold(), folded)

    return as_text


def _comparator(value: Value, tz: tzinfo) -> Sign:
    """The Sign of a record's value against the literal ``value``, whatever the value's JSON type."""
    literal = _literal(value, tz)
    text_sign = _text_sign(literal, tz)
    boolean, number = literal.boolean, literal.number

    def sign(value: Any) -> int | None:
        kind = type(value)
        if kind is str:
            return text_sign(value)
        if kind is bool:
            return None if boolean is None else _sign(value, boolean)
        if kind is int or kind is float or kind is Decimal:
            value = to_decimal(value)
            return None if value is None or number is None else _sign(value, number)
        return None

    return sign


class _Members:
    """The literals of ``=``/``IN``, indexed so that a long ``Id IN (...)`` costs one lookup per record."""

    def __init__(self, values: tuple[Value, ...], tz: tzinfo) -> None:
        literals = [_literal(value, tz) for value in values]
        self.tz = tz
        self.null = any(value == _NULL_LITERAL for value in values)
        self.texts = frozenset(lit.text for lit in literals if lit.text is not None)
        # JSON numbers and booleans match quoted literals too; strings only match literals written unquoted.
        self.numbers = frozenset(lit.number for lit in literals if lit.number is not None)
        self.booleans = frozenset(lit.boolean for lit in literals if lit.boolean is not None)
        self.written_numbers = frozenset(lit.number for lit in literals if lit.written_as_number)
        self.written_booleans = frozenset(lit.boolean for lit in literals if lit.written_as_bool)
        self.moments = tuple(lit.moment for lit in literals if lit.moment is not None)

    def __contains__(self, value: Any) -> bool:
        kind = type(value)
        if kind is str:
            return self._has_text(value)
        if kind is bool:
            return value in self.booleans
        if kind is int or kind is float or kind is Decimal:
            return to_decimal(value) in self.numbers
        return self.null and (value is MISSING or value is None)

    def _has_text(self, value: str) -> bool:
        if value.casefold() in self.texts or (self.null and not value.strip()):
            return True
        if self.written_numbers and to_decimal(value) in self.written_numbers:
            return True
        if self.written_booleans and to_bool(value) in self.written_booleans:
            return True
        if self.moments and (moment := to_moment(value, self.tz)) is not None:
            return any(compare_moments(moment, other, self.tz) == 0 for other in self.moments)
        return False


def like_matcher(pattern: str) -> Callable[[str], bool]:
    """
    A test of casefolded text against ``pattern``: ``%`` stands for any run of characters; nothing else is special.
    Matching ignores case.

    It never backtracks, so its time grows with the text's length, not with the number of ``%``: the piece before
    the first ``%`` must start the text, the piece after the last must end it, and each piece between is found in
    order at its leftmost place after the one before. Leftmost leaves the most room for the pieces after it, so where
    it fails every placement fails. (A regular expression backtracks: ``'%a%a%a%a%a%a%a%b'`` against a 100-character
    name took over 15 s.)
    """
    folded = pattern.casefold()
    if "%" not in folded:
        return folded.__eq__
    head, *middle, tail = folded.split("%")
    pieces = [piece for piece in middle if piece]
    shortest = len(head) + len(tail)

    def matches(text: str) -> bool:
        if len(text) < shortest or not text.startswith(head) or not text.endswith(tail):
            return False
        start, end = len(head), len(text) - len(tail)
        for piece in pieces:
            found = text.find(piece, start, end)
            if found < 0:
                return False
            start = found + len(piece)
        return True

    return matches


_ORDERING_TESTS: dict[Operator, Callable[[int], bool]] = {
    Operator.LT: lambda sign: sign < 0,
    Operator.LE: lambda sign: sign <= 0,
    Operator.GT: lambda sign: sign > 0,
    Operator.GE: lambda sign: sign >= 0,
}


def _active_getter(field_get: Getter) -> Getter:
    # A name-list record without Active (or with null) is active: Intuit defaults it to true.
    def get(record: dict[str, Any]) -> Any:
        value = field_get(record)
        return True if value is MISSING or value is None else value

    return get


def compile_condition(condition: Condition, tz: tzinfo, *, name_list: bool = False) -> Predicate:
    """A predicate true for the records that satisfy ``condition`` (of a name-list entity if ``name_list``)."""
    get = make_getter(condition.field)
    if name_list and condition.field.matches("Active"):
        get = _active_getter(get)
    operator = condition.operator
    if operator in (Operator.EQ, Operator.IN):
        members = _Members(condition.values, tz)
        return lambda record: scalar(get(record)) in members
    if operator is Operator.NE:
        members = _Members(condition.values, tz)

        def differs(record: dict[str, Any]) -> bool:
            # As in SQL, a missing (or non-scalar) value is not "different": it matches nothing.
            value = scalar(get(record))
            return isinstance(value, str | int | float | Decimal) and value not in members

        return differs
    if operator is Operator.LIKE:
        test = like_matcher(str(condition.value))

        def like(record: dict[str, Any]) -> bool:
            value = scalar(get(record))
            return isinstance(value, str) and test(value.casefold())

        return like
    sign = _comparator(condition.value, tz)
    passes = _ORDERING_TESTS[operator]

    def ordered(record: dict[str, Any]) -> bool:
        result = sign(scalar(get(record)))
        return result is not None and passes(result)

    return ordered


def _is_active(record: dict[str, Any]) -> bool:
    value = record.get("Active", True)
    return value is True or to_bool(value) is not False


def active_default_applies(query: Query, *, name_list: bool) -> bool:
    """Whether Intuit would return only active records: a name-list entity and no condition on ``Active``."""
    return name_list and not query.filters_on("Active")


def compile_where(query: Query, *, name_list: bool, tz: tzinfo) -> Predicate:
    """One predicate for the whole WHERE clause, plus the active-only default of name-list entities."""
    predicates = [compile_condition(condition, tz, name_list=name_list) for condition in query.where]
    if active_default_applies(query, name_list=name_list):
        predicates.insert(0, _is_active)
    if not predicates:
        return lambda record: True
    # Chained closures cost less per record than all() over a generator.
    return reduce(_both, predicates)


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda record: first(record) and second(record)

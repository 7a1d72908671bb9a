"""
Parses Intuit's query language into a ``Query``.

Grammar (keywords case-insensitive, whitespace and newlines free)::

    query      := SELECT selection FROM entity [WHERE condition (AND condition)*]
                  [(ORDERBY | ORDER BY) ordering ("," ordering)*] [STARTPOSITION n] [MAXRESULTS n]
    selection  := "*" | COUNT "(" "*" ")" | item ("," item)*        item := "*" | field
    condition  := field ("=" | "!=" | "<" | ">" | "<=" | ">=") value
                | field IN "(" value ("," value)* ")" | field LIKE string
    ordering   := field [ASC | DESC]
    value      := string | number | TRUE | FALSE | bare word

Syntax errors raise QueryParserError (code 4000); OR, an entity the caller does not serve and out-of-range paging
raise QueryValidationError (code 4001), checked once the whole query has parsed, as Intuit does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal

from apps.qbo_sandbox.query.errors import QueryParserError, QueryValidationError
from apps.qbo_sandbox.query.lexer import Kind, Token, escape, position, tokenize
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

_COMPARISONS = {op.value: op for op in (Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE)}
_VALUE_LABELS = ("<STRING>", "<NUMBER>", '"true"', '"false"', "<IDENTIFIER>")
_AFTER_SELECT = ("*", "count", "<IDENTIFIER>")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pending = tokenize(text)
        self.tokens: list[Token] = []
        self.index = 0
        self.has_or = False

    # Token access.

    def at(self, index: int) -> Token:
        # Tokens are read only when needed, so a syntax error is found before a later lexical one.
        while len(self.tokens) <= index:
            if self.tokens and self.tokens[-1].kind is Kind.EOF:
                return self.tokens[-1]
            self.tokens.append(next(self.pending))
        return self.tokens[index]

    @property
    def current(self) -> Token:
        return self.at(self.index)

    def peek(self) -> Token:
        return self.at(self.index + 1)

    def advance(self) -> Token:
        token = self.current
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def error(self, *expected: str) -> QueryParserError:
        """Intuit's message for an unexpected token: what was found, where, and what would have fitted."""
        token = self.current
        line, column = position(self.text, token.offset)
        found = '"<EOF>"' if token.kind is Kind.EOF else f'" {token.label} "{escape(token.text)} ""'
        labels = [label if label.startswith("<") or label.startswith('"') else f'"{label}"' for label in expected]
        lines = "".join(f"    {label} \n" if label == "<EOF>" else f"    {label} ...\n" for label in labels)
        heading = "Was expecting:" if len(labels) == 1 else "Was expecting one of:"
        return QueryParserError(f"Encountered {found} at line {line}, column {column}.\n{heading}\n{lines}")

    def expect_keyword(self, word: str) -> Token:
        if not self.current.is_keyword(word):
            raise self.error(word.lower())
        return self.advance()

    def expect_symbol(self, symbol: str) -> Token:
        if not self.current.is_symbol(symbol):
            raise self.error(symbol)
        return self.advance()

    def field(self) -> Field:
        if self.current.kind is not Kind.IDENTIFIER:
            raise self.error("<IDENTIFIER>")
        return Field.of(self.advance().text)

    # Grammar.

    def query(self) -> Query:
        self.expect_keyword("SELECT")
        count, fields = self.selection()
        self.expect_keyword("FROM")
        if self.current.kind is not Kind.IDENTIFIER or "." in self.current.text:
            raise self.error("<IDENTIFIER>")
        entity = self.advance().text
        # What may still follow, in Intuit's order; each clause parsed narrows it.
        expected = ["<EOF>", "maxresults", "order", "orderby", "startposition", "where"]
        where: tuple[Condition, ...] = ()
        order_by: tuple[Ordering, ...] = ()
        if self.current.is_keyword("WHERE"):
            where = self.where()
            expected = ["<EOF>", "<AND>", "<OR>", "maxresults", "order", "orderby", "startposition"]
        if self.current.is_keyword("ORDERBY", "ORDER"):
            order_by = self.order_by()
            expected = ["<EOF>", ",", "maxresults", "startposition"]
        start_position = DEFAULT_START_POSITION
        if self.current.is_keyword("STARTPOSITION"):
            start_position = self.number_clause()
            expected = ["<EOF>", "maxresults"]
        max_results = DEFAULT_MAX_RESULTS
        if self.current.is_keyword("MAXRESULTS"):
            max_results = self.number_clause()
            expected = ["<EOF>"]
        if self.current.kind is not Kind.EOF:
            raise self.error(*expected)
        return Query(entity, count, fields, where, order_by, start_position, max_results)

    def selection(self) -> tuple[bool, tuple[Field, ...]]:
        token = self.current
        # COUNT is no keyword: only "COUNT (" makes it one.
        if token.kind is Kind.IDENTIFIER and token.text.upper() == "COUNT" and self.peek().is_symbol("("):
            self.advance()
            self.expect_symbol("(")
            self.expect_symbol("*")
            self.expect_symbol(")")
            return True, ()
        fields: list[Field] = []
        star = False
        while True:
            if self.current.is_symbol("*"):
                self.advance()
                star = True
            elif self.current.kind is Kind.IDENTIFIER:
                fields.append(self.field())
            else:
                raise self.error(*_AFTER_SELECT)
            if not self.current.is_symbol(","):
                break
            self.advance()
        # "SELECT *, Sku" still returns every property.
        return False, () if star else tuple(fields)

    def where(self) -> tuple[Condition, ...]:
        self.advance()
        conditions = [self.condition()]
        while self.current.is_keyword("AND", "OR"):
            if self.advance().value == "OR":
                self.has_or = True
            conditions.append(self.condition())
        return tuple(conditions)

    def condition(self) -> Condition:
        field = self.field()
        token = self.current
        if token.kind is Kind.SYMBOL and token.value in _COMPARISONS:
            self.advance()
            return Condition(field, _COMPARISONS[token.value], (self.value(),))
        if token.is_keyword("IN"):
            self.advance()
            self.expect_symbol("(")
            values = [self.value()]
            while self.current.is_symbol(","):
                self.advance()
                values.append(self.value())
            self.expect_symbol(")")
            return Condition(field, Operator.IN, tuple(values))
        if token.is_keyword("LIKE"):
            self.advance()
            if self.current.kind is not Kind.STRING:
                raise self.error("<STRING>")
            return Condition(field, Operator.LIKE, (self.advance().value,))
        raise self.error(*_COMPARISONS, "in", "like")

    def value(self) -> Value:
        token = self.current
        if token.kind in (Kind.STRING, Kind.IDENTIFIER):
            return self.advance().value
        if token.kind is Kind.NUMBER:
            return Decimal(self.advance().value)
        if token.is_keyword("TRUE", "FALSE"):
            return self.advance().value == "TRUE"
        raise self.error(*_VALUE_LABELS)

    def order_by(self) -> tuple[Ordering, ...]:
        if self.advance().value == "ORDER":
            self.expect_keyword("BY")
        orderings = []
        while True:
            field = self.field()
            descending = False
            if self.current.is_keyword("ASC", "DESC"):
                descending = self.advance().value == "DESC"
            orderings.append(Ordering(field, descending))
            if not self.current.is_symbol(","):
                return tuple(orderings)
            self.advance()

    def number_clause(self) -> int:
        self.advance()
        token = self.current
        if token.kind is not Kind.NUMBER or not token.text.isdigit():
            raise self.error("<NUMBER>")
        return int(self.advance().text)


def _validate(query: Query, has_or: bool, entities: Collection[str] | None) -> Query:
    if has_or:
        raise QueryValidationError("OR operation is not supported")
    if entities is not None:
        canonical = {name.casefold(): name for name in entities}.get(query.entity.casefold())
        if canonical is None:
            raise QueryValidationError(f"Metadata not found for Entity: {query.entity}")
        if canonical != query.entity:
            query = replace(query, entity=canonical)
    for value in (query.start_position, query.max_results):
        if value < 1:
            raise QueryValidationError(f"value {value} is too small. Min allowed value is 1")
    if query.max_results > MAX_RESULTS_LIMIT:
        raise QueryValidationError(f"value {query.max_results} is too large. Max allowed value is {MAX_RESULTS_LIMIT}")
    return query


def parse(text: str, *, entities: Collection[str] | None = None) -> Query:
    """
    Parse ``text`` into a ``Query``; raise QueryParserError (or its subclass QueryValidationError) otherwise.

    ``entities`` are the entity names the caller serves; when given, the entity is matched against them
    case-insensitively (python-quickbooks and node-quickbooks send ``select * from item``) and the Query carries
    the canonical spelling. An unknown entity raises Intuit's "Metadata not found for Entity".
    """
    parser = _Parser(text)
    query = parser.query()
    return _validate(query, parser.has_or, entities)

"""
Splits a query into tokens.

Keywords are case-insensitive. A dotted property path (``MetaData.LastUpdatedTime``) is one identifier token.
Strings are single-quoted; a backslash escapes the next character (``'O\\'Brien'``). Anything else (double quotes,
``%`` outside a string, ``;``) is a lexical error, reported in the words of Intuit's parser.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass

from apps.qbo_sandbox.query.errors import QueryParserError


class Kind(enum.Enum):
    IDENTIFIER = "<IDENTIFIER>"
    STRING = "<STRING>"
    NUMBER = "<NUMBER>"
    KEYWORD = "<KEYWORD>"
    SYMBOL = "<SYMBOL>"
    EOF = "<EOF>"


KEYWORDS = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "IN",
        "LIKE",
        "ORDERBY",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "STARTPOSITION",
        "MAXRESULTS",
        "TRUE",
        "FALSE",
    }
)
# Intuit's parser names these two tokens (<AND>, <OR>) and quotes the other keywords ("orderby").
_NAMED_KEYWORDS = frozenset({"AND", "OR"})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Longest first, so that "<=" is not read as "<" then "=".
_SYMBOLS = ("<=", ">=", "!=", "=", "<", ">", "(", ")", ",", "*")
_WHITESPACE = frozenset(" \t\r\n\f")


@dataclass(frozen=True, slots=True)
class Token:
    """``text`` is the token as written; ``value`` is the keyword in capitals or the unescaped string."""

    kind: Kind
    text: str
    value: str
    offset: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind is Kind.KEYWORD and self.value in words

    def is_symbol(self, *symbols: str) -> bool:
        return self.kind is Kind.SYMBOL and self.value in symbols

    @property
    def label(self) -> str:
        """How Intuit's parser names this kind of token in its messages."""
        if self.kind is Kind.KEYWORD:
            return f"<{self.value}>" if self.value in _NAMED_KEYWORDS else f'"{self.value.lower()}"'
        if self.kind is Kind.SYMBOL:
            return f'"{self.value}"'
        return self.kind.value


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``; (0, 0) for an empty query, as Intuit reports it."""
    if not text:
        return 0, 0
    offset = min(offset, len(text) - 1)
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return line, column


def escape(text: str) -> str:
    """Escapes quotes, backslashes and control characters the way Intuit's parser prints them."""
    replacements = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}
    return "".join(replacements.get(char, char) for char in text)


def _lexical_error(text: str, offset: int, after: str) -> QueryParserError:
    line, column = position(text, offset)
    if offset >= len(text):
        encountered = "<EOF>"
    else:
        char = text[offset]
        encountered = f'"{escape(char)}" ({ord(char)}),'
    return QueryParserError(
        f"Invalid content. Lexical error at line {line}, column {column}.  "
        f'Encountered: {encountered} after : "{escape(after)}"'
    )


def _read_string(text: str, start: int) -> tuple[str, int]:
    """The unescaped content of the string opening at ``start`` and the offset just past its closing quote."""
    chars: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "'":
            return "".join(chars), index + 1
        if char == "\\":
            index += 1
            if index == len(text):
                break
            char = text[index]
        chars.append(char)
        index += 1
    raise _lexical_error(text, len(text), text[start:])


def tokenize(text: str) -> Iterator[Token]:
    """
    The tokens of ``text``, ending with an EOF token; raises QueryParserError on a lexical error.

    Lazy, as Intuit's parser is: a syntax error before a lexical one is the error reported
    (``'Cutlery 'R Us'`` fails on ``R``, not on the unterminated string after it).
    """
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in _WHITESPACE:
            index += 1
            continue
        if char == "'":
            value, end = _read_string(text, index)
            yield Token(Kind.STRING, text[index:end], value, index)
            index = end
            continue
        if word := _WORD.match(text, index):
            raw = word.group()
            upper = raw.upper()
            kind = Kind.KEYWORD if upper in KEYWORDS else Kind.IDENTIFIER
            yield Token(kind, raw, upper if kind is Kind.KEYWORD else raw, index)
            index = word.end()
            continue
        if number := _NUMBER.match(text, index):
            raw = number.group()
            yield Token(Kind.NUMBER, raw, raw, index)
            index = number.end()
            continue
        symbol = next((s for s in _SYMBOLS if text.startswith(s, index)), None)
        if symbol is None:
            raise _lexical_error(text, index, "")
        yield Token(Kind.SYMBOL, symbol, symbol, index)
        index += len(symbol)
    yield Token(Kind.EOF, "", "", max(length - 1, 0))

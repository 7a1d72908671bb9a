"""
Values as qbXML text: strings QuickBooks Desktop can store, and numbers, dates and booleans in qbXML's forms.

QuickBooks Desktop stores text in ISO-8859-1: anything else is refused or saved as "?". Rather than let it pick, the
text is brought into Latin-1 here, the way a person would type it (a curly quote as a straight one, "ő" as "o").
"""

import unicodedata
from datetime import date, datetime
from decimal import Decimal

# Characters that have a common ASCII spelling but no compatibility decomposition to one.
_REPLACEMENTS = {
    "\u2010": "-",  # hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",  # prime
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',  # double prime
    "\u2039": "<",
    "\u203a": ">",
    "\u2022": "*",  # bullet
    "\u2044": "/",  # fraction slash, as in the decomposition of "⅓"
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
    "\u20ac": "EUR",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
}

# Tabs and line breaks are kept: memos, notes and line descriptions hold several lines.
_KEPT_CONTROLS = frozenset("\t\n\r")


def text_for_quickbooks(value: str, *, limit: int | None = None) -> str:
    """
    Return ``value`` as QuickBooks Desktop can store it, at most ``limit`` characters long.

    Characters of ISO-8859-1 stay as they are ("é", "ß", "£"). Others take their closest ASCII form where one exists
    ("ő" -> "o", "—" -> "-", "“" -> '"', "€" -> "EUR", "…" -> "..."), else "?". Control and formatting characters
    (zero-width spaces, byte-order marks) are removed, except tabs and line breaks.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    text = "".join(_latin1(char) for char in unicodedata.normalize("NFC", value))
    return text if limit is None else text[:limit]


def _latin1(char: str) -> str:
    if char in _KEPT_CONTROLS:
        return char
    category = unicodedata.category(char)
    if category in ("Cc", "Cf"):
        return ""
    if ord(char) < 0x100:
        return char
    if char in _REPLACEMENTS:
        return _REPLACEMENTS[char]
    parts = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            continue
        if ord(part) < 0x100 and unicodedata.category(part) not in ("Cc", "Cf"):
            parts.append(part)
        elif part in _REPLACEMENTS:
            parts.append(_REPLACEMENTS[part])
        else:
            return "?"
    return "".join(parts) or "?"


def xml_value(value: object) -> str:
    """
    Return a Python value as qbXML text: strings through ``text_for_quickbooks``, booleans as ``true``/``false``,
    Decimals in plain notation, dates as ``YYYY-MM-DD`` and aware datetimes with their offset.

    Floats are refused: amounts, rates and quantities are Decimals, so that what QuickBooks gets is what was meant.
    """
    if isinstance(value, str):
        return text_for_quickbooks(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number QuickBooks can store")
        return format(value, "f")
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"{value} has no time zone: QuickBooks would read it in its own machine's time")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a qbXML value (use str, bool, int, Decimal, date or datetime)")

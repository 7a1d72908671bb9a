"""
The columns of a list's spreadsheet, as its export writes them and its import reads them, and how a cell becomes a
typed value.

A kind of record whose export and import are one file declares its columns once, in its app's ``resources.py``:
the export's resource and the import's template and reader take them from there (``Column.attribute``: what the
export reads for it). A cell's parser returns the value (``None`` for an empty cell) or raises ``CellError`` with a
message that names the value and says what was expected; the row number and the column header are added by the
caller.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from typing import Any

from import_export import widgets

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 10,000 to 100,000 is 1927 to 2173.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = range(10_000, 100_000)
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%Y%m%d",
)
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})
_NUMBER_NOISE = re.compile(r"[\s$€£,]")


class CellError(ValueError):
    """A cell's value cannot be used; the message is for the person who fills the workbook."""


class ColumnType(StrEnum):
    TEXT = "text"
    DECIMAL = "decimal"
    INTEGER = "integer"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"


def norm(text: Any) -> str:
    """A name as it is matched: whatever its case and spacing ("  Net  30 " is "net 30"); a cell's number as text."""
    return " ".join(str(text if text is not None else "").split()).casefold()


def _shown(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    text = text.strip()
    return f"“{text[:60]}…”" if len(text) > 60 else f"“{text}”"


def parse_text(value: Any, *, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, float) and value.is_integer():
        # A number typed in a text column ("1001") comes back from Excel as 1001.0.
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if max_length is not None and len(text) > max_length:
        raise CellError(f"This text has {len(text):,} characters; at most {max_length:,} fit here.")
    return text


def parse_decimal(value: Any, *, places: int = 2, negative: bool = False, max_digits: int = 14) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | date | datetime | time):
        raise CellError(f"{_shown(value)} is not a number.")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(f"{_shown(value)} is not a number.")
        # repr() gives the shortest text that reads back as the same float: 0.1, not 0.1000000000000000055...
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        if not text:
            return None
        sign = ""
        if text.startswith("(") and text.endswith(")"):
            sign, text = "-", text[1:-1]
        cleaned = _NUMBER_NOISE.sub("", text).rstrip("%")
        try:
            number = Decimal(sign + cleaned)
        except InvalidOperation:
            raise CellError(f"{_shown(value)} is not a number.") from None
        if not number.is_finite():
            raise CellError(f"{_shown(value)} is not a number.")
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number < 0 and not negative:
        raise CellError(f"{_shown(value)} is negative; only zero or more is allowed here.")
    if abs(number) >= Decimal(10) ** (max_digits - places):
        raise CellError(f"{_shown(value)} is too large.")
    return number


def parse_integer(value: Any, *, minimum: int = 0, maximum: int = 2**31 - 1) -> int | None:
    number = parse_decimal(value, places=4, negative=True)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"{_shown(value)} is not a whole number.")
    if not minimum <= number <= maximum:
        raise CellError(f"{_shown(value)} is out of range: use a whole number from {minimum:,} to {maximum:,}.")
    return int(number)


def parse_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell without a date format reaches us as Excel's day number.
        if float(value).is_integer() and int(value) in EXCEL_SERIALS:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"{_shown(value)} is not a date; use a date such as 2026-08-15 or 08/15/2026.")
    text = " ".join(str(value).split())
    if not text:
        return None
    for candidate in (text, text.split(" ")[0], text.split("T")[0]):
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise CellError(f"{_shown(value)} is not a date; use a date such as 2026-08-15 or 08/15/2026.")


def parse_boolean(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{_shown(value)} is not Yes or No.")


def parse_choice(value: Any, *, choices: Sequence[tuple[str, str]]) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    wanted = text.casefold()
    for stored, label in choices:
        if wanted in (stored.casefold(), label.casefold(), stored.replace("_", " ").casefold()):
            return stored
    raise CellError(f"{_shown(value)} is not one of: {', '.join(label for _stored, label in choices)}.")


@dataclass(frozen=True)
class Column:
    """
    One column of a list's spreadsheet: its header, its type, and what the import's template says about it (its
    export writes it under the same header).
    """

    key: str
    header: str
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    help: str = ""
    example: Any = None
    max_length: int | None = None
    places: int = 2
    negative: bool = False
    minimum: int = 0
    maximum: int = 2**31 - 1
    choices: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = field(default=())
    # Required once per record of several rows (an invoice's customer): the column must exist, a cell may be empty.
    once: bool = False
    # What the list's export reads for this column ("customer__display_name"); the key itself when empty.
    attribute: str = ""

    @property
    def exported_as(self) -> str:
        return self.attribute or self.key

    def parse(self, value: Any) -> Any:
        if self.type == ColumnType.TEXT:
            return parse_text(value, max_length=self.max_length)
        if self.type == ColumnType.DECIMAL:
            return parse_decimal(value, places=self.places, negative=self.negative)
        if self.type == ColumnType.INTEGER:
            return parse_integer(value, minimum=self.minimum, maximum=self.maximum)
        if self.type == ColumnType.DATE:
            return parse_date(value)
        if self.type == ColumnType.BOOLEAN:
            return parse_boolean(value)
        return parse_choice(value, choices=self.choices)

    @cached_property
    def widget(self) -> "ColumnWidget":
        """The import's widget for this column's cells (``ColumnWidget``)."""
        return ColumnWidget(self)

    @property
    def note(self) -> str:
        """The text of the template's notes row for this column."""
        if self.once:
            return f"Required on the first row of each record. {self.help}".strip()
        return f"{'Required' if self.required else 'Optional'}. {self.help}".strip()


class ColumnWidget(widgets.Widget):
    """
    A cell of ``column`` as a resource imports it: typed by the column's parser, which says what is wrong in a
    ``CellError`` (a ``ValueError``, as the library's widgets raise); an empty cell of a required column is one.
    """

    def __init__(self, column: Column) -> None:
        super().__init__()
        self.column = column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        parsed = self.column.parse(value)
        if parsed is None and self.column.required:
            raise CellError("This cell is empty; it is required.")
        return parsed


# The first column of every template. A row with anything in it but "No" is an example: it is never imported,
# whatever its other cells say, so that a template uploaded as downloaded cannot change a single record.
EXAMPLE_MARKER = Column(
    "example_marker",
    "Example",
    help="Leave it empty on your rows. A row with anything here is an example and is never imported.",
    example="Example: never imported",
)


def is_example_mark(value: Any) -> bool:
    """Whether a cell of the Example column marks its row as an example: anything but empty or No does."""
    text = parse_text(value)
    return text is not None and text.casefold() not in FALSE_WORDS


def header_key(text: Any) -> str:
    """Headers match whatever their case and spacing: " invoice  Number " is "Invoice number"."""
    return " ".join(str(text or "").split()).casefold().rstrip(" *")


# Columns many lists have.


def name_column(*, example: str) -> Column:
    """The name a list's records are known by within their division."""
    return Column("name", "Name", required=True, max_length=100, help="Unique within the division.", example=example)


ACTIVE = Column(
    "active",
    "Active",
    ColumnType.BOOLEAN,
    help="Yes or No. Empty: Yes for a new record, unchanged otherwise.",
    example="Yes",
)
# The lists' exports name each record's division: a file exported from them imports again as it is.
DIVISION = Column(
    "division",
    "Division",
    max_length=100,
    help="Empty, or the division you import into (the lists' exports fill it in).",
    attribute="division__name",
)


def exported_fields(columns: Sequence[Column]) -> tuple[str, ...]:
    """What a resource's export reads for ``columns``, in their order (its ``Meta.fields``)."""
    return tuple(column.exported_as for column in columns)

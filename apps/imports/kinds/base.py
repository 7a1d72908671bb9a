"""
What every kind of import shares: its columns, and the ``Plan`` it makes of the rows, in the preview (nothing
written) and in the import (written).

A ``Plan`` holds actions (create, update or leave as it is) on records identified by a business key, and row errors.
Each action can describe its changes, field by field (old → new for an update, the values of a new record, from the
values the record had before the import): the preview and the finished import show them. The import runs once it is
confirmed, inside one transaction; a kind writes through the domain apps' services, never by saving models itself.

Example rows never reach a kind: the reader leaves out rows marked in the templates' Example column and rows equal
to the kind's example (``ImportKind.is_example``).
"""

import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from django.core.exceptions import ValidationError

from apps.core.columns import DIVISION, EXAMPLE_MARKER, CellError, Column, ColumnType, norm
from apps.core.importing import SheetRow
from apps.core.models import Division

ActionType = Literal["create", "update", "skip"]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell (``column``) or one row (``column`` empty); ``row`` is the worksheet's row number."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


EMPTY = "(empty)"
# Long texts (descriptions, notes) are cut in the preview; the import writes them whole.
SHOWN_LENGTH = 200


def shown(value: Any, *, choices: Sequence[tuple[str, str]] = (), money: bool = False) -> str:
    """A value as the preview shows it: Yes/No, 2022-08-15, 129.50 or 7.875, a choice's label, a record's name."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        # No more decimals than the value needs (7.875, not 7.8750; 2, not 2.0000); money has two at least.
        needed = 0 if value == value.to_integral_value() else -value.normalize().as_tuple().exponent
        return f"{value:,.{max(needed, 2) if money else needed}f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if choices:
        text = dict(choices).get(text, text)
    return text if len(text) <= SHOWN_LENGTH else f"{text[:SHOWN_LENGTH]}…"


@dataclass(frozen=True, slots=True)
class Change:
    """
    One value an action writes, as the preview shows it: ``field`` is the column's header, ``old`` what the record
    holds now (``None`` for a value of a new record, or an addition such as a new service location).
    """

    field: str
    new: str
    old: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "old": self.old, "new": self.new}


def shown_in(column: Column, value: Any) -> str:
    """A value of ``column`` as the preview shows it; a decimal column of two places holds money."""
    money = column.type == ColumnType.DECIMAL and column.places == 2
    return shown(value, choices=column.choices, money=money)


def new_values(values: Mapping[str, Any], columns: Mapping[str, Column]) -> list[Change]:
    """The values of a new record, in the order of ``columns`` (field → column); empty values are left out."""
    return [
        Change(column.header, shown_in(column, values[name]))
        for name, column in columns.items()
        if values.get(name) not in (None, "")
    ]


def changed_values(current: Any, changes: Mapping[str, Any], columns: Mapping[str, Column]) -> list[Change]:
    """Each field of ``current`` that ``changes`` gives another value, as old → new, in the order of ``columns``."""
    return [
        Change(column.header, shown_in(column, changes[name]), shown_in(column, getattr(current, name)))
        for name, column in columns.items()
        if name in changes
    ]


@dataclass(slots=True)
class Action:
    """
    One record to create or update (or leave as it is), from one or more rows.

    ``describe`` says what it changes, field by field. It is called only for the records the preview lists, and
    before anything is written (an update's old values are the record's as it is): a file of 50,000 rows keeps no
    50,000 descriptions in memory.
    """

    type: ActionType
    rows: list[int]
    label: str
    describe: Callable[[], list[Change]] | None = None

    def changes(self) -> list[Change]:
        return self.describe() if self.describe is not None else []


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def count(self, action_type: ActionType) -> int:
        return sum(1 for action in self.actions if action.type == action_type)


@dataclass
class ImportContext:
    """What a kind needs besides the rows: where the records go, who imports them, the zip of files."""

    division: Division
    user: Any = None
    archive: zipfile.ZipFile | None = None
    valid_rows_only: bool = False
    # Undo steps outside the database (stored files) run when the import's transaction is rolled back.
    on_rollback: list[Callable[[], None]] = field(default_factory=list)


def validation_messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


class ImportKind:
    """A kind of import. Subclasses set the class attributes and implement ``plan`` and ``run``."""

    key: str
    label: str
    noun: str
    noun_plural: str
    description: str
    columns: tuple[Column, ...]
    sheet_name: str
    needs_archive: bool = False
    # The admin list where the imported records are, for the link after an import.
    changelist: str = ""
    # What "import the valid rows only" leaves out, when a record spans rows.
    valid_rows_note: str = ""

    def plan(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        """What importing the rows would do: the actions and the row errors; nothing is written."""
        raise NotImplementedError

    def run(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        """
        Import the rows, through the domain services, in the caller's transaction (which the caller rolls back when
        errors come back and the import is all or nothing): what was written, and the rows refused.
        """
        raise NotImplementedError

    def in_division(self, row: SheetRow, context: ImportContext, plan: Plan) -> bool:
        """Whether the row is of the import's division (its Division cell, when it has one, names it)."""
        named = row["division"]
        if named is None or norm(named) == norm(context.division.name):
            return True
        plan.error(
            row.number,
            DIVISION.header,
            f"This row is of the division “{named}”, and this import goes into “{context.division.name}”. "
            "Import it into its own division, or clear the cell.",
        )
        return False

    @cached_property
    def columns_by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def column(self, key: str) -> Column:
        return self.columns_by_key[key]

    @property
    def sheet_columns(self) -> tuple[Column, ...]:
        """The columns of the kind's template: the Example marker, then the kind's own."""
        return (EXAMPLE_MARKER, *self.columns)

    @cached_property
    def example_values(self) -> dict[str, Any]:
        """
        The template's example row as the reader parses it, by column key (``None`` where it has no value); texts
        as ``norm`` leaves them, for comparing.
        """
        values = {column.key: column.parse(column.example) for column in self.columns}
        return {key: norm(value) if isinstance(value, str) else value for key, value in values.items()}

    def is_example(self, row: SheetRow) -> bool:
        """
        Whether the row is the template's example: every cell the sheet has equals the example's once read (text
        whatever its case and spacing). Such a row is never imported, even when its Example cell was cleared. The
        cells are read one by one until one differs: most rows differ at their first.
        """
        examples, columns = self.example_values, self.columns_by_key
        given = False
        for key, cell in row.values.items():
            try:
                value = columns[key].parse(cell)
            except CellError:
                return False
            example = examples.get(key)
            if (norm(value) if isinstance(value, str) else value) != example:
                return False
            given |= example is not None
        return given

    def header(self, key: str) -> str:
        return self.column(key).header

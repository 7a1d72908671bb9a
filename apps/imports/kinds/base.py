"""
What every kind of import shares: its columns, the plan it makes from the rows (reads only), and how it writes.

A kind turns parsed rows into a ``Plan``: actions (create, update or leave as it is) on records identified by a
business key, and row errors. Writing happens only once the plan is confirmed, inside one transaction; a kind writes
through the domain apps' services, never by saving models itself.
"""

import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.models import Division
from apps.imports.columns import Column

ActionType = Literal["create", "update", "skip"]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell (``column``) or one row (``column`` empty); ``row`` is the worksheet's row number."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class ParsedRow:
    """A row's typed values by column key; ``invalid`` when a cell could not be read (its value is then None)."""

    number: int
    values: dict[str, Any]
    invalid: bool = False

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass(slots=True)
class Action:
    """One record to create or update (or leave as it is), from one or more rows."""

    type: ActionType
    rows: list[int]
    label: str
    payload: Any = None


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
    """A kind of import. Subclasses set the class attributes and implement ``plan`` and ``write``."""

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

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        raise NotImplementedError

    def write(self, *, action: Action, context: ImportContext) -> None:
        """Create or update the record of one action, through the domain services."""
        raise NotImplementedError

    def apply(self, *, actions: Iterable[Action], context: ImportContext) -> list[RowError]:
        """
        Write the actions one by one, each in a savepoint, and return the errors of those that failed.

        Kinds that write in bulk override this. The caller rolls everything back when errors come back and the
        import is all or nothing.
        """
        errors: list[RowError] = []
        for action in actions:
            if action.type == "skip":
                continue
            try:
                with transaction.atomic():
                    self.write(action=action, context=context)
            except (ValidationError, ValueError) as error:
                errors += [RowError(action.rows[0], "", message) for message in validation_messages(error)]
                if not context.valid_rows_only:
                    break
        return errors

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header

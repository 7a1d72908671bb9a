"""
A list's resource that imports its own export, on django-import-export's import workflow (``import_data``: an
instance found or made per row, its fields set, compared, validated, saved, a result per row).

What FieldOffice adds to the library's workflow, for the lists whose rows are one record each (tax rates, payment
terms and items, known by their name; customer notes, by their customer, date and text; attachments):

- The Import from Excel page hands each row over as it is in the workbook (column header → cell). The resource types
  its cells with its ``columns``' widgets (``apps.core.columns.ColumnWidget``: Yes/No, dates, money, choices by
  label; an empty required cell) before anything else: a cell that cannot be read is the row's error, on its column,
  with the value and what was expected.
- A row's record is the division's record it is known by (``row_key``, ``record_key``: by default its name,
  whatever its case and spacing); an update keeps what the record is known by as stored (``keeps``). An empty cell
  leaves a value as it is; a new record starts from ``defaults``.
- Cells that name other records (an item's accounts) become those records (``reference``); an unknown name, or a
  record of the wrong kind, is the cell's error. A row that repeats an earlier row's record is left out
  (``repeats``).
- A row is checked by the model's own rules (``full_clean``) and saved through the domain's services (``create``,
  ``update``), never by the library saving the model. A dry run checks and compares only, and writes nothing; the
  real run leaves the checks to the services, which make them anyway.
- The library's field-by-field diff (HTML for its own admin pages, from a deep copy of every row's record) is not
  made: the resource keeps a plain copy of each record a row updates (``original_of``), from which it tells an
  unchanged row and the page describes the changes, old → new.
"""

import copy
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet

from apps.core.columns import DIVISION, CellError, Column, norm
from apps.core.resources import ExportResource


@dataclass(slots=True)
class SheetRow:
    """A row of a worksheet: its number, and its cells (or their typed values) by column key."""

    number: int
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


def typed_in_place(columns: Sequence[Column], row: dict[str, Any]) -> dict[str, str]:
    """
    Type a row's cells (column header → cell) with their columns' widgets (``Column.widget``); the reasons of the
    cells that cannot be read, by column key (their value is then ``None``).
    """
    errors: dict[str, str] = {}
    for column in columns:
        try:
            row[column.header] = column.widget.clean(row.get(column.header))
        except CellError as error:
            row[column.header] = None
            errors[column.key] = str(error)
    return errors


class Problem(NamedTuple):
    """What is wrong with a row beyond its record's own checks: the file's row number, a column key, the reason."""

    row: int
    column: str
    message: str


class RecordResource(ExportResource):
    """
    See the module's docstring. Subclasses set ``create``, ``update`` and ``instance_argument`` (the services and
    the name their update takes the record by), and may set ``defaults`` and ``reference``.
    """

    key: ClassVar[str] = "name"
    defaults: ClassVar[dict[str, Any]] = {}
    # What the model's checks leave out: the division is the resource's own (a kind whose other relations are
    # known to exist leaves them out too, saving a query a row).
    unchecked: ClassVar[tuple[str, ...]] = ("division",)
    create: ClassVar[Callable[..., Model]]
    update: ClassVar[Callable[..., Model]]
    instance_argument: ClassVar[str]

    class Meta:
        report_skipped = True
        store_instance = True
        # The row as imported, its cells typed (``before_import_row``): the preview says what the row gave.
        store_row_values = True
        skip_diff = True
        use_transactions = True

    def __init__(
        self, *, division: Any = None, user: Any = None, row_numbers: Sequence[int] = (), **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.division = division
        # Who imports (the records that keep their writer).
        self.user = user
        # The file's row number of each row of the dataset (by default, its position), for the messages.
        self.row_numbers = row_numbers
        # A record's problems found on particular rows of the file, by the record's import row: reported instead
        # of a record's own validation errors.
        self.problems: dict[int, list[Problem]] = {}
        self.existing: dict[Hashable, Model] = {}
        self.originals: dict[Any, Model] = {}
        self.checking = False
        # The row being imported (its position in the dataset), the first row of each record, and the rows that
        # repeat an earlier one (left out).
        self.position = 0
        self.first_rows: dict[Hashable, int] = {}
        self.repeats: dict[int, int] = {}

    def row_number(self, position: int) -> int:
        """The file's row number of the dataset's row at ``position`` (from 1)."""
        return self.row_numbers[position - 1] if self.row_numbers else position

    def rows_of(self, position: int) -> list[int]:
        """The file's rows of the record imported at ``position``: its own row."""
        return [self.row_number(position)]

    @classmethod
    def imported_columns(cls) -> tuple[Column, ...]:
        """The columns a row's record takes values from (the division names where the row belongs, nothing more)."""
        if "_imported_columns" not in cls.__dict__:
            cls._imported_columns = tuple(column for column in cls.columns if column is not DIVISION)
        return cls._imported_columns

    @classmethod
    def column(cls, key: str) -> Column:
        return next(column for column in cls.columns if column.key == key)

    @classmethod
    def key_column(cls) -> Column:
        return cls.column(cls.key)

    def existing_query(self) -> QuerySet:
        """The division's records a row may update."""
        return self._meta.model.objects.filter(division=self.division)

    def row_key(self, row: dict[str, Any]) -> Hashable:
        """What the row's record is known by: its name, whatever its case and spacing."""
        return norm(row.get(self.key_column().header))

    def record_key(self, record: Model) -> Hashable:
        """What a stored record is known by, as ``row_key`` gives it."""
        return norm(getattr(record, self.key))

    def keeps(self, column: Column, instance: Model) -> bool:
        """Whether the record keeps its own value of ``column`` whatever the row says (an update keeps its name)."""
        return column.key == self.key and instance.pk is not None

    def reference(self, column: Column, value: Any) -> Any:
        """The record a cell names (``ValueError``, with the reason, when there is none); the value itself here."""
        return value

    # django-import-export's import workflow.

    def import_data(self, dataset: Any, dry_run: bool = False, **kwargs: Any) -> Any:
        self.checking = dry_run
        return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.existing = {self.record_key(record): record for record in self.existing_query()}

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Model | None:
        return self.existing.get(self.row_key(row))

    def init_instance(self, row: dict[str, Any] | None = None) -> Model:
        return self._meta.model(division=self.division, **self.defaults)

    def import_row(self, row: dict[str, Any], instance_loader: Any, **kwargs: Any) -> Any:
        self.position = kwargs.get("row_number", 0)
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        """The row's cells typed by their columns' widgets, in place; a cell that cannot be read is the row's error."""
        errors = typed_in_place(self.columns, row)
        if errors:
            raise ValidationError(errors)

    def original_of(self, instance: Model) -> Model | None:
        """The record a row updates as it was before (``None`` for a new one)."""
        return self.originals.get(instance.pk) if instance.pk is not None else None

    def import_instance(self, instance: Model, row: dict[str, Any], **kwargs: Any) -> None:
        if instance.pk is not None:
            # A plain copy: a model's copy has its own field values and related records (``Model.__getstate__``).
            self.originals[instance.pk] = copy.copy(instance)
        errors: dict[str, ValidationError] = {}
        for column in self.imported_columns():
            value = row.get(column.header)
            if value is None or self.keeps(column, instance):
                continue
            try:
                setattr(instance, column.key, self.reference(column, value))
            except ValueError as error:
                errors[column.key] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(
        self, instance: Model, original: Model | None, row: dict[str, Any], import_validation_errors: Any = None
    ) -> bool:
        key = self.row_key(row)
        if key in self.first_rows:
            self.repeats[self.position] = self.first_rows[key]
            return True
        self.first_rows[key] = self.position
        if instance.pk is None or import_validation_errors:
            return False
        return not self.changes(self.original_of(instance), instance)

    def changes(self, original: Model | None, instance: Model) -> dict[str, Any]:
        """The values ``instance`` has that ``original`` had not (every value given, for a new record)."""
        return {
            column.key: getattr(instance, column.key)
            for column in self.imported_columns()
            if original is None
            or (not self.keeps(column, original) and getattr(original, column.key) != getattr(instance, column.key))
        }

    def validate_instance(self, instance: Model, import_validation_errors: Any = None, validate_unique: bool = True):
        errors = dict(import_validation_errors or {})
        if self.checking:
            try:
                instance.full_clean(exclude=[*self.unchecked, *errors], validate_unique=False)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance: Model, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if self.checking:
            return
        values = {
            column.key: getattr(instance, column.key)
            for column in self.imported_columns()
            if row.get(column.header) is not None or (is_create and column.key in self.defaults)
        }
        # A record whose writing fails leaves nothing behind: the library reports the failure as the row's and
        # carries on, within its own savepoint.
        with transaction.atomic():
            if is_create:
                saved = type(self).create(division=self.division, **values)
                instance.pk = saved.pk
            else:
                values.pop(self.key, None)
                type(self).update(**{self.instance_argument: instance}, **values)


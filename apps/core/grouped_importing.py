"""
A resource whose records take several rows of the file: an invoice and its lines, a customer and its service
locations.

The record's own columns (``record_keys``: an invoice's customer and date, a customer's name and address) may be
given on one of its rows or repeated on each; a repeated value that differs is an error of that row. The other
columns are the row's own part of the record (a line, a service location). Before the library's import workflow
runs, ``before_import`` turns the file's rows into one row a record, as django-import-export allows a resource to
alter its dataset there: the rows' cells typed by their columns' widgets, the record's values merged, with its
rows (``SheetRow``) under ``PARTS``. Each row of the library's result is then a record, and ``rows_of`` gives the
file's rows it came from.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from apps.core.columns import CellError
from apps.core.importing import Problem, RecordResource, SheetRow

# The header under which a record's rows go, in the dataset the library imports.
PARTS = "Rows"


@dataclass(slots=True)
class Group:
    """A record's rows, the record's values merged from them, and the row each value came from."""

    key: Hashable
    parts: list[SheetRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.parts[0].number

    @property
    def span(self) -> str:
        first, last = self.parts[0].number, self.parts[-1].number
        return f"row {first}" if first == last else f"rows {first} to {last}"

    @property
    def refused(self) -> bool:
        return bool(self.problems)


class GroupedRecordResource(RecordResource):
    """
    See the module's docstring. Subclasses say what a row's record is known by (``group_key``), which columns are
    the record's (``record_keys``), and whether a record's rows must follow each other (``together``).
    """

    record_keys: ClassVar[tuple[str, ...]]
    # The record's columns it cannot do without (an error on its first row when none of its rows gives one).
    required_record_keys: ClassVar[tuple[str, ...]] = ()
    together: ClassVar[bool] = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.groups: list[Group] = []

    def group_key(self, values: dict[str, Any]) -> Hashable | None:
        """What a row's record is known by; ``None`` for a row that belongs to no record (left out)."""
        raise NotImplementedError

    def same(self, kept: Any, given: Any) -> bool:
        """Whether a repeated value of the record's is the one given before."""
        return kept == given

    def conflict_message(self, group: Group, key: str, earlier: int) -> str:
        return f"Row {earlier} gives another value here."

    def apart_message(self, group: Group) -> str:
        """Why a row of a record already given, apart from its rows, is refused (``together`` resources)."""
        return f"This record is on {group.span} already; the rows of one record are together."

    def missing_message(self, group: Group, key: str) -> str:
        return f"“{self.column(key).header}” is empty on every row of this record."

    def rows_of(self, position: int) -> list[int]:
        return [part.number for part in self.groups[position - 1].parts]

    def group_of(self, position: int) -> Group:
        return self.groups[position - 1]

    # django-import-export's import workflow.

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.groups = self.grouped(dataset)
        record_columns = [column for column in self.columns if column.key in self.record_keys]
        headers = [column.header for column in record_columns]
        dataset.wipe()
        dataset.headers = [*headers, PARTS]
        for group in self.groups:
            dataset.append([*(group.values.get(column.key) for column in record_columns), group.parts])
        for position, group in enumerate(self.groups, start=1):
            if group.refused:
                self.problems[position] = group.problems
        super().before_import(dataset, **kwargs)

    def grouped(self, dataset: Any) -> list[Group]:
        """
        The file's rows as records, in the order of their first rows, their cells typed by their columns' widgets.
        A row with a cell that cannot be read refuses its record (or stands alone, refused, when it names none).
        """
        by_header = {column.header: column for column in self.columns}
        cleaners = [(by_header[header].key, by_header[header].widget.clean) for header in dataset.headers]
        groups: dict[Hashable, Group] = {}
        ordered: list[Group] = []
        for position, row in enumerate(dataset, start=1):
            number = self.row_number(position)
            values, problems = {}, []
            for (key, clean), cell in zip(cleaners, row, strict=True):
                try:
                    values[key] = clean(cell)
                except CellError as error:
                    values[key] = None
                    problems.append(Problem(number, key, str(error)))
            part = SheetRow(number, values)
            key = self.group_key(values)
            if key is None:
                if problems:
                    ordered.append(Group(("row", number), [part], problems=problems))
                continue
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key)
                ordered.append(group)
            elif self.together and group is not ordered[-1]:
                group.problems.append(Problem(part.number, self.key, self.apart_message(group)))
                group.parts.append(part)
                continue
            group.parts.append(part)
            group.problems += problems
            self._merge(group, part)
        for group in ordered:
            for key in self.required_record_keys:
                if key not in group.values and not group.refused:
                    group.problems.append(Problem(group.first, key, self.missing_message(group, key)))
        return ordered

    def _merge(self, group: Group, part: SheetRow) -> None:
        values = part.values
        for key in self.record_keys:
            value = values.get(key)
            if value is None:
                continue
            if key not in group.values:
                group.values[key], group.origin[key] = value, part.number
            elif not self.same(group.values[key], value):
                group.problems.append(Problem(part.number, key, self.conflict_message(group, key, group.origin[key])))

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        # Its cells were typed as its rows were grouped; its problems are reported on its rows.
        if kwargs["row_number"] in self.problems:
            raise ValidationError("The record's rows have errors.")

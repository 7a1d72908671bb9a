"""
The kinds a list's own django-import-export resource imports (``apps.core.importing``): the page reads the rows,
the resource plans them (its dry run) and writes them (its real run), and the kind turns each row's outcome into
the page's actions (with their changes, old → new) and row errors.
"""

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export.results import RowResult

from apps.core.importing import RecordResource
from apps.imports.kinds.base import (
    Action,
    ImportContext,
    ImportKind,
    Plan,
    SheetRow,
    changed_values,
    new_values,
)


def model_errors(
    error: ValidationError, headers: dict[str, str], row: int, plan: Plan, *, default_column: str = ""
) -> None:
    """Report a model's validation errors on the columns their fields come from."""
    for field, messages in error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]:
        column = headers.get(field, default_column) if field != NON_FIELD_ERRORS else default_column
        for message in messages:
            plan.error(row, column, message)


class ResourceKind(ImportKind):
    """
    A kind imported by its list's resource (``apps.core.importing.RecordResource``): the preview is the library's
    dry run, the import its real run, each row's outcome turned into the page's actions and row errors. Subclasses
    say which rows the resource gets (``kept_rows``) and how the preview names a record (``record_label``).
    """

    resource_class: type[RecordResource]

    @property
    def model(self) -> type[models.Model]:
        return self.resource_class._meta.model

    def plan(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        """The preview: the library's dry run, which writes nothing."""
        return self._import(rows, context, dry_run=True)

    def run(self, *, rows: Sequence[SheetRow], context: ImportContext) -> Plan:
        """
        The import: the library's real run, in the caller's transaction. Each record is written as its rows are
        imported (or in bulk, by a resource that writes so); a refused record is a row error, and nothing of it is
        written. Anything the checks did not foresee raises: the library rolled the whole run back.
        """
        return self._import(rows, context, dry_run=False)

    def _import(self, rows: Sequence[SheetRow], context: ImportContext, *, dry_run: bool) -> Plan:
        plan = Plan()
        kept = self.kept_rows(rows, context, plan)
        resource = self.resource_for(context, kept)
        dataset = self._dataset(row.values for row in kept)
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
        self._base_errors(result, plan)
        by_number = {row.number: row for row in kept}
        for position, outcome in enumerate(result.rows, start=1):
            if self._row_errors(resource, position, outcome, plan):
                continue
            rows_of = [by_number[number] for number in resource.rows_of(position)]
            action = self._action(resource, position, rows_of, outcome)
            if position in resource.repeats:
                action.label = f"{action.label} (same as row {resource.row_number(resource.repeats[position])})"
            plan.actions.append(action)
        if not dry_run and result.has_errors():
            # Not a refused record: the library rolled the whole run back, the valid rows too.
            raise ValidationError([error.message for error in plan.errors] or "The import could not be written.")
        return plan

    def resource_for(self, context: ImportContext, rows: Sequence[SheetRow]) -> RecordResource:
        """The resource that imports ``rows`` (the file's rows it is given, in order)."""
        return self.resource_class(
            division=context.division, user=context.user, row_numbers=[row.number for row in rows]
        )

    def kept_rows(self, rows: Sequence[SheetRow], context: ImportContext, plan: Plan) -> list[SheetRow]:
        """The rows the resource imports: those of the import's division."""
        return [row for row in rows if self.in_division(row, context, plan)]

    def record_label(self, resource: RecordResource, instance: models.Model, current: models.Model | None) -> str:
        """How the preview names the record of a row (``current``: as it is, for one that exists)."""
        return str(current if current is not None else instance)

    def _dataset(self, rows: Iterable[dict[str, Any]]) -> tablib.Dataset:
        """Rows (column key → typed value) as the resource reads them: by column header."""
        keys = [column.key for column in self.columns]
        # Given whole to the constructor: ``append`` checks each row's width, which these have by construction.
        return tablib.Dataset(
            *([values.get(key) for key in keys] for values in rows), headers=[column.header for column in self.columns]
        )

    @staticmethod
    def _base_errors(result: Any, plan: Plan) -> None:
        """What failed outside any row (reading the division's records, a bulk write): the whole file's error."""
        for error in result.base_errors:
            plan.error(None, "", str(error.error))

    def _row_errors(self, resource: RecordResource, position: int, outcome: Any, plan: Plan) -> bool:
        """A record the resource refused, its reasons on the rows and columns they are about; whether it was."""
        if position in resource.problems:
            for problem in resource.problems[position]:
                plan.error(problem.row, self.header(problem.column) if problem.column else "", problem.message)
            return True
        number = resource.rows_of(position)[0]
        if outcome.import_type == RowResult.IMPORT_TYPE_INVALID:
            headers = {column.key: column.header for column in self.columns}
            model_errors(outcome.validation_error, headers, number, plan)
            return True
        if outcome.import_type == RowResult.IMPORT_TYPE_ERROR:
            for error in outcome.errors:
                plan.error(number, "", str(error.error))
            return True
        return False

    def _action(self, resource: RecordResource, position: int, rows: list[SheetRow], outcome: Any) -> Action:
        """The page's action for a record the resource would create, update or leave as it is."""
        columns = {column.key: column for column in resource.imported_columns()}
        row = rows[0]
        instance = outcome.instance
        if outcome.import_type == RowResult.IMPORT_TYPE_NEW:
            # What the row gave, its cells as the resource typed them.
            typed = outcome.row_values
            given = {
                key: getattr(instance, key)
                for key, column in columns.items()
                if typed.get(column.header) is not None or key in resource.defaults
            }
            label = self.record_label(resource, instance, None)
            return Action("create", [row.number], label, partial(new_values, given, columns))
        # The record as it is (the resource's copy from before the row's values were set on it).
        current = resource.original_of(instance) or instance
        label = self.record_label(resource, instance, current)
        if outcome.import_type == RowResult.IMPORT_TYPE_SKIP:
            return Action("skip", [row.number], label)
        changes = resource.changes(current, instance)
        return Action("update", [row.number], label, partial(changed_values, current, changes, columns))

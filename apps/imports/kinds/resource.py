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
    ParsedRow,
    Plan,
    RowError,
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

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        kept = self.kept_rows(rows, context, plan)
        resource = self.resource_class(division=context.division, user=context.user)
        result = resource.import_data(self._dataset(row.values for row in kept), dry_run=True, raise_errors=False)
        self._base_errors(result, plan)
        for position, (row, outcome) in enumerate(zip(kept, result.rows, strict=False), start=1):
            if self._row_errors(row.number, outcome, plan):
                continue
            action = self._action(resource, row, outcome)
            if position in resource.repeats:
                action.label = f"{action.label} (same as row {kept[resource.repeats[position] - 1].number})"
            plan.actions.append(action)
        return plan

    def kept_rows(self, rows: Sequence[ParsedRow], context: ImportContext, plan: Plan) -> list[ParsedRow]:
        """The rows the resource imports: those read without errors, of the import's division."""
        return [row for row in rows if not row.invalid and self.in_division(row, context, plan)]

    def record_label(self, resource: RecordResource, instance: models.Model, current: models.Model | None) -> str:
        """How the preview names the record of a row (``current``: as it is, for one that exists)."""
        return str(current if current is not None else instance)

    def _dataset(self, rows: Iterable[dict[str, Any]]) -> tablib.Dataset:
        """Rows (column key → typed value) as the resource reads them: by column header."""
        dataset = tablib.Dataset(headers=[column.header for column in self.columns])
        for values in rows:
            dataset.append([values.get(column.key) for column in self.columns])
        return dataset

    @staticmethod
    def _base_errors(result: Any, plan: Plan) -> None:
        """What failed outside any row (reading the division's records, a bulk write): the whole file's error."""
        for error in result.base_errors:
            plan.error(None, "", str(error.error))

    def _row_errors(self, number: int, outcome: Any, plan: Plan) -> bool:
        """A row the resource refused, its reasons on the columns they are about; whether it was refused."""
        if outcome.import_type == RowResult.IMPORT_TYPE_INVALID:
            headers = {column.key: column.header for column in self.columns}
            model_errors(outcome.validation_error, headers, number, plan)
            return True
        if outcome.import_type == RowResult.IMPORT_TYPE_ERROR:
            for error in outcome.errors:
                plan.error(number, "", str(error.error))
            return True
        return False

    def _action(self, resource: RecordResource, row: ParsedRow, outcome: Any) -> Action:
        """The page's action for a row the resource would create, update or leave as it is."""
        columns = {column.key: column for column in resource.imported_columns()}
        instance, values = outcome.instance, dict(row.values)
        if outcome.import_type == RowResult.IMPORT_TYPE_NEW:
            given = {
                key: getattr(instance, key)
                for key in columns
                if row[key] is not None or key in resource.defaults
            }
            label = self.record_label(resource, instance, None)
            return Action("create", [row.number], label, values, partial(new_values, given, columns))
        # The record as it is (the resource's copy from before the row's values were set on it).
        current = resource.original_of(instance) or instance
        label = self.record_label(resource, instance, current)
        if outcome.import_type == RowResult.IMPORT_TYPE_SKIP:
            return Action("skip", [row.number], label)
        changes = resource.changes(current, instance)
        return Action("update", [row.number], label, values, partial(changed_values, current, changes, columns))

    def apply(self, *, actions: Iterable[Action], context: ImportContext) -> list[RowError]:
        """
        The rows of the records to create or update, imported for real by the resource (each in a savepoint, or
        written in bulk by a resource that writes so).
        """
        written = [action for action in actions if action.type != "skip"]
        if not written:
            return []
        dataset = self._dataset(action.payload for action in written)
        resource = self.resource_class(division=context.division, user=context.user)
        result = resource.import_data(dataset, raise_errors=False)
        plan = Plan()
        self._base_errors(result, plan)
        for action, outcome in zip(written, result.rows, strict=False):
            self._row_errors(action.rows[0], outcome, plan)
        return plan.errors

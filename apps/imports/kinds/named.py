"""
Kinds whose records are known by their name within the division: tax rates, payment terms and items.

Each is imported by its list's own resource, on django-import-export's workflow (``apps.core.importing``): a row
whose name is new creates a record; a row whose name exists updates the values its cells give (an empty cell leaves
the value as it is); a row that changes nothing is left alone. While another system keeps the division's tax rates
or terms (``apps.core.masters``), the rows that would create or change one are refused with the reason.

The columns are those of the lists' exports (an item's accounts by name, the division), so that a list exported from
the admin imports again unchanged: a row of another division than the import's is refused, with the reason.
"""

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export.results import RowResult

from apps.accounting.resources import PAYMENT_TERM_COLUMNS, TAX_RATE_COLUMNS, PaymentTermResource, TaxRateResource
from apps.catalog.resources import ITEM_COLUMNS, ItemResource
from apps.core.importing import RecordResource
from apps.core.masters import master_elsewhere
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
from apps.imports.matching import norm


def model_errors(
    error: ValidationError, headers: dict[str, str], row: int, plan: Plan, *, default_column: str = ""
) -> None:
    """Report a model's validation errors on the columns their fields come from."""
    for field, messages in error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]:
        column = headers.get(field, default_column) if field != NON_FIELD_ERRORS else default_column
        for message in messages:
            plan.error(row, column, message)


class NamedRecordKind(ImportKind):
    """
    A kind imported by its list's resource (``apps.core.importing.RecordResource``): the preview is the library's
    dry run, the import its real run, each row's outcome turned into the page's actions and row errors.
    """

    resource_class: type[RecordResource]

    @property
    def model(self) -> type[models.Model]:
        return self.resource_class._meta.model

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        kept = self._rows(rows, context, plan)
        resource = self.resource_class(division=context.division)
        result = resource.import_data(self._dataset(row.values for row in kept), dry_run=True, raise_errors=False)
        self._base_errors(result, plan)
        for row, outcome in zip(kept, result.rows, strict=False):
            if self._row_errors(row.number, outcome, plan):
                continue
            plan.actions.append(self._action(resource, row, outcome))
        return plan

    def _rows(self, rows: Sequence[ParsedRow], context: ImportContext, plan: Plan) -> list[ParsedRow]:
        """The rows the resource imports: readable, of the import's division, and the first of their name."""
        kept: list[ParsedRow] = []
        first_seen: dict[str, int] = {}
        for row in rows:
            if row.invalid or not self.in_division(row, context, plan):
                continue
            key = norm(row["name"])
            if key in first_seen:
                plan.error(row.number, self.header("name"), f"This name is on row {first_seen[key]} already.")
                continue
            first_seen[key] = row.number
            kept.append(row)
        return kept

    def _dataset(self, rows: Iterable[dict[str, Any]]) -> tablib.Dataset:
        """Rows (column key → typed value) as the resource reads them: by column header."""
        dataset = tablib.Dataset(headers=[column.header for column in self.columns])
        for values in rows:
            dataset.append([values.get(column.key) for column in self.columns])
        return dataset

    @staticmethod
    def _base_errors(result: Any, plan: Plan) -> None:
        """What failed before any row (the division's records could not be read): the whole file's error."""
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
            return Action("create", [row.number], str(given["name"]), values, partial(new_values, given, columns))
        # The record as it is (the resource's copy from before the row's values were set on it).
        current = resource.original_of(instance) or instance
        if outcome.import_type == RowResult.IMPORT_TYPE_SKIP:
            return Action("skip", [row.number], str(current))
        changes = resource.changes(current, instance)
        return Action("update", [row.number], str(current), values, partial(changed_values, current, changes, columns))

    def apply(self, *, actions: Iterable[Action], context: ImportContext) -> list[RowError]:
        """The rows of the records to create or update, imported for real by the resource (each in a savepoint)."""
        written = [action for action in actions if action.type != "skip"]
        if not written:
            return []
        dataset = self._dataset(action.payload for action in written)
        result = self.resource_class(division=context.division).import_data(dataset, raise_errors=False)
        plan = Plan()
        self._base_errors(result, plan)
        for action, outcome in zip(written, result.rows, strict=False):
            self._row_errors(action.rows[0], outcome, plan)
        return plan.errors


class KeptElsewhereRefusingKind(NamedRecordKind):
    """Refuses the rows that would write while another system keeps the division's records of this kind."""

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = super().plan(rows=rows, context=context)
        reason = master_elsewhere(self.model, context.division.pk)
        if reason:
            for action in plan.actions:
                if action.type != "skip":
                    for row in action.rows:
                        plan.error(row, "", reason)
            plan.actions = [action for action in plan.actions if action.type == "skip"]
        return plan


class TaxRateKind(KeptElsewhereRefusingKind):
    key = "tax_rates"
    label = "Tax rates"
    noun, noun_plural = "tax rate", "tax rates"
    sheet_name = "Tax rates"
    description = "Sales tax rates, by name. Import them before customers and invoices that use them."
    changelist = "admin:accounting_taxrate_changelist"
    resource_class = TaxRateResource
    columns = TAX_RATE_COLUMNS


class PaymentTermKind(KeptElsewhereRefusingKind):
    key = "payment_terms"
    label = "Payment terms"
    noun, noun_plural = "payment term", "payment terms"
    sheet_name = "Payment terms"
    description = "When invoices are due, by name: “Net 30” is due 30 days after the invoice date."
    changelist = "admin:accounting_paymentterm_changelist"
    resource_class = PaymentTermResource
    columns = PAYMENT_TERM_COLUMNS


class ItemKind(NamedRecordKind):
    key = "items"
    label = "Items"
    noun, noun_plural = "item", "items"
    sheet_name = "Items"
    description = "Parts, materials, services and equipment you sell, by name."
    changelist = "admin:catalog_item_changelist"
    resource_class = ItemResource
    columns = ITEM_COLUMNS

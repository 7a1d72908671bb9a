"""
Kinds whose records are known by their name within the division: tax rates, payment terms and items.

A row whose name is new creates a record; a row whose name exists updates the values its cells give (an empty
cell leaves the value as it is); a row that changes nothing is left alone. While another system keeps the division's
tax rates or terms (``apps.core.masters``), the rows that would create or change one are refused with the reason.
"""

import copy
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from apps.accounting import services as accounting_services
from apps.accounting.models import ItemType, PaymentTerm, TaxRate
from apps.catalog import services as catalog_services
from apps.catalog.models import Item
from apps.core.masters import master_elsewhere
from apps.imports.columns import Column, ColumnType
from apps.imports.kinds.base import Action, ImportContext, ImportKind, ParsedRow, Plan, changed_values, new_values
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
    model: type[models.Model]
    # Column key → model field, for the columns copied as they are.
    fields: dict[str, str]
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    instance_argument: str

    def defaults(self) -> dict[str, Any]:
        return {}

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        existing = {norm(obj.name): obj for obj in self.model.objects.filter(division=context.division)}
        headers = {field: self.header(key) for key, field in self.fields.items()}
        columns = {field: self.column(key) for key, field in self.fields.items()}
        first_seen: dict[str, int] = {}
        for row in rows:
            if row.invalid:
                continue
            key = norm(row["name"])
            if key in first_seen:
                plan.error(row.number, self.header("name"), f"This name is on row {first_seen[key]} already.")
                continue
            first_seen[key] = row.number
            values = {field: row[column] for column, field in self.fields.items() if row[column] is not None}
            current = existing.get(key)
            if current is None:
                instance = self.model(division=context.division, **{**self.defaults(), **values})
                describe = partial(new_values, {**self.defaults(), **values}, columns)
                action = Action("create", [row.number], str(values["name"]), values, describe)
            else:
                values.pop("name")  # the same name, perhaps in another case: keep the stored spelling
                changes = {field: value for field, value in values.items() if getattr(current, field) != value}
                instance = copy.copy(current)
                for field, value in changes.items():
                    setattr(instance, field, value)
                action = Action(
                    "update" if changes else "skip",
                    [row.number],
                    str(current),
                    (current, changes),
                    partial(changed_values, current, changes, columns),
                )
            try:
                instance.full_clean(exclude=["division"], validate_unique=False)
            except ValidationError as error:
                model_errors(error, headers, row.number, plan)
                continue
            plan.actions.append(action)
        return plan

    def write(self, *, action: Action, context: ImportContext) -> None:
        if action.type == "create":
            self.create(division=context.division, **{**self.defaults(), **action.payload})
        else:
            current, changes = action.payload
            self.update(**{self.instance_argument: current}, **changes)


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


ACTIVE = Column(
    "active",
    "Active",
    ColumnType.BOOLEAN,
    help="Yes or No. Empty: Yes for a new record, unchanged otherwise.",
    example="Yes",
)


class TaxRateKind(KeptElsewhereRefusingKind):
    key = "tax_rates"
    label = "Tax rates"
    noun, noun_plural = "tax rate", "tax rates"
    sheet_name = "Tax rates"
    description = "Sales tax rates, by name. Import them before customers and invoices that use them."
    changelist = "admin:accounting_taxrate_changelist"
    model = TaxRate
    columns = (
        Column(
            "name",
            "Name",
            required=True,
            max_length=100,
            help="Unique within the division.",
            example="Example tax rate (delete me)",
        ),
        Column(
            "percent",
            "Percent",
            ColumnType.DECIMAL,
            required=True,
            places=4,
            help="From 0 to 100; 7.875 means 7.875 %.",
            example=7.875,
        ),
        Column(
            "agency",
            "Tax agency",
            max_length=100,
            help="Who collects the tax.",
            example="Example Tax Agency",
        ),
        ACTIVE,
    )
    fields = {"name": "name", "percent": "percent", "agency": "agency", "active": "active"}
    create = staticmethod(accounting_services.tax_rate_create)
    update = staticmethod(accounting_services.tax_rate_update)
    instance_argument = "tax_rate"


class PaymentTermKind(KeptElsewhereRefusingKind):
    key = "payment_terms"
    label = "Payment terms"
    noun, noun_plural = "payment term", "payment terms"
    sheet_name = "Payment terms"
    description = "When invoices are due, by name: “Net 30” is due 30 days after the invoice date."
    changelist = "admin:accounting_paymentterm_changelist"
    model = PaymentTerm
    columns = (
        Column(
            "name",
            "Name",
            required=True,
            max_length=100,
            help="Unique within the division.",
            example="Example terms (delete me)",
        ),
        Column(
            "due_days",
            "Due days",
            ColumnType.INTEGER,
            required=True,
            maximum=32767,
            help="Days from the invoice date to the due date.",
            example=30,
        ),
        ACTIVE,
    )
    fields = {"name": "name", "due_days": "due_days", "active": "active"}
    create = staticmethod(accounting_services.payment_term_create)
    update = staticmethod(accounting_services.payment_term_update)
    instance_argument = "payment_term"


class ItemKind(NamedRecordKind):
    key = "items"
    label = "Items"
    noun, noun_plural = "item", "items"
    sheet_name = "Items"
    description = "Parts, materials, services and equipment you sell, by name."
    changelist = "admin:catalog_item_changelist"
    model = Item
    columns = (
        Column(
            "name",
            "Name",
            required=True,
            max_length=100,
            help="Unique within the division.",
            example="Example item (delete me)",
        ),
        Column(
            "item_type",
            "Type",
            ColumnType.CHOICE,
            choices=tuple(ItemType.choices),
            help="Inventory, Non-inventory, Service or Equipment. Empty: Service.",
            example="Service",
        ),
        Column("sku", "SKU", max_length=100, help="Your stock number.", example="EXAMPLE-0001"),
        Column(
            "description", "Description", help="Copied to invoice lines.", example="Example: annual furnace tune-up"
        ),
        Column("sales_price", "Sales price", ColumnType.DECIMAL, help="Zero or more.", example=129.50),
        Column("cost", "Cost", ColumnType.DECIMAL, help="Zero or more.", example=40),
        Column("taxable", "Taxable", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new item.", example="Yes"),
        ACTIVE,
        Column(
            "quantity_on_hand",
            "Quantity on hand",
            ColumnType.DECIMAL,
            places=4,
            help="Inventory and equipment only; zero or more.",
            example=None,
        ),
        Column("quantity_as_of", "Quantity as of", ColumnType.DATE, help="The date the quantity was counted."),
    )
    fields = {
        "name": "name",
        "item_type": "item_type",
        "sku": "sku",
        "description": "description",
        "sales_price": "sales_price",
        "cost": "cost",
        "taxable": "taxable",
        "active": "active",
        "quantity_on_hand": "quantity_on_hand",
        "quantity_as_of": "quantity_as_of",
    }
    create = staticmethod(catalog_services.item_create)
    update = staticmethod(catalog_services.item_update)
    instance_argument = "item"

    def defaults(self) -> dict[str, Any]:
        return {"item_type": ItemType.SERVICE}

"""
Customers with their service locations, for a company that starts without QuickBooks (or without a customer list).

One row a customer, or one row per service location with the customer's columns on each (or on the first only), as
the customer list's export writes them (its columns are the export's: ``apps.customers.resources``).
A customer is known by its number when the row gives one, else by its display name. An existing customer is updated
with the values the rows give: an empty cell leaves a value as it is, and locations not in the file are kept.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from django.core.exceptions import ValidationError

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.columns import Column
from apps.customers import services as customer_services
from apps.customers.models import Customer, ServiceLocation
from apps.customers.resources import ADDRESS_FIELDS, CUSTOMER_COLUMNS, LOCATION_PREFIX
from apps.imports.kinds.base import (
    Action,
    Change,
    ImportContext,
    ImportKind,
    ParsedRow,
    Plan,
    changed_values,
    new_values,
)
from apps.imports.kinds.resource import model_errors
from apps.imports.matching import NameLookup, NotFound, norm

CUSTOMER_FIELDS = (
    "number",
    "display_name",
    "company_name",
    "first_name",
    "last_name",
    "phone",
    "email",
    "billing_street",
    "billing_street2",
    "billing_city",
    "billing_state",
    "billing_postal_code",
    "billing_country",
    "taxable",
    "active",
)
# Column key → field of the service location.
LOCATION_COLUMNS = {f"{LOCATION_PREFIX}{name}": name for name in ADDRESS_FIELDS}
CUSTOMER_KEYS = (*CUSTOMER_FIELDS, "tax_rate", "payment_term")


@dataclass
class CustomerRows:
    key: str
    rows: list[ParsedRow] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)
    invalid: bool = False

    @property
    def first(self) -> int:
        return self.rows[0].number


class CustomerKind(ImportKind):
    key = "customers"
    label = "Customers and service locations"
    noun, noun_plural = "customer", "customers"
    sheet_name = "Customers"
    description = (
        "Your customer list, with their service locations: one row a customer, or one row per location with the "
        "customer repeated. Import tax rates and payment terms first."
    )
    changelist = "admin:customers_customer_changelist"
    valid_rows_note = "a customer with an error on any of its rows is left out whole"
    columns = CUSTOMER_COLUMNS

    def _group(self, rows: Sequence[ParsedRow], context: ImportContext, plan: Plan) -> list[CustomerRows]:
        groups: dict[str, CustomerRows] = {}
        for row in rows:
            if row["display_name"] is None and row["number"] is None:
                continue
            if not self.in_division(row, context, plan):
                continue
            key = f"#{norm(row['number'])}" if row["number"] else norm(row["display_name"])
            group = groups.setdefault(key, CustomerRows(key=key))
            group.rows.append(row)
            group.invalid |= row.invalid
            for name in CUSTOMER_KEYS:
                value = row[name]
                if value is None:
                    continue
                if name not in group.values:
                    group.values[name], group.origin[name] = value, row.number
                elif group.values[name] != value:
                    plan.error(row.number, self.header(name), f"Row {group.origin[name]} gives another value here.")
                    group.invalid = True
        for group in groups.values():
            if "display_name" not in group.values and not group.invalid:
                plan.error(group.first, self.header("display_name"), "The customer needs a display name.")
                group.invalid = True
        return list(groups.values())

    def plan(self, *, rows: Sequence[ParsedRow], context: ImportContext) -> Plan:
        plan = Plan()
        division = context.division
        lookups = {
            "tax_rate": (
                NameLookup(model=TaxRate, division_id=division.pk, noun="tax rate"),
                TaxRate.objects.filter(division=division).in_bulk(),
            ),
            "payment_term": (
                NameLookup(model=PaymentTerm, division_id=division.pk, noun="payment term"),
                PaymentTerm.objects.filter(division=division).in_bulk(),
            ),
        }
        # Tax rate and terms come along: the preview shows the ones an update replaces.
        customers = list(Customer.objects.filter(division=division).select_related("tax_rate", "payment_term"))
        by_number = {norm(customer.number): customer for customer in customers if customer.number}
        by_name = {norm(customer.display_name): customer for customer in customers}
        locations: dict[int, dict[str, ServiceLocation]] = {}
        for location in ServiceLocation.objects.filter(customer__division=division):
            locations.setdefault(location.customer_id, {})[norm(location.name)] = location
        claimed: dict[int, int] = {}
        new_names: dict[str, int] = {}
        for group in self._group(rows, context, plan):
            if group.invalid:
                continue
            values = dict(group.values)
            if not self._references(group, values, lookups, plan):
                continue
            current = self._match(group, values, by_number, by_name, plan)
            if current is False:
                continue
            if current is not None:
                if current.pk in claimed:
                    plan.error(group.first, "", f"Rows {claimed[current.pk]} and {group.first} are the same customer.")
                    continue
                claimed[current.pk] = group.first
            else:
                name = norm(values["display_name"])
                if name in new_names:
                    message = f"Row {new_names[name]} adds a customer with this display name already."
                    plan.error(group.first, self.header("display_name"), message)
                    continue
                new_names[name] = group.first
            self._plan_customer(group, values, current, locations, plan)
        return plan

    def _references(self, group: CustomerRows, values: dict, lookups: dict, plan: Plan) -> bool:
        """Replace tax rate and term names by the records; False when one is unknown."""
        found = True
        for name, (lookup, records) in lookups.items():
            if values.get(name) is None:
                continue
            try:
                values[name] = records[lookup.find(values[name])]
            except NotFound as error:
                plan.error(group.origin[name], self.header(name), str(error))
                found = False
        return found

    def _match(self, group, values, by_number, by_name, plan) -> Customer | bool | None:
        """The existing customer the rows are about, ``None`` for a new one, ``False`` after an error."""
        named = by_name.get(norm(values.get("display_name")))
        if values.get("number"):
            numbered = by_number.get(norm(values["number"]))
            if numbered is not None:
                if named is not None and named.pk != numbered.pk:
                    plan.error(
                        group.first,
                        self.header("display_name"),
                        f"Customer number {values['number']} is {numbered}, but “{named}” is another customer.",
                    )
                    return False
                return numbered
            if named is not None and named.number:
                plan.error(
                    group.first,
                    self.header("number"),
                    f"“{named}” exists with customer number {named.number}; use that number or another name.",
                )
                return False
        return named

    def _plan_customer(self, group, values, current, locations, plan) -> None:
        headers = {name: self.header(name) for name in CUSTOMER_KEYS}
        if current is None:
            customer = Customer(**values)
            changes = values
        else:
            changes = {name: value for name, value in values.items() if getattr(current, name) != value}
            customer = copy.copy(current)
            for name, value in changes.items():
                setattr(customer, name, value)
        try:
            customer.clean()
            customer.full_clean(
                exclude=["division", "tax_rate", "payment_term"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            model_errors(error, headers, group.first, plan, default_column=self.header("display_name"))
            return
        location_rows, location_changes = self._locations(group, current, locations, plan)
        if location_rows is None:
            return
        count = len(location_rows)
        label = customer.display_name + (f" · {count} service location{'s' if count != 1 else ''}" if count else "")
        rows = [row.number for row in group.rows]
        if current is None:
            describe = partial(self._changes, None, values, location_changes)
            plan.actions.append(Action("create", rows, label, (None, values, location_rows), describe))
        elif changes or location_changes:
            payload = (current, changes, location_rows if location_changes else None)
            describe = partial(self._changes, current, changes, location_changes)
            plan.actions.append(Action("update", rows, label, payload, describe))
        else:
            plan.actions.append(Action("skip", rows, label))

    def _locations(self, group, current, locations, plan) -> tuple[list | None, list[Change]]:
        """
        The customer's complete list of locations (kept ones by id), and what the rows change in it (nothing when
        the list stays as it is): locations added, with their address, and fields of existing ones, old → new.
        """
        stored = locations.get(current.pk, {}) if current is not None else {}
        result = {key: {"id": location.pk} for key, location in stored.items()}
        changed: list[Change] = []
        seen: dict[str, int] = {}
        for row in group.rows:
            name = row["location_name"]
            address = {field: row[key] for key, field in LOCATION_COLUMNS.items() if row[key] is not None}
            if name is None:
                if address:
                    plan.error(row.number, self.header("location_name"), "Give the service location a name.")
                    return None, []
                continue
            key = norm(name)
            if key in seen:
                plan.error(row.number, self.header("location_name"), f"This location is on row {seen[key]} already.")
                return None, []
            seen[key] = row.number
            location = stored.get(key)
            if location is None:
                candidate = ServiceLocation(name=name, **address)
                result[key] = {"name": name, **address}
                described = ", ".join(str(value) for value in address.values())
                field = self.header("location_name") + (" added" if current is not None else "")
                changed.append(Change(field, f"{name} · {described}" if described else name))
            else:
                differs = {field: value for field, value in address.items() if getattr(location, field) != value}
                candidate = copy.copy(location)
                for field, value in differs.items():
                    setattr(candidate, field, value)
                result[key].update(differs)
                changed += [
                    Change(f"{change.field} ({location.name})", change.new, change.old)
                    for change in changed_values(location, differs, self._location_columns)
                ]
            try:
                candidate.full_clean(exclude=["customer"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                headers = {field: self.header(key) for key, field in LOCATION_COLUMNS.items()}
                model_errors(error, {**headers, "name": self.header("location_name")}, row.number, plan)
                return None, []
        return list(result.values()), changed

    @cached_property
    def _location_columns(self) -> dict[str, Column]:
        """Service location field → its column."""
        return {field: self.column(key) for key, field in LOCATION_COLUMNS.items()}

    @cached_property
    def _customer_columns(self) -> dict[str, Column]:
        """Customer field → its column, in the template's order."""
        return {column.key: column for column in self.columns if column.key in CUSTOMER_KEYS}

    def _changes(self, current: Customer | None, values: dict, location_changes: list[Change]) -> list[Change]:
        """A new customer's values, or an existing one's changes (old → new); then its service locations'."""
        if current is None:
            return new_values(values, self._customer_columns) + location_changes
        return changed_values(current, values, self._customer_columns) + location_changes

    def write(self, *, action: Action, context: ImportContext) -> None:
        current, values, location_rows = action.payload
        if current is None:
            customer_services.customer_create(
                division=context.division, service_locations=location_rows or None, **values
            )
        else:
            customer_services.customer_update(customer=current, service_locations=location_rows, **values)
